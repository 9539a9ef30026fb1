/**
 * The record layer's alerts in a live session (PROTOCOL.md sections 1 and 4): once the
 * keys exist, a record changed in transit (one bit of the REQUEST, the flaw that let
 * tls_py's requested path be rewritten), replayed, dropped or reordered is answered with
 * bad_record_mac, encrypted; a header announcing more than the limit is answered with
 * record_overflow as soon as its five bytes are in (16,385 before the keys, 16,417 after);
 * an unknown content type or version with decode_error. A header at the limit waits for
 * its payload.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestPki, testPki } from '../support/identities.js';
import { expectAlertReceived, expectFatalAlert } from '../support/outcomes.js';
import { Relay } from '../support/relay.js';

const FILES = new Map([['notes.txt', new Uint8Array(40_000).fill(0x2a)]]);

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

/** A relay whose server waits for the REQUEST, which is held back. */
function requestHeld(): Relay {
  return new Relay(pki, { files: FILES }).start().runUntil('server', 'ExpectRequest').runUntil('client', 'ExpectFileHeader');
}

/** A relay whose client has the FILE_HEADER; the three FILE_DATA records and FILE_END are queued. */
function dataQueued(): Relay {
  return new Relay(pki, { files: FILES }).start().runUntil('client', 'ExpectFileData');
}

function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index]! ^= 1;
  return copy;
}

describe('bad_record_mac once the keys exist', () => {
  it.each([
    ['the first ciphertext byte (the REQUEST kind)', 5],
    ['a byte of the requested name', 12],
    ['the last byte of the MAC', -1],
  ])('one bit flipped in %s of the REQUEST → bad_record_mac, encrypted, and the client is told', (_, index) => {
    const relay = requestHeld();
    const request = relay.take('server').record;
    const output = relay.inject('server', flipped(request, index < 0 ? request.length + index : index));
    expect(expectFatalAlert(relay, 'server', output, 'bad_record_mac').reason).toMatch(/MAC check/);
    expect(relay.sentBy('server').at(-1)?.encrypted).toBe(true);
    expect(relay.events.server.some((event) => event.type === 'request')).toBe(false);
    expectAlertReceived(relay.client, relay.deliverTo('client'), 'bad_record_mac', relay.now);
  });

  it('a FILE_DATA record dropped → bad_record_mac at the next one', () => {
    const relay = dataQueued();
    relay.take('client');
    expectFatalAlert(relay, 'client', relay.deliverTo('client'), 'bad_record_mac');
    expect(relay.events.client.filter((event) => event.type === 'file-data')).toEqual([]);
  });

  it('a FILE_DATA record replayed → bad_record_mac', () => {
    const relay = dataQueued();
    const first = relay.nextTo('client').record;
    expect(relay.deliverTo('client').send).toEqual([]);
    expectFatalAlert(relay, 'client', relay.inject('client', first), 'bad_record_mac');
  });

  it('two records reordered (FILE_END before the last FILE_DATA) → bad_record_mac', () => {
    const relay = dataQueued();
    relay.deliverTo('client');
    relay.deliverTo('client');
    const lastData = relay.take('client');
    const end = relay.take('client');
    expect(lastData.plaintext[0]).toBe(3);
    expect(end.plaintext[0]).toBe(4);
    expectFatalAlert(relay, 'client', relay.inject('client', end.record), 'bad_record_mac');
  });

  it('a plaintext record where an encrypted one is due → bad_record_mac', () => {
    const relay = requestHeld();
    const request = relay.take('server');
    const plain = new Uint8Array([23, 3, 0, 0, request.plaintext.length, ...request.plaintext]);
    expectFatalAlert(relay, 'server', relay.inject('server', plain), 'bad_record_mac');
  });

  it('an encrypted record too short to hold a MAC → bad_record_mac', () => {
    const relay = requestHeld();
    expectFatalAlert(relay, 'server', relay.inject('server', new Uint8Array([23, 3, 0, 0, 31, ...new Uint8Array(31)])), 'bad_record_mac');
  });
});

describe('record_overflow and bad headers, as soon as the header is in', () => {
  it('16,385 payload bytes announced before the keys → record_overflow in plaintext, before any payload byte', () => {
    const relay = new Relay(pki, { files: FILES }).start();
    expect(relay.inject('server', new Uint8Array([22, 3, 0, 0x40])).send).toEqual([]);
    const output = relay.inject('server', new Uint8Array([0x01]));
    expect(expectFatalAlert(relay, 'server', output, 'record_overflow').reason).toMatch(/16385 bytes exceeds the 16384-byte limit/);
    expect(relay.sentBy('server').at(-1)?.encrypted).toBe(false);
  });

  it('16,384 bytes announced before the keys are waited for', () => {
    const relay = new Relay(pki, { files: FILES }).start();
    const output = relay.inject('server', new Uint8Array([22, 3, 0, 0x40, 0x00, 1, 2, 3]));
    expect(output.send).toEqual([]);
    expect(relay.server.stateName).toBe('ExpectClientHello');
  });

  it('16,417 payload bytes announced after the keys → record_overflow, encrypted; 16,416 are waited for', () => {
    const waiting = requestHeld();
    expect(waiting.inject('server', new Uint8Array([23, 3, 0, 0x40, 0x20, 9, 9])).send).toEqual([]);
    expect(waiting.server.stateName).toBe('ExpectRequest');

    const relay = requestHeld();
    const output = relay.inject('server', new Uint8Array([23, 3, 0, 0x40, 0x21]));
    expect(expectFatalAlert(relay, 'server', output, 'record_overflow').reason).toMatch(/16417 bytes exceeds the 16416-byte limit/);
    expect(relay.sentBy('server').at(-1)?.encrypted).toBe(true);
    expectAlertReceived(relay.client, relay.deliverTo('client'), 'record_overflow', relay.now);
  });

  it('on the client too: 16,417 announced while FILE_DATA is expected → record_overflow', () => {
    const relay = dataQueued();
    expectFatalAlert(relay, 'client', relay.inject('client', new Uint8Array([23, 3, 0, 0x40, 0x21])), 'record_overflow');
  });

  it.each([
    ['an unknown content type', [24, 3, 0, 0, 0]],
    ['change_cipher_spec (20), which this protocol does not have', [20, 3, 0, 0, 1]],
    ['version 3.3', [22, 3, 3, 0, 0]],
  ])('%s → decode_error at the fifth byte', (_, header) => {
    const relay = new Relay(pki, { files: FILES }).start();
    expect(relay.inject('server', Uint8Array.from(header.slice(0, 4))).send).toEqual([]);
    expectFatalAlert(relay, 'server', relay.inject('server', Uint8Array.from(header.slice(4))), 'decode_error');
  });

  it('an empty handshake record → decode_error', () => {
    const relay = new Relay(pki, { files: FILES }).start();
    expectFatalAlert(relay, 'server', relay.inject('server', new Uint8Array([22, 3, 0, 0, 0])), 'decode_error');
  });

  it('a record split byte by byte still reaches the state machine whole', () => {
    const relay = new Relay(pki, { files: FILES }).start();
    const hello = relay.take('server').record;
    for (const byte of hello.subarray(0, -1)) expect(relay.inject('server', new Uint8Array([byte])).send).toEqual([]);
    expect(relay.inject('server', hello.subarray(-1)).send).toHaveLength(1);
    expect(relay.server.stateName).toBe('ExpectClientKeyExchange');
  });
});

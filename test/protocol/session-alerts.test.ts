/**
 * How a session ends when something other than a malformed message goes wrong
 * (PROTOCOL.md sections 5 and 6, and the floods real TLS stacks cut short): a fatal
 * alert from the other side ends a peer at once, with nothing sent back; 32 empty
 * encrypted records in a row are tolerated and the 33rd is unexpected_message, as are 5
 * warning alerts in a row; close_notify before the response is an early close, not a
 * success; a lost connection mid-transfer fails without a byte sent, after the response it
 * is a clean end; the client refuses a file over its limit and data past the announced
 * size (decode_error) and a FILE_HEADER for a name it did not ask for (access_denied);
 * the server's refusals (access_denied, file_not_found) reach the client.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalProtocolError } from '../../source/protocol/alerts.js';
import type { StepEvent } from '../../source/protocol/events.js';
import { type TestPki, testPki } from '../support/identities.js';
import { ALERT, alertPayload, application, APPLICATION, CLOSE_NOTIFY } from '../support/messages.js';
import { closedEvent, expectAlertReceived, expectClosedEarly, expectFatalAlert, expectFailedChecklist } from '../support/outcomes.js';
import { Relay, type RelayOptions } from '../support/relay.js';

const FILE = new Uint8Array(20_000).fill(0x30);
const FILES = new Map([['notes.txt', FILE]]);

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

/** A client waiting for FILE_HEADER while the server's driver has not answered yet. */
const awaitingHeader = (options: RelayOptions = {}) =>
  new Relay(pki, { files: FILES, respond: false, ...options }).start().runUntil('server', 'Responding');

describe('fatal alerts received', () => {
  it.each([
    ['a server alert before the keys', 'client', () => new Relay(pki, { files: FILES }).start()],
    ['a client alert before the keys', 'server', () => new Relay(pki, { files: FILES }).start().runUntil('server', 'ExpectClientKeyExchange')],
    ['an encrypted server alert mid-transfer', 'client', () => new Relay(pki, { files: FILES }).start().runUntil('client', 'ExpectFileData')],
    ['an encrypted client alert while the server prepares its answer', 'server', () => awaitingHeader()],
  ] as const)('%s ends the peer Failed (alert_received), sending nothing back', (_, role, reach) => {
    const relay = reach();
    const payload = alertPayload('fatal', 'internal_error', 'the disk is on fire');
    const output = relay.inject(role, relay.forge(role, ALERT, payload));
    expectAlertReceived(relay.peer(role), output, 'internal_error', relay.now);
    expect(closedEvent(output.events).reason).toContain('the disk is on fire');
  });

  it('a fatal alert with a code this protocol does not define still ends the session', () => {
    const relay = awaitingHeader();
    const output = relay.inject('client', relay.forge('client', ALERT, Uint8Array.from([2, 123, 0, 0])));
    expect(output.send).toEqual([]);
    expect(closedEvent(output.events)).toMatchObject({ how: 'alert_received', alert: { level: 'fatal', description: 123 } });
    expectFailedChecklist(relay.client, output.events, 'unknown(123)', 'stopped');
  });
});

describe('floods', () => {
  const emptyRecord = (relay: Relay) => relay.forge('client', APPLICATION, new Uint8Array(0));

  it('32 empty encrypted records in a row are tolerated; the 33rd → unexpected_message', () => {
    const relay = awaitingHeader();
    for (let count = 1; count <= 32; count += 1) expect(relay.inject('client', emptyRecord(relay)).send, `record ${count}`).toEqual([]);
    expect(relay.client.stateName).toBe('ExpectFileHeader');
    expect(expectFatalAlert(relay, 'client', relay.inject('client', emptyRecord(relay)), 'unexpected_message').reason).toMatch(/33 empty records in a row/);
  });

  it('a non-empty record resets the count of empty ones', () => {
    const relay = awaitingHeader();
    for (let count = 0; count < 32; count += 1) relay.inject('client', emptyRecord(relay));
    relay.inject('client', relay.forge('client', APPLICATION, application({ name: 'FILE_HEADER', fileName: 'notes.txt', size: 5 })));
    expect(relay.client.stateName).toBe('ExpectFileData');
    for (let count = 0; count < 32; count += 1) expect(relay.inject('client', emptyRecord(relay)).send).toEqual([]);
    expectFatalAlert(relay, 'client', relay.inject('client', emptyRecord(relay)), 'unexpected_message');
  });

  it('an empty application-data record before the keys → unexpected_message', () => {
    const relay = new Relay(pki, { files: FILES }).start();
    expectFatalAlert(relay, 'server', relay.inject('server', new Uint8Array([23, 3, 0, 0, 0])), 'unexpected_message');
  });

  it.each([
    ['in plaintext, before the keys', () => new Relay(pki, { files: FILES }).start(), 'server'],
    ['encrypted, after the keys', () => awaitingHeader(), 'client'],
  ] as const)('4 warning alerts in a row are tolerated, the 5th → unexpected_message (%s)', (_, reach, role) => {
    const relay = reach();
    const warning = () => relay.forge(role, ALERT, alertPayload('warning', 'access_denied', 'just saying'));
    for (let count = 1; count <= 4; count += 1) expect(relay.inject(role, warning()).send, `warning ${count}`).toEqual([]);
    expect(relay.peer(role).isFinished).toBe(false);
    expect(expectFatalAlert(relay, role, relay.inject(role, warning()), 'unexpected_message').reason).toMatch(/5 warning alerts in a row/);
  });

  it('another record resets the count of warning alerts', () => {
    const relay = new Relay(pki, { files: FILES }).start();
    const warning = () => relay.forge('server', ALERT, alertPayload('warning', 'bad_certificate'));
    for (let count = 0; count < 4; count += 1) relay.inject('server', warning());
    relay.deliverTo('server');
    expect(relay.server.stateName).toBe('ExpectClientKeyExchange');
    for (let count = 0; count < 4; count += 1) expect(relay.inject('server', warning()).send).toEqual([]);
    expectFatalAlert(relay, 'server', relay.inject('server', warning()), 'unexpected_message');
  });
});

describe('ends that are not alerts', () => {
  it('close_notify from the server before the response completes: the client answers close_notify and fails, saying the server closed early', () => {
    const relay = awaitingHeader();
    const output = relay.inject('client', relay.forge('client', ALERT, CLOSE_NOTIFY));
    expectClosedEarly(relay, 'client', output);
    expect(relay.client.failure?.reason).toMatch(/^the server closed the connection while this client expected FILE_HEADER/);
    expect(closedEvent(output.events).ok).toBe(false);
  });

  it('close_notify from the client before its request: the server answers close_notify and fails', () => {
    const relay = new Relay(pki, { files: FILES }).start().runUntil('server', 'ExpectRequest');
    expectClosedEarly(relay, 'server', relay.inject('server', relay.forge('server', ALERT, CLOSE_NOTIFY)));
  });

  it('the connection lost mid-transfer: Failed, connection_lost, its step stopped (nothing caught here), not a byte sent', () => {
    const relay = new Relay(pki, { files: FILES }).start().runUntil('client', 'ExpectFileData');
    const output = relay.client.connectionLost('ECONNRESET', relay.now);
    expect(output.send).toEqual([]);
    expect(relay.client.stateName).toBe('Failed');
    expect(closedEvent(output.events)).toMatchObject({ how: 'connection_lost', ok: false });
    expect(closedEvent(output.events).alert).toBeUndefined();
    expectFailedChecklist(relay.client, output.events, 'connection lost: ECONNRESET', 'stopped');
    // Nobody closed it: the Close step did not happen, rather than a ✔ beside "connection lost".
    expect(relay.client.stepStatus('close')).toBe('skipped');
    expect(output.events.filter((event): event is StepEvent => event.type === 'step' && event.step === 'close').map((event) => event.detail)).toEqual(['connection lost']);
    expect(() => relay.client.receive(new Uint8Array(1), relay.now)).toThrow(LocalProtocolError);
  });

  it('the connection lost mid-handshake on the server: Failed, connection_lost, its step stopped, not a byte sent', () => {
    const relay = new Relay(pki, { files: FILES }).start().runUntil('server', 'ExpectClientKeyExchange');
    const output = relay.server.connectionLost('EOF', relay.now);
    expect(output.send).toEqual([]);
    expect(relay.server.stateName).toBe('Failed');
    expectFailedChecklist(relay.server, output.events, 'EOF', 'stopped');
  });

  it('the connection lost once the response is complete: Closed', () => {
    const relay = new Relay(pki, { files: FILES, closeWhenComplete: false }).start().runUntil('client', 'ResponseComplete');
    const output = relay.client.connectionLost('EOF', relay.now);
    expect(output.send).toEqual([]);
    expect(relay.client.stateName).toBe('Closed');
    expect(relay.client.failure).toBeUndefined();
    expect(closedEvent(output.events)).toMatchObject({ how: 'connection_lost', ok: true });
  });

  it('the connection lost while the server waits for the final close_notify: Closed', () => {
    const relay = new Relay(pki, { files: FILES }).start().runUntil('server', 'ExpectCloseNotify');
    relay.server.connectionLost('EOF', relay.now);
    expect(relay.server.stateName).toBe('Closed');
  });
});

describe('a peer that gives up on its own', () => {
  it('abort(internal_error) while waiting for the response sends the alert encrypted, and the server fails on it', () => {
    const relay = awaitingHeader();
    const output = relay.act('client', relay.client.abort('internal_error', 'the disk is full', relay.now));
    expect(expectFatalAlert(relay, 'client', output, 'internal_error').reason).toBe('the disk is full');
    expect(relay.sentBy('client').at(-1)?.encrypted).toBe(true);
    expectAlertReceived(relay.server, relay.drainTo('server'), 'internal_error', relay.now);
  });
});

describe('what the client refuses in the response', () => {
  it('a FILE_HEADER over maxFileBytes → decode_error; exactly the limit is accepted', () => {
    const refused = new Relay(pki, { files: FILES, client: { maxFileBytes: FILE.length - 1 } }).start().runUntil('server', 'ExpectCloseNotify');
    // Sizes a byte apart must not read the same once rounded: the reason gives the bytes.
    const reason = expectFatalAlert(refused, 'client', refused.deliverTo('client'), 'decode_error').reason;
    expect(reason).toContain(`(${FILE.length.toLocaleString('en-US')} bytes), over this client's`);
    expect(reason).toContain(`(${(FILE.length - 1).toLocaleString('en-US')} bytes) limit (--max-size)`);
    expect(refused.events.client.some((event) => event.type === 'file-data')).toBe(false);

    const accepted = new Relay(pki, { files: FILES, client: { maxFileBytes: FILE.length } }).start().run();
    expect(accepted.client.stateName).toBe('Closed');
  });

  it('FILE_DATA beyond the announced size → decode_error', () => {
    const relay = new Relay(pki, { files: FILES }).start().runUntil('client', 'ExpectFileData');
    relay.deliverTo('client');
    relay.take('client');
    const tooMuch = application({ name: 'FILE_DATA', data: new Uint8Array(FILE.length - 16_383 + 1) });
    expect(expectFatalAlert(relay, 'client', relay.inject('client', relay.forge('client', APPLICATION, tooMuch)), 'decode_error').reason).toMatch(/more than the 20000 announced/);
  });

  it('a FILE_HEADER for another name than the one requested → access_denied', () => {
    const relay = awaitingHeader();
    const header = application({ name: 'FILE_HEADER', fileName: '../../etc/passwd', size: 3 });
    const alert = expectFatalAlert(relay, 'client', relay.inject('client', relay.forge('client', APPLICATION, header)), 'access_denied');
    expect(alert.reason).toBe('the server sent "../../etc/passwd", but "notes.txt" was requested');
  });
});

describe("the server's refusals", () => {
  it('refuse(access_denied) sends the alert encrypted, and the client fails on it', () => {
    const relay = awaitingHeader();
    const output = relay.act('server', relay.server.refuse('access_denied', '"notes.txt" leaves the public folder', relay.now));
    expect(expectFatalAlert(relay, 'server', output, 'access_denied').reason).toBe('"notes.txt" leaves the public folder');
    expect(relay.sentBy('server').at(-1)?.encrypted).toBe(true);
    expectAlertReceived(relay.client, relay.deliverTo('client'), 'access_denied', relay.now);
    expect(relay.client.failure?.reason).toContain('leaves the public folder');
  });

  it('a GET for a missing file → file_not_found, at the resolve step', () => {
    const relay = new Relay(pki, { files: new Map() }).start().runUntil('server', 'Failed');
    expect(relay.server.failure?.alert?.description).toBe(200);
    expect(relay.events.server.find((event) => event.type === 'step' && event.status === 'failed')).toMatchObject({ step: 'resolve-request' });
    expectAlertReceived(relay.client, relay.deliverTo('client'), 'file_not_found', relay.now);
  });

  it('a REQUEST whose name is not UTF-8 → access_denied', () => {
    const relay = new Relay(pki, { files: FILES }).start().runUntil('server', 'ExpectRequest').runUntil('client', 'ExpectFileHeader');
    relay.take('server');
    const request = application({ name: 'REQUEST', op: 'GET', fileName: Uint8Array.from([0x6e, 0xff, 0xfe]) });
    expect(expectFatalAlert(relay, 'server', relay.inject('server', relay.forge('server', APPLICATION, request)), 'access_denied').reason).toMatch(/not valid UTF-8/);
  });

  it('refuse() with no request pending is a LocalProtocolError, and changes nothing', () => {
    const relay = new Relay(pki, { files: FILES }).start();
    expect(() => relay.server.refuse('access_denied', 'no', relay.now)).toThrow(LocalProtocolError);
    expect(relay.server.stateName).toBe('ExpectClientHello');
  });
});

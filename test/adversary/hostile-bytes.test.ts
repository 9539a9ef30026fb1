/**
 * Hostile bytes against a real `tls-tui server` process (test/support/server-process.ts),
 * over raw sockets on 127.0.0.1. Instead of a hello: an HTTP request, an SSH banner, real
 * TLS 1.2 and 1.3 ClientHellos, zero bytes and 16 KB of random garbage (decode_error); a
 * record announcing more than 16,384 bytes (record_overflow, before any payload is sent);
 * a handshake message over 16 KiB, one claiming more bytes than its record holds, and a
 * hello carrying a certificate over 8 KiB; five warning alerts in a row (unexpected_message;
 * four, then a normal session, pass). After the handshake, through a wire client that
 * holds its REQUEST back: 33 empty records and five warning alerts in a row
 * (unexpected_message, encrypted; 32 and four are tolerated and the file still arrives) and
 * a record header over the encrypted limit (record_overflow). Each refusal is one fatal
 * alert and a closed connection; after each case the server is alive, its memory bounded,
 * its descriptors back to the baseline, and an honest client is served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CODES, type AlertName } from '../../source/protocol/alerts.js';
import { encodeAlert } from '../../source/protocol/alert-message.js';
import { encodeHandshake } from '../../source/protocol/handshake-messages.js';
import { CONTENT_TYPE } from '../../source/protocol/record.js';
import { concat, seededBytes } from '../support/fuzz.js';
import { onlyAlert } from '../support/net-harness.js';
import { closedWithin, openRaw, type ServerUnderTest, startServerProcess } from '../support/server-process.js';
import { WireClient } from '../support/wire-client.js';

const SLACK_MS = 3_000;
const FILE = seededBytes(40_000, 11);

let server: ServerUnderTest;
const survived: string[] = [];

beforeAll(async () => {
  server = await startServerProcess({ files: { 'file.bin': FILE } });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

const header = (type: number, length: number, version = 0x0300) => Uint8Array.from([type, version >> 8, version & 0xff, length >> 8, length & 0xff]);
const record = (type: number, payload: Uint8Array) => concat([header(type, payload.length), payload]);
const warning = (description: number) => encodeAlert({ level: 'warning', description, reason: 'just so you know' });
/** A real TLS 1.2 ClientHello's first bytes (record version 0x0301, as browsers send). */
const TLS12_HELLO = Uint8Array.from([22, 3, 1, 0, 0x2f, 1, 0, 0, 0x2b, 3, 3, ...seededBytes(32, 5), 0, 0, 2, 0xc0, 0x2f, 1, 0]);
const TLS13_HELLO = Uint8Array.from([22, 3, 1, 0, 0x2f, 1, 0, 0, 0x2b, 3, 3, ...seededBytes(32, 6), 0, 0, 2, 0x13, 0x01, 1, 0]);

function garbage(length: number, seed: number): Uint8Array {
  const bytes = seededBytes(length, seed);
  bytes[0] = 0x80 | bytes[0]!; // never 21, 22 or 23
  return bytes;
}

function helloWithCertificate(length: number): Uint8Array {
  return encodeHandshake({ name: 'CLIENT_HELLO', random: seededBytes(32, 9), certificate: seededBytes(length, 10) });
}

function claimingMoreThanItHolds(): Uint8Array {
  const payload = new Uint8Array(16_384);
  payload.set([1, 0, 0x4e, 0x20]); // CLIENT_HELLO, u24 length 20,000
  return payload;
}

const RAW_CASES: ReadonlyArray<readonly [string, Uint8Array, AlertName]> = [
  ['an HTTP request', new TextEncoder().encode('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'), 'decode_error'],
  ['an SSH banner', new TextEncoder().encode('SSH-2.0-OpenSSH_9.6\r\n'), 'decode_error'],
  ['a TLS 1.2 ClientHello', TLS12_HELLO, 'decode_error'],
  ['a TLS 1.3 ClientHello', TLS13_HELLO, 'decode_error'],
  ['five zero bytes', new Uint8Array(5), 'decode_error'],
  ['16 KB of random garbage', garbage(16_000, 1), 'decode_error'],
  ['1 KB of random garbage, a second kind', garbage(1_000, 2), 'decode_error'],
  ['a record header announcing 16,385 bytes, and no payload', header(22, 16_385), 'record_overflow'],
  ['a record header announcing 65,535 bytes', header(23, 65_535), 'record_overflow'],
  ['a handshake message over 16 KiB (a 17,000-byte record)', concat([header(22, 17_000), seededBytes(17_000, 3)]), 'record_overflow'],
  ['a handshake message claiming 20,000 bytes in a full 16 KiB record', record(22, claimingMoreThanItHolds()), 'decode_error'],
  ['a CLIENT_HELLO carrying a 9 KiB certificate', record(22, helloWithCertificate(9 * 1024)), 'decode_error'],
  ['an empty handshake record', header(22, 0), 'decode_error'],
  ['plaintext application data before the handshake', record(23, Uint8Array.from([1, 2, 0, 1, 0x61])), 'unexpected_message'],
  ['5 warning alerts in a row', concat(Array.from({ length: 5 }, () => record(21, warning(ALERT_CODES.bad_certificate)))), 'unexpected_message'],
];

describe('bytes that are not a hello, from a raw socket', () => {
  it.each(RAW_CASES)('%s → one fatal %s alert, and the connection closes', async (label, bytes, alert) => {
    const raw = await openRaw(server.port);
    raw.socket.write(bytes);
    await closedWithin(raw, raw.openedAt, SLACK_MS);
    expect(onlyAlert(raw.received())).toMatchObject({ level: 2, description: ALERT_CODES[alert] });
    await server.expectHealthy();
    survived.push(label);
  }, 20_000);

  it('four warning alerts before CLIENT_HELLO are tolerated: the session then completes', async () => {
    const client = await WireClient.connect(server.port, server.identity, { request: { op: 'GET', name: 'file.bin' } });
    client.write(concat(Array.from({ length: 4 }, () => record(21, warning(ALERT_CODES.unexpected_message)))));
    client.start();
    await client.until((wire) => wire.closedEvent !== undefined, 10_000, 'the end of the session');
    expect(client.closedEvent).toMatchObject({ ok: true });
    expect(client.events.some((event) => event.type === 'file-verified')).toBe(true);
    await server.expectHealthy();
  }, 20_000);
});

/** A wire client that has finished the handshake and holds its REQUEST back. */
async function holdingRequest(): Promise<{ client: WireClient; request: () => Uint8Array }> {
  let held: Uint8Array | undefined;
  const client = await WireClient.connect(server.port, server.identity, {
    request: { op: 'GET', name: 'file.bin' },
    outgoing: (outgoing) => {
      if (!outgoing.message.startsWith('REQUEST')) return 'send';
      held = outgoing.plaintext;
      return 'hold';
    },
  });
  client.start();
  await client.until(() => held !== undefined, 10_000, 'the handshake');
  return { client, request: () => client.forge(CONTENT_TYPE.application_data, held!) };
}

async function expectServerAlert(client: WireClient, alert: AlertName): Promise<void> {
  await client.until((wire) => wire.closedEvent !== undefined, SLACK_MS, "the server's alert");
  expect(client.serverAlert).toMatchObject({ level: 'fatal', description: ALERT_CODES[alert] });
  await client.until((wire) => wire.isClosed, SLACK_MS, 'the close');
}

async function expectServed(client: WireClient, request: Uint8Array): Promise<void> {
  client.write(request);
  await client.until((wire) => wire.closedEvent !== undefined, 10_000, 'the file');
  expect(client.events.filter((event) => event.type === 'file-verified')).toHaveLength(1);
  expect(client.closedEvent).toMatchObject({ ok: true });
}

describe('floods after the handshake, from a wire client', () => {
  const empty = (client: WireClient) => client.forge(CONTENT_TYPE.application_data, new Uint8Array(0));
  const warn = (client: WireClient) => client.forge(CONTENT_TYPE.alert, warning(ALERT_CODES.decrypt_error));

  it('33 empty encrypted records in a row → unexpected_message, encrypted, and the connection closes', async () => {
    const { client } = await holdingRequest();
    client.write(concat(Array.from({ length: 33 }, () => empty(client))));
    await expectServerAlert(client, 'unexpected_message');
    expect(client.serverAlert?.reason).toMatch(/33 empty records/);
    await server.expectHealthy();
    survived.push('33 empty records');
  }, 20_000);

  it('32 empty encrypted records are tolerated: the REQUEST after them is served', async () => {
    const { client, request } = await holdingRequest();
    client.write(concat(Array.from({ length: 32 }, () => empty(client))));
    await expectServed(client, request());
    await server.expectHealthy();
  }, 20_000);

  it('5 encrypted warning alerts in a row → unexpected_message; 4 are tolerated', async () => {
    const flooded = await holdingRequest();
    flooded.client.write(concat(Array.from({ length: 5 }, () => warn(flooded.client))));
    await expectServerAlert(flooded.client, 'unexpected_message');
    expect(flooded.client.serverAlert?.reason).toMatch(/5 warning alerts/);
    const tolerated = await holdingRequest();
    tolerated.client.write(concat(Array.from({ length: 4 }, () => warn(tolerated.client))));
    await expectServed(tolerated.client, tolerated.request());
    await server.expectHealthy();
    survived.push('5 warning alerts after the handshake');
  }, 20_000);

  it('a record header announcing 16,417 bytes after the keys → record_overflow, encrypted', async () => {
    const { client } = await holdingRequest();
    client.write(header(23, 16_417));
    await expectServerAlert(client, 'record_overflow');
    await server.expectHealthy();
    survived.push('a record over the encrypted limit');
  }, 20_000);
});

describe('the figures', () => {
  it('every case above was survived, and every honest client was served', () => {
    expect(survived.length).toBe(RAW_CASES.length + 3);
    expect(server.honest.every((result) => result.ok)).toBe(true);
    expect(server.honest.length).toBeGreaterThanOrEqual(survived.length);
  });
});

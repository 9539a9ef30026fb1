/**
 * The message codecs (PROTOCOL.md sections 2, 5 and 6) encode exactly the documented
 * layouts and decode what they encode. Round trips are fast-check properties over every
 * handshake message, every application message (LIST_RESPONSE with many entries and
 * either `more`) and alerts, with a fixed seed so a failure replays; the byte layouts are
 * checked against bytes built by hand from the tables (CLIENT_HELLO's header, the key
 * exchange vectors, FINISHED, REQUEST, FILE_HEADER with its u64 size, FILE_END,
 * LIST_RESPONSE and alerts). The decoding errors live in codec-errors.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALERT_CODES, type Alert } from '../../source/protocol/alerts.js';
import { decodeAlert, encodeAlert } from '../../source/protocol/alert-message.js';
import { type ApplicationMessage, decodeApplication, encodeApplication, type ListEntry } from '../../source/protocol/application-messages.js';
import { decodeHandshake, encodeHandshake, HANDSHAKE_TYPE, type HandshakeMessage } from '../../source/protocol/handshake-messages.js';
import { MAX_PLAINTEXT_BYTES } from '../../source/protocol/record.js';

const RUNS = { seed: 42, numRuns: 200 } as const;

const bytes = (minLength: number, maxLength: number) => fc.uint8Array({ minLength, maxLength });
const fileName = fc.string({ unit: 'binary', maxLength: 40 });
const size = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

const handshakeMessage: fc.Arbitrary<HandshakeMessage> = fc.oneof(
  fc.record({ name: fc.constantFrom('CLIENT_HELLO' as const, 'SERVER_HELLO' as const), random: bytes(32, 32), certificate: bytes(0, 700) }),
  fc.record({ name: fc.constantFrom('CLIENT_KEY_EXCHANGE' as const, 'SERVER_KEY_EXCHANGE' as const), encryptedSecret: bytes(0, 600) }),
  fc.record({ name: fc.constant('CERTIFICATE_VERIFY' as const), signature: bytes(0, 600) }),
  fc.record({ name: fc.constant('FINISHED' as const), verifyData: bytes(32, 32) }),
);

const listEntry: fc.Arbitrary<ListEntry> = fc.record({ name: fileName, size });

const applicationMessage: fc.Arbitrary<ApplicationMessage> = fc.oneof(
  fc.constant({ name: 'REQUEST' as const, op: 'LIST' as const, fileName: new Uint8Array(0) }),
  fc.record({ name: fc.constant('REQUEST' as const), op: fc.constant('GET' as const), fileName: bytes(1, 1024) }),
  fc.record({ name: fc.constant('FILE_HEADER' as const), fileName, size }),
  fc.record({ name: fc.constant('FILE_DATA' as const), data: bytes(0, 3000) }),
  fc.record({ name: fc.constant('FILE_END' as const), sha256: bytes(32, 32), signature: bytes(0, 600) }),
  fc.record({ name: fc.constant('LIST_RESPONSE' as const), more: fc.boolean(), entries: fc.array(listEntry, { maxLength: 80 }) }),
);

const alert: fc.Arbitrary<Alert> = fc.record({
  level: fc.constantFrom('warning' as const, 'fatal' as const),
  description: fc.integer({ min: 0, max: 255 }),
  reason: fc.string({ unit: 'binary', maxLength: 200 }),
});

const u24 = (value: number) => [value >> 16, (value >> 8) & 0xff, value & 0xff];
const ascii = (text: string) => [...Buffer.from(text, 'utf8')];
const range = (length: number, start = 0) => Array.from({ length }, (_, index) => (start + index) & 0xff);

describe('round trips', () => {
  it('every handshake message decodes to itself, framed as msg_type | u24 length | body', () => {
    fc.assert(
      fc.property(handshakeMessage, (message) => {
        const encoded = encodeHandshake(message);
        expect(encoded[0]).toBe(HANDSHAKE_TYPE[message.name]);
        expect((encoded[1]! << 16) | (encoded[2]! << 8) | encoded[3]!).toBe(encoded.length - 4);
        expect(decodeHandshake(encoded)).toEqual(message);
        expect(encodeHandshake(decodeHandshake(encoded))).toEqual(encoded);
      }),
      RUNS,
    );
  });

  it('every application message decodes to itself', () => {
    fc.assert(
      fc.property(applicationMessage, (message) => {
        const encoded = encodeApplication(message);
        expect(decodeApplication(encoded)).toEqual(message);
        expect(encodeApplication(decodeApplication(encoded))).toEqual(encoded);
      }),
      RUNS,
    );
  });

  it('every alert decodes to itself', () => {
    fc.assert(
      fc.property(alert, (original) => {
        expect(decodeAlert(encodeAlert(original))).toEqual(original);
      }),
      RUNS,
    );
  });

  it('a LIST_RESPONSE filling a whole record with 1,092 entries keeps them all, in order, with `more` either way', () => {
    // 4 bytes of kind, more and count, then 1,092 entries of 2 + 5 + 8 bytes: exactly 16,384.
    const entries = Array.from({ length: 1092 }, (_, index) => ({ name: `f${String(index).padStart(4, '0')}`, size: index * 1_000_003 }));
    for (const more of [true, false]) {
      const encoded = encodeApplication({ name: 'LIST_RESPONSE', more, entries });
      expect(encoded.length).toBe(MAX_PLAINTEXT_BYTES);
      expect(decodeApplication(encoded)).toEqual({ name: 'LIST_RESPONSE', more, entries });
    }
    expect(() => encodeApplication({ name: 'LIST_RESPONSE', more: false, entries: [...entries, { name: 'g', size: 0 }] })).toThrow(RangeError);
  });

  it('a long alert reason is cut so the alert still fits, and still decodes', () => {
    const reason = 'é'.repeat(5000);
    const decoded = decodeAlert(encodeAlert({ level: 'fatal', description: ALERT_CODES.internal_error, reason }));
    expect(Buffer.byteLength(decoded.reason)).toBeLessThanOrEqual(1024 + 3);
    expect(reason.startsWith(decoded.reason.replace(/…$/, ''))).toBe(true);
    expect(decoded.reason.endsWith('…')).toBe(true);
  });
});

describe('byte layouts, against bytes built by hand', () => {
  it('CLIENT_HELLO: 1 | u24 length | random[32] | certificate<u16>', () => {
    const certificate = Uint8Array.from(ascii('CERT'));
    const encoded = encodeHandshake({ name: 'CLIENT_HELLO', random: Uint8Array.from(range(32)), certificate });
    expect([...encoded]).toEqual([1, ...u24(38), ...range(32), 0, 4, ...ascii('CERT')]);
    const server = encodeHandshake({ name: 'SERVER_HELLO', random: Uint8Array.from(range(32, 100)), certificate: new Uint8Array(300) });
    expect([...server.subarray(0, 4)]).toEqual([2, ...u24(334)]);
    expect([...server.subarray(36, 38)]).toEqual([1, 44]);
  });

  it('the key exchange messages and CERTIFICATE_VERIFY: msg_type | u24 length | vector<u16>', () => {
    const blob = Uint8Array.from(range(256, 9));
    expect([...encodeHandshake({ name: 'CLIENT_KEY_EXCHANGE', encryptedSecret: blob })]).toEqual([16, ...u24(258), 1, 0, ...range(256, 9)]);
    expect([...encodeHandshake({ name: 'SERVER_KEY_EXCHANGE', encryptedSecret: blob })]).toEqual([12, ...u24(258), 1, 0, ...range(256, 9)]);
    expect([...encodeHandshake({ name: 'CERTIFICATE_VERIFY', signature: blob })]).toEqual([15, ...u24(258), 1, 0, ...range(256, 9)]);
  });

  it('FINISHED: 20 | u24 32 | verify_data[32]', () => {
    expect([...encodeHandshake({ name: 'FINISHED', verifyData: Uint8Array.from(range(32, 200)) })]).toEqual([20, 0, 0, 32, ...range(32, 200)]);
  });

  it('REQUEST: kind 1 | op (1 LIST, 2 GET) | name<u16>', () => {
    expect([...encodeApplication({ name: 'REQUEST', op: 'GET', fileName: Uint8Array.from(ascii('docs/a.txt')) })]).toEqual([1, 2, 0, 10, ...ascii('docs/a.txt')]);
    expect([...encodeApplication({ name: 'REQUEST', op: 'LIST', fileName: new Uint8Array(0) })]).toEqual([1, 1, 0, 0]);
  });

  it('FILE_HEADER: kind 2 | name<u16> | size u64 big-endian', () => {
    expect([...encodeApplication({ name: 'FILE_HEADER', fileName: 'ä.bin', size: 0x01_0203_0405 })]).toEqual([2, 0, 6, ...ascii('ä.bin'), 0, 0, 0, 1, 2, 3, 4, 5]);
    expect([...encodeApplication({ name: 'FILE_HEADER', fileName: 'x', size: Number.MAX_SAFE_INTEGER })]).toEqual([2, 0, 1, 120, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect([...encodeApplication({ name: 'FILE_HEADER', fileName: 'x', size: 4 * 1024 ** 3 })]).toEqual([2, 0, 1, 120, 0, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('FILE_DATA, FILE_END and LIST_RESPONSE', () => {
    expect([...encodeApplication({ name: 'FILE_DATA', data: Uint8Array.from([9, 8, 7]) })]).toEqual([3, 9, 8, 7]);
    const fileEnd = encodeApplication({ name: 'FILE_END', sha256: Uint8Array.from(range(32, 50)), signature: Uint8Array.from(range(256)) });
    expect([...fileEnd]).toEqual([4, ...range(32, 50), 1, 0, ...range(256)]);
    const list = encodeApplication({ name: 'LIST_RESPONSE', more: true, entries: [{ name: 'a', size: 1 }, { name: 'bc', size: 258 }] });
    expect([...list]).toEqual([5, 1, 0, 2, 0, 1, 97, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 98, 99, 0, 0, 0, 0, 0, 0, 1, 2]);
    expect([...encodeApplication({ name: 'LIST_RESPONSE', more: false, entries: [] })]).toEqual([5, 0, 0, 0]);
  });

  it('alerts: level (1 warning, 2 fatal) | description | reason<u16>', () => {
    expect([...encodeAlert({ level: 'fatal', description: ALERT_CODES.decode_error, reason: 'bad' })]).toEqual([2, 50, 0, 3, 98, 97, 100]);
    expect([...encodeAlert({ level: 'warning', description: ALERT_CODES.close_notify, reason: '' })]).toEqual([1, 0, 0, 0]);
  });

  it('the alert codes are the table of section 6', () => {
    expect(ALERT_CODES).toEqual({
      close_notify: 0, unexpected_message: 10, bad_record_mac: 20, record_overflow: 22, handshake_failure: 40, bad_certificate: 42, certificate_expired: 45,
      unknown_ca: 48, access_denied: 49, decode_error: 50, decrypt_error: 51, internal_error: 80, timeout: 90, file_not_found: 200,
    });
  });
});

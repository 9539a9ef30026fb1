/**
 * What the message decoders refuse (PROTOCOL.md sections 2, 5 and 6, section 7's
 * certificate limit): a handshake length field that is not the rest of the payload (0,
 * one short, one long, 0xffffff), a body cut short at every length, trailing bytes, a
 * FINISHED of 31 or 33 bytes, a certificate over 8 KiB, a REQUEST op that is neither
 * LIST nor GET, a LIST carrying a name, an alert level other than 1 or 2: all
 * decode_error, raised as a RemoteProtocolError. A handshake type or application kind the
 * protocol does not define is unexpected_message. fast-check adds random garbage, which
 * must be refused with one of those alerts and never with any other error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AlertName, RemoteProtocolError } from '../../source/protocol/alerts.js';
import { decodeAlert, encodeAlert } from '../../source/protocol/alert-message.js';
import { decodeApplication, encodeApplication } from '../../source/protocol/application-messages.js';
import { decodeHandshake, encodeHandshake, type HandshakeMessage } from '../../source/protocol/handshake-messages.js';

function alertOf(action: () => unknown): AlertName {
  try {
    action();
  } catch (error) {
    if (!(error instanceof RemoteProtocolError)) throw error;
    return error.alert;
  }
  throw new Error('expected the decoder to refuse, but it accepted');
}

function withLength(payload: Uint8Array, length: number): Uint8Array {
  const out = payload.slice();
  out[1] = (length >> 16) & 0xff;
  out[2] = (length >> 8) & 0xff;
  out[3] = length & 0xff;
  return out;
}

const filled = (length: number, value = 0x33) => new Uint8Array(length).fill(value);

const HANDSHAKES: HandshakeMessage[] = [
  { name: 'CLIENT_HELLO', random: filled(32, 1), certificate: filled(120, 2) },
  { name: 'SERVER_HELLO', random: filled(32, 3), certificate: filled(1, 4) },
  { name: 'CLIENT_KEY_EXCHANGE', encryptedSecret: filled(256, 5) },
  { name: 'SERVER_KEY_EXCHANGE', encryptedSecret: filled(256, 6) },
  { name: 'CERTIFICATE_VERIFY', signature: filled(256, 7) },
  { name: 'FINISHED', verifyData: filled(32, 8) },
];

const APPLICATIONS = {
  'REQUEST GET': encodeApplication({ name: 'REQUEST', op: 'GET', fileName: new TextEncoder().encode('a.txt') }),
  'REQUEST LIST': encodeApplication({ name: 'REQUEST', op: 'LIST', fileName: new Uint8Array(0) }),
  FILE_HEADER: encodeApplication({ name: 'FILE_HEADER', fileName: 'a.txt', size: 70_000 }),
  FILE_END: encodeApplication({ name: 'FILE_END', sha256: filled(32), signature: filled(256) }),
  LIST_RESPONSE: encodeApplication({ name: 'LIST_RESPONSE', more: true, entries: [{ name: 'a', size: 1 }, { name: 'bb', size: 2 }] }),
};

describe('handshake framing', () => {
  it.each(HANDSHAKES.map((message) => [message.name, encodeHandshake(message)] as const))('%s with a length field of 0, -1, +1 or 0xffffff → decode_error', (_, encoded) => {
    const actual = encoded.length - 4;
    expect(decodeHandshake(withLength(encoded, actual))).toBeDefined();
    for (const length of [0, actual - 1, actual + 1, 0xffffff]) {
      expect(alertOf(() => decodeHandshake(withLength(encoded, length))), `length ${length}`).toBe('decode_error');
    }
  });

  it('a payload shorter than the 4-byte header → decode_error', () => {
    for (const payload of [[], [20], [20, 0], [20, 0, 0]]) expect(alertOf(() => decodeHandshake(Uint8Array.from(payload)))).toBe('decode_error');
  });

  it.each([0, 3, 4, 11, 13, 14, 17, 21, 255])('unknown handshake type %i → unexpected_message', (type) => {
    expect(alertOf(() => decodeHandshake(Uint8Array.from([type, 0, 0, 2, 0, 0])))).toBe('unexpected_message');
    expect(() => decodeHandshake(Uint8Array.from([type, 0, 0, 0]))).toThrow(`unknown handshake message type ${type}`);
  });
});

describe('handshake bodies', () => {
  it.each(HANDSHAKES.map((message) => [message.name, encodeHandshake(message)] as const))('%s cut short at every length (framing kept consistent) → decode_error', (_, encoded) => {
    for (let bodyLength = 0; bodyLength < encoded.length - 4; bodyLength += 1) {
      const cut = withLength(encoded.subarray(0, 4 + bodyLength), bodyLength);
      expect(alertOf(() => decodeHandshake(cut)), `body of ${bodyLength} bytes`).toBe('decode_error');
    }
  });

  it.each(HANDSHAKES.map((message) => [message.name, encodeHandshake(message)] as const))('%s with 1 to 3 trailing bytes → decode_error', (_, encoded) => {
    for (const extra of [1, 2, 3]) {
      const longer = new Uint8Array(encoded.length + extra);
      longer.set(encoded);
      expect(alertOf(() => decodeHandshake(withLength(longer, longer.length - 4)))).toBe('decode_error');
    }
  });

  it('FINISHED of 31 or 33 bytes → decode_error', () => {
    for (const length of [31, 33]) {
      expect(alertOf(() => decodeHandshake(Uint8Array.from([20, 0, 0, length, ...filled(length)])))).toBe('decode_error');
    }
  });

  it('a certificate of 8 KiB is accepted in either hello, and one byte more → decode_error', () => {
    for (const name of ['CLIENT_HELLO', 'SERVER_HELLO'] as const) {
      expect(decodeHandshake(encodeHandshake({ name, random: filled(32), certificate: filled(8192) }))).toMatchObject({ name });
      expect(alertOf(() => decodeHandshake(encodeHandshake({ name, random: filled(32), certificate: filled(8193) })))).toBe('decode_error');
    }
  });
});

describe('application messages', () => {
  it.each(Object.entries(APPLICATIONS))('%s cut short at every length → decode_error', (_, encoded) => {
    expect(decodeApplication(encoded)).toBeDefined();
    for (let length = 0; length < encoded.length; length += 1) {
      expect(alertOf(() => decodeApplication(encoded.subarray(0, length))), `${length} bytes`).toBe('decode_error');
    }
  });

  it.each(Object.entries(APPLICATIONS))('%s with a trailing byte → decode_error', (_, encoded) => {
    expect(alertOf(() => decodeApplication(Uint8Array.from([...encoded, 0])))).toBe('decode_error');
  });

  it.each([0, 3, 255])('REQUEST op %i → decode_error', (op) => {
    expect(alertOf(() => decodeApplication(Uint8Array.from([1, op, 0, 1, 97])))).toBe('decode_error');
    expect(alertOf(() => decodeApplication(Uint8Array.from([1, op, 0, 0])))).toBe('decode_error');
  });

  it('a LIST REQUEST with a non-empty name → decode_error', () => {
    expect(alertOf(() => decodeApplication(Uint8Array.from([1, 1, 0, 1, 97])))).toBe('decode_error');
  });

  it('a LIST_RESPONSE `more` flag other than 0 or 1 → decode_error', () => {
    expect(alertOf(() => decodeApplication(Uint8Array.from([5, 2, 0, 0])))).toBe('decode_error');
  });

  it('a server-sent name that is not UTF-8 → decode_error, in FILE_HEADER and in LIST_RESPONSE', () => {
    expect(alertOf(() => decodeApplication(Uint8Array.from([2, 0, 1, 0xff, 0, 0, 0, 0, 0, 0, 0, 1])))).toBe('decode_error');
    expect(alertOf(() => decodeApplication(Uint8Array.from([5, 0, 0, 1, 0, 2, 0xc3, 0x28, 0, 0, 0, 0, 0, 0, 0, 1])))).toBe('decode_error');
  });

  it('a size above 2^53 - 1 → decode_error; 2^53 - 1 itself is accepted', () => {
    expect(decodeApplication(Uint8Array.from([2, 0, 1, 120, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toMatchObject({ size: Number.MAX_SAFE_INTEGER });
    expect(alertOf(() => decodeApplication(Uint8Array.from([2, 0, 1, 120, 0x00, 0x20, 0, 0, 0, 0, 0, 0])))).toBe('decode_error');
    expect(alertOf(() => decodeApplication(Uint8Array.from([2, 0, 1, 120, ...filled(8, 0xff)])))).toBe('decode_error');
  });

  it.each([0, 6, 20, 255])('unknown application kind %i → unexpected_message', (kind) => {
    expect(alertOf(() => decodeApplication(Uint8Array.from([kind, 0, 0])))).toBe('unexpected_message');
  });

  it('an empty application message → decode_error', () => {
    expect(alertOf(() => decodeApplication(new Uint8Array(0)))).toBe('decode_error');
  });
});

describe('alerts', () => {
  it.each([0, 3, 255])('alert level %i → decode_error', (level) => {
    expect(alertOf(() => decodeAlert(Uint8Array.from([level, 50, 0, 0])))).toBe('decode_error');
  });

  it('an alert cut short at every length, or with a trailing byte → decode_error', () => {
    const encoded = encodeAlert({ level: 'fatal', description: 50, reason: 'why' });
    for (let length = 0; length < encoded.length; length += 1) expect(alertOf(() => decodeAlert(encoded.subarray(0, length)))).toBe('decode_error');
    expect(alertOf(() => decodeAlert(Uint8Array.from([...encoded, 0])))).toBe('decode_error');
  });

  it('a reason that is not UTF-8 is shown with replacement characters, not refused', () => {
    expect(decodeAlert(Uint8Array.from([2, 51, 0, 2, 0xff, 0x41]))).toEqual({ level: 'fatal', description: 51, reason: '\uFFFDA' });
  });
});

describe('random garbage', () => {
  it('is refused by every decoder with decode_error or unexpected_message, never another error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (garbage) => {
        for (const decode of [decodeHandshake, decodeApplication, decodeAlert]) {
          try {
            decode(garbage);
          } catch (error) {
            expect(error).toBeInstanceOf(RemoteProtocolError);
            expect(['decode_error', 'unexpected_message']).toContain((error as RemoteProtocolError).alert);
          }
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

/**
 * Every message decoder under fuzzing (PROTOCOL.md sections 2, 5 and 6): the handshake,
 * application and alert decoders are given any bytes up to 20 KB and valid encodings with
 * a few mutations (bits flipped, bytes overwritten, inserted or deleted, the message cut or
 * extended, a length field set to 0, one less, one more or the maximum). Each either
 * decodes or throws the project's RemoteProtocolError carrying decode_error or
 * unexpected_message, never a TypeError or RangeError; and whatever decodes, up to the
 * 16,384 bytes a record can carry, is canonical: encoding it again gives back the very same
 * bytes, so no message has two encodings (for an alert, whose reason is for display only,
 * that holds when the reason is UTF-8 and under the 1,024-byte cut).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RemoteProtocolError } from '../../source/protocol/alerts.js';
import { decodeAlert, encodeAlert } from '../../source/protocol/alert-message.js';
import { decodeApplication, encodeApplication } from '../../source/protocol/application-messages.js';
import { decodeHandshake, encodeHandshake } from '../../source/protocol/handshake-messages.js';
import { MAX_PLAINTEXT_BYTES } from '../../source/protocol/record.js';
import { anyBytes, CI_PARSER_RUNS, fuzzParameters, fuzzRuns, fuzzTimeout } from '../support/fuzz.js';
import { alertMessage, applicationMessage, handshakeMessage, mutate, mutations } from '../support/message-arbitraries.js';

type Outcome = { readonly decoded: true; readonly reencode: () => Uint8Array } | { readonly decoded: false; readonly alert: string };

/** Decodes; anything thrown but a RemoteProtocolError fails the property. */
function attempt<M>(decode: () => M, encode: (message: M) => Uint8Array): Outcome {
  try {
    const message = decode();
    return { decoded: true, reencode: () => encode(message) };
  } catch (error) {
    if (!(error instanceof RemoteProtocolError)) throw error;
    return { decoded: false, alert: error.alert };
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isCanonicalReason(payload: Uint8Array): boolean {
  const reason = payload.subarray(4);
  if (reason.length > 1024) return false;
  try {
    strictUtf8.decode(reason);
    return true;
  } catch {
    return false;
  }
}

const DECODERS = {
  handshake: { attempt: (bytes: Uint8Array) => attempt(() => decodeHandshake(bytes), encodeHandshake), valid: handshakeMessage.map(encodeHandshake) },
  application: { attempt: (bytes: Uint8Array) => attempt(() => decodeApplication(bytes), encodeApplication), valid: applicationMessage.map(encodeApplication) },
  alert: { attempt: (bytes: Uint8Array) => attempt(() => decodeAlert(bytes), encodeAlert), valid: alertMessage.map(encodeAlert) },
} as const;

const tally = { decoded: 0, refused: 0 };

describe.each(Object.entries(DECODERS))('the %s decoder, fuzzed', (kind, { attempt: decode, valid }) => {
  const input = fc.oneof({ weight: 1, arbitrary: anyBytes() }, { weight: 2, arbitrary: fc.tuple(valid, mutations).map(([bytes, changes]) => mutate(bytes, changes)) });

  it(`decodes canonically or refuses with decode_error / unexpected_message, on any bytes and on mutated messages (${fuzzRuns(CI_PARSER_RUNS)} inputs)`, () => {
    fc.assert(
      fc.property(input, (bytes) => {
        const outcome = decode(bytes);
        if (!outcome.decoded) {
          tally.refused += 1;
          expect(['decode_error', 'unexpected_message']).toContain(outcome.alert);
          return;
        }
        tally.decoded += 1;
        // Canonical within what a record can carry: the record layer never hands a decoder more.
        if (bytes.length > MAX_PLAINTEXT_BYTES || (kind === 'alert' && !isCanonicalReason(bytes))) return;
        expect(Buffer.from(outcome.reencode()).equals(bytes)).toBe(true);
      }),
      fuzzParameters(CI_PARSER_RUNS),
    );
  }, fuzzTimeout(10_000));

  it('refuses every valid message cut short by one byte or longer by one byte', () => {
    fc.assert(
      fc.property(valid, fc.integer({ min: 0, max: 255 }), (bytes, extra) => {
        // A FILE_DATA's data runs to the end of the record, so its length is not a framing error.
        if (kind === 'application' && bytes[0] === 3) return;
        // A handshake's own length field is kept in step, so the body is what is malformed.
        const fix = (changed: Uint8Array) => {
          if (kind !== 'handshake' || changed.length < 4) return changed;
          const length = changed.length - 4;
          changed.set([length >> 16, (length >> 8) & 0xff, length & 0xff], 1);
          return changed;
        };
        expect(decode(fix(bytes.slice(0, -1)))).toEqual({ decoded: false, alert: 'decode_error' });
        expect(decode(fix(Uint8Array.from([...bytes, extra])))).toEqual({ decoded: false, alert: 'decode_error' });
      }),
      fuzzParameters(CI_PARSER_RUNS / 10),
    );
  }, fuzzTimeout(5_000));
});

describe('the fuzzed inputs are not vacuous', () => {
  it('some decoded and many were refused', () => {
    expect(tally.decoded).toBeGreaterThan(1_000);
    expect(tally.refused).toBeGreaterThan(1_000);
  });
});

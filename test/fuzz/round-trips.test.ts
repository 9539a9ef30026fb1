/**
 * Encoding and decoding are inverse for every message type of PROTOCOL.md (sections 2, 5
 * and 6), at fuzzing scale: every handshake message, every application message (REQUEST
 * LIST and GET, FILE_HEADER, FILE_DATA, FILE_END, LIST_RESPONSE) and alerts decode to the
 * message that was encoded, and decoding then encoding gives back the same bytes. Each
 * family runs 10,000 inputs in CI, and every type in it must have been drawn many times,
 * so no type is skipped by chance. (test/protocol/codecs.test.ts checks the byte layouts
 * by hand; decoders.test.ts checks canonical encoding on fuzzed bytes.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAlert, encodeAlert } from '../../source/protocol/alert-message.js';
import { decodeApplication, encodeApplication } from '../../source/protocol/application-messages.js';
import { decodeHandshake, encodeHandshake } from '../../source/protocol/handshake-messages.js';
import { CI_PARSER_RUNS, fuzzParameters, fuzzRuns, fuzzTimeout } from '../support/fuzz.js';
import { alertMessage, applicationMessage, handshakeMessage } from '../support/message-arbitraries.js';

function count(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(b);

describe('round trips at fuzzing scale', () => {
  it(`handshake messages: decode(encode(m)) = m and encode(decode(b)) = b (${fuzzRuns(CI_PARSER_RUNS)} inputs)`, () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(handshakeMessage, (message) => {
        count(seen, message.name);
        const bytes = encodeHandshake(message);
        const decoded = decodeHandshake(bytes);
        expect(decoded).toEqual(message);
        expect(same(encodeHandshake(decoded), bytes)).toBe(true);
      }),
      fuzzParameters(CI_PARSER_RUNS),
    );
    expect([...seen.keys()].sort()).toEqual(['CERTIFICATE_VERIFY', 'CLIENT_HELLO', 'CLIENT_KEY_EXCHANGE', 'FINISHED', 'SERVER_HELLO', 'SERVER_KEY_EXCHANGE']);
    expect(Math.min(...seen.values())).toBeGreaterThan(fuzzParameters(CI_PARSER_RUNS).numRuns / 20);
  }, fuzzTimeout(5_000));

  it(`application messages: decode(encode(m)) = m and encode(decode(b)) = b (${fuzzRuns(CI_PARSER_RUNS)} inputs)`, () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(applicationMessage, (message) => {
        count(seen, message.name === 'REQUEST' ? `REQUEST ${message.op}` : message.name);
        const bytes = encodeApplication(message);
        const decoded = decodeApplication(bytes);
        expect(decoded).toEqual(message);
        expect(same(encodeApplication(decoded), bytes)).toBe(true);
      }),
      fuzzParameters(CI_PARSER_RUNS),
    );
    expect([...seen.keys()].sort()).toEqual(['FILE_DATA', 'FILE_END', 'FILE_HEADER', 'LIST_RESPONSE', 'REQUEST GET', 'REQUEST LIST']);
    expect(Math.min(...seen.values())).toBeGreaterThan(fuzzParameters(CI_PARSER_RUNS).numRuns / 20);
  }, fuzzTimeout(5_000));

  it(`alerts, warning and fatal, any code: decode(encode(a)) = a and encode(decode(b)) = b (${fuzzRuns(CI_PARSER_RUNS)} inputs)`, () => {
    const levels = new Map<string, number>();
    fc.assert(
      fc.property(alertMessage, (alert) => {
        count(levels, alert.level);
        const bytes = encodeAlert(alert);
        const decoded = decodeAlert(bytes);
        expect(decoded).toEqual(alert);
        expect(same(encodeAlert(decoded), bytes)).toBe(true);
      }),
      fuzzParameters(CI_PARSER_RUNS),
    );
    expect(Math.min(levels.get('warning') ?? 0, levels.get('fatal') ?? 0)).toBeGreaterThan(fuzzParameters(CI_PARSER_RUNS).numRuns / 4);
  }, fuzzTimeout(5_000));
});

/**
 * The record parser under fuzzing (PROTOCOL.md section 1). Any bytes up to 20 KB, cut into
 * pieces at any points, are fed to a RecordReader, with the limit of either side of the
 * keys, and what it does is compared with a model written from the protocol's table rather
 * than from the code: the same records, byte for byte and in order; a header with an
 * unknown content type or version refused with decode_error and a length over the limit
 * with record_overflow as soon as its five bytes are in; nothing else ever thrown (no
 * TypeError, no RangeError); every byte that is not a whole record left buffered. How
 * the stream was cut never changes the outcome. The inputs are random bytes and streams
 * of record-shaped bytes with a header field sometimes wrong, so both the refusals and the
 * framing of long, many-record streams are reached.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AlertName, RemoteProtocolError } from '../../source/protocol/alerts.js';
import { MAX_CIPHERTEXT_BYTES, MAX_PLAINTEXT_BYTES, type RawRecord, RecordReader } from '../../source/protocol/record.js';
import { anyBytes, CI_PARSER_RUNS, concat, fuzzParameters, fuzzRuns, fuzzTimeout, longBytes, MAX_FUZZ_BYTES, splitBytes, splitPlan } from '../support/fuzz.js';

const TYPES = new Set([21, 22, 23]);

interface ModelOutcome {
  /** [start, end) of each whole record, in order. */
  readonly records: ReadonlyArray<readonly [number, number]>;
  /** The alerts PROTOCOL.md allows for the first bad header, if there is one. */
  readonly refusal?: readonly AlertName[];
  /** Bytes after the last whole record, when no header was refused. */
  readonly rest: number;
}

/** Section 1 as a loop over the whole stream. */
function model(stream: Uint8Array, maxPayload: number): ModelOutcome {
  const records: Array<readonly [number, number]> = [];
  let offset = 0;
  while (stream.length - offset >= 5) {
    const type = stream[offset]!;
    const version = (stream[offset + 1]! << 8) | stream[offset + 2]!;
    const length = (stream[offset + 3]! << 8) | stream[offset + 4]!;
    const refusal: AlertName[] = [];
    if (!TYPES.has(type) || version !== 0x0300) refusal.push('decode_error');
    if (length > maxPayload) refusal.push('record_overflow');
    if (refusal.length > 0) return { records, refusal, rest: 0 };
    if (stream.length - offset < 5 + length) break;
    records.push([offset, offset + 5 + length]);
    offset += 5 + length;
  }
  return { records, rest: stream.length - offset };
}

interface ReaderOutcome {
  readonly records: RawRecord[];
  readonly error?: unknown;
  readonly buffered: number;
}

function feed(pieces: readonly Uint8Array[], maxPayload: number): ReaderOutcome {
  const reader = new RecordReader();
  reader.maxPayload = maxPayload;
  const records: RawRecord[] = [];
  const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
  try {
    for (const piece of pieces) {
      reader.push(piece);
      for (let record = reader.next(); record !== undefined; record = reader.next()) {
        records.push(record);
        // Every record takes at least its 5-byte header, so a loop cannot spin without progress.
        if (records.length > total / 5) throw new Error(`${records.length} records out of ${total} bytes`);
      }
    }
  } catch (error) {
    return { records, error, buffered: reader.buffered };
  }
  return { records, buffered: reader.buffered };
}

function expectAgreement(stream: Uint8Array, outcome: ReaderOutcome, expected: ModelOutcome): void {
  expect(outcome.records.map((record) => record.bytes.length)).toEqual(expected.records.map(([start, end]) => end - start));
  outcome.records.forEach((record, index) => {
    const [start, end] = expected.records[index]!;
    expect(Buffer.from(record.bytes).equals(stream.subarray(start, end))).toBe(true);
    expect(record.contentType).toBe(stream[start]);
    expect(record.payload.length).toBe(end - start - 5);
  });
  if (expected.refusal === undefined) {
    expect(outcome.error).toBeUndefined();
    expect(outcome.buffered).toBe(expected.rest);
  } else {
    expect(outcome.error).toBeInstanceOf(RemoteProtocolError);
    expect(expected.refusal).toContain((outcome.error as RemoteProtocolError).alert);
  }
}

/** A record header with each field right most of the time, then a payload that may be cut short. */
const recordShaped = fc
  .record({
    type: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(21, 22, 23) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }),
    version: fc.oneof({ weight: 8, arbitrary: fc.constant(0x0300) }, { weight: 1, arbitrary: fc.constantFrom(0x0301, 0x0303, 0x0000, 0xfefd) }),
    payload: fc.oneof({ weight: 6, arbitrary: fc.uint8Array({ maxLength: 200 }) }, { weight: 1, arbitrary: longBytes(16_000, MAX_CIPHERTEXT_BYTES + 40) }),
    lengthDelta: fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }) }),
  })
  .map(({ type, version, payload, lengthDelta }) => {
    const length = Math.max(0, Math.min(0xffff, payload.length + lengthDelta));
    return concat([Uint8Array.from([type, version >> 8, version & 0xff, length >> 8, length & 0xff]), payload]);
  });

const recordStream = fc.array(recordShaped, { maxLength: 6 }).map((records) => concat(records).subarray(0, MAX_FUZZ_BYTES));

const stream = fc.oneof({ weight: 1, arbitrary: anyBytes() }, { weight: 1, arbitrary: recordStream });
const limit = fc.constantFrom(MAX_PLAINTEXT_BYTES, MAX_CIPHERTEXT_BYTES);

describe('RecordReader, fuzzed', () => {
  it(`agrees with the model of section 1 on any bytes up to 20 KB, split anywhere (${fuzzRuns(CI_PARSER_RUNS)} inputs)`, () => {
    fc.assert(
      fc.property(stream, splitPlan, limit, (bytes, plan, maxPayload) => {
        expectAgreement(bytes, feed(splitBytes(bytes, plan), maxPayload), model(bytes, maxPayload));
      }),
      fuzzParameters(CI_PARSER_RUNS),
    );
  }, fuzzTimeout(20_000));

  it('gives the same records and the same refusal however the stream is cut', () => {
    fc.assert(
      fc.property(recordStream, splitPlan, splitPlan, limit, (bytes, first, second, maxPayload) => {
        const one = feed(splitBytes(bytes, first), maxPayload);
        const two = feed(splitBytes(bytes, second), maxPayload);
        expect(two.records.map((record) => record.bytes.length)).toEqual(one.records.map((record) => record.bytes.length));
        expect(Buffer.from(concat(two.records.map((record) => record.bytes))).equals(concat(one.records.map((record) => record.bytes)))).toBe(true);
        expect((two.error as RemoteProtocolError | undefined)?.alert).toBe((one.error as RemoteProtocolError | undefined)?.alert);
        if (one.error === undefined) expect(two.buffered).toBe(one.buffered);
      }),
      fuzzParameters(CI_PARSER_RUNS / 5),
    );
  }, fuzzTimeout(10_000));

  it('the model is not vacuous: the fuzzed streams hold whole records, refusals of both kinds and partial tails', () => {
    const seen = { records: 0, decode: 0, overflow: 0, partial: 0 };
    fc.assert(
      fc.property(recordStream, limit, (bytes, maxPayload) => {
        const outcome = model(bytes, maxPayload);
        seen.records += outcome.records.length;
        if (outcome.refusal?.includes('decode_error')) seen.decode += 1;
        if (outcome.refusal?.includes('record_overflow')) seen.overflow += 1;
        if (outcome.refusal === undefined && outcome.rest > 0) seen.partial += 1;
      }),
      { ...fuzzParameters(1_000), numRuns: 1_000 },
    );
    expect(seen.records).toBeGreaterThan(500);
    expect(Math.min(seen.decode, seen.overflow, seen.partial)).toBeGreaterThan(10);
  });
});

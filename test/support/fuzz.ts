/**
 * How hard the property suites push, and the raw inputs they share. By default every
 * property runs with one fixed seed and its CI number of runs, so a failure replays
 * exactly; `npm run fuzz` sets `FUZZ_RUNS` (the runs a 10,000-run CI property gets; the
 * costlier properties scale in proportion) and may set `FUZZ_SEED` (a number, or
 * `random`). The inputs are byte strings of up to 20 KB, mostly short and shrinkable,
 * some long (generated from a seed, since building 20 KB one fast-check byte at a time
 * is slow), and plans for cutting them into pieces at any points.
 */
import fc from 'fast-check';

/** The runs a parser property gets in CI (the issue asks for at least 10,000). */
export const CI_PARSER_RUNS = 10_000;
/** What the issue calls "any bytes": up to 20 KB. */
export const MAX_FUZZ_BYTES = 20_000;

function readSeed(text: string | undefined): number {
  if (text === undefined || text === '') return 0x7e57_5eed;
  if (text === 'random') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer or "random", got "${text}"`);
  return seed;
}

function readFactor(text: string | undefined): number {
  if (text === undefined || text === '') return 1;
  const runs = Number(text);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS must be a whole number above 0, got "${text}"`);
  return runs / CI_PARSER_RUNS;
}

export const FUZZ_SEED = readSeed(process.env.FUZZ_SEED);
/** 1 in CI; 20 under `npm run fuzz` (FUZZ_RUNS=200000). */
export const FUZZ_FACTOR = readFactor(process.env.FUZZ_RUNS);

/** The runs for a property that gets `ciRuns` in CI. */
export function fuzzRuns(ciRuns: number): number {
  return Math.max(1, Math.round(ciRuns * FUZZ_FACTOR));
}

/** fast-check parameters: the shared seed and the scaled runs (a failure is shrunk and replayable from the seed). */
export function fuzzParameters(ciRuns: number): { readonly seed: number; readonly numRuns: number } {
  return { seed: FUZZ_SEED, numRuns: fuzzRuns(ciRuns) };
}

/** A vitest timeout for a test that needs about `ciMs` in CI, scaled with the runs and generous. */
export function fuzzTimeout(ciMs: number): number {
  return Math.round(3 * ciMs * Math.max(1, FUZZ_FACTOR));
}

/** Bytes from a seed (xorshift32): cheap to make at any length, the same for the same seed. */
export function seededBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0 || 0x9e3779b9;
  for (let index = 0; index < length; index += 1) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[index] = state & 0xff;
  }
  return out;
}

/** Long bytes made from a seed, for the tail of the size range. */
export function longBytes(minLength: number, maxLength: number): fc.Arbitrary<Uint8Array> {
  return fc.record({ length: fc.integer({ min: minLength, max: maxLength }), seed: fc.integer() }).map(({ length, seed }) => seededBytes(length, seed));
}

/** Any bytes up to `max`: most under 64, many under 1,000, some up to the limit. */
export function anyBytes(max = MAX_FUZZ_BYTES): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.uint8Array({ maxLength: 64, size: 'max' }) },
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 1_000, size: 'max' }) },
    { weight: 1, arbitrary: longBytes(0, max) },
  );
}

/** Where to cut a byte string: a few offsets (taken modulo its length), or every byte apart. */
export type SplitPlan = { readonly kind: 'cuts'; readonly offsets: readonly number[] } | { readonly kind: 'bytewise' };

export const splitPlan: fc.Arbitrary<SplitPlan> = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.nat(), { maxLength: 12 }).map((offsets) => ({ kind: 'cuts' as const, offsets })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bytewise' as const }) },
);

/** Cuts `bytes` as the plan says; every byte ends up in exactly one piece, in order. */
export function splitBytes(bytes: Uint8Array, plan: SplitPlan): Uint8Array[] {
  if (plan.kind === 'bytewise') {
    // One byte at a time up to 2,000 bytes; beyond that, 7-byte pieces keep a run fast.
    const step = bytes.length <= 2_000 ? 1 : 7;
    const pieces: Uint8Array[] = [];
    for (let offset = 0; offset < bytes.length; offset += step) pieces.push(bytes.subarray(offset, offset + step));
    return pieces;
  }
  const cuts = [...new Set(plan.offsets.map((offset) => offset % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    pieces.push(bytes.subarray(start, cut));
    start = cut;
  }
  return pieces;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

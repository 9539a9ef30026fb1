/**
 * fast-check arbitraries for every message of PROTOCOL.md sections 2, 5 and 6, each
 * small enough to fit one record, and the mutations a fuzzer applies to their bytes:
 * bit flips, overwritten, inserted and deleted bytes, truncation, extension, and length
 * fields set to 0, one less, one more or the maximum. Valid messages mutated a little
 * reach far deeper into a decoder than random bytes, which mostly fail at the first byte.
 */
import fc from 'fast-check';
import type { Alert } from '../../source/protocol/alerts.js';
import type { ApplicationMessage, ListEntry } from '../../source/protocol/application-messages.js';
import type { HandshakeMessage } from '../../source/protocol/handshake-messages.js';

const bytes = (minLength: number, maxLength: number) => fc.uint8Array({ minLength, maxLength });
/** A length that is mostly small, sometimes the largest a field may carry. */
const vector = (maxLength: number) => fc.oneof({ weight: 4, arbitrary: bytes(0, 300) }, { weight: 1, arbitrary: bytes(0, maxLength) });

export const fileName = fc.string({ unit: 'binary', maxLength: 40 });
const size = fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));

export const handshakeMessage: fc.Arbitrary<HandshakeMessage> = fc.oneof(
  fc.record({ name: fc.constantFrom('CLIENT_HELLO' as const, 'SERVER_HELLO' as const), random: bytes(32, 32), certificate: vector(8192) }),
  fc.record({ name: fc.constantFrom('CLIENT_KEY_EXCHANGE' as const, 'SERVER_KEY_EXCHANGE' as const), encryptedSecret: vector(600) }),
  fc.record({ name: fc.constant('CERTIFICATE_VERIFY' as const), signature: vector(600) }),
  fc.record({ name: fc.constant('FINISHED' as const), verifyData: bytes(32, 32) }),
);

const listEntry: fc.Arbitrary<ListEntry> = fc.record({ name: fileName, size });

/** 40 names of at most 40 code points (4 bytes each) and their sizes stay under one record. */
export const applicationMessage: fc.Arbitrary<ApplicationMessage> = fc.oneof(
  fc.constant({ name: 'REQUEST' as const, op: 'LIST' as const, fileName: new Uint8Array(0) }),
  fc.record({ name: fc.constant('REQUEST' as const), op: fc.constant('GET' as const), fileName: bytes(1, 1024) }),
  fc.record({ name: fc.constant('FILE_HEADER' as const), fileName, size }),
  fc.record({ name: fc.constant('FILE_DATA' as const), data: vector(16_383) }),
  fc.record({ name: fc.constant('FILE_END' as const), sha256: bytes(32, 32), signature: vector(600) }),
  fc.record({ name: fc.constant('LIST_RESPONSE' as const), more: fc.boolean(), entries: fc.array(listEntry, { maxLength: 40 }) }),
);

/** Alerts whose reason survives a round trip: valid UTF-8 (any string is) under the 1,024-byte cut. */
export const alertMessage: fc.Arbitrary<Alert> = fc.record({
  level: fc.constantFrom('warning' as const, 'fatal' as const),
  description: fc.integer({ min: 0, max: 255 }),
  reason: fc.string({ unit: 'binary', maxLength: 200 }),
});

export type LengthChange = 'zero' | 'minus one' | 'plus one' | 'max';

export type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'set'; readonly at: number; readonly value: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'extend'; readonly bytes: Uint8Array }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly count: number }
  | { readonly kind: 'length'; readonly at: number; readonly width: 2 | 3; readonly change: LengthChange };

export const lengthChange: fc.Arbitrary<LengthChange> = fc.constantFrom('zero', 'minus one', 'plus one', 'max');

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(0, 1, 0x7f, 0x80, 0xff), fc.integer({ min: 0, max: 255 })) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), bytes: bytes(1, 8) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: bytes(1, 4) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('length' as const), at: fc.nat(), width: fc.constantFrom(2 as const, 3 as const), change: lengthChange }),
);

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

/** Reads a big-endian length field of `width` bytes. */
export function readLength(bytes: Uint8Array, at: number, width: 2 | 3): number {
  let value = 0;
  for (let index = 0; index < width; index += 1) value = value * 256 + (bytes[at + index] ?? 0);
  return value;
}

/** The new value of a length field: 0, one less (wrapping to the maximum), one more, or the maximum. */
export function changedLength(value: number, width: 2 | 3, change: LengthChange): number {
  const max = width === 2 ? 0xffff : 0xffffff;
  switch (change) {
    case 'zero':
      return 0;
    case 'minus one':
      return value === 0 ? max : value - 1;
    case 'plus one':
      return value === max ? 0 : value + 1;
    case 'max':
      return max;
  }
}

/** Writes a big-endian length field in place. */
export function writeLength(bytes: Uint8Array, at: number, width: 2 | 3, value: number): void {
  for (let index = width - 1, rest = value; index >= 0; index -= 1, rest = Math.floor(rest / 256)) bytes[at + index] = rest % 256;
}

export function mutate(original: Uint8Array, changes: readonly Mutation[]): Uint8Array {
  let out = original.slice();
  for (const change of changes) {
    const at = out.length === 0 ? 0 : ('at' in change ? change.at % out.length : 0);
    switch (change.kind) {
      case 'flip':
        if (out.length > 0) out[at]! ^= 1 << change.bit;
        break;
      case 'set':
        if (out.length > 0) out[at] = change.value;
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'extend':
        out = Uint8Array.from([...out, ...change.bytes]);
        break;
      case 'insert':
        out = Uint8Array.from([...out.subarray(0, at), ...change.bytes, ...out.subarray(at)]);
        break;
      case 'delete':
        out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + change.count)]);
        break;
      case 'length':
        if (at + change.width <= out.length) writeLength(out, at, change.width, changedLength(readLength(out, at, change.width), change.width, change.change));
        break;
    }
  }
  return out;
}

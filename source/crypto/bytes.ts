/**
 * Byte helpers shared by the crypto wrappers and the protocol codecs: joining,
 * comparing and describing `Uint8Array`s without reaching for Buffer everywhere.
 */
import { timingSafeEqual } from 'node:crypto';

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/** Compares in time that depends only on the length, for MACs and secrets. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new TypeError(`expected an even number of hex digits, got "${hex}"`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function expectLength(name: string, bytes: Uint8Array, length: number): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`"${name}" expected a Uint8Array, got ${typeof bytes}`);
  if (bytes.length !== length) throw new RangeError(`"${name}" expected ${length} bytes, got ${bytes.length}`);
}

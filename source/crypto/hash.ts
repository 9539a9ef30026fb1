/**
 * Hashing, MACs, key derivation and randomness, all from node:crypto: SHA-256,
 * HMAC-SHA256 (RFC 2104), HKDF-SHA256 (RFC 5869) and a CSPRNG.
 */
import { createHash, createHmac, hkdfSync, randomBytes as nodeRandomBytes, type Hash } from 'node:crypto';

export function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** An incremental SHA-256, for files hashed as they stream. */
export class Sha256 {
  readonly #hash: Hash = createHash('sha256');

  update(bytes: Uint8Array): this {
    this.#hash.update(bytes);
    return this;
  }

  digest(): Uint8Array {
    return new Uint8Array(this.#hash.digest());
  }
}

export function hmacSha256(key: Uint8Array, ...parts: readonly Uint8Array[]): Uint8Array {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return new Uint8Array(hmac.digest());
}

export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 1 || length > 255 * 32) {
    throw new RangeError(`"length" expected an integer from 1 to ${255 * 32}, got ${length}`);
  }
  return new Uint8Array(hkdfSync('sha256', ikm, salt, info, length));
}

export function randomBytes(length: number): Uint8Array {
  return new Uint8Array(nodeRandomBytes(length));
}

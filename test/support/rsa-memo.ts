/**
 * Makes thousands of identical in-memory sessions cheap, for the suites that drive one
 * session per fuzzed input to reach a state and then attack it. With `sameRandomness()`
 * both peers draw the same randoms every session, so every RSA operation repeats exactly;
 * `memoizeRsa()` then answers a repeated encrypt, decrypt, sign or verify from a cache of
 * what the real key computed the first time (a cached ciphertext or signature is a genuine
 * one). RSA itself is not under test in those suites: the records, the state machines
 * and the alerts are. Suites that test RSA (the padding-oracle property) never use this.
 */
import { type MockInstance, vi } from 'vitest';
import { RsaPrivateKey, RsaPublicKey } from '../../source/crypto/rsa.js';
import { seededBytes } from './fuzz.js';

type Entry = { readonly value: unknown } | { readonly error: unknown };

function hex(value: unknown): string {
  return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex') : String(value);
}

function copy<T>(value: T): T {
  return (value instanceof Uint8Array ? value.slice() : value) as T;
}

/** Installs the cache on every RSA key; returns a function that removes it. */
export function memoizeRsa(): () => void {
  // By key material, not by object: every session parses the peer's certificate into a new key object.
  const cache = new Map<string, Entry>();
  const identity = (key: object): string => hex(key instanceof RsaPrivateKey ? key.publicKey.toSpkiDer() : (key as RsaPublicKey).toSpkiDer());
  const spies: MockInstance[] = [];
  const wrap = <P extends object>(prototype: P, method: keyof P & string): void => {
    const original = prototype[method] as (...args: unknown[]) => unknown;
    const spy = vi.spyOn(prototype as Record<string, (...args: unknown[]) => unknown>, method).mockImplementation(function (this: object, ...args: unknown[]) {
      const key = `${method}:${identity(this)}:${args.map(hex).join(':')}`;
      let entry = cache.get(key);
      if (entry === undefined) {
        try {
          entry = { value: original.apply(this, args) };
        } catch (error) {
          entry = { error };
        }
        cache.set(key, entry);
      }
      if ('error' in entry) throw entry.error;
      return copy(entry.value);
    });
    spies.push(spy);
  };
  wrap(RsaPublicKey.prototype, 'encrypt');
  wrap(RsaPublicKey.prototype, 'verify');
  wrap(RsaPrivateKey.prototype, 'decrypt');
  wrap(RsaPrivateKey.prototype, 'sign');
  return () => spies.forEach((spy) => spy.mockRestore());
}

/** A fresh source of randoms that gives the same bytes, in the same order, every time it is made. */
export function sameRandomness(seed: number): (length: number) => Uint8Array {
  let counter = 0;
  return (length) => seededBytes(length, seed * 7919 + (counter += 1));
}

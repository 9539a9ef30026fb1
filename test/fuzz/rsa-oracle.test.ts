/**
 * No padding oracle in CLIENT_KEY_EXCHANGE (PROTOCOL.md section 2), as a property: a server
 * waiting for the key exchange is sent a malformed RSA-OAEP ciphertext of every kind
 * fast-check can make (random bytes of any length, 256 random bytes, a valid encryption of
 * a secret of the wrong length, a valid one with bits flipped, values at or above the
 * modulus, an encryption under another key, a valid one cut short or lengthened) and
 * answers each with the same decrypt_error, the same reason word for word and an alert
 * record of the same size, failing at the same step: the answer tells an attacker nothing
 * about why the ciphertext was wrong. A valid encryption of a 32-byte secret is accepted.
 * The RSA operations here are real (no cache), because RSA is what is under test.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { RSA_BYTES } from '../../source/crypto/rsa.js';
import { fuzzParameters, fuzzTimeout } from '../support/fuzz.js';
import { type TestPki, testPki } from '../support/identities.js';
import { expectFatalAlert } from '../support/outcomes.js';
import { Relay } from '../support/relay.js';

const REASON = "CLIENT_KEY_EXCHANGE does not hold a secret that decrypts under the server's key";
const FILES = new Map([['notes.txt', new Uint8Array([1])]]);

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
}, 60_000);

type Malformed = { readonly kind: string; readonly make: (keys: TestPki) => Uint8Array };

const flipBits = (bytes: Uint8Array, positions: readonly number[]): Uint8Array => {
  const out = bytes.slice();
  for (const position of positions) out[Math.floor(position / 8) % out.length]! ^= 1 << (position % 8);
  return out;
};

const malformed: fc.Arbitrary<Malformed> = fc.oneof(
  fc.uint8Array({ maxLength: 600 }).map((bytes) => ({ kind: 'random bytes of any length', make: () => bytes })),
  fc.uint8Array({ minLength: RSA_BYTES, maxLength: RSA_BYTES }).map((bytes) => ({ kind: '256 random bytes', make: () => bytes })),
  fc.integer({ min: 0, max: 190 }).filter((length) => length !== 32).map((length) => ({
    kind: 'valid OAEP of a secret of the wrong length',
    make: (keys: TestPki) => keys.server.key.publicKey.encrypt(new Uint8Array(randomBytes(length))),
  })),
  fc.uniqueArray(fc.nat(RSA_BYTES * 8 - 1), { minLength: 1, maxLength: 3 }).map((positions) => ({
    kind: 'valid OAEP with bits flipped',
    make: (keys: TestPki) => flipBits(keys.server.key.publicKey.encrypt(new Uint8Array(randomBytes(32))), positions),
  })),
  fc.constantFrom(0x00, 0x01, 0xff).map((fill) => ({ kind: `256 bytes of 0x${fill.toString(16)}`, make: () => new Uint8Array(RSA_BYTES).fill(fill) })),
  fc.constant({ kind: 'the modulus itself', make: (keys: TestPki) => modulusOf(keys) }),
  fc.constantFrom('stranger' as const, 'client' as const).map((who) => ({
    kind: `valid OAEP under the ${who}'s key`,
    make: (keys: TestPki) => (who === 'stranger' ? keys.stranger.publicKey : keys.client.key.publicKey).encrypt(new Uint8Array(randomBytes(32))),
  })),
  fc.integer({ min: -8, max: 8 }).filter((delta) => delta !== 0).map((delta) => ({
    kind: 'valid OAEP cut short or lengthened',
    make: (keys: TestPki) => {
      const valid = keys.server.key.publicKey.encrypt(new Uint8Array(randomBytes(32)));
      return delta < 0 ? valid.subarray(0, valid.length + delta) : Uint8Array.from([...valid, ...new Uint8Array(delta)]);
    },
  })),
);

/** The server's RSA modulus, read from the SubjectPublicKeyInfo DER (the INTEGER before 0x02 0x03 0x01 0x00 0x01). */
function modulusOf(keys: TestPki): Uint8Array {
  const der = keys.server.key.publicKey.toSpkiDer();
  const exponent = Buffer.from(der).lastIndexOf(Buffer.from([0x02, 0x03, 0x01, 0x00, 0x01]));
  const modulus = der.subarray(exponent - RSA_BYTES, exponent);
  expect(modulus[0]! & 0x80).toBe(0x80);
  return modulus.slice();
}

/**
 * Sends CLIENT_KEY_EXCHANGE with `encryptedSecret`, and a CERTIFICATE_VERIFY for it signed
 * with `signer`, to a server that has just sent SERVER_HELLO.
 */
function sendKeyExchange(encryptedSecret: Uint8Array, signer = pki.client.key) {
  const relay = new Relay(pki, { files: FILES }).start().runUntil('server', 'ExpectClientKeyExchange');
  const output = relay.keyExchange(encryptedSecret, signer);
  return { relay, output };
}

describe('CLIENT_KEY_EXCHANGE, fuzzed: no padding oracle', () => {
  it('a valid OAEP encryption of a 32-byte secret is accepted (the control)', () => {
    const { relay, output } = sendKeyExchange(pki.server.key.publicKey.encrypt(new Uint8Array(randomBytes(32))));
    expect(relay.server.isFailed).toBe(false);
    expect(output.send).toHaveLength(1);
    expect(relay.server.stateName).toBe('ExpectFinished');
  });

  it('without the client\'s key, every ciphertext, valid or not, gets the same CERTIFICATE_VERIFY failure: nothing is decrypted', () => {
    const reasons = new Set<string>();
    fc.assert(
      fc.property(fc.oneof(malformed, fc.constant({ kind: 'valid', make: (keys: TestPki) => keys.server.key.publicKey.encrypt(new Uint8Array(randomBytes(32))) })), ({ make }) => {
        const { relay, output } = sendKeyExchange(make(pki), pki.stranger);
        reasons.add(expectFatalAlert(relay, 'server', output, 'decrypt_error').reason);
      }),
      fuzzParameters(200),
    );
    expect([...reasons]).toEqual([expect.stringMatching(/^CERTIFICATE_VERIFY does not verify/)]);
  }, fuzzTimeout(10_000));

  it('every malformed ciphertext gets the same decrypt_error, the same reason and an alert of the same size, at the same step', () => {
    const reasons = new Set<string>();
    const sizes = new Set<number>();
    const kinds = new Set<string>();
    fc.assert(
      fc.property(malformed, ({ kind, make }) => {
        const { relay, output } = sendKeyExchange(make(pki));
        const alert = expectFatalAlert(relay, 'server', output, 'decrypt_error');
        expect(alert.reason).toBe(REASON);
        expect(relay.events.server.find((event) => event.type === 'step' && event.status === 'failed')).toMatchObject({ step: 'key-exchange' });
        reasons.add(alert.reason);
        sizes.add(output.send.at(-1)!.length);
        kinds.add(kind);
      }),
      fuzzParameters(1_000),
    );
    expect([...reasons]).toEqual([REASON]);
    expect(sizes.size).toBe(1);
    expect(kinds.size).toBeGreaterThanOrEqual(10);
  }, fuzzTimeout(10_000));
});

/**
 * RSA (source/crypto/rsa.ts) checked against node:crypto and the openssl command as
 * outside oracles, so the wrapper's choices of PROTOCOL.md section 0 are proven rather
 * than assumed: fresh keys are 2048 bits with exponent 65537; private keys round-trip
 * as PKCS#1 PEM and public keys as PKCS#8 PEM and SubjectPublicKeyInfo DER; RSA-OAEP
 * uses SHA-256 (node:crypto decrypts what the wrapper encrypts and the other way
 * round); RSA-PSS uses SHA-256 and a 32-byte salt (not node-rsa's default 20); a
 * tampered message or signature does not verify; and keys that are not RSA-2048/65537
 * in the expected encodings are refused with an RsaKeyError. Decryption runs through
 * node:crypto with node-rsa's export of the key, so node-rsa itself is crossed with it
 * both ways, and refuses what it refuses.
 */
import { execFileSync } from 'node:child_process';
import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt, sign, verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import NodeRSA from 'node-rsa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../source/crypto/bytes.js';
import { randomBytes } from '../../source/crypto/hash.js';
import { RSA_BYTES, RsaKeyError, RsaPrivateKey, RsaPublicKey } from '../../source/crypto/rsa.js';

let key: RsaPrivateKey;
let other: RsaPrivateKey;
let tempDir: string;

beforeAll(async () => {
  [key, other] = await Promise.all([RsaPrivateKey.generate(), RsaPrivateKey.generate()]);
  tempDir = await mkdtemp(join(tmpdir(), 'tls-tui-rsa-'));
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

const pss = (saltLength: number) => ({ padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
const message = utf8('tls-tui certificate verify\0transcript hash');

function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

function nodeKeyPems(options: { modulusLength: number; publicExponent?: number }): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    ...options,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privatePem: privateKey, publicPem: publicKey };
}

describe('keys and their encodings', () => {
  it('generates RSA-2048 keys with exponent 65537, a fresh one each time', () => {
    const details = createPublicKey(key.publicKey.toPem()).asymmetricKeyDetails;
    expect(details?.modulusLength).toBe(2048);
    expect(details?.publicExponent).toBe(65537n);
    expect(key.publicKey.equals(other.publicKey)).toBe(false);
  });

  it('round-trips a private key through PKCS#1 PEM', () => {
    const pem = key.toPem();
    expect(pem.startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true);
    expect(pem.endsWith('\n-----END RSA PRIVATE KEY-----\n')).toBe(true);
    const again = RsaPrivateKey.fromPem(pem);
    expect(again.toPem()).toBe(pem);
    expect(again.publicKey.equals(key.publicKey)).toBe(true);
  });

  it('round-trips a public key through PKCS#8 PEM, readable by node:crypto', () => {
    const pem = key.publicKey.toPem();
    expect(pem.startsWith('-----BEGIN PUBLIC KEY-----\n')).toBe(true);
    expect(pem.endsWith('\n-----END PUBLIC KEY-----\n')).toBe(true);
    const again = RsaPublicKey.fromPem(pem);
    expect(again.toPem()).toBe(pem);
    expect(again.equals(key.publicKey)).toBe(true);
    const nodeDer = createPublicKey(pem).export({ type: 'spki', format: 'der' });
    expect(toHex(key.publicKey.toSpkiDer())).toBe(nodeDer.toString('hex'));
  });

  it('round-trips a public key through SubjectPublicKeyInfo DER, handing out copies', () => {
    const der = key.publicKey.toSpkiDer();
    const again = RsaPublicKey.fromSpkiDer(der);
    expect(toHex(again.toSpkiDer())).toBe(toHex(der));
    expect(again.equals(key.publicKey)).toBe(true);
    der.fill(0);
    expect(toHex(key.publicKey.toSpkiDer())).not.toBe(toHex(der));
  });

  it('writes a private key that `openssl rsa -check` accepts', async () => {
    const file = join(tempDir, 'key.pem');
    await writeFile(file, key.toPem(), { mode: 0o600 });
    const output = execFileSync('openssl', ['rsa', '-in', file, '-check', '-noout'], { encoding: 'utf8' });
    expect(output).toContain('RSA key ok');
  });
});

describe('RSA-OAEP with SHA-256', () => {
  it('decrypts what it encrypted, into a 256-byte ciphertext that differs each time', () => {
    const secret = randomBytes(32);
    const first = key.publicKey.encrypt(secret);
    const second = key.publicKey.encrypt(secret);
    expect(first).toHaveLength(RSA_BYTES);
    expect(toHex(first)).not.toBe(toHex(second));
    expect(toHex(key.decrypt(first))).toBe(toHex(secret));
    expect(toHex(key.decrypt(second))).toBe(toHex(secret));
  });

  it('encrypts what node:crypto privateDecrypt (OAEP, SHA-256) decrypts', () => {
    const secret = randomBytes(32);
    const ciphertext = key.publicKey.encrypt(secret);
    const plaintext = privateDecrypt({ key: key.toPem(), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, ciphertext);
    expect(plaintext.toString('hex')).toBe(toHex(secret));
  });

  it('decrypts what node:crypto publicEncrypt (OAEP, SHA-256) encrypted', () => {
    const secret = randomBytes(32);
    const ciphertext = publicEncrypt({ key: key.publicKey.toPem(), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, secret);
    expect(toHex(key.decrypt(ciphertext))).toBe(toHex(secret));
  });

  it("refuses OAEP with SHA-1, node:crypto's default", () => {
    const ciphertext = publicEncrypt({ key: key.publicKey.toPem(), padding: constants.RSA_PKCS1_OAEP_PADDING }, randomBytes(32));
    expect(() => key.decrypt(ciphertext)).toThrow();
  });

  it('throws on garbage, on a ciphertext for another key and on a wrong length', () => {
    const garbage = randomBytes(RSA_BYTES);
    garbage[0] = 0x01; // below the modulus, so it reaches the OAEP check
    expect(() => key.decrypt(garbage)).toThrow();
    expect(() => key.decrypt(other.publicKey.encrypt(randomBytes(32)))).toThrow();
    expect(() => key.decrypt(flipped(key.publicKey.encrypt(randomBytes(32)), 100))).toThrow();
    expect(() => key.decrypt(new Uint8Array(RSA_BYTES - 1))).toThrow(new RangeError('"ciphertext" expected 256 bytes, got 255'));
  });
});

describe('decryption through node:crypto, crossed with node-rsa itself', () => {
  const nodeRsa = (pem: string) =>
    new NodeRSA(pem, 'pkcs1-private-pem', { encryptionScheme: { scheme: 'pkcs1_oaep', hash: 'sha256' }, signingScheme: { scheme: 'pss', hash: 'sha256', saltLength: 32 } });

  it('decrypts what node-rsa encrypted, to the bytes node-rsa decrypts it to', () => {
    const secret = randomBytes(32);
    const ciphertext = nodeRsa(key.toPem()).encrypt(secret);
    expect(toHex(key.decrypt(ciphertext))).toBe(toHex(secret));
    expect(toHex(nodeRsa(key.toPem()).decrypt(ciphertext))).toBe(toHex(secret));
  });

  it('encrypts (with node-rsa) what node-rsa decrypts, and node-rsa decrypts what node:crypto encrypted', () => {
    const secret = randomBytes(32);
    expect(toHex(nodeRsa(key.toPem()).decrypt(key.publicKey.encrypt(secret)))).toBe(toHex(secret));
    const native = publicEncrypt({ key: key.publicKey.toPem(), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, secret);
    expect(toHex(nodeRsa(key.toPem()).decrypt(native))).toBe(toHex(secret));
    expect(toHex(key.decrypt(native))).toBe(toHex(secret));
  });

  it('refuses what node-rsa refuses, with the same words whatever is wrong', () => {
    const valid = key.publicKey.encrypt(randomBytes(32));
    const refused = [
      publicEncrypt({ key: key.publicKey.toPem(), padding: constants.RSA_PKCS1_OAEP_PADDING }, randomBytes(32)),
      other.publicKey.encrypt(randomBytes(32)),
      flipped(valid, 0),
      flipped(valid, RSA_BYTES - 1),
      new Uint8Array(RSA_BYTES).fill(0xff),
      new Uint8Array(RSA_BYTES),
    ];
    const messages = refused.map((ciphertext) => {
      expect(() => nodeRsa(key.toPem()).decrypt(ciphertext)).toThrow();
      return thrown(() => key.decrypt(ciphertext)).message;
    });
    expect(new Set(messages)).toEqual(new Set(['the ciphertext is not an RSA-OAEP-SHA256 encryption under this key']));
  });

  it('signs with node-rsa what node-rsa and node:crypto verify, after decrypting with the same key', () => {
    key.decrypt(key.publicKey.encrypt(randomBytes(32)));
    const signature = key.sign(message);
    expect(nodeRsa(key.toPem()).verify(message, signature)).toBe(true);
    expect(verify('sha256', message, { key: key.publicKey.toPem(), ...pss(32) }, signature)).toBe(true);
  });
});

describe('RSA-PSS with SHA-256 and a 32-byte salt', () => {
  it('signs what node:crypto verifies with a 32-byte salt, and not with a 20-byte salt', () => {
    const signature = key.sign(message);
    expect(signature).toHaveLength(RSA_BYTES);
    const publicPem = key.publicKey.toPem();
    expect(verify('sha256', message, { key: publicPem, ...pss(32) }, signature)).toBe(true);
    expect(verify('sha256', message, { key: publicPem, ...pss(20) }, signature)).toBe(false);
    expect(verify('sha1', message, { key: publicPem, ...pss(32) }, signature)).toBe(false);
  });

  it('verifies what node:crypto signed with a 32-byte salt, and not with a 20-byte salt', () => {
    const privatePem = key.toPem();
    expect(key.publicKey.verify(message, sign('sha256', message, { key: privatePem, ...pss(32) }))).toBe(true);
    expect(key.publicKey.verify(message, sign('sha256', message, { key: privatePem, ...pss(20) }))).toBe(false);
  });

  it('signs with a fresh salt each time, both signatures verifying', () => {
    const first = key.sign(message);
    const second = key.sign(message);
    expect(toHex(first)).not.toBe(toHex(second));
    expect(key.publicKey.verify(message, first)).toBe(true);
    expect(key.publicKey.verify(message, second)).toBe(true);
  });

  it("does not verify a tampered message, a tampered signature or another key's signature", () => {
    const signature = key.sign(message);
    expect(key.publicKey.verify(flipped(message, 3), signature)).toBe(false);
    expect(key.publicKey.verify(message.subarray(1), signature)).toBe(false);
    expect(key.publicKey.verify(message, flipped(signature, 0))).toBe(false);
    expect(key.publicKey.verify(message, flipped(signature, RSA_BYTES - 1))).toBe(false);
    expect(other.publicKey.verify(message, signature)).toBe(false);
    expect(key.publicKey.verify(message, other.sign(message))).toBe(false);
  });

  it('does not verify (and does not throw on) a signature of the wrong length', () => {
    const signature = key.sign(message);
    expect(key.publicKey.verify(message, signature.subarray(1))).toBe(false);
    expect(key.publicKey.verify(message, new Uint8Array([0, ...signature]))).toBe(false);
    expect(key.publicKey.verify(message, new Uint8Array(0))).toBe(false);
    expect(key.publicKey.verify(message, new Uint8Array(RSA_BYTES).fill(0xff))).toBe(false);
  });
});

describe('keys that are refused', () => {
  it('refuses a 1024-bit private or public key, naming the 2048 bits it wants', () => {
    const { privatePem, publicPem } = nodeKeyPems({ modulusLength: 1024 });
    for (const load of [() => RsaPrivateKey.fromPem(privatePem), () => RsaPublicKey.fromPem(publicPem)]) {
      const error = thrown(load);
      expect(error).toBeInstanceOf(RsaKeyError);
      expect(error.message).toMatch(/1024-bit/);
      expect(error.message).toMatch(/2048/);
    }
  });

  it('refuses a 2048-bit key whose exponent is not 65537', () => {
    const { publicPem } = nodeKeyPems({ modulusLength: 2048, publicExponent: 3 });
    expect(() => RsaPublicKey.fromPem(publicPem)).toThrow(RsaKeyError);
    expect(() => RsaPublicKey.fromPem(publicPem)).toThrow(/exponent 3; expected 2048 bits with exponent 65537/);
  });

  it('refuses a PKCS#8 "BEGIN PRIVATE KEY" PEM as a private or a public key', () => {
    const pkcs8 = createPrivateKey(key.toPem()).export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(pkcs8.startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
    expect(() => RsaPrivateKey.fromPem(pkcs8)).toThrow(RsaKeyError);
    expect(() => RsaPublicKey.fromPem(pkcs8)).toThrow(RsaKeyError);
  });

  it('refuses a private key PEM as a public key and a public key PEM as a private key', () => {
    expect(() => RsaPublicKey.fromPem(key.toPem())).toThrow(RsaKeyError);
    expect(() => RsaPrivateKey.fromPem(key.publicKey.toPem())).toThrow(RsaKeyError);
  });

  it('refuses garbage, with or without a PEM header', () => {
    const garbage = ['', 'not a key', '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n'];
    for (const text of garbage) expect(() => RsaPrivateKey.fromPem(text), text).toThrow(RsaKeyError);
    expect(() => RsaPublicKey.fromPem('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n')).toThrow(RsaKeyError);
    expect(() => RsaPublicKey.fromSpkiDer(utf8('not DER at all'))).toThrow(RsaKeyError);
    expect(() => RsaPublicKey.fromSpkiDer(key.publicKey.toSpkiDer().subarray(0, 200))).toThrow(RsaKeyError);
  });
});

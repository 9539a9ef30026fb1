/**
 * RSA for tls-tui, on node-rsa: 2048-bit keys with exponent 65537, RSA-OAEP with
 * SHA-256 for the key exchange and RSA-PSS-SHA256 with a 32-byte salt for
 * signatures (PROTOCOL.md section 0). Private keys travel as PKCS#1 PEM, public
 * keys as PKCS#8 (SubjectPublicKeyInfo) PEM or DER. Nothing else in the project
 * imports node-rsa.
 *
 * One operation bypasses it. node-rsa 2.0 hands OAEP to node:crypto, but on every
 * call it first exports the key to PEM in JavaScript and OpenSSL parses that PEM
 * again: a private-key decryption costs about 1 ms where the RSA itself takes 0.3,
 * and it has no option to keep the parsed key (its PSS signing and verifying do
 * keep one). So `RsaPrivateKey.decrypt` calls node:crypto's `privateDecrypt`
 * itself, with a KeyObject made once from node-rsa's own PKCS#1 export of the
 * same key. The bytes are the same either way (tests cross node-rsa and
 * node:crypto in both directions); node-rsa still makes, imports, checks and
 * exports every key, and does every other operation.
 */
import { constants, createPrivateKey, generateKeyPair, type KeyObject, privateDecrypt } from 'node:crypto';
import NodeRSA, { type NodeRSAOptions } from 'node-rsa';
import { equalBytes, expectLength } from './bytes.js';

export const RSA_BITS = 2048;
export const RSA_EXPONENT = 65537;
/** Bytes in an RSA-2048 ciphertext or signature. */
export const RSA_BYTES = RSA_BITS / 8;
/** The longest plaintext one RSA-OAEP-SHA256 block holds: k - 2·hLen - 2. */
export const MAX_OAEP_PLAINTEXT_BYTES = RSA_BYTES - 2 * 32 - 2;

const SCHEMES: NodeRSAOptions = {
  encryptionScheme: { scheme: 'pkcs1_oaep', hash: 'sha256' },
  signingScheme: { scheme: 'pss', hash: 'sha256', saltLength: 32 },
};

/** A key that does not parse, or is not the RSA-2048/65537 this protocol uses. */
export class RsaKeyError extends Error {
  override readonly name = 'RsaKeyError';
}

function importKey(data: string | Uint8Array, format: 'pkcs1-private-pem' | 'pkcs8-public-pem' | 'pkcs8-public-der', what: string): NodeRSA {
  let key: NodeRSA;
  try {
    key = new NodeRSA(data, format, SCHEMES);
  } catch (error) {
    throw new RsaKeyError(`${what} does not parse: ${(error as Error).message}`);
  }
  const bits = key.getKeySize();
  const exponent = key.keyPair.e;
  if (bits !== RSA_BITS || exponent !== RSA_EXPONENT) {
    throw new RsaKeyError(`${what} is a ${bits}-bit key with exponent ${exponent}; expected ${RSA_BITS} bits with exponent ${RSA_EXPONENT}`);
  }
  return key;
}

export class RsaPublicKey {
  readonly #key: NodeRSA;
  readonly #spki: Uint8Array;

  private constructor(key: NodeRSA) {
    this.#key = key;
    this.#spki = new Uint8Array(key.exportKey('pkcs8-public-der'));
  }

  static fromPem(pem: string): RsaPublicKey {
    if (!pem.includes('-----BEGIN PUBLIC KEY-----')) throw new RsaKeyError('public key is not a PKCS#8 "BEGIN PUBLIC KEY" PEM');
    return new RsaPublicKey(importKey(pem, 'pkcs8-public-pem', 'public key'));
  }

  /** From the DER of a SubjectPublicKeyInfo, as carried in certificates. */
  static fromSpkiDer(der: Uint8Array): RsaPublicKey {
    return new RsaPublicKey(importKey(der, 'pkcs8-public-der', 'public key'));
  }

  /** @internal for RsaPrivateKey: the public half of a private key. */
  static fromNodeRsa(key: NodeRSA): RsaPublicKey {
    return new RsaPublicKey(new NodeRSA(key.exportKey('pkcs8-public-der'), 'pkcs8-public-der', SCHEMES));
  }

  toPem(): string {
    return `${this.#key.exportKey('pkcs8-public-pem')}\n`;
  }

  toSpkiDer(): Uint8Array {
    return this.#spki.slice();
  }

  equals(other: RsaPublicKey): boolean {
    return equalBytes(this.#spki, other.#spki);
  }

  /** RSA-OAEP with SHA-256 and MGF1-SHA-256, empty label. */
  encrypt(plaintext: Uint8Array): Uint8Array {
    // node-rsa would quietly split a longer plaintext over several blocks, which decrypt() refuses.
    if (plaintext.length > MAX_OAEP_PLAINTEXT_BYTES) {
      throw new RangeError(`"plaintext" expected at most ${MAX_OAEP_PLAINTEXT_BYTES} bytes, got ${plaintext.length}`);
    }
    return new Uint8Array(this.#key.encrypt(plaintext));
  }

  /** RSA-PSS-SHA256 with a 32-byte salt. A malformed signature is simply invalid. */
  verify(message: Uint8Array, signature: Uint8Array): boolean {
    if (signature.length !== RSA_BYTES) return false;
    try {
      return this.#key.verify(message, signature);
    } catch {
      return false;
    }
  }
}

export class RsaPrivateKey {
  readonly #key: NodeRSA;
  /** node:crypto's handle on the same key, for `decrypt`; made on first use, as most keys only sign. */
  #decryptionKey: KeyObject | undefined;
  readonly publicKey: RsaPublicKey;

  private constructor(key: NodeRSA) {
    this.#key = key;
    this.publicKey = RsaPublicKey.fromNodeRsa(key);
  }

  /**
   * A fresh RSA-2048 key. The primes come from node:crypto's generator, which runs
   * on the thread pool, so several keys are made in parallel and the event loop
   * (and a dashboard drawing on it) never stalls.
   */
  static async generate(): Promise<RsaPrivateKey> {
    const pem = await new Promise<string>((resolve, reject) => {
      generateKeyPair(
        'rsa',
        { modulusLength: RSA_BITS, publicExponent: RSA_EXPONENT, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } },
        (error, _publicKey, privateKey) => (error ? reject(error) : resolve(privateKey)),
      );
    });
    return RsaPrivateKey.fromPem(pem);
  }

  static fromPem(pem: string): RsaPrivateKey {
    if (!pem.includes('-----BEGIN RSA PRIVATE KEY-----')) throw new RsaKeyError('private key is not a PKCS#1 "BEGIN RSA PRIVATE KEY" PEM');
    return new RsaPrivateKey(importKey(pem, 'pkcs1-private-pem', 'private key'));
  }

  toPem(): string {
    return `${this.#key.exportKey('pkcs1-private-pem')}\n`;
  }

  /**
   * RSA-OAEP with SHA-256 and MGF1-SHA-256, empty label, through node:crypto (see
   * the module comment). Throws when the ciphertext is not a valid encryption under
   * this key, with the same words whatever is wrong with it, as node-rsa did.
   */
  decrypt(ciphertext: Uint8Array): Uint8Array {
    expectLength('ciphertext', ciphertext, RSA_BYTES);
    this.#decryptionKey ??= createPrivateKey({ key: this.#key.exportKey('pkcs1-private-pem'), format: 'pem', type: 'pkcs1' });
    let plaintext: Buffer;
    try {
      plaintext = privateDecrypt({ key: this.#decryptionKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, ciphertext);
    } catch {
      throw new Error('the ciphertext is not an RSA-OAEP-SHA256 encryption under this key');
    }
    return new Uint8Array(plaintext.buffer, plaintext.byteOffset, plaintext.length);
  }

  sign(message: Uint8Array): Uint8Array {
    return new Uint8Array(this.#key.sign(message));
  }
}

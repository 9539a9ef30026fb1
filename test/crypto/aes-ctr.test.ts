/**
 * AES-256-CTR (source/crypto/aes-ctr.ts): the block cipher against FIPS-197, the
 * counter mode against NIST SP 800-38A, one test per published vector. Then the
 * properties the record layer relies on (PROTOCOL.md sections 0 and 4): a stream cut
 * into pieces of any size, aligned or not, gives the same bytes as one call; the
 * counter is one 128-bit big-endian integer that wraps from ff..ff to 00..00 (checked
 * against node:crypto's aes-256-ctr); and keys and IVs of the wrong length are refused
 * with a message that says what was expected.
 */
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAesCtrStream } from '../../source/crypto/aes-ctr.js';
import { fromHex, toHex } from '../../source/crypto/bytes.js';
import { inPieces } from '../support/ctr-pieces.js';

/** A second oracle: OpenSSL's AES-256-CTR through node:crypto. */
function nodeAesCtr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
}

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

// NIST SP 800-38A, Appendix F.5.5 (CTR-AES256.Encrypt) and F.5.6 (CTR-AES256.Decrypt).
const SP800_38A_KEY = '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4';
const SP800_38A_INIT_COUNTER = 'f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff';
const SP800_38A_BLOCKS = [
  { plaintext: '6bc1bee22e409f96e93d7e117393172a', ciphertext: '601ec313775789a5b7a7f504bbf3d228' },
  { plaintext: 'ae2d8a571e03ac9c9eb76fac45af8e51', ciphertext: 'f443e3ca4d62b59aca84e990cacaf5c5' },
  { plaintext: '30c81c46a35ce411e5fbc1191a0a52ef', ciphertext: '2b0930daa23de94ce87017ba2d84988d' },
  { plaintext: 'f69f2445df4f9b17ad2b417be66c3710', ciphertext: 'dfc9c58db67aada613c2dd08457941a6' },
] as const;

describe('published vectors', () => {
  it('FIPS-197 Appendix C.3 (AES-256): AES_K(IV) is the keystream of the first block', () => {
    // FIPS-197, Appendix C.3 "AES-256 (Nk=8, Nr=14)".
    const key = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const plaintext = fromHex('00112233445566778899aabbccddeeff');
    const ciphertext = '8ea2b7ca516745bfeafc49904b496089';
    // CTR XORs AES_K(counter) into the data, so 16 zero bytes under counter = the FIPS
    // plaintext come out as the FIPS ciphertext.
    const keystream = createAesCtrStream(key, plaintext).update(new Uint8Array(16));
    expect(toHex(keystream)).toBe(ciphertext);
  });

  it('NIST SP 800-38A F.5.5 CTR-AES256.Encrypt (four blocks)', () => {
    // NIST SP 800-38A (2001), Appendix F.5.5.
    const key = fromHex(SP800_38A_KEY);
    const counter = fromHex(SP800_38A_INIT_COUNTER);
    const plaintext = fromHex(SP800_38A_BLOCKS.map((block) => block.plaintext).join(''));
    const expected = SP800_38A_BLOCKS.map((block) => block.ciphertext).join('');

    expect(toHex(createAesCtrStream(key, counter).update(plaintext))).toBe(expected);
    const blockByBlock = createAesCtrStream(key, counter);
    for (const block of SP800_38A_BLOCKS) {
      expect(toHex(blockByBlock.update(fromHex(block.plaintext)))).toBe(block.ciphertext);
    }
    expect(toHex(nodeAesCtr(key, counter, plaintext))).toBe(expected);
  });

  it('NIST SP 800-38A F.5.6 CTR-AES256.Decrypt (four blocks)', () => {
    // NIST SP 800-38A (2001), Appendix F.5.6.
    const key = fromHex(SP800_38A_KEY);
    const counter = fromHex(SP800_38A_INIT_COUNTER);
    const ciphertext = fromHex(SP800_38A_BLOCKS.map((block) => block.ciphertext).join(''));
    const expected = SP800_38A_BLOCKS.map((block) => block.plaintext).join('');

    expect(toHex(createAesCtrStream(key, counter).update(ciphertext))).toBe(expected);
    const blockByBlock = createAesCtrStream(key, counter);
    for (const block of SP800_38A_BLOCKS) {
      expect(toHex(blockByBlock.update(fromHex(block.ciphertext)))).toBe(block.plaintext);
    }
    expect(toHex(nodeAesCtr(key, counter, ciphertext))).toBe(expected);
  });
});

describe('one continuous stream', () => {
  const key = fromHex('c0'.repeat(16) + '0d'.repeat(16));
  const iv = fromHex('00ff'.repeat(7) + 'fffe');

  it('gives the same bytes in one call as in unaligned and empty pieces', () => {
    const data = new Uint8Array(1000).map((_, index) => (index * 7 + 3) & 0xff);
    const whole = createAesCtrStream(key, iv).update(data);
    expect(toHex(whole)).toBe(toHex(nodeAesCtr(key, iv, data)));
    for (const lengths of [[1, 15, 16, 17, 0, 33, 0, 5], [0, 0, 999], [16, 16, 16], [7, 9, 31, 1, 48, 100, 3], [500, 0, 500]]) {
      expect(toHex(inPieces(createAesCtrStream(key, iv), data, lengths)), `pieces ${lengths.join(',')}`).toBe(toHex(whole));
    }
  });

  it('gives the same bytes for any data and any cut (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(40), { maxLength: 20 }), (data, lengths) => {
        expect(toHex(inPieces(createAesCtrStream(key, iv), data, lengths))).toBe(toHex(nodeAesCtr(key, iv, data)));
      }),
      { numRuns: 200 },
    );
  });

  it('returns nothing for an empty piece and does not advance the stream', () => {
    const data = new Uint8Array(20).fill(0x42);
    const stream = createAesCtrStream(key, iv);
    expect(stream.update(new Uint8Array(0))).toHaveLength(0);
    expect(toHex(stream.update(data))).toBe(toHex(nodeAesCtr(key, iv, data)));
  });

  it('decrypts with a second stream from the same key and IV, leaving the input untouched', () => {
    const plaintext = new Uint8Array(77).map((_, index) => index);
    const before = toHex(plaintext);
    const ciphertext = createAesCtrStream(key, iv).update(plaintext);
    expect(toHex(plaintext)).toBe(before);
    expect(toHex(ciphertext)).not.toBe(before);
    expect(toHex(createAesCtrStream(key, iv).update(ciphertext))).toBe(before);
  });

  it('increments the counter as one 128-bit big-endian integer, wrapping ff..ff to 00..00', () => {
    const allOnes = fromHex('ff'.repeat(16));
    const zeros = new Uint8Array(48);
    const keystream = createAesCtrStream(key, allOnes).update(zeros);
    expect(toHex(keystream)).toBe(toHex(nodeAesCtr(key, allOnes, zeros)));
    // After ff..ff comes 00..00 and then 00..01, not a counter wrapped in its low 32 or 64 bits.
    const fromZero = createAesCtrStream(key, new Uint8Array(16)).update(new Uint8Array(32));
    expect(toHex(keystream.subarray(16))).toBe(toHex(fromZero));
  });

  it('carries from the low bytes into the higher ones (..00ffffffffff, then ..010000000000)', () => {
    const below = fromHex('00'.repeat(11) + 'ffffffffff');
    const above = fromHex('00'.repeat(10) + '010000000000');
    const keystream = createAesCtrStream(key, below).update(new Uint8Array(32));
    const next = createAesCtrStream(key, above).update(new Uint8Array(16));
    expect(toHex(keystream.subarray(16))).toBe(toHex(next));
  });
});

describe('argument checks', () => {
  it('refuses a 31-byte key', () => {
    const error = thrown(() => createAesCtrStream(new Uint8Array(31), new Uint8Array(16)));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('"aesKey" expected 32 bytes, got 31');
  });

  it('refuses a 33-byte key (no silent truncation to AES-256)', () => {
    const error = thrown(() => createAesCtrStream(new Uint8Array(33), new Uint8Array(16)));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('"aesKey" expected 32 bytes, got 33');
  });

  it('refuses a 16-byte (AES-128) key', () => {
    const error = thrown(() => createAesCtrStream(new Uint8Array(16), new Uint8Array(16)));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('"aesKey" expected 32 bytes, got 16');
  });

  it('refuses a 15-byte IV', () => {
    const error = thrown(() => createAesCtrStream(new Uint8Array(32), new Uint8Array(15)));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('"iv" expected 16 bytes, got 15');
  });

  it('refuses a key that is not a Uint8Array', () => {
    // A string of the right length must not pass as a key: the check is on the type first.
    const error = thrown(() => createAesCtrStream('k'.repeat(32) as unknown as Uint8Array, new Uint8Array(16)));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('"aesKey" expected a Uint8Array, got string');
  });
});

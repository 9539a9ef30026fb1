/**
 * Hashing, MACs, key derivation and randomness (source/crypto/hash.ts), against
 * published vectors, one test per vector: HKDF-SHA256 from RFC 5869 Appendix A.1 to
 * A.3, HMAC-SHA256 from RFC 4231 section 4 (cases 1 to 7, case 5 being a truncated
 * output) and SHA-256 from FIPS 180-2 Appendix B. Then what the protocol relies on
 * beyond the vectors: the incremental `Sha256` equals the one-shot `sha256` however the
 * input is cut, several parts hash and MAC as their concatenation, `randomBytes` gives
 * the length asked for and fresh bytes each time, and HKDF refuses lengths RFC 5869
 * does not allow.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../source/crypto/bytes.js';
import { hkdfSha256, hmacSha256, randomBytes, Sha256, sha256 } from '../../source/crypto/hash.js';

/** `count` bytes counting up from `first`, as RFC 5869 A.2 writes its inputs. */
function counting(first: number, count: number): Uint8Array {
  return new Uint8Array(count).map((_, index) => first + index);
}

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('HKDF-SHA256 (RFC 5869)', () => {
  it('A.1 basic test case', () => {
    // RFC 5869, Appendix A.1 "Test Case 1".
    const ikm = fromHex('0b'.repeat(22));
    const salt = fromHex('000102030405060708090a0b0c');
    const info = fromHex('f0f1f2f3f4f5f6f7f8f9');
    expect(toHex(hkdfSha256(ikm, salt, info, 42))).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it('A.2 longer inputs and outputs', () => {
    // RFC 5869, Appendix A.2 "Test Case 2": IKM 0x00..0x4f, salt 0x60..0xaf, info 0xb0..0xff.
    const okm = hkdfSha256(counting(0x00, 80), counting(0x60, 80), counting(0xb0, 80), 82);
    expect(toHex(okm)).toBe(
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c' +
        '59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71' +
        'cc30c58179ec3e87c14c01d5c1f3434f1d87',
    );
  });

  it('A.3 zero-length salt and info', () => {
    // RFC 5869, Appendix A.3 "Test Case 3".
    const okm = hkdfSha256(fromHex('0b'.repeat(22)), new Uint8Array(0), new Uint8Array(0), 42);
    expect(toHex(okm)).toBe('8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8');
  });

  it('gives the 208 bytes of the key expansion, a shorter request being a prefix of it', () => {
    const ikm = randomBytes(32);
    const salt = randomBytes(64);
    const info = utf8('tls-tui key expansion');
    const okm = hkdfSha256(ikm, salt, info, 208);
    expect(okm).toHaveLength(208);
    expect(toHex(hkdfSha256(ikm, salt, info, 42))).toBe(toHex(okm.subarray(0, 42)));
  });

  it('refuses lengths outside 1 to 255 * 32', () => {
    const ikm = fromHex('0b'.repeat(22));
    for (const length of [0, -1, 1.5, 255 * 32 + 1, Number.NaN]) {
      const error = thrown(() => hkdfSha256(ikm, new Uint8Array(0), new Uint8Array(0), length));
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toBe(`"length" expected an integer from 1 to 8160, got ${length}`);
    }
    expect(hkdfSha256(ikm, new Uint8Array(0), new Uint8Array(0), 1)).toHaveLength(1);
    expect(hkdfSha256(ikm, new Uint8Array(0), new Uint8Array(0), 255 * 32)).toHaveLength(8160);
  });
});

describe('HMAC-SHA256 (RFC 4231)', () => {
  it('test case 1', () => {
    // RFC 4231, section 4.2.
    expect(toHex(hmacSha256(fromHex('0b'.repeat(20)), utf8('Hi There')))).toBe(
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
  });

  it('test case 2 (a key shorter than the output)', () => {
    // RFC 4231, section 4.3.
    expect(toHex(hmacSha256(utf8('Jefe'), utf8('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('test case 3 (50 bytes of 0xdd)', () => {
    // RFC 4231, section 4.4.
    expect(toHex(hmacSha256(fromHex('aa'.repeat(20)), fromHex('dd'.repeat(50))))).toBe(
      '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    );
  });

  it('test case 4 (a 25-byte key 0x01..0x19)', () => {
    // RFC 4231, section 4.5.
    expect(toHex(hmacSha256(counting(0x01, 25), fromHex('cd'.repeat(50))))).toBe(
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    );
  });

  it('test case 5 (output truncated to 128 bits)', () => {
    // RFC 4231, section 4.6: only the first 16 bytes are published.
    const mac = hmacSha256(fromHex('0c'.repeat(20)), utf8('Test With Truncation'));
    expect(mac).toHaveLength(32);
    expect(toHex(mac.subarray(0, 16))).toBe('a3b6167473100ee06e0c796c2955552b');
  });

  it('test case 6 (a key larger than the block size)', () => {
    // RFC 4231, section 4.7.
    const mac = hmacSha256(fromHex('aa'.repeat(131)), utf8('Test Using Larger Than Block-Size Key - Hash Key First'));
    expect(toHex(mac)).toBe('60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
  });

  it('test case 7 (key and data larger than the block size)', () => {
    // RFC 4231, section 4.8.
    const data = utf8(
      'This is a test using a larger than block-size key and a larger than block-size data. ' +
        'The key needs to be hashed before being used by the HMAC algorithm.',
    );
    expect(toHex(hmacSha256(fromHex('aa'.repeat(131)), data))).toBe(
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    );
  });

  it('MACs several parts as their concatenation', () => {
    const key = fromHex('0b'.repeat(20));
    expect(toHex(hmacSha256(key, utf8('Hi'), new Uint8Array(0), utf8(' There')))).toBe(toHex(hmacSha256(key, utf8('Hi There'))));
    expect(toHex(hmacSha256(key, utf8('Hi There')))).not.toBe(toHex(hmacSha256(fromHex('0b'.repeat(19)), utf8('Hi There'))));
  });
});

describe('SHA-256 (FIPS 180-2)', () => {
  it('"abc", one block', () => {
    // FIPS 180-2, Appendix B.1.
    expect(toHex(sha256(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('"abcdbcdecdef...nopq", two blocks', () => {
    // FIPS 180-2, Appendix B.2.
    expect(toHex(sha256(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('hashes several parts as their concatenation', () => {
    expect(toHex(sha256(utf8('a'), new Uint8Array(0), utf8('bc')))).toBe(toHex(sha256(utf8('abc'))));
  });

  it('the incremental Sha256 equals the one-shot sha256 however the input is cut', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(130), { maxLength: 10 }), (data, cuts) => {
        const hash = new Sha256();
        let offset = 0;
        for (const cut of cuts) {
          const end = Math.min(offset + cut, data.length);
          expect(hash.update(data.subarray(offset, end))).toBe(hash);
          offset = end;
        }
        hash.update(data.subarray(offset));
        expect(toHex(hash.digest())).toBe(toHex(sha256(data)));
      }),
      { numRuns: 200 },
    );
  });

  it('the incremental Sha256 of nothing is SHA-256 of the empty string', () => {
    // NIST CAVP SHA256ShortMsg.rsp (FIPS 180 validation vectors), Len = 0.
    expect(toHex(new Sha256().digest())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('randomBytes', () => {
  it('gives the length asked for', () => {
    for (const length of [0, 1, 16, 32, 1000]) {
      const bytes = randomBytes(length);
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(bytes).toHaveLength(length);
    }
  });

  it('gives different bytes on each call', () => {
    expect(toHex(randomBytes(32))).not.toBe(toHex(randomBytes(32)));
  });

  it('is not stuck on one byte value', () => {
    // 4096 bytes all equal would happen with probability 256^-4095.
    expect(new Set(randomBytes(4096)).size).toBeGreaterThan(1);
  });
});

/**
 * Record protection (PROTOCOL.md section 4) against a second implementation written here
 * with node:crypto alone: one aes-256-ctr stream per direction that runs on across
 * records, and mac = HMAC-SHA256(mac_key, seq u64 | type | 0x0300 | ciphertext length u16
 * | ciphertext). Sealed records must equal that byte for byte, over many records of random
 * sizes and over counter blocks that carry across 64 and 128 bits. Opening checks the MAC
 * first: every single-bit flip in a sealed record's payload or type byte, a replayed,
 * dropped or reordered record, and a payload too short for a MAC are bad_record_mac, and
 * none of them moves the stream or the sequence number on. A real session where one peer
 * uses node:crypto's CTR and the other aes-js must still work.
 */
import { createCipheriv, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CtrStream } from '../../source/crypto/aes-ctr.js';
import { RemoteProtocolError } from '../../source/protocol/alerts.js';
import { type ContentType, HEADER_BYTES, type RawRecord } from '../../source/protocol/record.js';
import { type CtrStreamFactory, RecordProtection } from '../../source/protocol/record-protection.js';
import { type TestPki, testPki } from '../support/identities.js';
import { ConnectionPair } from '../support/pair.js';

interface Keys {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
  readonly macKey: Uint8Array;
}

const nodeCtr: CtrStreamFactory = (key, iv) => {
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  return { update: (bytes) => new Uint8Array(cipher.update(bytes)) };
};

/** The writer of section 4, from node:crypto only. */
function nodeSealer(keys: Keys): (type: ContentType, plaintext: Uint8Array) => Uint8Array {
  const cipher = createCipheriv('aes-256-ctr', keys.key, keys.iv);
  let sequence = 0n;
  return (type, plaintext) => {
    const ciphertext = cipher.update(plaintext);
    const header = Buffer.alloc(13);
    header.writeBigUInt64BE(sequence);
    header.writeUInt8(type, 8);
    header.writeUInt16BE(0x0300, 9);
    header.writeUInt16BE(ciphertext.length, 11);
    sequence += 1n;
    const mac = createHmac('sha256', keys.macKey).update(header).update(ciphertext).digest();
    const recordHeader = Buffer.from([type, 3, 0, (ciphertext.length + 32) >> 8, (ciphertext.length + 32) & 0xff]);
    return new Uint8Array(Buffer.concat([recordHeader, ciphertext, mac]));
  };
}

function raw(bytes: Uint8Array): RawRecord {
  return { contentType: bytes[0] as ContentType, bytes, payload: bytes.subarray(HEADER_BYTES) };
}

function openFailure(opener: RecordProtection, record: RawRecord): string {
  try {
    opener.open(record);
  } catch (error) {
    if (error instanceof RemoteProtocolError) return error.alert;
    throw error;
  }
  return 'opened';
}

const KEYS: Keys = { key: new Uint8Array(32).fill(0x11), iv: new Uint8Array(16).fill(0x22), macKey: new Uint8Array(32).fill(0x33) };
const protection = (keys: Keys, factory?: CtrStreamFactory) => new RecordProtection(keys.key, keys.iv, keys.macKey, factory);

describe('sealing, byte for byte against node:crypto', () => {
  it('many records of random sizes and types seal exactly as the reference and open back', () => {
    const keys = fc.record({ key: fc.uint8Array({ minLength: 32, maxLength: 32 }), iv: fc.uint8Array({ minLength: 16, maxLength: 16 }), macKey: fc.uint8Array({ minLength: 32, maxLength: 32 }) });
    const records = fc.array(fc.record({ type: fc.constantFrom<ContentType>(21, 22, 23), plaintext: fc.uint8Array({ maxLength: 3000 }) }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(keys, records, (someKeys, someRecords) => {
        const writer = protection(someKeys);
        const reference = nodeSealer(someKeys);
        const reader = protection(someKeys);
        for (const { type, plaintext } of someRecords) {
          const sealed = writer.seal(type, plaintext);
          expect(Buffer.from(sealed).equals(reference(type, plaintext))).toBe(true);
          expect(reader.open(raw(sealed))).toEqual(plaintext);
        }
        expect(writer.sequence).toBe(BigInt(someRecords.length));
        expect(reader.sequence).toBe(BigInt(someRecords.length));
      }),
      { seed: 42, numRuns: 100 },
    );
  });

  it.each([
    ['wraps all 128 bits', 'ff'.repeat(16)],
    ['carries from the low 64 bits into the high 64', `${'00'.repeat(7)}01${'ff'.repeat(8)}`],
    ['carries within a byte', `${'00'.repeat(15)}fe`],
  ])('full-size records keep one counter that %s', (_, ivHex) => {
    const keys = { ...KEYS, iv: new Uint8Array(Buffer.from(ivHex, 'hex')) };
    const writer = protection(keys);
    const reference = nodeSealer(keys);
    for (const length of [16_384, 7, 16_384, 1, 0, 16_383]) {
      const plaintext = new Uint8Array(length).fill(length & 0xff);
      expect(Buffer.from(writer.seal(23, plaintext)).equals(reference(23, plaintext))).toBe(true);
    }
  });

  it('refuses to seal more than 16,384 bytes', () => {
    expect(protection(KEYS).seal(23, new Uint8Array(16_384)).length).toBe(HEADER_BYTES + 16_384 + 32);
    expect(() => protection(KEYS).seal(23, new Uint8Array(16_385))).toThrow(RangeError);
  });
});

describe('opening: the MAC first, and bad_record_mac for any change', () => {
  const plaintext = new Uint8Array(64).map((_, index) => index);

  it('every single-bit flip in the payload (ciphertext and MAC) → bad_record_mac, and the stream does not move', () => {
    const record = protection(KEYS).seal(23, plaintext);
    expect(record.length).toBe(HEADER_BYTES + 64 + 32);
    const opener = protection(KEYS);
    const accepted: string[] = [];
    for (let byte = HEADER_BYTES; byte < record.length; byte += 1) {
      for (let bit = 0; bit < 8; bit += 1) {
        const flipped = record.slice();
        flipped[byte]! ^= 1 << bit;
        const outcome = openFailure(opener, raw(flipped));
        if (outcome !== 'bad_record_mac') accepted.push(`byte ${byte} bit ${bit}: ${outcome}`);
      }
    }
    expect(accepted).toEqual([]);
    expect(opener.sequence).toBe(0n);
    expect(opener.open(raw(record))).toEqual(plaintext);
  });

  it('every single-bit flip in the last 42 bytes of a short record → bad_record_mac', () => {
    const record = protection(KEYS).seal(22, plaintext.subarray(0, 10));
    expect(record.length - HEADER_BYTES).toBe(42);
    for (let byte = record.length - 42; byte < record.length; byte += 1) {
      for (let bit = 0; bit < 8; bit += 1) {
        const flipped = record.slice();
        flipped[byte]! ^= 1 << bit;
        expect(openFailure(protection(KEYS), raw(flipped)), `byte ${byte} bit ${bit}`).toBe('bad_record_mac');
      }
    }
  });

  it("every single-bit flip in the header's content type → bad_record_mac (the MAC covers the type)", () => {
    const record = protection(KEYS).seal(21, plaintext);
    for (let bit = 0; bit < 8; bit += 1) {
      const flipped = record.slice();
      flipped[0]! ^= 1 << bit;
      expect(openFailure(protection(KEYS), raw(flipped)), `bit ${bit}`).toBe('bad_record_mac');
    }
  });

  it('does not touch the cipher stream when the MAC is wrong', () => {
    let updates = 0;
    const counting: CtrStreamFactory = (key, iv) => {
      const inner: CtrStream = nodeCtr(key, iv);
      return { update: (bytes) => ((updates += 1), inner.update(bytes)) };
    };
    const record = protection(KEYS).seal(23, plaintext);
    const tampered = record.slice();
    tampered[HEADER_BYTES]! ^= 1;
    const opener = protection(KEYS, counting);
    expect(openFailure(opener, raw(tampered))).toBe('bad_record_mac');
    expect(updates).toBe(0);
    expect(opener.open(raw(record))).toEqual(plaintext);
    expect(updates).toBe(1);
  });

  it('a replayed, dropped or reordered record → bad_record_mac', () => {
    const writer = protection(KEYS);
    const [first, second, third] = [1, 2, 3].map((fill) => writer.seal(23, new Uint8Array(20).fill(fill))).map(raw);

    const replay = protection(KEYS);
    replay.open(first!);
    expect(openFailure(replay, first!)).toBe('bad_record_mac');
    expect(replay.open(second!)).toEqual(new Uint8Array(20).fill(2));

    expect(openFailure(protection(KEYS), second!)).toBe('bad_record_mac');

    const reorder = protection(KEYS);
    reorder.open(first!);
    expect(openFailure(reorder, third!)).toBe('bad_record_mac');
    // Named by its sequence number, which the wire log's numbering (every record, both ways) is not.
    expect(() => reorder.open(third!)).toThrow(/^the record with sequence number 1 failed its MAC check/);
    expect(reorder.open(second!)).toEqual(new Uint8Array(20).fill(2));
    expect(reorder.open(third!)).toEqual(new Uint8Array(20).fill(3));
  });

  it('a record sealed with the other direction\'s keys → bad_record_mac', () => {
    const other = protection({ ...KEYS, macKey: new Uint8Array(32).fill(0x44) }).seal(23, plaintext);
    expect(openFailure(protection(KEYS), raw(other))).toBe('bad_record_mac');
  });

  it('a payload too short to hold a MAC (0 to 31 bytes) → bad_record_mac', () => {
    for (let length = 0; length < 32; length += 1) {
      const record = new Uint8Array(HEADER_BYTES + length);
      record.set([23, 3, 0, 0, length]);
      expect(openFailure(protection(KEYS), raw(record)), `${length} bytes`).toBe('bad_record_mac');
    }
    expect(openFailure(protection(KEYS), raw(protection(KEYS).seal(23, new Uint8Array(0))))).toBe('opened');
  });

  it('a ciphertext over 16,384 bytes → record_overflow', () => {
    const record = new Uint8Array(HEADER_BYTES + 16_385 + 32);
    record.set([23, 3, 0, 0x40, 0x21]);
    expect(openFailure(protection(KEYS), raw(record))).toBe('record_overflow');
  });
});

describe('two implementations in one session', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await testPki();
  });

  it("a client on node:crypto's CTR and a server on aes-js transfer a multi-record file", () => {
    const file = new Uint8Array(50_000).map((_, index) => (index * 31) & 0xff);
    const pair = new ConnectionPair(pki, { files: new Map([['notes.txt', file]]), client: { createCtrStream: nodeCtr } }).run();
    expect(pair.client.stateName).toBe('Closed');
    expect(pair.server.stateName).toBe('Closed');
    expect(new Uint8Array(pair.receivedBytes())).toEqual(file);
  });
});

/**
 * Record protection for one direction (PROTOCOL.md section 4): AES-256-CTR as one
 * continuous stream, then HMAC-SHA256 over the sequence number, the header and the
 * ciphertext (encrypt-then-MAC). The MAC is checked before a byte is decrypted.
 */
import { createAesCtrStream, type CtrStream } from '../crypto/aes-ctr.js';
import { concatBytes, equalBytes } from '../crypto/bytes.js';
import { hmacSha256 } from '../crypto/hash.js';
import { RemoteProtocolError } from './alerts.js';
import { ByteWriter } from './codec.js';
import { type ContentType, encodeRecord, MAC_BYTES, MAX_PLAINTEXT_BYTES, type RawRecord, RECORD_VERSION } from './record.js';

export type CtrStreamFactory = (key: Uint8Array, iv: Uint8Array) => CtrStream;

export class RecordProtection {
  readonly #stream: CtrStream;
  readonly #macKey: Uint8Array;
  #sequence = 0n;

  constructor(key: Uint8Array, iv: Uint8Array, macKey: Uint8Array, createStream: CtrStreamFactory = createAesCtrStream) {
    this.#stream = createStream(key, iv);
    this.#macKey = macKey;
  }

  /** Encrypted records sent or received so far in this direction. */
  get sequence(): bigint {
    return this.#sequence;
  }

  /** Encrypts and MACs a plaintext payload into a whole record. */
  seal(contentType: ContentType, plaintext: Uint8Array): Uint8Array {
    if (plaintext.length > MAX_PLAINTEXT_BYTES) throw new RangeError(`plaintext of ${plaintext.length} bytes exceeds ${MAX_PLAINTEXT_BYTES}`);
    const ciphertext = this.#stream.update(plaintext);
    const mac = this.#mac(contentType, ciphertext);
    this.#sequence += 1n;
    return encodeRecord(contentType, concatBytes(ciphertext, mac));
  }

  /** Checks the MAC of an encrypted record, then decrypts it. */
  open(record: RawRecord): Uint8Array {
    const { payload, contentType } = record;
    if (payload.length < MAC_BYTES) {
      throw new RemoteProtocolError('bad_record_mac', `encrypted record of ${payload.length} bytes is too short to hold its ${MAC_BYTES}-byte MAC`);
    }
    const ciphertext = payload.subarray(0, payload.length - MAC_BYTES);
    if (ciphertext.length > MAX_PLAINTEXT_BYTES) {
      throw new RemoteProtocolError('record_overflow', `encrypted record carries ${ciphertext.length} bytes, over the ${MAX_PLAINTEXT_BYTES}-byte limit`);
    }
    const mac = payload.subarray(payload.length - MAC_BYTES);
    if (!equalBytes(mac, this.#mac(contentType, ciphertext))) {
      throw new RemoteProtocolError('bad_record_mac', `record ${this.#sequence} failed its MAC check: it was altered, replayed, reordered or dropped in transit`);
    }
    this.#sequence += 1n;
    return this.#stream.update(ciphertext);
  }

  #mac(contentType: ContentType, ciphertext: Uint8Array): Uint8Array {
    const header = new ByteWriter().u64(this.#sequence).u8(contentType).u16(RECORD_VERSION).u16(ciphertext.length).finish();
    return hmacSha256(this.#macKey, header, ciphertext);
  }
}

/**
 * Record protection for one direction (PROTOCOL.md section 4): AES-256-CTR as one
 * continuous stream, then HMAC-SHA256 over the sequence number, the header and the
 * ciphertext (encrypt-then-MAC). The MAC is checked before a byte is decrypted.
 * A file moves as thousands of these records, so each is built in one allocation.
 */
import { createAesCtrStream, type CtrStream } from '../crypto/aes-ctr.js';
import { equalBytes } from '../crypto/bytes.js';
import { hmacSha256 } from '../crypto/hash.js';
import { RemoteProtocolError } from './alerts.js';
import { type ContentType, HEADER_BYTES, MAC_BYTES, MAX_PLAINTEXT_BYTES, type RawRecord, RECORD_VERSION } from './record.js';

/** What the MAC covers before the ciphertext: seq u64 | content type u8 | version u16 | length u16. */
const MAC_HEADER_BYTES = 13;

export type CtrStreamFactory = (key: Uint8Array, iv: Uint8Array) => CtrStream;

export class RecordProtection {
  readonly #stream: CtrStream;
  readonly #macKey: Uint8Array;
  readonly #macHeader = new Uint8Array(MAC_HEADER_BYTES);
  readonly #macHeaderView = new DataView(this.#macHeader.buffer);
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
    const length = ciphertext.length + MAC_BYTES;
    const record = new Uint8Array(HEADER_BYTES + length);
    record[0] = contentType;
    record[1] = RECORD_VERSION >> 8;
    record[2] = RECORD_VERSION & 0xff;
    record[3] = length >> 8;
    record[4] = length & 0xff;
    record.set(ciphertext, HEADER_BYTES);
    record.set(mac, HEADER_BYTES + ciphertext.length);
    return record;
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
      throw new RemoteProtocolError('bad_record_mac', `the record with sequence number ${this.#sequence} failed its MAC check: it was altered, replayed, reordered or dropped in transit`);
    }
    this.#sequence += 1n;
    return this.#stream.update(ciphertext);
  }

  #mac(contentType: ContentType, ciphertext: Uint8Array): Uint8Array {
    const view = this.#macHeaderView;
    view.setBigUint64(0, this.#sequence);
    view.setUint8(8, contentType);
    view.setUint16(9, RECORD_VERSION);
    view.setUint16(11, ciphertext.length);
    return hmacSha256(this.#macKey, this.#macHeader, ciphertext);
  }
}

/**
 * The record layer (PROTOCOL.md section 1): framing records onto a byte stream and
 * parsing them back incrementally. The reader accepts the stream split at any
 * points and checks each header as soon as its five bytes are in, so an oversized
 * length is refused before a byte of its payload is buffered.
 */
import { RemoteProtocolError } from './alerts.js';

export const CONTENT_TYPE = { alert: 21, handshake: 22, application_data: 23 } as const;
export type ContentType = (typeof CONTENT_TYPE)[keyof typeof CONTENT_TYPE];

export const RECORD_VERSION = 0x0300;
export const HEADER_BYTES = 5;
export const MAX_PLAINTEXT_BYTES = 16_384;
export const MAC_BYTES = 32;
export const MAX_CIPHERTEXT_BYTES = MAX_PLAINTEXT_BYTES + MAC_BYTES;

export function contentTypeName(type: number): string {
  switch (type) {
    case CONTENT_TYPE.alert:
      return 'alert';
    case CONTENT_TYPE.handshake:
      return 'handshake';
    case CONTENT_TYPE.application_data:
      return 'application_data';
    default:
      return `unknown(${type})`;
  }
}

export interface RawRecord {
  readonly contentType: ContentType;
  /** The whole record as it travelled: header and payload. */
  readonly bytes: Uint8Array;
  readonly payload: Uint8Array;
}

export function encodeRecord(contentType: ContentType, payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_CIPHERTEXT_BYTES) throw new RangeError(`record payload of ${payload.length} bytes exceeds ${MAX_CIPHERTEXT_BYTES}`);
  const record = new Uint8Array(HEADER_BYTES + payload.length);
  record[0] = contentType;
  record[1] = RECORD_VERSION >> 8;
  record[2] = RECORD_VERSION & 0xff;
  record[3] = payload.length >> 8;
  record[4] = payload.length & 0xff;
  record.set(payload, HEADER_BYTES);
  return record;
}

export class RecordReader {
  /** The largest payload accepted: plaintext until the keys exist, then plaintext + MAC. */
  maxPayload = MAX_PLAINTEXT_BYTES;
  readonly #chunks: Uint8Array[] = [];
  #buffered = 0;

  get buffered(): number {
    return this.#buffered;
  }

  push(data: Uint8Array): void {
    if (data.length === 0) return;
    this.#chunks.push(data);
    this.#buffered += data.length;
  }

  /** Hands back every buffered byte and empties the reader, for a relay that stops parsing. */
  drain(): Uint8Array[] {
    const chunks = this.#chunks.splice(0);
    this.#buffered = 0;
    return chunks;
  }

  /** The next whole record, or undefined until more bytes arrive. */
  next(): RawRecord | undefined {
    if (this.#buffered < HEADER_BYTES) return undefined;
    const header = this.#peek(HEADER_BYTES);
    const contentType = header[0]!;
    const version = (header[1]! << 8) | header[2]!;
    const length = (header[3]! << 8) | header[4]!;
    if (contentType !== CONTENT_TYPE.alert && contentType !== CONTENT_TYPE.handshake && contentType !== CONTENT_TYPE.application_data) {
      throw new RemoteProtocolError('decode_error', `unknown record content type ${contentType} (expected 21, 22 or 23)`);
    }
    if (version !== RECORD_VERSION) {
      throw new RemoteProtocolError('decode_error', `record version 0x${version.toString(16).padStart(4, '0')}, expected 0x0300`);
    }
    if (length > this.maxPayload) {
      throw new RemoteProtocolError('record_overflow', `record payload of ${length} bytes exceeds the ${this.maxPayload}-byte limit`);
    }
    if (this.#buffered < HEADER_BYTES + length) return undefined;
    const bytes = this.#take(HEADER_BYTES + length);
    return { contentType, bytes, payload: bytes.subarray(HEADER_BYTES) };
  }

  #peek(length: number): Uint8Array {
    const first = this.#chunks[0]!;
    if (first.length >= length) return first.subarray(0, length);
    const out = new Uint8Array(length);
    let filled = 0;
    for (const chunk of this.#chunks) {
      const part = chunk.subarray(0, length - filled);
      out.set(part, filled);
      filled += part.length;
      if (filled === length) break;
    }
    return out;
  }

  #take(length: number): Uint8Array {
    const first = this.#chunks[0]!;
    if (first.length === length) {
      this.#chunks.shift();
      this.#buffered -= length;
      return first;
    }
    if (first.length > length) {
      this.#chunks[0] = first.subarray(length);
      this.#buffered -= length;
      return first.subarray(0, length);
    }
    const out = this.#peek(length);
    let left = length;
    while (left > 0) {
      const chunk = this.#chunks[0]!;
      if (chunk.length <= left) {
        this.#chunks.shift();
        left -= chunk.length;
      } else {
        this.#chunks[0] = chunk.subarray(left);
        left = 0;
      }
    }
    this.#buffered -= length;
    return out;
  }
}

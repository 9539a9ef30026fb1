/**
 * Big-endian readers and writers for the wire format. `ByteReader` fails with a
 * `decode_error` naming the field that ran short, so every decoder that uses it
 * reports malformed input as the protocol requires and never as a RangeError.
 */
import { RemoteProtocolError } from './alerts.js';

const MAX_U64 = 2n ** 64n - 1n;

export class ByteWriter {
  readonly #chunks: Uint8Array[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  bytes(bytes: Uint8Array): this {
    this.#chunks.push(bytes);
    this.#length += bytes.length;
    return this;
  }

  u8(value: number): this {
    return this.#uint(value, 1);
  }

  u16(value: number): this {
    return this.#uint(value, 2);
  }

  u24(value: number): this {
    return this.#uint(value, 3);
  }

  u64(value: number | bigint): this {
    const big = BigInt(value);
    if (big < 0n || big > MAX_U64) throw new RangeError(`expected a u64, got ${value}`);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, big);
    return this.bytes(bytes);
  }

  /** `<u16>`: a 2-byte length, then that many bytes. */
  vector16(bytes: Uint8Array, field = 'vector'): this {
    if (bytes.length > 0xffff) throw new RangeError(`"${field}" expected at most 65535 bytes, got ${bytes.length}`);
    return this.u16(bytes.length).bytes(bytes);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  #uint(value: number, size: number): this {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** (8 * size)) {
      throw new RangeError(`expected an unsigned ${8 * size}-bit integer, got ${value}`);
    }
    const bytes = new Uint8Array(size);
    for (let index = size - 1, rest = value; index >= 0; index -= 1, rest = Math.floor(rest / 256)) bytes[index] = rest % 256;
    return this.bytes(bytes);
  }
}

export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #what: string;
  #offset = 0;

  /** `what` names the message being read, for error messages. */
  constructor(bytes: Uint8Array, what: string) {
    this.#bytes = bytes;
    this.#what = what;
  }

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  bytes(length: number, field: string): Uint8Array {
    if (length > this.remaining) {
      throw new RemoteProtocolError('decode_error', `${this.#what} is truncated: ${field} needs ${length} bytes, ${this.remaining} left`);
    }
    const slice = this.#bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return slice;
  }

  rest(): Uint8Array {
    return this.bytes(this.remaining, 'rest');
  }

  u8(field: string): number {
    return this.bytes(1, field)[0]!;
  }

  u16(field: string): number {
    const bytes = this.bytes(2, field);
    return (bytes[0]! << 8) | bytes[1]!;
  }

  u24(field: string): number {
    const bytes = this.bytes(3, field);
    return (bytes[0]! << 16) | (bytes[1]! << 8) | bytes[2]!;
  }

  /** A u64 as a number; sizes above 2^53 - 1 cannot be real files here, so they are refused. */
  u64(field: string): number {
    const bytes = this.bytes(8, field);
    const value = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new RemoteProtocolError('decode_error', `${this.#what}: ${field} ${value} is larger than any file this program can handle`);
    }
    return Number(value);
  }

  vector16(field: string): Uint8Array {
    return this.bytes(this.u16(`${field} length`), field);
  }

  /** Fails unless every byte was read: trailing bytes are as malformed as missing ones. */
  end(): void {
    if (this.remaining !== 0) {
      throw new RemoteProtocolError('decode_error', `${this.#what} has ${this.remaining} unexpected trailing bytes`);
    }
  }
}

/**
 * A file read front to back one chunk ahead of its reader, for the server streaming a
 * file: the next chunk comes off the disk (on the thread pool) while the current one is
 * encrypted and sent. Chunks are large, so few reads make the trip to the thread pool,
 * and two buffers take turns, so a transfer allocates nothing per chunk. A read that
 * fails is kept until its chunk is asked for, never left as an unhandled rejection.
 */
import type { FileHandle } from 'node:fs/promises';

type Outcome = { readonly bytes: Uint8Array } | { readonly error: unknown };

export class ReadAhead {
  readonly #handle: FileHandle;
  readonly #size: number;
  readonly #buffers: Buffer[] = [];
  #turn = 0;
  #position = 0;
  #pending: Promise<Outcome> | undefined;

  /** Starts reading `size` bytes of `handle` in chunks of `chunkBytes`. */
  constructor(handle: FileHandle, size: number, chunkBytes: number) {
    this.#handle = handle;
    this.#size = size;
    const bufferBytes = Math.max(1, Math.min(chunkBytes, size));
    // A file of one chunk or less needs one buffer of its own size; a larger one needs two.
    for (let count = size > chunkBytes ? 2 : 1; count > 0; count -= 1) this.#buffers.push(Buffer.allocUnsafe(bufferBytes));
    if (size > 0) this.#pending = this.#read();
  }

  /** Whether every byte of the file has been handed out. */
  get done(): boolean {
    return this.#position >= this.#size;
  }

  /**
   * The next chunk, valid until the next call; empty if the file ended before its size
   * (it shrank). The read of the chunk after it starts before this one is handed out,
   * when there is a second buffer to read it into.
   */
  async next(): Promise<Uint8Array> {
    // With one buffer nothing was read ahead: the chunk before this one was in it until now.
    if (this.#pending === undefined && this.#buffers.length === 1 && !this.done) this.#pending = this.#read();
    const outcome = await this.#pending;
    this.#pending = undefined;
    if (outcome === undefined) return new Uint8Array(0);
    if ('error' in outcome) throw outcome.error;
    this.#position += outcome.bytes.length;
    // Only into the other buffer: the one just read is the caller's until its next call.
    if (outcome.bytes.length > 0 && !this.done && this.#buffers.length > 1) this.#pending = this.#read();
    return outcome.bytes;
  }

  /** Waits for a read still under way, so that the file can be closed under none. */
  async settle(): Promise<void> {
    await this.#pending;
  }

  #read(): Promise<Outcome> {
    const buffer = this.#buffers[this.#turn]!;
    this.#turn = (this.#turn + 1) % this.#buffers.length;
    const length = Math.min(buffer.length, this.#size - this.#position);
    return this.#handle.read(buffer, 0, length, this.#position).then(
      ({ bytesRead }) => ({ bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead) }),
      (error: unknown) => ({ error }),
    );
  }
}

/**
 * How a download goes to the disk without holding up the records behind it: the
 * client's, and the bench's record layer alone, which measures the same writes.
 */
import type { ReceivedFile } from './received-file.js';

/**
 * File bytes per write to disk, about sixty-four records. A write costs much the same
 * whatever its size (a hop to the thread pool and back, which wakes a thread on a
 * busy CPU: about 30 µs of the caller's time on the VM this was measured on), so
 * fewer, larger ones leave more of the CPU to the records. 1 MiB rather than 256 KiB
 * took a native 64 MiB download from 269 to 249 ms of the client's CPU; 2 MiB was
 * slower than either.
 */
export const WRITE_BATCH_BYTES = 1024 * 1024;
/** Batches being written at once; when all are, reading the socket waits. */
const WRITE_BUFFERS = 4;

/**
 * Writes a download behind the network: file bytes are copied into one of a few
 * batch buffers, and a full buffer is written (on the thread pool) while the next
 * records are decrypted into another. The reader waits only when every buffer is
 * still being written, so memory stays at a few fixed buffers whatever the file's
 * size, and nothing per record outlives its record. A failed write is thrown by a
 * later `write` or by `commit`, and nothing is committed after one.
 */
export class WriteBehind {
  readonly file: ReceivedFile;
  /** A small file gets a buffer its own size, not a whole batch. */
  readonly #batchBytes: number;
  readonly #free: Buffer[] = [];
  readonly #writing: Array<{ readonly done: Promise<void>; readonly buffer: Buffer }> = [];
  #batch: Buffer | undefined;
  #filled = 0;
  #failure: { readonly error: unknown } | undefined;

  constructor(file: ReceivedFile, size: number) {
    this.file = file;
    this.#batchBytes = Math.max(1, Math.min(WRITE_BATCH_BYTES, size));
  }

  async write(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      this.#throwFailure();
      const batch = this.#batch ?? (this.#batch = await this.#freeBuffer());
      const copied = Math.min(bytes.length - offset, batch.length - this.#filled);
      batch.set(bytes.subarray(offset, offset + copied), this.#filled);
      this.#filled += copied;
      offset += copied;
      if (this.#filled === batch.length) this.#flush();
    }
    this.#throwFailure();
  }

  /** Writes what is left, waits for every write, then moves the file into place. */
  async commit(): Promise<string> {
    this.#flush();
    while (this.#writing.length > 0) await this.#settleOldest();
    this.#throwFailure();
    return this.file.commit();
  }

  async #freeBuffer(): Promise<Buffer> {
    if (this.#free.length === 0 && this.#writing.length < WRITE_BUFFERS) return Buffer.allocUnsafe(this.#batchBytes);
    while (this.#free.length === 0) await this.#settleOldest();
    return this.#free.pop()!;
  }

  #flush(): void {
    const batch = this.#batch;
    if (batch === undefined || this.#filled === 0) return;
    const done = this.file.write(batch.subarray(0, this.#filled)).catch((error: unknown) => {
      this.#failure ??= { error };
    });
    this.#writing.push({ done, buffer: batch });
    this.#batch = undefined;
    this.#filled = 0;
  }

  async #settleOldest(): Promise<void> {
    const oldest = this.#writing.shift();
    if (oldest === undefined) return;
    await oldest.done;
    this.#free.push(oldest.buffer);
  }

  #throwFailure(): void {
    if (this.#failure !== undefined) throw this.#failure.error;
  }
}

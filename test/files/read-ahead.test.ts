/**
 * The server's read-ahead (source/files/read-ahead.ts): a file comes back whole and in
 * order, chunk by chunk, each chunk read while the one before it is in the caller's
 * hands; a file that shrinks ends with an empty chunk; a read that fails is thrown when
 * its chunk is asked for and never escapes as an unhandled rejection; and `settle`
 * waits for the read under way, so the file can be closed under none.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReadAhead } from '../../source/files/read-ahead.js';

let dir: string;
const handles: FileHandle[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tls-tui-read-ahead-'));
});

afterEach(async () => {
  for (const handle of handles.splice(0)) await handle.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function fileOf(bytes: Uint8Array): Promise<FileHandle> {
  const path = join(dir, 'file.bin');
  await writeFile(path, bytes);
  const handle = await open(path, 'r');
  handles.push(handle);
  return handle;
}

/** Every chunk, copied as it is handed out (a chunk is valid only until the next call). */
async function readAll(chunks: ReadAhead): Promise<Uint8Array[]> {
  const copies: Uint8Array[] = [];
  while (!chunks.done) {
    const chunk = await chunks.next();
    copies.push(chunk.slice());
    if (chunk.length === 0) break;
  }
  return copies;
}

describe('ReadAhead', () => {
  it.each([
    ['empty', 0, 64],
    ['smaller than a chunk', 10, 64],
    ['exactly one chunk', 64, 64],
    ['a chunk and a byte', 65, 64],
    ['many chunks and a part', 64 * 9 + 17, 64],
  ])('hands back a file that is %s whole, in chunks of at most the chunk size', async (_name, size, chunkBytes) => {
    const bytes = new Uint8Array(randomBytes(size));
    const chunks = new ReadAhead(await fileOf(bytes), size, chunkBytes);
    const copies = await readAll(chunks);
    expect(Buffer.concat(copies)).toEqual(Buffer.from(bytes));
    expect(copies.every((chunk) => chunk.length > 0 && chunk.length <= chunkBytes)).toBe(true);
    expect(copies).toHaveLength(Math.ceil(size / chunkBytes));
    expect(chunks.done).toBe(true);
  });

  it('reads the next chunk into another buffer than the one just handed out', async () => {
    const bytes = new Uint8Array(randomBytes(256));
    const chunks = new ReadAhead(await fileOf(bytes), bytes.length, 64);
    const first = await chunks.next();
    const copy = first.slice();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(first).toEqual(copy);
    expect(await chunks.next()).toEqual(bytes.subarray(64, 128));
  });

  it('never reads into the buffer a small file\'s chunk is in while the caller holds it, even if the file shrank and grew', async () => {
    const path = join(dir, 'file.bin');
    const handle = await fileOf(new Uint8Array(64).fill(1));
    await truncate(path, 30);
    // One buffer: the file is no larger than a chunk. Its first read finds 30 of the 64 bytes announced.
    const chunks = new ReadAhead(handle, 64, 64);
    await chunks.settle();
    await writeFile(path, new Uint8Array(64).fill(2));
    const first = await chunks.next();
    expect(first).toEqual(new Uint8Array(30).fill(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(first).toEqual(new Uint8Array(30).fill(1));
    // Asked for, the rest is read, now as the file stands.
    expect(await chunks.next()).toEqual(new Uint8Array(34).fill(2));
  });

  it('ends with an empty chunk when the file shrinks under it', async () => {
    const bytes = new Uint8Array(randomBytes(64 * 4));
    const handle = await fileOf(bytes);
    const chunks = new ReadAhead(handle, bytes.length, 64);
    expect(await chunks.next()).toEqual(bytes.subarray(0, 64));
    await chunks.settle();
    await truncate(join(dir, 'file.bin'), 150);
    // The second chunk was read before the cut; the third finds 22 bytes, the fourth none.
    expect(await chunks.next()).toEqual(bytes.subarray(64, 128));
    expect(await chunks.next()).toEqual(bytes.subarray(128, 150));
    expect((await chunks.next()).length).toBe(0);
    expect(chunks.done).toBe(false);
  });

  it('throws a failed read when its chunk is asked for, and leaves no unhandled rejection', async () => {
    const handle = await fileOf(new Uint8Array(256));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await handle.close();
      const chunks = new ReadAhead(handle, 256, 64);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await chunks.settle();
      await expect(chunks.next()).rejects.toThrow();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('settles only once the read under way is done', async () => {
    const bytes = new Uint8Array(randomBytes(128));
    const handle = await fileOf(bytes);
    const chunks = new ReadAhead(handle, bytes.length, 64);
    await chunks.next();
    await chunks.settle();
    await handle.close();
    expect(await chunks.next()).toEqual(bytes.subarray(64));
  });
});

/**
 * The client's received folder, where only complete, verified files appear
 * (PROTOCOL.md section 5, DESIGN.md "Folders at run time"). A download streams into a
 * temporary dot-file inside the folder, on the same file system, so that once the
 * size, digest and signature check out a single rename puts it under its final name,
 * replacing any older copy atomically. A failure at any point, or a crash, leaves at
 * most a temporary file that listings skip and the next client removes.
 */
import { createReadStream } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes, Sha256 } from '../crypto/hash.js';
import { toHex } from '../crypto/bytes.js';
import { checkName, NameRefusal } from './names.js';
import { isRunning } from './process-alive.js';
import { collectRegularFiles, errorCode, isInsideFolder, makeFolders } from './folder-tree.js';

export interface ReceivedEntry {
  readonly name: string;
  readonly size: number;
  readonly modified: Date;
}

const TEMPORARY_PREFIX = '.tls-tui-';
/**
 * How much is written between the syncs that send a download to the disk while it
 * arrives, so that the sync at commit waits only for the last few MiB, not the file.
 */
const SYNC_BEHIND_BYTES = 8 * 1024 * 1024;
const TEMPORARY_NAME = /^\.tls-tui-(\d+)-[0-9a-f]{16}\.part$/u;

/** A fresh temporary file's path in `folder`, named so that a later client can tell whether its maker still runs. */
function temporaryPathIn(folder: string): string {
  return join(folder, `${TEMPORARY_PREFIX}${process.pid}-${toHex(randomBytes(8))}.part`);
}

type ReceivedState = 'open' | 'failed' | 'committed' | 'aborted';

/**
 * One file being received. Calls run one after another in the order they were made,
 * so a commit never overtakes a write. The caller calls `abort()` in a `finally` when
 * `commit()` did not succeed.
 */
export class ReceivedFile {
  readonly name: string;
  /** The temporary file the bytes go to until commit. */
  readonly temporaryPath: string;
  readonly #receivedDir: string;
  readonly #parts: readonly string[];
  #handle: FileHandle | undefined;
  #state: ReceivedState = 'open';
  #bytesWritten = 0;
  #queue: Promise<unknown> = Promise.resolve();
  /** The sync running behind the writes, if any; how far the file had got when it started; a failure it met. */
  #syncing: Promise<void> | undefined;
  #syncedUpTo = 0;
  #syncFailure: { readonly error: unknown } | undefined;

  private constructor(receivedDir: string, name: string, parts: readonly string[], temporaryPath: string, handle: FileHandle) {
    this.#receivedDir = receivedDir;
    this.name = name;
    this.#parts = parts;
    this.temporaryPath = temporaryPath;
    this.#handle = handle;
  }

  /** Checks the name and opens a fresh temporary file in `receivedDir`, creating the folder. */
  static async create(receivedDir: string, name: string): Promise<ReceivedFile> {
    const parts = checkName(name);
    const folder = resolve(receivedDir);
    await makeFolders(folder);
    const temporaryPath = temporaryPathIn(folder);
    const handle = await open(temporaryPath, 'wx', 0o644);
    return new ReceivedFile(folder, name, parts, temporaryPath, handle);
  }

  /**
   * Makes the received folder if it is missing and proves a file can be made in it,
   * by making and removing a temporary one, as a download will: a folder that is
   * read-only, on a read-only file system or no real folder (under /proc) is found
   * before a connection, not after the handshake. The error says what failed.
   */
  static async checkFolder(receivedDir: string): Promise<void> {
    const folder = resolve(receivedDir);
    await makeFolders(folder);
    const probe = temporaryPathIn(folder);
    const handle = await open(probe, 'wx', 0o644).catch((error: unknown) => {
      throw new Error(`cannot create a file there: ${errorCode(error) ?? String(error)}`);
    });
    await handle.close();
    await unlink(probe);
  }

  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Appends all of `bytes` to the temporary file. */
  write(bytes: Uint8Array): Promise<void> {
    return this.#enqueue(async () => {
      const handle = this.#usableHandle('write to');
      try {
        let offset = 0;
        while (offset < bytes.length) {
          const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, this.#bytesWritten);
          offset += bytesWritten;
          this.#bytesWritten += bytesWritten;
        }
        this.#syncBehind(handle);
      } catch (error) {
        this.#state = 'failed';
        throw error;
      }
    });
  }

  /**
   * Makes the file durable and moves it to its final name inside the received
   * folder, refusing a name whose folders lead outside it. Returns the final path.
   */
  commit(): Promise<string> {
    return this.#enqueue(async () => {
      const handle = this.#usableHandle('commit');
      try {
        await this.#syncing;
        if (this.#syncFailure !== undefined) throw this.#syncFailure.error;
        await handle.datasync();
        this.#handle = undefined;
        // Neither waits for the other: closing the file, and checking (or making) the folders it goes to.
        // Both finish before either failure is thrown, so that no abort removes a file still being closed.
        const [folder, closed] = await Promise.allSettled([this.#createParentInside(), handle.close()]);
        if (folder.status === 'rejected') throw folder.reason;
        if (closed.status === 'rejected') throw closed.reason;
        const parent = folder.value;
        const finalPath = join(parent, ...this.#parts.slice(-1));
        await rename(this.temporaryPath, finalPath);
        this.#state = 'committed';
        await syncDirectory(parent);
        return finalPath;
      } catch (error) {
        this.#state = 'failed';
        throw error;
      }
    });
  }

  /** Closes and removes the temporary file; does nothing once committed or aborted. */
  abort(): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#state === 'committed' || this.#state === 'aborted') return;
      this.#state = 'failed';
      const handle = this.#handle;
      this.#handle = undefined;
      await handle?.close().catch(() => undefined); // already closed underneath: nothing left to release
      try {
        await unlink(this.temporaryPath);
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
      }
      this.#state = 'aborted';
    });
  }

  /**
   * Starts a sync when another SYNC_BEHIND_BYTES are written and none is running. It is
   * not queued, so writes go on meanwhile (a FileHandle closes only once it is done). Its
   * failure is kept for commit: the kernel reports a failed write-back to one sync only.
   */
  #syncBehind(handle: FileHandle): void {
    if (this.#syncing !== undefined || this.#bytesWritten - this.#syncedUpTo < SYNC_BEHIND_BYTES) return;
    this.#syncedUpTo = this.#bytesWritten;
    this.#syncing = handle.datasync().then(
      () => {
        this.#syncing = undefined;
      },
      (error: unknown) => {
        this.#syncFailure ??= { error };
        this.#syncing = undefined;
      },
    );
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(task);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #usableHandle(action: string): FileHandle {
    if (this.#state === 'committed') throw new Error(`cannot ${action} "${this.name}": it was already committed`);
    if (this.#state === 'aborted') throw new Error(`cannot ${action} "${this.name}": it was aborted`);
    if (this.#state === 'failed' || this.#handle === undefined) {
      throw new Error(`cannot ${action} "${this.name}": an earlier write or commit failed, so only abort() is left`);
    }
    return this.#handle;
  }

  /**
   * Creates the folders of the final name one at a time, each checked before the next
   * is made inside it, so a folder that is a link out of `received/` is refused before
   * anything is created through it. Returns the real path of the innermost folder.
   */
  async #createParentInside(): Promise<string> {
    const folderReal = await realpath(this.#receivedDir);
    let current = folderReal;
    const folders = this.#parts.slice(0, -1);
    for (const [index, part] of folders.entries()) {
      const next = join(current, part);
      await mkdir(next).catch((error: unknown) => {
        if (errorCode(error) !== 'EEXIST') throw error;
      });
      const shown = folders.slice(0, index + 1).join('/');
      const nextReal = await realpath(next).catch((error: unknown) => {
        throw new NameRefusal('access_denied', `"${shown}" in "${this.name}" cannot be resolved (${errorCode(error) ?? String(error)})`);
      });
      if (!isInsideFolder(folderReal, nextReal)) {
        throw new NameRefusal('access_denied', `"${shown}" in "${this.name}" is a symbolic link that leads outside the received folder`);
      }
      if (!(await stat(nextReal)).isDirectory()) {
        throw new NameRefusal('access_denied', `"${shown}" in "${this.name}" is a file, not a folder`);
      }
      current = nextReal;
    }
    return current;
  }
}

/** Makes a rename durable; best effort, because some systems cannot sync a directory. */
async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The rename itself has happened; only its durability after a power cut is in doubt.
  }
}

/**
 * Removes temporary files left by clients that died mid-transfer (a `kill -9` never
 * reaches `abort()`), recognised by a process id that no longer runs. Returns how many.
 */
export async function removeStaleTemporaryFiles(receivedDir: string): Promise<number> {
  let entries: string[];
  try {
    entries = await readdir(receivedDir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const entry of entries) {
    const pid = Number(TEMPORARY_NAME.exec(entry)?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || (await isRunning(pid))) continue;
    const path = join(receivedDir, entry);
    try {
      if (!(await lstat(path)).isFile()) continue;
      await unlink(path);
      removed += 1;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error; // another client cleaned it first
    }
  }
  return removed;
}

/** Every complete file in the received folder, sorted by name; temporaries are dot-files, so never shown. */
export async function listReceivedFiles(receivedDir: string): Promise<ReceivedEntry[]> {
  try {
    const files = await collectRegularFiles(receivedDir);
    return files.map(({ name, stats }) => ({ name, size: stats.size, modified: stats.mtime }));
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}

/** The SHA-256 of a file as lowercase hex, read as a stream so large files cost no memory. */
export async function fileSha256(path: string): Promise<string> {
  const hash = new Sha256();
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
  }
  return toHex(hash.digest());
}

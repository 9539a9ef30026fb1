import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, open, readdir, readFile, realpath, rm, symlink, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NameRefusal } from '../../source/files/names.js';
import {
  fileSha256,
  listReceivedFiles,
  ReceivedFile,
  removeStaleTemporaryFiles,
} from '../../source/files/received-file.js';

const encoder = new TextEncoder();
let temporaryDirs: string[] = [];
let receivedDir: string;
let outsideDir: string;
let fileHandlePrototype: FileHandle;

async function makeTemporaryDir(): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'tls-tui-received-')));
  temporaryDirs.push(dir);
  return dir;
}

/** Every entry under a folder, recursively, as "/"-separated names. */
async function allEntries(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map((entry) => entry.split('\\').join('/')).sort();
}

async function receive(name: string, ...chunks: string[]): Promise<string> {
  const file = await ReceivedFile.create(receivedDir, name);
  let committed = false;
  try {
    for (const chunk of chunks) await file.write(encoder.encode(chunk));
    const path = await file.commit();
    committed = true;
    return path;
  } finally {
    if (!committed) await file.abort();
  }
}

function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('true');
    child.on('error', reject);
    child.on('exit', () => (child.pid === undefined ? reject(new Error('no pid')) : resolve(child.pid)));
  });
}

beforeEach(async () => {
  const root = await makeTemporaryDir();
  receivedDir = join(root, 'received');
  outsideDir = await makeTemporaryDir();
  const probe = await open(join(root, 'probe'), 'w');
  fileHandlePrototype = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  await unlink(join(root, 'probe'));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  temporaryDirs = [];
});

describe('ReceivedFile', () => {
  it('creates the folder and writes to a temporary dot-file until commit', async () => {
    const file = await ReceivedFile.create(receivedDir, 'notes.txt');
    try {
      expect(file.temporaryPath).toMatch(new RegExp(`/received/\\.tls-tui-${process.pid}-[0-9a-f]{16}\\.part$`));
      await file.write(encoder.encode('partial'));
      expect(await readdir(receivedDir)).toEqual([file.temporaryPath.split('/').at(-1)]);
      expect(((await lstat(file.temporaryPath)).mode & 0o777) & ~0o644).toBe(0);
    } finally {
      await file.abort();
    }
  });

  it('commit puts the exact bytes under the final name and leaves no dot-files', async () => {
    const file = await ReceivedFile.create(receivedDir, 'notes.txt');
    await file.write(encoder.encode('hello, '));
    await file.write(new Uint8Array(0));
    await file.write(encoder.encode('world'));
    expect(file.bytesWritten).toBe(12);
    const finalPath = await file.commit();
    expect(finalPath).toBe(join(receivedDir, 'notes.txt'));
    expect(await readFile(finalPath, 'utf8')).toBe('hello, world');
    expect(await readdir(receivedDir)).toEqual(['notes.txt']);
  });

  it('keeps large writes whole and in order, even when not awaited one by one', async () => {
    const big = new Uint8Array(3 * 1024 * 1024).map((_, index) => index % 251);
    const file = await ReceivedFile.create(receivedDir, 'big.bin');
    const pending = [file.write(big.subarray(0, 1000)), file.write(big.subarray(1000, 2_000_000)), file.write(big.subarray(2_000_000))];
    const committing = file.commit();
    await Promise.all(pending);
    const finalPath = await committing;
    expect(Buffer.compare(await readFile(finalPath), big)).toBe(0); // toEqual on megabytes is slow
  });

  it('abort leaves nothing, and may be called twice', async () => {
    const file = await ReceivedFile.create(receivedDir, 'notes.txt');
    await file.write(encoder.encode('never finished'));
    await file.abort();
    await file.abort();
    expect(await readdir(receivedDir)).toEqual([]);
  });

  it('refuses writes and commits after commit or abort, saying so', async () => {
    const committed = await ReceivedFile.create(receivedDir, 'a.txt');
    await committed.commit();
    await expect(committed.write(encoder.encode('late'))).rejects.toThrow('cannot write to "a.txt": it was already committed');
    await expect(committed.commit()).rejects.toThrow('already committed');
    const aborted = await ReceivedFile.create(receivedDir, 'b.txt');
    await aborted.abort();
    await expect(aborted.write(encoder.encode('late'))).rejects.toThrow('cannot write to "b.txt": it was aborted');
    await expect(aborted.commit()).rejects.toThrow('aborted');
    expect(await readFile(join(receivedDir, 'a.txt'), 'utf8')).toBe('');
    expect(await readdir(receivedDir)).toEqual(['a.txt']);
  });

  it('abort after a successful commit keeps the file', async () => {
    const file = await ReceivedFile.create(receivedDir, 'kept.txt');
    await file.write(encoder.encode('kept'));
    await file.commit();
    await file.abort();
    expect(await readFile(join(receivedDir, 'kept.txt'), 'utf8')).toBe('kept');
  });

  it('creates the subfolders of a name', async () => {
    const finalPath = await receive('images/2024/logo.png', 'PNG');
    expect(finalPath).toBe(join(receivedDir, 'images', '2024', 'logo.png'));
    expect(await allEntries(receivedDir)).toEqual(['images', 'images/2024', 'images/2024/logo.png']);
  });

  it('replaces an existing file of the same name', async () => {
    await receive('notes.txt', 'old version, longer');
    await receive('notes.txt', 'new');
    expect(await readFile(join(receivedDir, 'notes.txt'), 'utf8')).toBe('new');
    expect(await readdir(receivedDir)).toEqual(['notes.txt']);
  });

  it('refuses a bad name before creating anything', async () => {
    const error = await ReceivedFile.create(receivedDir, '../escape.txt').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NameRefusal);
    expect((error as NameRefusal).alert).toBe('access_denied');
    await expect(lstat(receivedDir)).rejects.toThrow('ENOENT');
  });

  it('refuses a subfolder that is a symbolic link outside, writing nothing there', async () => {
    await mkdir(receivedDir);
    await symlink(outsideDir, join(receivedDir, 'sub'));
    for (const name of ['sub/x.txt', 'sub/deeper/x.txt']) {
      const file = await ReceivedFile.create(receivedDir, name);
      await file.write(encoder.encode('payload'));
      const error = await file.commit().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NameRefusal);
      expect((error as NameRefusal).message).toBe(`"sub" in "${name}" is a symbolic link that leads outside the received folder`);
      await file.abort();
    }
    expect(await readdir(outsideDir)).toEqual([]);
    expect(await readdir(receivedDir)).toEqual(['sub']);
  });

  it('replaces a symbolic link under the final name instead of writing through it', async () => {
    await writeFile(join(outsideDir, 'target.txt'), 'outside');
    await mkdir(receivedDir);
    await symlink(join(outsideDir, 'target.txt'), join(receivedDir, 'notes.txt'));
    await receive('notes.txt', 'received');
    expect((await lstat(join(receivedDir, 'notes.txt'))).isFile()).toBe(true);
    expect(await readFile(join(receivedDir, 'notes.txt'), 'utf8')).toBe('received');
    expect(await readFile(join(outsideDir, 'target.txt'), 'utf8')).toBe('outside');
  });

  it('refuses a subfolder that is a regular file', async () => {
    await receive('notes.txt', 'a file');
    await expect(receive('notes.txt/inside.txt', 'x')).rejects.toThrow('"notes.txt" in "notes.txt/inside.txt" is a file, not a folder');
    expect(await readdir(receivedDir)).toEqual(['notes.txt']);
  });

  it('fails to create in a "folder" that is a regular file, leaving nothing', async () => {
    await writeFile(join(outsideDir, 'not-a-folder'), 'x');
    await expect(ReceivedFile.create(join(outsideDir, 'not-a-folder'), 'a.txt')).rejects.toThrow();
    expect(await readdir(outsideDir)).toEqual(['not-a-folder']);
  });

  it('checkFolder makes a missing folder, proves a file can be made there, and leaves nothing behind', async () => {
    const folder = join(outsideDir, 'new', 'received');
    await ReceivedFile.checkFolder(folder);
    expect(await allEntries(outsideDir)).toEqual(['new', 'new/received']);
  });

  it('checkFolder refuses a folder no file can be made in, saying so', async () => {
    // Root may write anywhere a mode forbids; /proc takes no new files from anyone.
    await expect(ReceivedFile.checkFolder('/proc')).rejects.toThrow('cannot create a file there: ENOENT');
    await writeFile(join(outsideDir, 'not-a-folder'), 'x');
    await expect(ReceivedFile.checkFolder(join(outsideDir, 'not-a-folder'))).rejects.toThrow(`${join(outsideDir, 'not-a-folder')} is a file, not a folder`);
  });

  it('after a failed write, refuses to commit and abort removes the partial file', async () => {
    const file = await ReceivedFile.create(receivedDir, 'notes.txt');
    await file.write(encoder.encode('first part'));
    vi.spyOn(fileHandlePrototype, 'write').mockRejectedValueOnce(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    await expect(file.write(encoder.encode('second part'))).rejects.toThrow('no space left on device');
    await expect(file.commit()).rejects.toThrow('an earlier write or commit failed');
    await file.abort();
    expect(await readdir(receivedDir)).toEqual([]);
  });

  it('after a failed sync, leaves no file under the final name', async () => {
    vi.spyOn(fileHandlePrototype, 'datasync').mockRejectedValueOnce(Object.assign(new Error('input/output error'), { code: 'EIO' }));
    await expect(receive('notes.txt', 'bytes')).rejects.toThrow('input/output error');
    expect(await readdir(receivedDir)).toEqual([]);
  });

  it('syncs a large download while it arrives, so the sync at commit has only the rest to write', async () => {
    const sync = vi.spyOn(fileHandlePrototype, 'datasync');
    const file = await ReceivedFile.create(receivedDir, 'large.bin');
    const chunk = new Uint8Array(1024 * 1024).fill(7);
    for (let index = 0; index < 20; index += 1) await file.write(chunk);
    const during = sync.mock.calls.length;
    await file.commit();
    // 20 MiB at 8 MiB a sync: at least one ran behind the writes (one more may still have been running), then commit's own.
    expect(during).toBeGreaterThanOrEqual(1);
    expect(during).toBeLessThanOrEqual(2);
    expect(sync.mock.calls.length).toBe(during + 1);
    expect((await readFile(join(receivedDir, 'large.bin'))).length).toBe(20 * 1024 * 1024);
  });

  it('after a sync behind the writes fails, commit fails with its error and nothing appears', async () => {
    const sync = vi.spyOn(fileHandlePrototype, 'datasync').mockRejectedValueOnce(Object.assign(new Error('input/output error'), { code: 'EIO' }));
    const file = await ReceivedFile.create(receivedDir, 'large.bin');
    for (let index = 0; index < 9; index += 1) await file.write(new Uint8Array(1024 * 1024));
    // The failed sync was the one behind the writes; commit's own would succeed, and must not hide it.
    expect(sync).toHaveBeenCalledTimes(1);
    await expect(file.commit()).rejects.toThrow('input/output error');
    await file.abort();
    expect(await readdir(receivedDir)).toEqual([]);
  });

  it('when its handle is closed underneath, fails and leaves nothing', async () => {
    const file = await ReceivedFile.create(receivedDir, 'notes.txt');
    // Catch the handle on its first write, as a stray close elsewhere in the process would reach it.
    const writeSpy = vi.spyOn(fileHandlePrototype, 'write');
    await file.write(encoder.encode('before'));
    const handle = writeSpy.mock.contexts[0] as FileHandle;
    await handle.close();
    await expect(file.write(encoder.encode('after'))).rejects.toThrow();
    await expect(file.commit()).rejects.toThrow('an earlier write or commit failed');
    await file.abort();
    expect(await readdir(receivedDir)).toEqual([]);
  });

  it('when the temporary file vanishes, commit fails and nothing appears', async () => {
    const file = await ReceivedFile.create(receivedDir, 'notes.txt');
    await file.write(encoder.encode('bytes'));
    await unlink(file.temporaryPath);
    await expect(file.commit()).rejects.toThrow('ENOENT');
    await file.abort();
    expect(await readdir(receivedDir)).toEqual([]);
  });

  it('when the final name is a folder, commit fails, the folder stays and abort cleans up', async () => {
    await mkdir(join(receivedDir, 'taken', 'child'), { recursive: true });
    await expect(receive('taken', 'bytes')).rejects.toThrow();
    expect(await allEntries(receivedDir)).toEqual(['taken', 'taken/child']);
  });
});

describe('removeStaleTemporaryFiles', () => {
  it('removes temporary files of dead processes and keeps the rest', async () => {
    const pid = await deadPid();
    await mkdir(receivedDir);
    const stale = `.tls-tui-${pid}-0123456789abcdef.part`;
    const ours = `.tls-tui-${process.pid}-0123456789abcdef.part`;
    const parents = `.tls-tui-${process.ppid}-fedcba9876543210.part`;
    for (const name of [stale, ours, parents, 'notes.txt', `.tls-tui-${pid}-short.part`]) {
      await writeFile(join(receivedDir, name), 'x');
    }
    expect(await removeStaleTemporaryFiles(receivedDir)).toBe(1);
    expect((await readdir(receivedDir)).sort()).toEqual([`.tls-tui-${pid}-short.part`, ours, parents, 'notes.txt'].sort());
  });

  it('keeps the temporary file of a receive in progress', async () => {
    const file = await ReceivedFile.create(receivedDir, 'notes.txt');
    try {
      expect(await removeStaleTemporaryFiles(receivedDir)).toBe(0);
      await lstat(file.temporaryPath);
    } finally {
      await file.abort();
    }
  });

  it('counts a missing folder as nothing to remove', async () => {
    expect(await removeStaleTemporaryFiles(join(receivedDir, 'absent'))).toBe(0);
  });
});

describe('listReceivedFiles', () => {
  it('lists complete files sorted by name, never temporaries', async () => {
    await receive('b.txt', 'bb');
    await receive('a/z.txt', 'zzz');
    const inProgress = await ReceivedFile.create(receivedDir, 'c.txt');
    try {
      await inProgress.write(encoder.encode('partial'));
      const entries = await listReceivedFiles(receivedDir);
      expect(entries.map(({ name, size }) => ({ name, size }))).toEqual([
        { name: 'a/z.txt', size: 3 },
        { name: 'b.txt', size: 2 },
      ]);
      for (const entry of entries) expect(entry.modified).toBeInstanceOf(Date);
      expect(Math.abs((entries[0]?.modified.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    } finally {
      await inProgress.abort();
    }
  });

  it('lists a missing folder as empty', async () => {
    expect(await listReceivedFiles(receivedDir)).toEqual([]);
  });
});

describe('fileSha256', () => {
  it('hashes the empty file and "abc" as FIPS 180-2 says', async () => {
    await mkdir(receivedDir);
    await writeFile(join(receivedDir, 'empty'), '');
    await writeFile(join(receivedDir, 'abc'), 'abc');
    expect(await fileSha256(join(receivedDir, 'empty'))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await fileSha256(join(receivedDir, 'abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes a file larger than one read chunk', async () => {
    const bytes = new Uint8Array(1_000_003).map((_, index) => (index * 7) % 256);
    await mkdir(receivedDir);
    await writeFile(join(receivedDir, 'big'), bytes);
    expect(await fileSha256(join(receivedDir, 'big'))).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});

/**
 * The server's public folder: what it lists and what it sends, and nothing outside
 * it (PROTOCOL.md section 5, DESIGN.md "Folders at run time"). A request is refused
 * with `access_denied` when its name is unsafe, when a symbolic link would lead out of
 * the folder or into a hidden part of it, or when the name is not a regular file, and
 * with `file_not_found` when nothing is there. A file is opened only after its real
 * path is known to be inside the folder, and is checked again through the open handle,
 * so no byte from outside the folder is ever read.
 */
import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, open, realpath, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { type GuardedFolder, overlappingFolder, realPathToBe } from './guarded-folders.js';
import { checkName, NameRefusal } from './names.js';
import { collectRegularFiles, errorCode, isInsideFolder, notARegularFile, notARegularFileOnOpen, refusalOfResolvedName } from './folder-tree.js';

export interface PublicFileEntry {
  readonly name: string;
  readonly size: number;
}

export interface OpenedPublicFile {
  readonly name: string;
  readonly size: number;
  readonly handle: FileHandle;
  /** The real path that was opened. */
  readonly path: string;
}

// O_NOFOLLOW stops a link swapped in at the last moment; O_NONBLOCK lets a FIFO be
// opened (and then refused) instead of blocking until something writes to it.
// Windows has neither flag, and no FIFOs to hang on.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Why `publicDir` cannot be served, if it cannot: it is not a folder, or it overlaps
 * a folder whose files must never be sent (the keystore's private keys, the store's
 * session keys), as an empty --public (the current folder) or a typo would make it.
 */
export async function publicFolderProblem(publicDir: string, guarded: readonly GuardedFolder[], { mustExist = true } = {}): Promise<string | undefined> {
  // Folders not made yet are compared where they will be: the keystore made on first run
  // inside a public folder made later would be served as surely as one there now.
  const stats = await lstat(await realPathToBe(publicDir)).catch(() => undefined);
  if (mustExist && !stats?.isDirectory()) return `the public folder ${publicDir} does not exist or is not a folder`;
  const overlap = await overlappingFolder(publicDir, guarded);
  if (overlap === undefined) return undefined;
  return `the public folder ${publicDir} overlaps ${overlap.holds} at ${overlap.path}: the server would hand those files to any client. Serve a folder of its own (--public DIR).`;
}

/** Every regular file a client may ask for, sorted by name. */
export async function listPublicFiles(publicDir: string): Promise<PublicFileEntry[]> {
  try {
    const files = await collectRegularFiles(publicDir);
    return files.map(({ name, stats }) => ({ name, size: stats.size }));
  } catch (error) {
    throw folderError(publicDir, error);
  }
}

function folderError(publicDir: string, error: unknown): Error {
  const code = errorCode(error);
  if (code === 'ENOENT') return new Error(`public folder "${publicDir}" does not exist`, { cause: error });
  if (code === 'ENOTDIR') return new Error(`public folder "${publicDir}" is not a folder`, { cause: error });
  if (code !== undefined) return new Error(`public folder "${publicDir}" cannot be read (${code})`, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

function notRegular(name: string, stats: Stats): NameRefusal {
  return new NameRefusal('access_denied', `"${name}" ${notARegularFile(stats)}`);
}

function notFound(name: string): NameRefusal {
  return new NameRefusal('file_not_found', `no file "${name}" in the public folder`);
}

/** Turns the file system's answer for a checked name into a refusal, or rethrows it. */
function refusalForError(name: string, error: unknown): NameRefusal {
  switch (errorCode(error)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return notFound(name);
    case 'EACCES':
    case 'EPERM':
      return new NameRefusal('access_denied', `"${name}" may not be read: permission denied`);
    case 'ELOOP':
      return new NameRefusal('access_denied', `"${name}" goes through a loop of symbolic links`);
    case 'EISDIR':
    case 'ENXIO':
      return new NameRefusal('access_denied', `"${name}" ${notARegularFileOnOpen(errorCode(error))}`);
    default:
      throw error;
  }
}

/** Names the link that leads out: the whole name, or the folder part of it that is a link. */
async function describeEscape(folderReal: string, name: string, parts: readonly string[]): Promise<string> {
  for (let count = 1; count <= parts.length; count += 1) {
    const prefix = parts.slice(0, count);
    const stats = await lstat(join(folderReal, ...prefix)).catch(() => undefined);
    if (stats?.isSymbolicLink()) {
      const link = prefix.join('/');
      return link === name
        ? `"${name}" is a symbolic link that leads outside the public folder`
        : `"${link}" in "${name}" is a symbolic link that leads outside the public folder`;
    }
  }
  return `"${name}" resolves outside the public folder`;
}

async function resolveInside(publicDir: string, name: string, parts: readonly string[]): Promise<string> {
  let folderReal: string;
  try {
    folderReal = await realpath(publicDir);
  } catch (error) {
    throw folderError(publicDir, error);
  }
  let resolved: string;
  try {
    resolved = await realpath(join(folderReal, ...parts));
  } catch (error) {
    throw refusalForError(name, error);
  }
  if (!isInsideFolder(folderReal, resolved)) {
    if (resolved === folderReal) throw new NameRefusal('access_denied', `"${name}" is the public folder itself, not a regular file`);
    throw new NameRefusal('access_denied', await describeEscape(folderReal, name, parts));
  }
  const hidden = refusalOfResolvedName(folderReal, resolved);
  if (hidden !== undefined) {
    throw new NameRefusal('access_denied', `"${name}" is a symbolic link to a file that is not served: ${hidden}`);
  }
  return resolved;
}

/**
 * Opens the file a client asked for, for reading, or throws a `NameRefusal` saying
 * why not. The caller owns the handle and closes it after sending.
 */
export async function openPublicFile(publicDir: string, name: string): Promise<OpenedPublicFile> {
  const parts = checkName(name);
  const resolved = await resolveInside(publicDir, name, parts);
  // A directory or device is refused before it is opened, so opening has no side effects.
  let before: Stats;
  try {
    before = await lstat(resolved);
  } catch (error) {
    throw refusalForError(name, error);
  }
  if (!before.isFile()) throw notRegular(name, before);
  let handle: FileHandle;
  try {
    handle = await open(resolved, OPEN_FLAGS);
  } catch (error) {
    throw refusalForError(name, error);
  }
  try {
    // Checked again on the handle, because the path may have changed since lstat: a
    // folder on the way swapped for a link out would open another file than was checked.
    const stats = await handle.stat();
    if (!stats.isFile()) throw notRegular(name, stats);
    if (stats.dev !== before.dev || stats.ino !== before.ino) throw new NameRefusal('access_denied', `"${name}" was replaced while it was being opened`);
    return { name, size: stats.size, handle, path: resolved };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

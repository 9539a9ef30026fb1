/**
 * Walking a folder without ever leaving it, shared by the public folder (what the
 * server may send) and the received folder (what the client has stored). A listing
 * shows exactly the files a request could name: regular files whose names pass
 * `checkName`, reached through real folders, or through a symbolic link only when it
 * resolves to a regular file inside the same folder. Symbolically linked folders are
 * never entered, so a link cannot make a listing leave the folder or loop.
 */
import { lstat, mkdir, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { checkName, compareNames, isAcceptableName, NameRefusal } from './names.js';

export interface FolderFile {
  /** Relative to the folder, with "/" between parts. */
  readonly name: string;
  /** Where its bytes are: the entry itself, or the target of a symbolic link. */
  readonly path: string;
  /** Of the regular file at `path`. */
  readonly stats: Stats;
}

/** What is at a path that should hold a regular file, as the rest of a sentence about it: "is a folder, not a regular file". */
export function notARegularFile(stats: Stats): string {
  const kind = kindOf(stats);
  return kind === undefined ? 'is not a regular file' : `is ${kind}, not a regular file`;
}

/** The same for a path that should be a folder: "is a named pipe (FIFO), not a folder". */
export function notAFolder(stats: Stats): string {
  return `is ${stats.isFile() ? 'a file' : (kindOf(stats) ?? 'something else')}, not a folder`;
}

/** The same, from the error open() gives for what it will not open as a file (a folder on Windows, a socket or device). */
export function notARegularFileOnOpen(code: string | undefined): string | undefined {
  if (code === 'EISDIR') return 'is a folder, not a regular file';
  if (code === 'ENXIO') return 'is a socket or device, not a regular file';
  return undefined;
}

function kindOf(stats: Stats): string | undefined {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return undefined;
}

/** The `code` of a Node system error, such as ENOENT, or undefined for anything else. */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/**
 * Makes `path` a folder, with any folders above it that are missing, one at a time.
 * Node's own recursive mkdir never returns on some paths (under /proc it retries for
 * ever), and it names a folder deep inside when something above is not a folder.
 */
export async function makeFolders(path: string): Promise<void> {
  const missing: string[] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    const stats = await stat(current).catch((error: unknown) => {
      // Not there, or something above it is a file: which one, the walk up finds.
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
      throw new Error(`cannot reach the folder ${current}: ${errorCode(error) ?? String(error)}`);
    });
    if (stats?.isDirectory()) break;
    if (stats !== undefined) throw new Error(`${current} ${notAFolder(stats)}`);
    missing.push(current);
    if (dirname(current) === current) break;
  }
  for (const folder of missing.reverse()) {
    await mkdir(folder).catch((error: unknown) => {
      if (errorCode(error) !== 'EEXIST') throw new Error(`cannot create the folder ${folder}: ${errorCode(error) ?? String(error)}`);
    });
  }
}

/** Whether `candidate` is strictly inside `folder`; both must already be real paths. */
export function isInsideFolder(folder: string, candidate: string): boolean {
  const prefix = folder.endsWith(sep) ? folder : folder + sep;
  return candidate.startsWith(prefix);
}

/** The "/"-separated name of a real path inside a real folder. */
export function nameInsideFolder(folder: string, candidate: string): string {
  return relative(folder, candidate).split(sep).join('/');
}

/**
 * Why a resolved path inside the folder may not be served, or undefined if it may:
 * a link into a hidden folder must not expose what a direct request could not.
 */
export function refusalOfResolvedName(folder: string, resolved: string): string | undefined {
  try {
    checkName(nameInsideFolder(folder, resolved));
    return undefined;
  } catch (error) {
    if (error instanceof NameRefusal) return error.message;
    throw error;
  }
}

/** The regular file a symbolic link leads to, if it stays inside the folder. */
async function followLinkInside(folderReal: string, linkPath: string): Promise<{ path: string; stats: Stats } | undefined> {
  try {
    const target = await realpath(linkPath);
    if (!isInsideFolder(folderReal, target) || refusalOfResolvedName(folderReal, target) !== undefined) return undefined;
    const stats = await stat(target);
    return stats.isFile() ? { path: target, stats } : undefined;
  } catch (error) {
    if (errorCode(error) !== undefined) return undefined; // dangling, looping or unreadable: not listed
    throw error;
  }
}

/**
 * Every regular file under `folder`, sorted by name in code-point order. Throws the
 * file system's error if the folder itself cannot be read (callers name the folder);
 * entries that vanish or cannot be read while walking are left out.
 */
export async function collectRegularFiles(folder: string): Promise<FolderFile[]> {
  const folderReal = await realpath(folder);
  const found: FolderFile[] = [];

  async function visit(directory: string, parts: readonly string[]): Promise<void> {
    let entries: string[];
    try {
      entries = await readdir(directory);
    } catch (error) {
      if (parts.length === 0 || errorCode(error) === undefined) throw error;
      return;
    }
    for (const entry of entries) {
      const entryParts = [...parts, entry];
      const name = entryParts.join('/');
      // Checking the folder's own name first stops the walk at hidden folders and
      // at the depth limit, so it never goes deeper than a request could reach.
      if (!isAcceptableName(name)) continue;
      const entryPath = join(directory, entry);
      let entryStats: Stats;
      try {
        entryStats = await lstat(entryPath);
      } catch (error) {
        if (errorCode(error) !== undefined) continue;
        throw error;
      }
      if (entryStats.isDirectory()) {
        await visit(entryPath, entryParts);
      } else if (entryStats.isFile()) {
        found.push({ name, path: entryPath, stats: entryStats });
      } else if (entryStats.isSymbolicLink()) {
        const target = await followLinkInside(folderReal, entryPath);
        if (target) found.push({ name, ...target });
      }
    }
  }

  await visit(folderReal, []);
  return found.sort((a, b) => compareNames(a.name, b.name));
}

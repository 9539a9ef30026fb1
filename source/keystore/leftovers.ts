/**
 * Removes what an interrupted run left in a keystore folder. A `kill -9` or a
 * power cut reaches no `finally`, so a run can leave the temporary copies that
 * atomic-write.ts links into place (`server/.server.key.<pid>-<random>.tmp`) and
 * the folder a regeneration builds its new set in (`.regenerate-<pid>-<random>/`),
 * and both can hold private keys. Only those names are touched: temporary copies
 * of keystore files in their identity folders, and regeneration folders at the top.
 *
 * Another process may be writing its own at this very moment (two servers starting
 * on an empty keystore), so, as received-file.ts does with its downloads, a
 * leftover goes only when the process named in it is gone. Or when it is over a day
 * old: no run keeps one that long (a copy lives for one write, a regeneration folder
 * for seconds), and by then its process id may belong to another process, or to this
 * one after a container restart. Names from before they carried a process id are
 * judged by age alone.
 *
 * A regeneration folder holding `previous/` is kept whole, and reported: its swap
 * did not finish, and `previous/` holds the identity folders it had moved aside,
 * which may be the only copy of a CA that another machine trusts.
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, readdir, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorCode } from '../files/folder-tree.js';
import { isRunning } from '../files/process-alive.js';
import { parseTempName } from './atomic-write.js';
import { keystoreLayout, layoutFiles } from './layout.js';

const STAGING_NAME = /^\.regenerate-(?:(\d+)-)?[0-9a-f]{12}$/u;
/** Where a regeneration keeps the identity folders it replaces until the new ones are all in. */
export const MOVED_ASIDE = 'previous';
const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

/** The name of a new regeneration folder, made by this process. */
export function stagingFolderName(): string {
  return `.regenerate-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/**
 * Whether a leftover made by `pid` (undefined: not named), last changed at `modified`,
 * belongs to no run still going. A pid means something on this machine only: a keystore
 * shared between hosts or containers should not be opened by two of them at once.
 */
async function isAbandoned(pid: number | undefined, modified: Date, now: number): Promise<boolean> {
  if (now - modified.getTime() > ABANDONED_AFTER_MS) return true;
  return pid !== undefined && pid !== process.pid && !(await isRunning(pid));
}

/** The entry's details without following a link; undefined once it is gone (another process cleaned it first). */
async function lstatIfPresent(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

async function readdirIfPresent(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}

/** Whether the entry at `path`, named like a leftover of `pid`, is a `kind` that belongs to no run still going; false once it is gone. */
async function isAbandonedEntry(path: string, pid: number | undefined, kind: 'file' | 'folder', now: number): Promise<boolean> {
  const stats = await lstatIfPresent(path);
  if (stats === undefined || !(kind === 'file' ? stats.isFile() : stats.isDirectory())) return false;
  return isAbandoned(pid, stats.mtime, now);
}

/**
 * Removes the leftovers of interrupted runs from the keystore in `dir`. Returns the
 * regeneration folders it kept because they hold identity folders moved aside.
 */
export async function removeLeftovers(dir: string): Promise<string[]> {
  const now = Date.now();
  const kept = await removeAbandonedStaging(dir, now);
  await removeAbandonedTemps(dir, now);
  return kept;
}

async function removeAbandonedStaging(dir: string, now: number): Promise<string[]> {
  const kept: string[] = [];
  for (const entry of await readdirIfPresent(dir)) {
    const match = STAGING_NAME.exec(entry);
    const path = join(dir, entry);
    const pid = match?.[1] === undefined ? undefined : Number(match[1]);
    if (match === null || !(await isAbandonedEntry(path, pid, 'folder', now))) continue;
    if ((await lstatIfPresent(join(path, MOVED_ASIDE))) !== undefined) kept.push(path);
    else await rm(path, { recursive: true, force: true });
  }
  return kept;
}

async function removeAbandonedTemps(dir: string, now: number): Promise<void> {
  for (const [folder, names] of keystoreNamesByFolder(dir)) {
    for (const entry of await readdirIfPresent(folder)) {
      const temp = parseTempName(entry);
      const path = join(folder, entry);
      if (temp === undefined || !names.has(temp.target) || !(await isAbandonedEntry(path, temp.pid, 'file', now))) continue;
      await unlink(path).catch((error: unknown) => {
        if (errorCode(error) !== 'ENOENT') throw error; // another process removed it first
      });
    }
  }
}

/** Each identity folder with the names of the keystore files it holds. */
function keystoreNamesByFolder(dir: string): Map<string, Set<string>> {
  const byFolder = new Map<string, Set<string>>();
  for (const file of layoutFiles(keystoreLayout(dir))) {
    const names = byFolder.get(dirname(file)) ?? new Set<string>();
    names.add(basename(file));
    byFolder.set(dirname(file), names);
  }
  return byFolder;
}

/**
 * The folders whose files no peer may reach: the keystore (private keys, and the CA
 * certificate every check trusts) and the store (transcripts that hold session keys).
 * A public folder that overlaps one would serve them; a received folder that overlaps
 * one would let a server replace them. Folders are compared by the real paths they
 * have, or will have once made, so a link or a folder made on first run cannot hide
 * an overlap.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isInsideFolder } from './folder-tree.js';

/** What a guarded folder holds, for the problem that names it. */
export interface GuardedFolder {
  readonly path: string;
  /** "the keystore (its private keys)" */
  readonly holds: string;
}

/** The keystore's folder and the store's. */
export function guardedFolders(keystore: string, store: string): GuardedFolder[] {
  return [
    { path: keystore, holds: 'the keystore (its private keys)' },
    { path: store, holds: 'the store (its transcripts hold session keys)' },
  ];
}

/** The first of `guarded` that `folder` is, lies inside or holds; none when they are apart. */
export async function overlappingFolder(folder: string, guarded: readonly GuardedFolder[]): Promise<GuardedFolder | undefined> {
  const real = await realPathToBe(folder);
  for (const candidate of guarded) {
    const other = await realPathToBe(candidate.path);
    if (other === real || isInsideFolder(real, other) || isInsideFolder(other, real)) return candidate;
  }
  return undefined;
}

/**
 * Why files cannot be received into `receivedDir`, if they cannot: it overlaps the
 * keystore or the store, where a server's file would replace a CA certificate or a
 * key (a `--received .` run in the folder that holds `keystore/`, say).
 */
export async function receivedFolderProblem(receivedDir: string, guarded: readonly GuardedFolder[]): Promise<string | undefined> {
  const overlap = await overlappingFolder(receivedDir, guarded);
  if (overlap === undefined) return undefined;
  return `the received folder ${receivedDir} overlaps ${overlap.holds} at ${overlap.path}: a server's file could replace one of them. Save to a folder of its own (--received DIR).`;
}

/** The real path `path` has, or will have once made: its nearest existing folder resolved, the rest added. */
export async function realPathToBe(path: string): Promise<string> {
  const absolute = resolve(path);
  const real = await realpath(absolute).catch(() => undefined);
  if (real !== undefined) return real;
  const parent = dirname(absolute);
  return parent === absolute ? absolute : join(await realPathToBe(parent), basename(absolute));
}

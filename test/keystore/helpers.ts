/**
 * Shared by the keystore tests: throwaway folders, a listing of every file under a
 * folder (temp files included), a byte-for-byte snapshot of a folder, to show
 * that a failed open changed nothing, and the error an open is refused with.
 */
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describeKeystore, type Keystore, KeystoreError, openKeystore } from '../../source/keystore/keystore.js';

/** Every file of a complete keystore, relative to its folder, sorted. */
export const KEYSTORE_FILES = [
  'attacker/attacker.key',
  'attacker/attacker.pub',
  'attacker/expired.cert',
  'attacker/rogue-ca-server.cert',
  'attacker/rogue-ca.cert',
  'attacker/rogue-ca.key',
  'attacker/rogue-ca.pub',
  'attacker/self-signed.cert',
  'attacker/wrong-name.cert',
  'ca/ca.cert',
  'ca/ca.key',
  'ca/ca.pub',
  'client/client.cert',
  'client/client.key',
  'client/client.pub',
  'server/server.cert',
  'server/server.key',
  'server/server.pub',
];

const tempDirs: string[] = [];

export async function makeTempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tls-tui-keystore-'));
  tempDirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A copy of a keystore folder in a new temp folder, for tests that change files. */
export async function copyOf(dir: string): Promise<string> {
  const copy = await makeTempDir();
  await cp(dir, copy, { recursive: true });
  return copy;
}

/** Every file and folder under `dir` (hidden ones too), relative and sorted; folders end in `/`. */
export async function listTree(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        found.push(`${relative(dir, path)}/`);
        await walk(path);
      } else {
        found.push(relative(dir, path));
      }
    }
  };
  await walk(dir);
  return found.sort();
}

export async function listFiles(dir: string): Promise<string[]> {
  return (await listTree(dir)).filter((path) => !path.endsWith('/'));
}

/** Each file's bytes, keyed by its relative path. */
export async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const files = await listFiles(dir);
  return new Map(await Promise.all(files.map(async (file) => [file, await readFile(join(dir, file))] as const)));
}

export function fingerprints(keystore: Keystore): string[] {
  return describeKeystore(keystore).map((entry) => entry.fingerprint);
}

/** The error opening the keystore in `dir` is refused with; fails the test when it opens. */
export async function refusal(dir: string): Promise<KeystoreError> {
  const error: unknown = await openKeystore(dir).then(() => undefined, (reason: unknown) => reason);
  if (!(error instanceof KeystoreError)) throw new Error(`expected a KeystoreError, got ${String(error)}`);
  return error;
}

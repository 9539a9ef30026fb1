/**
 * Creates a file so that no reader ever sees it half written and no existing
 * file is ever overwritten (`replaceFileAtomically` is the variant that replaces): the bytes go to a temporary file in the same folder
 * (`.<name>.<pid>-<random>.tmp`, with its final mode), are flushed to disk, and are then
 * hard-linked to the final name. `link` fails when that name already exists, which
 * is how two processes generating the same keystore at once agree on one winner:
 * the loser drops its copy and uses the file that is there. The process id in the
 * temporary name tells a copy left by a killed process from one being written now.
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** `created` when this call made the file, `existed` when another file got there first. */
export type CreateOutcome = 'created' | 'existed';

export async function createFileAtomically(path: string, data: string | Uint8Array, mode: number): Promise<CreateOutcome> {
  const temp = tempPathFor(path);
  try {
    await writeTemp(temp, data, mode);
    try {
      await link(temp, path);
      return 'created';
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'existed';
      throw error;
    }
  } finally {
    await rm(temp, { force: true });
  }
}

/** Writes `path` whole or not at all, replacing what was there: an export, not a key. */
export async function replaceFileAtomically(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await writeTemp(temp, data, mode);
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/** `.<name>.<pid>-<random>.tmp`, or `.<name>.<random>.tmp` as temporary names were before they carried the pid. */
const TEMP_NAME = /^\.(.+)\.(?:(\d+)-)?[0-9a-f]{12}\.tmp$/u;

/**
 * For a temporary name this module makes, the name of the file it was to become and
 * the process that made it (undefined in a name from before they carried it);
 * undefined for any other name.
 */
export function parseTempName(entry: string): { readonly target: string; readonly pid: number | undefined } | undefined {
  const match = TEMP_NAME.exec(entry);
  if (match === null) return undefined;
  return { target: match[1]!, pid: match[2] === undefined ? undefined : Number(match[2]) };
}

async function writeTemp(temp: string, data: string | Uint8Array, mode: number): Promise<void> {
  const handle = await open(temp, 'wx', mode);
  try {
    // The umask may have narrowed the mode given to open; set exactly the one asked for.
    await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Reading one file of the program's own (a keystore file, a transcript), whatever
 * turns out to be at its path. A plain read of a
 * named pipe waits in open() until something writes to it, on a thread the process
 * waits for when it exits, so a command hung and then ignored SIGTERM too; a device
 * can hand out bytes for ever. So the path is opened without waiting, its type is
 * checked on the handle that was opened (a look at the path first could see another
 * file than the one opened), and only a regular file is read, through that handle.
 */
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { errorCode, notARegularFile, notARegularFileOnOpen } from './folder-tree.js';

// O_NONBLOCK lets a FIFO open at once, to be refused, and changes nothing for a
// regular file; O_NOCTTY stops a terminal linked in here from becoming this process's
// controlling terminal. Windows has neither flag, and no FIFOs to hang on.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export interface RegularFile {
  readonly bytes: Buffer;
  /** The permission bits, as the handle the bytes were read from has them. */
  readonly mode: number;
}

/** Something other than a regular file at the path; the message follows the file's name. */
export class NotRegularFile extends Error {
  override readonly name = 'NotRegularFile';
}

/**
 * The bytes and mode of the regular file at `path` (a link is followed), or
 * undefined when nothing is there. Anything else there is a `NotRegularFile`;
 * other failures are the file system's own errors.
 */
export async function readRegularFile(path: string): Promise<RegularFile | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    // Windows refuses to open a folder (elsewhere the type check below finds it); a socket, or a device with nothing behind it, is refused everywhere.
    const refused = notARegularFileOnOpen(errorCode(error));
    if (refused !== undefined) throw new NotRegularFile(refused, { cause: error });
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new NotRegularFile(notARegularFile(stats));
    return { bytes: await handle.readFile(), mode: stats.mode & 0o777 };
  } finally {
    await handle.close();
  }
}

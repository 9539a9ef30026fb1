/**
 * Whether the process that left a temporary file behind still runs: the received
 * folder's downloads and the keystore's half-written files carry their maker's pid,
 * and only a file whose maker is gone may be removed by another process.
 */
import { readFile } from 'node:fs/promises';
import { errorCode } from './folder-tree.js';

/**
 * Whether process `pid` still runs. A zombie does not: it has ended and waits for
 * its parent to collect it, which a parent that does not wait, under an init that
 * does not reap, leaves for long. Linux tells one apart in /proc; elsewhere a
 * zombie counts as running.
 */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (errorCode(error) === 'ESRCH') return false; // EPERM: it runs, as another user
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // `pid (command) state …`, where the command may itself hold parentheses.
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return true;
  }
}

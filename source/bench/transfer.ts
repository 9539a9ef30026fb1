/**
 * A file moved the way a user moves it: `tls-tui server` and `tls-tui client` as two
 * processes over loopback TCP. The rate runs from the moment the client reports its
 * REQUEST sent to the moment it reports the file verified and saved (so the handshake
 * and process start are left out, the digest, signature and fsync are not), and the
 * peak memory of both processes is read from /proc while the file moves.
 */
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { AesImplementation } from '../crypto/aes-ctr.js';
import { CLIENT_STEPS } from '../protocol/steps.js';
import { type Folders, PeakMemoryWatch, runCliClient, startCliServer } from './support.js';

export interface TransferFigures {
  readonly bytes: number;
  readonly seconds: number;
  readonly bytesPerSecond: number;
  /** The rate once a tenth of the file has moved (NaN for a file too small for progress lines). */
  readonly afterFirstTenthBytesPerSecond: number;
  readonly serverPeakBytes: number;
  readonly clientPeakBytes: number;
}

const label = (id: string): string => `✔ ${CLIENT_STEPS.find((step) => step.id === id)!.label}`;
const REQUEST_SENT = label('request');
const SAVED = label('save');
/** A progress line of the client's, such as "… 10% (6.7 MB of 67.1 MB)": how much of the file had arrived. */
const PROGRESS = /… (\d+)% \(/;

/**
 * The rate from the client's first progress line at a tenth of the file or past it to
 * its "saved" line: the transfer without its start, where each process runs V8's first
 * collections and touches memory for the first time. The line's percent is rounded
 * down, so the bytes counted after it are at most 1% of the file too many. NaN when no
 * such line came (a file under 1 MB prints none).
 */
export function rateAfterFirstTenth(lines: ReadonlyArray<{ readonly line: string; readonly at: number }>, bytes: number, savedAt: number): number {
  for (const { line, at } of lines) {
    const percent = Number(PROGRESS.exec(line)?.[1] ?? Number.NaN);
    if (percent >= 10 && at < savedAt) return (bytes * (1 - percent / 100)) / ((savedAt - at) / 1000);
  }
  return Number.NaN;
}

/** Moves `name` (of `bytes` bytes) from a fresh server process to a fresh client process, then deletes the copy. */
export async function measureTransfer(folders: Folders, name: string, bytes: number, aes: AesImplementation): Promise<TransferFigures> {
  const server = await startCliServer(folders, aes);
  let watch: PeakMemoryWatch | undefined;
  try {
    const run = await runCliClient(folders, server.port, name, aes, (client) => {
      watch = new PeakMemoryWatch({ server: server.process, client });
    });
    const peaks = watch!.stop();
    if (run.code !== 0) throw new Error(`tls-tui client exited with ${run.code}: ${run.stderr.trim() || run.lines.at(-1)?.line}`);
    const requested = run.lines.find(({ line }) => line.includes(REQUEST_SENT))?.at;
    const saved = run.lines.find(({ line }) => line.includes(SAVED))?.at;
    if (requested === undefined || saved === undefined) throw new Error('tls-tui client did not report the request and the save');
    const seconds = (saved - requested) / 1000;
    return {
      bytes, seconds, bytesPerSecond: bytes / seconds, afterFirstTenthBytesPerSecond: rateAfterFirstTenth(run.lines, bytes, saved),
      serverPeakBytes: peaks.get('server') ?? 0, clientPeakBytes: peaks.get('client') ?? 0,
    };
  } finally {
    watch?.stop();
    await server.stop();
    await unlink(join(folders.received, name)).catch(() => undefined);
  }
}

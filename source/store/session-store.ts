/**
 * The store folder as a whole: reading a transcript back (a torn last line, left
 * by a crash or read mid-write, marks the session incomplete rather than failing;
 * a line without the fields its readers use is refused, see transcript-checks.ts),
 * listing sessions newest first, finding one by id or prefix, and keeping only the
 * N changed last, but never one still being written.
 */
import { constants } from 'node:fs';
import { open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from '../files/folder-tree.js';
import { NotRegularFile, readRegularFile } from '../files/read-regular-file.js';
import { bytesReviver } from './json-bytes.js';
import { StoreError, StoreFolderError } from './store-error.js';
import { connectionOf, eventLineOf, metaOf, outcomeOf } from './transcript-checks.js';
import { TOUCH_INTERVAL_MS, TRANSCRIPT_EXTENSION, type TranscriptConnection, type TranscriptLine, type TranscriptMeta, type TranscriptOutcome } from './transcript.js';

export const DEFAULT_KEEP = 200;

export interface Transcript {
  readonly path: string;
  readonly meta: TranscriptMeta;
  readonly lines: readonly TranscriptLine[];
  readonly connection?: TranscriptConnection;
  readonly outcome?: TranscriptOutcome;
  /** False when the session never wrote its outcome: still running, or cut short. */
  readonly complete: boolean;
}

export interface SessionSummary {
  readonly id: string;
  readonly path: string;
  readonly meta: TranscriptMeta;
  readonly outcome?: TranscriptOutcome;
  readonly complete: boolean;
  /** For a session without its outcome: its transcript is still being written (IN_PROGRESS_MS), so it runs yet. */
  readonly running?: boolean;
}

export { StoreError, StoreFolderError };

/**
 * Parses a transcript's text; only the metadata line is required, and every line
 * must have the fields its readers use (transcript-checks.ts).
 */
export function parseTranscript(path: string, text: string): Transcript {
  // A last line without its newline may be cut short: only whole lines count.
  const rows = text.split('\n');
  if (!text.endsWith('\n')) rows.pop();
  let meta: TranscriptMeta | undefined;
  let outcome: TranscriptOutcome | undefined;
  let connection: TranscriptConnection | undefined;
  const lines: TranscriptLine[] = [];
  for (const [index, row] of rows.entries()) {
    if (row === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(row, bytesReviver);
    } catch {
      throw new StoreError(`${path}: line ${index + 1} is not JSON`);
    }
    if (index === 0) {
      meta = metaOf(path, value);
      continue;
    }
    // A later line that is JSON but no object is no event either.
    if (typeof value !== 'object' || value === null) continue;
    const object = value as { type?: unknown; event?: unknown };
    const where = `${path}: line ${index + 1}`;
    if (object.type === 'outcome') outcome = outcomeOf(where, value);
    else if (object.type === 'connection') connection = connectionOf(where, value);
    else if (object.event !== undefined) lines.push(eventLineOf(where, value));
  }
  if (meta === undefined) throw new StoreError(`${path}: empty transcript`);
  return { path, meta, lines, ...(connection ? { connection } : {}), ...(outcome ? { outcome } : {}), complete: outcome !== undefined };
}

/** A transcript, read only if it is a regular file: a FIFO or a folder named like one is refused (read-regular-file.ts). */
export async function readTranscript(path: string): Promise<Transcript> {
  const file = await readRegularFile(path).catch((error: unknown) => {
    throw new StoreError(`${path}: ${error instanceof NotRegularFile ? error.message : `cannot be read (${errorCode(error) ?? (error as Error).message})`}`);
  });
  if (file === undefined) throw new StoreError(`${path}: cannot be read (ENOENT)`);
  return parseTranscript(path, file.bytes.toString('utf8'));
}

async function transcriptFiles(storeDir: string): Promise<string[]> {
  const names = await readdir(storeDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw new StoreFolderError(`the store folder ${storeDir} cannot be read (${error.code === 'ENOTDIR' ? 'it is not a folder' : (error.code ?? error.message)}); --store DIR names another`);
  });
  // Ids start with their UTC time, so names sort oldest first.
  return names.filter((name) => name.endsWith(TRANSCRIPT_EXTENSION)).sort();
}

/**
 * Every session in the store, newest first. A file that does not read as a
 * transcript is no session: it is left out, and `onSkipped` is told which file
 * and why, so that one bad file costs the list that file alone.
 */
export async function listSessions(storeDir: string, onSkipped: (problem: string) => void = () => {}): Promise<SessionSummary[]> {
  const summaries: SessionSummary[] = [];
  for (const name of (await transcriptFiles(storeDir)).reverse()) {
    const path = join(storeDir, name);
    try {
      const { meta, outcome, complete } = await readTranscript(path);
      const running = !complete && (await stat(path).then(({ mtimeMs }) => Date.now() - mtimeMs < IN_PROGRESS_MS, () => false));
      summaries.push({ id: meta.id, path, meta, ...(outcome ? { outcome } : {}), complete, ...(running ? { running } : {}) });
    } catch (error) {
      onSkipped(error instanceof StoreError ? error.message : `${path}: cannot be read (${errorCode(error) ?? (error as Error).message})`);
    }
  }
  return summaries;
}

/** A session by its id, a unique prefix of it, or "last": the newest that can be read, as history lists it first. */
export async function findSession(storeDir: string, query: string): Promise<Transcript> {
  const names = (await transcriptFiles(storeDir)).map((name) => name.slice(0, -TRANSCRIPT_EXTENSION.length));
  const pathOf = (name: string): string => join(storeDir, `${name}${TRANSCRIPT_EXTENSION}`);
  if (query === 'last' && names.length > 0) {
    for (const name of [...names].reverse()) {
      const transcript = await readTranscript(pathOf(name)).catch(() => undefined);
      if (transcript !== undefined) return transcript;
    }
    return readTranscript(pathOf(names.at(-1)!)); // none can be read: the newest's reason
  }
  const matches = names.filter((name) => name.startsWith(query));
  if (matches.length === 0) throw new StoreError(`no session "${query}" in ${storeDir}; tls-tui history lists them`);
  if (matches.length > 1 && !matches.includes(query)) throw new StoreError(`"${query}" matches ${matches.length} sessions; give more of the id`);
  return readTranscript(pathOf(matches.includes(query) ? query : matches[0]!));
}

/**
 * How long after its last change a transcript without its outcome still counts as
 * being written. Its writer touches it every TOUCH_INTERVAL_MS while the session
 * runs, so six touches missed mean the writer is gone (its program crashed or was
 * killed), with room for an event loop held up a while by a key or a large file.
 */
export const IN_PROGRESS_MS = 6 * TOUCH_INTERVAL_MS;

/** Opened without waiting, so that a FIFO named like a transcript is found (and left alone), not waited on. */
const TAIL_OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Bytes read from a transcript's end to find its outcome line, which is short. */
const TAIL_BYTES = 4096;

/**
 * Whether a transcript last changed at `modified` may still be written to: lately,
 * and its last line is not its outcome (or it cannot be read yet). Only its end is
 * read: a server that ends hundreds of sessions a second trims the store as often.
 */
async function inProgress(path: string, modified: number): Promise<boolean> {
  if (Date.now() - modified >= IN_PROGRESS_MS) return false;
  const handle = await open(path, TAIL_OPEN_FLAGS).catch(() => undefined);
  if (handle === undefined) return true;
  try {
    const stats = await handle.stat();
    // No session writes anything but a regular file.
    if (!stats.isFile()) return false;
    const { size } = stats;
    const length = Math.min(size, TAIL_BYTES);
    const { buffer } = await handle.read(Buffer.alloc(length), 0, length, size - length);
    const last = buffer.toString('utf8').trimEnd().split('\n').at(-1) ?? '';
    return !last.startsWith('{"type":"outcome"');
  } catch {
    return true;
  } finally {
    await handle.close();
  }
}

/**
 * Removes the transcripts beyond the `keep` changed last; returns how many went.
 * They rank by their last change, not their start, so that a long session that has
 * just ended counts among the newest rather than going first. One still being
 * written stays, however many are newer: removed, its writer would write the rest
 * of the session into a file without a name, lost to history and replay.
 */
export async function applyRetention(storeDir: string, keep = DEFAULT_KEEP): Promise<number> {
  const names = await transcriptFiles(storeDir);
  if (names.length <= keep) return 0;
  const files: { readonly path: string; readonly modified: number }[] = [];
  for (const name of names) {
    const path = join(storeDir, name);
    // A file another program removed meanwhile is left out, and so is anything but a file.
    const modified = await stat(path).then((stats) => (stats.isFile() ? stats.mtimeMs : undefined), () => undefined);
    if (modified !== undefined) files.push({ path, modified });
  }
  // The sort is stable: files changed at the same moment stay in the order they started.
  files.sort((a, b) => a.modified - b.modified);
  const removable: string[] = [];
  for (const file of files.slice(0, Math.max(0, files.length - keep))) {
    if (!(await inProgress(file.path, file.modified))) removable.push(file.path);
  }
  await Promise.all(removable.map((path) => rm(path, { force: true })));
  return removable.length;
}

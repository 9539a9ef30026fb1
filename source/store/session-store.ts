/**
 * The store folder as a whole: reading a transcript back (a torn last line, left
 * by a crash or read mid-write, marks the session incomplete rather than failing),
 * listing sessions newest first, finding one by id or prefix, and keeping only
 * the newest N.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttackEvent, PeerEvent } from '../protocol/events.js';
import { bytesReviver } from './json-bytes.js';
import { TRANSCRIPT_EXTENSION, type TranscriptConnection, type TranscriptLine, type TranscriptMeta, type TranscriptOutcome } from './transcript.js';

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
}

export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** Parses a transcript's text; only the metadata line is required. */
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
    const object = value as { type?: string; event?: PeerEvent | AttackEvent };
    if (index === 0) {
      if (object.type !== 'meta') throw new StoreError(`${path}: the first line is not a transcript's metadata`);
      meta = value as TranscriptMeta;
    } else if (object.type === 'outcome') {
      outcome = value as TranscriptOutcome;
    } else if (object.type === 'connection') {
      connection = value as TranscriptConnection;
    } else if (object.event !== undefined) {
      lines.push(value as TranscriptLine);
    }
  }
  if (meta === undefined) throw new StoreError(`${path}: empty transcript`);
  return { path, meta, lines, ...(connection ? { connection } : {}), ...(outcome ? { outcome } : {}), complete: outcome !== undefined };
}

export async function readTranscript(path: string): Promise<Transcript> {
  return parseTranscript(path, await readFile(path, 'utf8'));
}

async function transcriptFiles(storeDir: string): Promise<string[]> {
  const names = await readdir(storeDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  // Ids start with their UTC time, so names sort oldest first.
  return names.filter((name) => name.endsWith(TRANSCRIPT_EXTENSION)).sort();
}

/** Every session in the store, newest first; unreadable files are skipped. */
export async function listSessions(storeDir: string): Promise<SessionSummary[]> {
  const summaries: SessionSummary[] = [];
  for (const name of (await transcriptFiles(storeDir)).reverse()) {
    const path = join(storeDir, name);
    try {
      const { meta, outcome, complete } = await readTranscript(path);
      summaries.push({ id: meta.id, path, meta, ...(outcome ? { outcome } : {}), complete });
    } catch {
      // A file that is not a transcript is not a session.
    }
  }
  return summaries;
}

/** A session by its id, a unique prefix of it, or "last". */
export async function findSession(storeDir: string, query: string): Promise<Transcript> {
  const names = (await transcriptFiles(storeDir)).map((name) => name.slice(0, -TRANSCRIPT_EXTENSION.length));
  const matches = query === 'last' ? names.slice(-1) : names.filter((name) => name.startsWith(query));
  if (matches.length === 0) throw new StoreError(`no session "${query}" in ${storeDir}; tls-tui history lists them`);
  if (matches.length > 1 && !matches.includes(query)) throw new StoreError(`"${query}" matches ${matches.length} sessions; give more of the id`);
  return readTranscript(join(storeDir, `${matches.includes(query) ? query : matches[0]}${TRANSCRIPT_EXTENSION}`));
}

/** Removes the oldest transcripts beyond the newest `keep`; returns how many went. */
export async function applyRetention(storeDir: string, keep = DEFAULT_KEEP): Promise<number> {
  const names = await transcriptFiles(storeDir);
  const excess = names.slice(0, Math.max(0, names.length - keep));
  await Promise.all(excess.map((name) => rm(join(storeDir, name), { force: true })));
  return excess.length;
}

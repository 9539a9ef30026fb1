/**
 * A session's transcript (DESIGN.md, "Folders at run time"; issue: store/): one
 * JSON Lines file per session in store/. The first line is the metadata, then
 * one line per event as it happens, then the outcome. Each line goes out in one
 * write as soon as its event occurs, so a transcript can be read while it is
 * written and a crash loses at most the line being written. File data is capped:
 * the first records of a transfer keep their first bytes, the rest are counted,
 * so a 1 GiB transfer leaves a transcript of kilobytes. The session keys are
 * kept, so a replay can show decrypted records: store/ holds demo secrets.
 */
import { closeSync, futimesSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { type Alert, describeAlert } from '../protocol/alerts.js';
import { type AttackEvent, type PeerEvent, wireFields } from '../protocol/events.js';
import { VERSION } from '../version.js';
import { bytesReplacer } from './json-bytes.js';

export const TRANSCRIPT_EXTENSION = '.jsonl';
/** File-data records kept per sender and direction; the dashboard's wire log lists as many. */
export const FILE_DATA_RECORDS_KEPT = 12;
/** File-data bytes per stream kept whole, so a small transfer's transcript (and pcap) is exact. */
export const FILE_DATA_WHOLE_BYTES = 32 * 1024;
/** Bytes kept of each file-data record after that. */
export const FILE_DATA_BYTES_KEPT = 256;
/**
 * Records of any other one message kept per peer and action. A session sends a few of
 * each; a large listing some LIST_RESPONSEs; a hostile peer as many as it likes, which
 * would grow the transcript with every one and history's memory when it reads it back.
 */
export const MESSAGE_RECORDS_KEPT = 64;
/** Progress lines kept per role: about one per 5 % of a transfer. */
const PROGRESS_STEPS = 20;
/**
 * How often a writer touches its open transcript, written to or not. When a file was
 * last written says little of whether its session still runs: a transfer keeps few
 * of its events (a relay none of them), and a session in step mode may wait for
 * minutes. The touch says it, so that pruning can leave the file alone.
 */
export const TOUCH_INTERVAL_MS = 10_000;

/** A peer's streams by role and action ("client sent"…), and the names their FILE_DATA records are counted under. */
const STREAMS = {
  client: { sent: 'client sent', received: 'client received' },
  server: { sent: 'server sent', received: 'server received' },
} as const;
export const FILE_DATA_STREAMS = {
  client: { sent: 'client sent FILE_DATA', received: 'client received FILE_DATA' },
  server: { sent: 'server sent FILE_DATA', received: 'server received FILE_DATA' },
} as const;

/** The programs that keep transcripts. */
export const TRANSCRIPT_KINDS = ['dashboard', 'client', 'server', 'relay', 'demo'] as const;
export type TranscriptKind = (typeof TRANSCRIPT_KINDS)[number];

export interface TranscriptMeta {
  readonly type: 'meta';
  readonly id: string;
  readonly version: string;
  readonly kind: TranscriptKind;
  readonly startedAt: string;
  readonly roles: readonly string[];
  readonly client?: string;
  readonly server?: string;
  readonly request?: { readonly op: 'GET' | 'LIST'; readonly name?: string };
  readonly mode: string;
  readonly verify?: boolean;
}

export interface TranscriptOutcome {
  readonly type: 'outcome';
  readonly ok: boolean;
  readonly alert?: Alert;
  readonly reason?: string;
  readonly durationMs: number;
  /** File bytes that crossed in this session. */
  readonly bytes: number;
  /** What was asked, for a transcript that learned it only during the session (a server's). */
  readonly request?: { readonly op: 'GET' | 'LIST'; readonly name?: string };
  /** Records not written, by "role message". */
  readonly omitted: Readonly<Record<string, number>>;
  /** Bytes each peer's streams carried in all, by "role action", omitted records included. */
  readonly streams: Readonly<Record<string, number>>;
}

/**
 * Why a session that failed stopped, in words: its reason, or its alert's when it
 * gave none. The dashboard keeps its result line as the reason ("stopped: …") and
 * the headless programs the bare reason, so the prefix goes, and whoever shows the
 * reason adds its own once.
 */
export function stoppedBecause(outcome: TranscriptOutcome): string {
  if (outcome.reason !== undefined) return outcome.reason.replace(/^stopped: /, '');
  return outcome.alert === undefined ? 'failed' : describeAlert(outcome.alert);
}

export interface TranscriptConnection {
  readonly type: 'connection';
  /** "address:port" of each end. */
  readonly client: string;
  readonly server: string;
}

/** One event line: the event, and when it happened, in ms since the session started. */
export interface TranscriptLine {
  readonly t: number;
  readonly event: PeerEvent | AttackEvent;
  /** For a peer's wire event: where the record starts in the byte stream it belongs to (one per role and action). */
  readonly offset?: number;
}

export function newTranscriptId(kind: TranscriptKind, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\.(\d{3})Z$/, '$1');
  return `${stamp}-${kind}-${randomBytes(3).toString('hex')}`;
}

export class TranscriptWriter {
  readonly id: string;
  readonly path: string;
  readonly #startedAt: number;
  #fd: number | undefined;
  readonly #kept = new Map<string, { records: number; whole: number }>();
  readonly #omitted: Record<string, number> = {};
  readonly #progressAt = new Map<string, number>();
  readonly #streams: Record<string, number> = {};
  /** File bytes that crossed, as the progress events count them, the sender's and the receiver's alike. */
  #bytes = 0;
  /** The request as the session told it, when the metadata could not say. */
  #request: TranscriptOutcome['request'];

  readonly #onError: (error: Error) => void;
  readonly #touching: NodeJS.Timeout;

  private constructor(path: string, id: string, startedAt: number, fd: number, onError: (error: Error) => void) {
    this.path = path;
    this.id = id;
    this.#startedAt = startedAt;
    this.#fd = fd;
    this.#onError = onError;
    // Unreferenced: an open transcript never keeps its program running.
    this.#touching = setInterval(() => this.#touch(), TOUCH_INTERVAL_MS).unref();
  }

  /**
   * Creates the transcript file (never reusing a name) and writes its metadata line.
   * A later write that fails (a full disk, say) never reaches the session: the writer
   * stops, leaving a transcript that reads as incomplete, and tells `onError`.
   */
  static open(
    storeDir: string,
    meta: Omit<TranscriptMeta, 'type' | 'id' | 'version' | 'startedAt'>,
    now = new Date(),
    onError: (error: Error) => void = () => {},
  ): TranscriptWriter {
    mkdirSync(storeDir, { recursive: true });
    const id = newTranscriptId(meta.kind, now);
    const path = join(storeDir, `${id}${TRANSCRIPT_EXTENSION}`);
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeLine(fd, { type: 'meta', id, version: VERSION, startedAt: now.toISOString(), ...meta } satisfies TranscriptMeta);
    } catch (error) {
      closeSync(fd);
      // Without its metadata the file is no transcript: left, it would be one more "empty transcript" in history.
      rmSync(path, { force: true });
      throw error;
    }
    return new TranscriptWriter(path, id, now.getTime(), fd, onError);
  }

  /** When the session started, as the lines' times count from it (ms since the epoch). */
  get startedAt(): number {
    return this.#startedAt;
  }

  get finished(): boolean {
    return this.#fd === undefined;
  }

  /** The two ends of the connection, once known: a pcap export needs them. */
  connection(client: string, server: string): void {
    this.#line({ type: 'connection', client, server } satisfies TranscriptConnection);
  }

  /** Most events of a transfer are counted and dropped, so that costs no string, clock or write per event. */
  record(event: PeerEvent | AttackEvent, at?: number): void {
    if (this.#fd === undefined) return;
    let offset: number | undefined;
    if (event.type === 'wire') {
      const stream = STREAMS[event.role][event.action];
      offset = this.#streams[stream] ?? 0;
      this.#streams[stream] = offset + event.record.length;
    }
    const kept = this.#keep(event);
    if (kept !== undefined) this.#line({ t: (at ?? Date.now()) - this.#startedAt, event: kept, ...(offset === undefined ? {} : { offset }) } satisfies TranscriptLine);
  }

  finish(outcome: Omit<TranscriptOutcome, 'type' | 'durationMs' | 'bytes' | 'omitted' | 'streams'>, at = Date.now()): void {
    if (this.#fd === undefined) return;
    this.#line({
      type: 'outcome',
      ...outcome,
      durationMs: at - this.#startedAt,
      bytes: this.#bytes,
      ...(this.#request === undefined ? {} : { request: this.#request }),
      omitted: this.#omitted,
      streams: this.#streams,
    } satisfies TranscriptOutcome);
    const error = this.#close();
    if (error !== undefined) this.#onError(error);
  }

  /** Marks the file as still being written (TOUCH_INTERVAL_MS). */
  #touch(): void {
    if (this.#fd === undefined) return;
    const now = new Date();
    try {
      // On the descriptor, not the name: whatever happened to the name, this is the file being written.
      futimesSync(this.#fd, now, now);
    } catch {
      // A file system that refuses times costs only the mark; the session and its transcript go on.
    }
  }

  /** Stops writing: the file stays as it is, readable up to its last whole line. */
  #close(): Error | undefined {
    clearInterval(this.#touching);
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd === undefined) return undefined;
    try {
      closeSync(fd);
      return undefined;
    } catch (error) {
      return error as Error;
    }
  }

  /** What of an event goes into the transcript: all of it, a capped copy, or nothing. */
  #keep(event: PeerEvent | AttackEvent): PeerEvent | AttackEvent | undefined {
    switch (event.type) {
      case 'file-data':
        return undefined;
      case 'request':
        this.#request = { op: event.op, ...(event.op === 'GET' ? { name: event.name } : {}) };
        return event;
      case 'progress': {
        this.#bytes = Math.max(this.#bytes, event.done);
        const step = Math.max(1, Math.floor(event.total / PROGRESS_STEPS));
        const next = this.#progressAt.get(event.role) ?? 0;
        if (event.done < next && event.done < event.total) return undefined;
        this.#progressAt.set(event.role, event.done + step);
        return event;
      }
      case 'wire': {
        // With the breakdown of the whole record, even where only the record's start is kept.
        const kept =
          event.message === 'FILE_DATA'
            ? this.#capped(FILE_DATA_STREAMS[event.role][event.action], event)
            : this.#counted(`${event.role} ${event.action} ${event.message}`, MESSAGE_RECORDS_KEPT, event);
        return kept === undefined ? undefined : { ...kept, ...wireFields(event) };
      }
      case 'attack':
        if (event.kind !== 'forwarded' || !event.encrypted || event.record === undefined || event.record.length < 1024) return event;
        return this.#capped(`attacker ${event.direction ?? ''} encrypted record`, event);
      default:
        return event;
    }
  }

  /** The event while fewer than `most` of its kind are kept, whole; after that nothing, only counted as omitted. */
  #counted<E>(kind: string, most: number, event: E): E | undefined {
    const kept = this.#kept.get(kind) ?? { records: 0, whole: 0 };
    if (kept.records >= most) {
      this.#omitted[kind] = (this.#omitted[kind] ?? 0) + 1;
      return undefined;
    }
    kept.records += 1;
    this.#kept.set(kind, kept);
    return event;
  }

  #capped<E extends { readonly record?: Uint8Array; readonly plaintext?: Uint8Array }>(kind: string, event: E): E | undefined {
    if (this.#counted(kind, FILE_DATA_RECORDS_KEPT, event) === undefined) return undefined;
    const kept = this.#kept.get(kind)!;
    // The decrypted copy of file data is the file itself: only its start is worth keeping.
    const plaintext = event.plaintext === undefined ? {} : { plaintext: event.plaintext.subarray(0, FILE_DATA_BYTES_KEPT) };
    const record = event.record;
    if (record === undefined || record.length <= FILE_DATA_BYTES_KEPT) return { ...event, ...plaintext };
    if (kept.whole + record.length <= FILE_DATA_WHOLE_BYTES) {
      kept.whole += record.length;
      return { ...event, ...plaintext };
    }
    return { ...event, record: record.subarray(0, FILE_DATA_BYTES_KEPT), ...plaintext, truncatedFrom: record.length };
  }

  #line(object: object): void {
    if (this.#fd === undefined) return;
    try {
      writeLine(this.#fd, object);
    } catch (error) {
      this.#close();
      this.#onError(error as Error);
    }
  }
}

/** Appends one JSON line, all of it: writeSync may write less than it was given. */
function writeLine(fd: number, object: object): void {
  const line = Buffer.from(`${JSON.stringify(object, bytesReplacer)}\n`);
  for (let written = 0; written < line.length; ) written += writeSync(fd, line, written);
}

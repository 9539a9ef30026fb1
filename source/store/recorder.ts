/**
 * How the programs that run sessions keep them: each opens a transcript when a
 * session starts, records every event, writes the outcome when it ends, then
 * trims the store to the newest sessions. A store that cannot be written never
 * stops a session: the problem is reported once and the session goes on.
 */
import type { Alert } from '../protocol/alerts.js';
import type { ClosedEvent } from '../protocol/events.js';
import { applyRetention, DEFAULT_KEEP } from './session-store.js';
import { type TranscriptMeta, TranscriptWriter } from './transcript.js';

/** The least time between two passes over the store (see #trim). */
const TRIM_INTERVAL_MS = 1_000;

export interface StoreOptions {
  readonly dir: string;
  /** How many sessions to keep; the oldest beyond that are removed. */
  readonly keep?: number;
  /** Told once if transcripts cannot be written. */
  readonly onProblem?: (message: string) => void;
}

export class SessionRecorder {
  readonly #options: StoreOptions;
  #reported = false;
  /** The pass over the store that is running, and whether another is due after it. */
  #trimming: Promise<unknown> | undefined;
  #trimAgain = false;
  #lastTrim = 0;

  constructor(options: StoreOptions) {
    this.#options = options;
  }

  get dir(): string {
    return this.#options.dir;
  }

  /** A writer for a new session, or undefined when the store cannot be written. */
  open(meta: Omit<TranscriptMeta, 'type' | 'id' | 'version' | 'startedAt'>): TranscriptWriter | undefined {
    try {
      return TranscriptWriter.open(this.#options.dir, meta, new Date(), (error) => this.#problem(`cannot write transcripts in ${this.#options.dir}: ${error.message}`));
    } catch (error) {
      this.#problem(`cannot write transcripts in ${this.#options.dir}: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Writes the outcome, closes the transcript and trims the store. */
  finish(writer: TranscriptWriter | undefined, outcome: { readonly ok: boolean; readonly alert?: Alert; readonly reason?: string }): void {
    if (writer === undefined || writer.finished) return;
    writer.finish(outcome);
    this.#trim();
  }

  /**
   * Trims the store, one pass at a time and at most one a TRIM_INTERVAL_MS: sessions
   * that end meanwhile share the next pass, so a server ending hundreds of sessions a
   * second looks over its folder once a second, not once a session. The store holds a
   * few more than `keep` for that second.
   */
  #trim(): void {
    if (this.#trimming !== undefined) {
      this.#trimAgain = true;
      return;
    }
    this.#trimAgain = false;
    const wait = Math.max(0, this.#lastTrim + TRIM_INTERVAL_MS - Date.now());
    // Not unreferenced: a client that ends its one session still trims before it exits.
    this.#trimming = new Promise((resolve) => setTimeout(resolve, wait))
      .then(() => {
        this.#lastTrim = Date.now();
        return applyRetention(this.#options.dir, this.#options.keep ?? DEFAULT_KEEP);
      })
      .catch((error: Error) => this.#problem(`cannot trim ${this.#options.dir}: ${error.message}`))
      .finally(() => {
        this.#trimming = undefined;
        if (this.#trimAgain) this.#trim();
      });
  }

  #problem(message: string): void {
    if (this.#reported) return;
    this.#reported = true;
    this.#options.onProblem?.(message);
  }
}

/** A session's outcome as a peer's closing event tells it. */
export function outcomeOf(closed: ClosedEvent): { readonly ok: boolean; readonly alert?: Alert; readonly reason: string } {
  return { ok: closed.ok, ...(closed.alert ? { alert: closed.alert } : {}), reason: closed.reason };
}

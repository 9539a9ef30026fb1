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
   * Trims the store, one pass at a time: sessions that end while a pass runs get one
   * more pass after it, not one each, so a flood of short connections costs a few
   * passes over the folder rather than one per connection, all at once.
   */
  #trim(): void {
    if (this.#trimming !== undefined) {
      this.#trimAgain = true;
      return;
    }
    this.#trimAgain = false;
    this.#trimming = applyRetention(this.#options.dir, this.#options.keep ?? DEFAULT_KEEP)
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

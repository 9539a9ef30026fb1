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
    void applyRetention(this.#options.dir, this.#options.keep ?? DEFAULT_KEEP).catch((error: Error) => this.#problem(`cannot trim ${this.#options.dir}: ${error.message}`));
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

/**
 * Where a headless command writes: plain lines for people or JSON lines for
 * programs, on stdout, with problems on stderr.
 */
import { jsonEvent, plainLine, ProgressThinner, progressLine } from './event-lines.js';
import type { PeerEvent } from '../protocol/events.js';

export interface Writable {
  write(text: string): unknown;
}

/** Outputs with lines not yet written, which the process's exit writes; one listener for all. */
const UNFLUSHED = new Set<CommandOutput>();
process.once('exit', () => {
  for (const output of UNFLUSHED) output.flush();
});

export class CommandOutput {
  readonly json: boolean;
  readonly #stdout: Writable;
  readonly #stderr: Writable;
  /** Progress thinners by prefix (one session) and role, forgotten when the session closes. */
  readonly #progress = new Map<string, Map<PeerEvent['role'], ProgressThinner>>();
  /**
   * Lines written in one turn of the event loop, sent in one write at its end. A pipe or
   * a terminal takes each write as a system call while the process waits, and a busy
   * server prints a dozen lines a session.
   */
  #pending: string[] = [];

  constructor(json: boolean, stdout: Writable = process.stdout, stderr: Writable = process.stderr) {
    this.json = json;
    this.#stdout = stdout;
    this.#stderr = stderr;
  }

  /** A line for people (plain mode only). */
  say(text: string): void {
    if (!this.json) this.#write(`${text}\n`);
  }

  /** A JSON object (JSON mode only). */
  record(object: Record<string, unknown>): void {
    if (this.json) this.#write(`${JSON.stringify(object)}\n`);
  }

  problem(text: string): void {
    if (this.json) this.#write(`${JSON.stringify({ type: 'error', message: text })}\n`);
    // What stdout said before the problem is out before it.
    this.flush();
    this.#stderr.write(`tls-tui: ${text}\n`);
  }

  /** Sends the lines not yet written; the process's exit and a problem do it too. */
  flush(): void {
    UNFLUSHED.delete(this);
    if (this.#pending.length === 0) return;
    const text = this.#pending.join('');
    this.#pending = [];
    // A stream reports a failed write as an 'error' event, never by throwing: cli.tsx handles those.
    this.#stdout.write(text);
  }

  #write(text: string): void {
    if (this.#pending.length === 0) {
      setImmediate(() => this.flush());
      UNFLUSHED.add(this);
    }
    this.#pending.push(text);
  }

  /** An engine event, as a plain or JSON line; `prefix` tells concurrent sessions apart. */
  event(event: PeerEvent, prefix = '', tag: Record<string, unknown> = {}): void {
    if (event.type === 'progress') {
      if (!this.#thinner(prefix, event.role).keep(event.done, event.total)) return;
      if (!this.json && (event.total < 1_000_000 || event.done === 0 || event.done === event.total)) return;
    }
    if (event.type === 'closed') this.#progress.delete(prefix);
    if (this.json) {
      const object = jsonEvent(event);
      if (object !== undefined) this.record({ ...tag, ...object });
      return;
    }
    const line = event.type === 'progress' ? progressLine(event.done, event.total) : plainLine(event);
    if (line !== undefined) this.say(`${prefix}${line}`);
  }

  /** The thinner of a session's role, kept by session so that its closed event drops both roles' at once. */
  #thinner(prefix: string, role: PeerEvent['role']): ProgressThinner {
    let byRole = this.#progress.get(prefix);
    if (byRole === undefined) this.#progress.set(prefix, (byRole = new Map()));
    let thinner = byRole.get(role);
    if (thinner === undefined) byRole.set(role, (thinner = new ProgressThinner()));
    return thinner;
  }
}

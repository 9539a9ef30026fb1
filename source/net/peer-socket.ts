/**
 * Drives a sans-IO peer over a real TCP socket: bytes read are fed to the peer,
 * bytes it produces are written with backpressure, its deadlines become timers,
 * and a finished peer's socket is ended (and destroyed if the other side lingers).
 * Everything the peer reports goes to one event callback, unchanged.
 */
import type { Socket } from 'node:net';
import type { PeerEvent } from '../protocol/events.js';
import type { Output, Peer } from '../protocol/peer.js';

/** How long a finished peer waits for the other side to close before dropping the socket. */
const LINGER_MS = 2_000;
const NO_BYTES = new Uint8Array(0);

export type Clock = () => number;

/** The two ends of a connected socket, each as "address:port". */
export function socketEnds(socket: Socket): { readonly local: string; readonly remote: string } {
  return { local: `${socket.localAddress}:${socket.localPort}`, remote: `${socket.remoteAddress}:${socket.remotePort}` };
}

/**
 * Holds each record before it leaves, until the promise resolves: the dashboard's
 * step mode, in which a class sends a handshake one message at a time.
 */
export type RecordGate = (role: Peer['role'], record: Uint8Array, message: string) => Promise<void>;

export interface PeerSocketOptions {
  readonly clock?: Clock;
  readonly gate?: RecordGate;
  /**
   * Told when driving the connection failed unexpectedly (an event callback or a
   * gate threw): the connection is then dropped, and the process goes on.
   */
  readonly onFault?: (error: Error) => void;
}

export class PeerSocket {
  readonly #peer: Peer;
  readonly #socket: Socket;
  readonly #onEvent: (event: PeerEvent) => void;
  readonly #clock: Clock;
  readonly #gate: RecordGate | undefined;
  readonly #onFault: ((error: Error) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** When `#timer` fires, in the clock's ms. */
  #timerAt = 0;
  #ended = false;

  constructor(peer: Peer, socket: Socket, onEvent: (event: PeerEvent) => void, options: PeerSocketOptions = {}) {
    this.#peer = peer;
    this.#socket = socket;
    this.#onEvent = onEvent;
    this.#clock = options.clock ?? Date.now;
    this.#gate = options.gate;
    this.#onFault = options.onFault;
    socket.setNoDelay(true);
  }

  get now(): number {
    return this.#clock();
  }

  /** Writes the peer's records, reports its events, and resolves once the socket can take more. */
  async deliver(output: Output): Promise<void> {
    const flowing = this.#gate === undefined ? this.#writeAll(output) : await this.#writeGated(this.#gate, output);
    this.#schedule();
    if (this.#peer.isFinished) this.#end();
    else if (!flowing) await this.#drained();
  }

  /**
   * With no gate every record leaves before any event reports it: corked, so that
   * the four records of a chunk of a file go out in one system call, and wake the
   * other side once. Returns whether the socket can take more.
   */
  #writeAll(output: Output): boolean {
    let flowing = true;
    const socket = this.#socket;
    const cork = output.send.length > 1 && !socket.destroyed && socket.writable;
    if (cork) socket.cork();
    for (const record of output.send) {
      if (!socket.destroyed && socket.writable) flowing = socket.write(record);
    }
    if (cork) socket.uncork();
    for (const event of output.events) this.#report(event);
    return flowing;
  }

  /** Each record leaves just before the event that reports it, so a gated record is reported only once it is sent. */
  async #writeGated(gate: RecordGate, output: Output): Promise<boolean> {
    let flowing = true;
    let sent = 0;
    const write = async (message: string): Promise<void> => {
      const record = output.send[sent++];
      if (record === undefined) return;
      await gate(this.#peer.role, record, message);
      if (!this.#socket.destroyed && this.#socket.writable) flowing = this.#socket.write(record);
    };
    for (const event of output.events) {
      if (event.type === 'wire' && event.action === 'sent') await write(event.message);
      this.#report(event);
    }
    while (sent < output.send.length) await write('a record');
    return flowing;
  }

  /** Reads the socket until it closes, feeding the peer; `handle` sees each output after delivery. */
  async readUntilClosed(handle: (output: Output) => Promise<void>): Promise<void> {
    try {
      for await (const chunk of this.#socket as AsyncIterable<Buffer>) {
        // One record at a time: a 64 KiB read holds four records of a file, and handled
        // together, every one stayed in memory until the last was decrypted and handled,
        // long enough, under aes-js, for V8 to move their buffers to the old generation,
        // where they waited for a full collection.
        let bytes: Uint8Array = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        do {
          if (this.#peer.isFinished) break;
          const output = this.#peer.receive(bytes, this.now, 1);
          bytes = NO_BYTES;
          await this.deliver(output);
          await handle(output);
        } while (this.#peer.moreToRead);
      }
      // "The other end": the peer, or an attacker in between that hung up on this side.
      await this.deliver(this.#peer.connectionLost(`the other end closed the connection`, this.now));
    } catch (error) {
      await this.deliver(this.#peer.connectionLost((error as Error).message, this.now));
    } finally {
      this.#stopTimer();
    }
  }

  /**
   * Ends the session because this program is stopping, with a fatal internal_error
   * alert that says why, then closes: the other side learns that the server (or the
   * client) is stopping, rather than only that its connection went. The alert leaves
   * after what is already queued.
   */
  shutdown(reason: string): void {
    if (!this.#peer.isFinished) this.#writeAll(this.#peer.stop(reason, this.now));
    this.#end();
  }

  /** Drops the connection at once (the program is stopping). */
  destroy(reason: string): void {
    this.#stopTimer();
    if (!this.#peer.isFinished) {
      const output = this.#peer.connectionLost(reason, this.now);
      for (const event of output.events) this.#report(event);
    }
    this.#socket.destroy();
  }

  /** Hands an event on; a callback that throws costs this connection, never the process. */
  #report(event: PeerEvent): void {
    try {
      this.#onEvent(event);
    } catch (error) {
      this.#fault(error);
    }
  }

  #fault(error: unknown): void {
    this.#stopTimer();
    this.#socket.destroy();
    this.#onFault?.(error instanceof Error ? error : new Error(String(error)));
  }

  /**
   * Keeps a timer for the peer's next deadline. Every byte read moves the idle
   * deadline later, so a timer already set for an earlier time is left alone: when
   * it fires, the peer finds nothing due, and the timer is set again for the deadline
   * as it then stands. A transfer of thousands of reads touches the timer a few times.
   */
  #schedule(): void {
    const deadline = this.#peer.nextDeadline();
    if (deadline === undefined) {
      this.#stopTimer();
      return;
    }
    if (this.#timer !== undefined && this.#timerAt <= deadline) return;
    this.#stopTimer();
    this.#timerAt = deadline;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.deliver(this.#peer.tick(this.now)).catch((error: unknown) => this.#fault(error));
    }, Math.max(0, deadline - this.now));
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stopTimer();
    this.#socket.end();
    const linger = setTimeout(() => this.#socket.destroy(), LINGER_MS);
    linger.unref();
    this.#socket.once('close', () => clearTimeout(linger));
  }

  #drained(): Promise<void> {
    // A socket destroyed since the write will never drain, and its close may be past.
    if (this.#socket.destroyed || !this.#socket.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.#socket.off('drain', done);
        this.#socket.off('close', done);
        resolve();
      };
      this.#socket.on('drain', done);
      this.#socket.on('close', done);
    });
  }
}

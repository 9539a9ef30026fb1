/**
 * A protocol client on a real socket that an adversary test can steer record by record:
 * a genuine ClientConnection does the handshake, and every record it writes passes through
 * a hook that may send it, hold it back, or reset the connection in its place. Once the
 * keys exist, every encrypted record leaves sealed by the wire client's own copy of the
 * client's write protection, kept in step with what the server has accepted, so `forge`
 * can slip in any payload (an empty record, a warning alert, a REQUEST with raw name
 * bytes) exactly as the server expects the next record, and the client's own records
 * still fit after it. What the server sends is fed back to the ClientConnection, which decrypts it: a
 * test reads the server's answer (its alert, its FILE_HEADER) from `events`.
 */
import { connect, type Socket } from 'node:net';
import type { Alert } from '../../source/protocol/alerts.js';
import { ClientConnection, type ClientRequest } from '../../source/protocol/client.js';
import type { ClosedEvent, PeerEvent } from '../../source/protocol/events.js';
import type { Output } from '../../source/protocol/peer.js';
import type { ContentType } from '../../source/protocol/record.js';
import { RecordProtection } from '../../source/protocol/record-protection.js';
import type { ClientIdentity } from './server-process.js';

export interface OutgoingRecord {
  readonly record: Uint8Array;
  readonly contentType: number;
  /** CLIENT_HELLO, FINISHED, REQUEST GET… as the wire event names it. */
  readonly message: string;
  readonly plaintext?: Uint8Array;
}

/** What to do with a record the client wrote: send it, hold it back, or reset the connection instead. */
export type Verdict = 'send' | 'hold' | 'reset';

export interface WireClientOptions {
  readonly request?: ClientRequest;
  readonly outgoing?: (record: OutgoingRecord, client: WireClient) => Verdict;
  /** Stop reading the socket (the server's writes back up), as a stuck client would. */
  readonly paused?: boolean;
}

export class WireClient {
  readonly peer: ClientConnection;
  readonly socket: Socket;
  readonly events: PeerEvent[] = [];
  /** Resolves when the socket has closed. */
  readonly closed: Promise<void>;
  #shadow: RecordProtection | undefined;
  #isClosed = false;
  readonly #options: WireClientOptions;
  readonly #waiters = new Set<() => void>();

  private constructor(socket: Socket, identity: ClientIdentity, options: WireClientOptions) {
    this.socket = socket;
    this.#options = options;
    this.peer = new ClientConnection({ ...identity, request: options.request ?? { op: 'GET', name: 'honest.bin' } });
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.#isClosed = true;
      this.#notify();
      resolve();
    }));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      if (!this.peer.isFinished) this.#take(this.peer.receive(new Uint8Array(chunk), Date.now()));
    });
    if (options.paused) socket.pause();
  }

  static async connect(port: number, identity: ClientIdentity, options: WireClientOptions = {}): Promise<WireClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.setNoDelay(true);
    return new WireClient(socket, identity, options);
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Sends CLIENT_HELLO. */
  start(): this {
    this.#take(this.peer.start(Date.now()));
    return this;
  }

  /** A record as the client would send it next, sealed once the keys exist. */
  forge(contentType: ContentType, payload: Uint8Array): Uint8Array {
    if (this.#shadow === undefined) throw new Error('no keys yet: write plaintext records with write()');
    return this.#shadow.seal(contentType, payload);
  }

  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** The alert the server ended the session with, as the client decrypted it. */
  get serverAlert(): Alert | undefined {
    return this.closedEvent?.how === 'alert_received' ? this.closedEvent.alert : undefined;
  }

  get closedEvent(): ClosedEvent | undefined {
    return this.events.find((event): event is ClosedEvent => event.type === 'closed');
  }

  /** Resolves once `condition` holds, checking after every event and on close; rejects after `timeoutMs`. */
  async until(condition: (client: WireClient) => boolean, timeoutMs = 5_000, what = 'the condition'): Promise<void> {
    if (condition(this)) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!condition(this)) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`${what} did not happen within ${timeoutMs} ms (state ${this.peer.stateName}, socket ${this.#isClosed ? 'closed' : 'open'})`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  reset(): void {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  #take(output: Output): void {
    let index = 0;
    for (const event of output.events) {
      this.events.push(event);
      if (event.type === 'keys') {
        this.#shadow = new RecordProtection(event.keys.clientWriteKey, event.keys.clientWriteIv, event.keys.clientMacKey);
      }
      if (event.type === 'wire' && event.action === 'sent') this.#pass(output.send[index++]!, event);
      if ((event.type === 'file-verified' || event.type === 'list') && !this.peer.isFinished) {
        this.#take(this.peer.markStep('save', 'skipped', 'a wire client keeps nothing'));
        this.#take(this.peer.close(Date.now()));
      }
    }
    if (this.peer.isFinished && !this.socket.destroyed) this.socket.end();
    this.#notify();
  }

  #pass(record: Uint8Array, event: Extract<PeerEvent, { type: 'wire' }>): void {
    const outgoing: OutgoingRecord = { record, contentType: event.contentType, message: event.message, ...(event.plaintext ? { plaintext: event.plaintext } : {}) };
    const verdict = this.#options.outgoing?.(outgoing, this) ?? 'send';
    if (verdict === 'reset') {
      this.reset();
      return;
    }
    if (verdict === 'hold') return;
    // Sealed again by the shadow, so that records forged before it keep the sequence (identical bytes otherwise).
    const shadow = this.#shadow;
    this.write(event.encrypted && event.plaintext !== undefined && shadow !== undefined ? shadow.seal(event.contentType as ContentType, event.plaintext) : record);
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

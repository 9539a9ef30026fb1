/**
 * A client and a server connected in memory, like h11's ConnectionPair: bytes
 * each peer sends are handed to the other, through an optional tamperer that may
 * corrupt, drop, split or reorder them. The server's driver is played by a
 * handler that answers requests from an in-memory folder.
 */
import { ClientConnection, type ClientOptions, type ClientRequest } from '../../source/protocol/client.js';
import type { PeerEvent } from '../../source/protocol/events.js';
import type { Output } from '../../source/protocol/peer.js';
import { ServerConnection, type ServerOptions } from '../../source/protocol/server.js';
import { NOW, type TestPki } from './identities.js';

export type Tamper = (bytes: Uint8Array, direction: 'client->server' | 'server->client') => Uint8Array[];

export interface PairOptions {
  readonly request?: ClientRequest;
  readonly files?: ReadonlyMap<string, Uint8Array>;
  readonly client?: Partial<ClientOptions>;
  readonly server?: Partial<ServerOptions>;
  readonly tamper?: Tamper;
  /** Feed the peers this many bytes at a time (default: whole writes). */
  readonly chunkSize?: number;
  /** Feed each peer everything waiting for it in one piece, as one large TCP read would. */
  readonly joinWrites?: boolean;
  /** Records a peer handles per `receive`, calling again while it has `moreToRead` (as PeerSocket does with 1). */
  readonly recordsPerReceive?: number;
  readonly now?: number;
}

export class ConnectionPair {
  readonly client: ClientConnection;
  readonly server: ServerConnection;
  readonly clientEvents: PeerEvent[] = [];
  readonly serverEvents: PeerEvent[] = [];
  /** Every byte each side wrote, before tampering. */
  readonly sent = { 'client->server': [] as Uint8Array[], 'server->client': [] as Uint8Array[] };
  readonly received: Uint8Array[] = [];
  now: number;
  readonly #options: PairOptions;
  readonly #toServer: Uint8Array[] = [];
  readonly #toClient: Uint8Array[] = [];

  constructor(pki: TestPki, options: PairOptions = {}) {
    this.#options = options;
    this.now = options.now ?? NOW;
    this.client = new ClientConnection({
      key: pki.client.key,
      certificate: pki.client.certificate,
      trustedCa: pki.ca.certificate,
      request: options.request ?? { op: 'GET', name: 'notes.txt' },
      ...options.client,
    });
    this.server = new ServerConnection({ key: pki.server.key, certificate: pki.server.certificate, trustedCa: pki.ca.certificate, ...options.server });
  }

  /** Runs the whole session: start both, then pass bytes until neither has more to say. */
  run(): this {
    this.#take('server', this.server.start(this.now));
    this.#take('client', this.client.start(this.now));
    this.pump();
    return this;
  }

  pump(): void {
    for (let rounds = 0; rounds < 100_000 && (this.#toServer.length > 0 || this.#toClient.length > 0); rounds += 1) {
      const toServer = this.#next(this.#toServer);
      if (toServer !== undefined && !this.server.isFinished) this.#feed('server', toServer);
      const toClient = this.#next(this.#toClient);
      if (toClient !== undefined && !this.client.isFinished) this.#feed('client', toClient);
    }
  }

  /** Writes raw bytes to one peer, as if the other had sent them. */
  inject(to: 'client' | 'server', bytes: Uint8Array): void {
    const output = to === 'server' ? this.server.receive(bytes, this.now) : this.client.receive(bytes, this.now);
    this.#take(to, output);
    this.pump();
  }

  events(role: 'client' | 'server'): PeerEvent[] {
    return role === 'client' ? this.clientEvents : this.serverEvents;
  }

  /** The received file's bytes, joined. */
  receivedBytes(): Uint8Array {
    return Buffer.concat(this.received);
  }

  /** What the handed-over outputs of each `receive` held: records read, per call. */
  readonly recordsPerOutput: number[] = [];

  #next(queue: Uint8Array[]): Uint8Array | undefined {
    if (!this.#options.joinWrites || queue.length <= 1) return queue.shift();
    return Buffer.concat(queue.splice(0));
  }

  #feed(role: 'client' | 'server', bytes: Uint8Array): void {
    const peer = role === 'client' ? this.client : this.server;
    let data = bytes;
    do {
      const output = peer.receive(data, this.now, this.#options.recordsPerReceive);
      data = new Uint8Array(0);
      this.recordsPerOutput.push(output.events.filter((event) => event.type === 'wire' && event.action === 'received').length);
      this.#take(role, output);
    } while (peer.moreToRead && !peer.isFinished);
  }

  #take(role: 'client' | 'server', output: Output): void {
    const direction = role === 'client' ? 'client->server' : 'server->client';
    this.events(role).push(...output.events);
    for (const record of output.send) {
      this.sent[direction].push(record);
      const pieces = this.#options.tamper ? this.#options.tamper(record, direction) : [record];
      const queue = role === 'client' ? this.#toServer : this.#toClient;
      for (const piece of pieces) queue.push(...this.#chunk(piece));
    }
    for (const event of output.events) this.#drive(role, event);
  }

  #chunk(bytes: Uint8Array): Uint8Array[] {
    const size = this.#options.chunkSize;
    if (size === undefined) return [bytes];
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
    return chunks;
  }

  #drive(role: 'client' | 'server', event: PeerEvent): void {
    if (role === 'server' && event.type === 'request') {
      const files = this.#options.files ?? new Map();
      if (event.op === 'LIST') {
        this.#take('server', this.server.sendList([...files].map(([name, data]) => ({ name, size: data.length })), this.now));
        return;
      }
      const data = files.get(event.name);
      if (data === undefined) {
        this.#take('server', this.server.refuse('file_not_found', `no file "${event.name}" in the public folder`, this.now));
        return;
      }
      this.#take('server', this.server.sendFileHeader(data.length, this.now));
      if (data.length > 0) this.#take('server', this.server.sendFileData(data, this.now));
      if (!this.server.isFinished) this.#take('server', this.server.sendFileEnd(this.now));
    }
    if (role === 'client') {
      if (event.type === 'file-data') this.received.push(event.data);
      if ((event.type === 'file-verified' || event.type === 'list') && !this.client.isFinished) {
        this.#take('client', this.client.markStep('save', event.type === 'list' ? 'skipped' : 'done', 'in memory'));
        this.#take('client', this.client.close(this.now));
      }
    }
  }
}

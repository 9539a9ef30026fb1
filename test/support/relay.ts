/**
 * A client and a server driven by hand, one record at a time, for tests that stop a
 * session in a chosen state and play the attacker there. Every record a peer writes is
 * queued, in the order it was written, until `deliver` hands it over, so a test can hold
 * records back, take them off the wire, or inject its own. The relay reads every record
 * with its own copy of the session keys (from the `keys` event), and keeps for each
 * direction a sealing RecordProtection in step with what the receiver has accepted, so
 * `forge` builds a record the receiver authenticates: plaintext before the keys, and
 * after them encrypted at the right sequence number and keystream position.
 */
import { ClientConnection, type ClientOptions, type ClientRequest } from '../../source/protocol/client.js';
import type { KeysEvent, PeerEvent } from '../../source/protocol/events.js';
import type { RsaPrivateKey } from '../../source/crypto/rsa.js';
import { certificateVerifyInput, type SessionKeys, Transcript } from '../../source/protocol/key-schedule.js';
import { encodeHandshake } from '../../source/protocol/handshake-messages.js';
import type { Output } from '../../source/protocol/peer.js';
import { CONTENT_TYPE, type ContentType, encodeRecord, HEADER_BYTES } from '../../source/protocol/record.js';
import { RecordProtection } from '../../source/protocol/record-protection.js';
import { ServerConnection, type ServerOptions } from '../../source/protocol/server.js';
import type { Role } from '../../source/protocol/steps.js';
import { NOW, type TestPki } from './identities.js';

export interface RelayOptions {
  readonly request?: ClientRequest;
  readonly files?: ReadonlyMap<string, Uint8Array>;
  readonly client?: Partial<ClientOptions>;
  readonly server?: Partial<ServerOptions>;
  readonly now?: number;
  /** Answer a request from `files` as soon as the server reports it (default true). */
  readonly respond?: boolean;
  /** Save and close on the client once the response checks out (default true). */
  readonly closeWhenComplete?: boolean;
}

/** One record as a peer wrote it, with its payload as the relay read it. */
export interface Flight {
  readonly from: Role;
  readonly record: Uint8Array;
  readonly contentType: ContentType;
  readonly encrypted: boolean;
  /** The payload before encryption, decrypted with the relay's own keys. */
  readonly plaintext: Uint8Array;
}

export function otherRole(role: Role): Role {
  return role === 'client' ? 'server' : 'client';
}

export class Relay {
  readonly pki: TestPki;
  readonly client: ClientConnection;
  readonly server: ServerConnection;
  readonly events: Record<Role, PeerEvent[]> = { client: [], server: [] };
  /** Every record either peer wrote, in order, delivered or not. */
  readonly flights: Flight[] = [];
  readonly delivered: Record<Role, Flight[]> = { client: [], server: [] };
  now: number;
  readonly #options: RelayOptions;
  readonly #queue: Flight[] = [];
  #keys: SessionKeys | undefined;
  /** By sender: opens what that sender wrote. */
  readonly #readers = new Map<Role, RecordProtection>();
  /** By sender: seals as that sender, in step with what its receiver accepted. */
  readonly #writers = new Map<Role, RecordProtection>();

  constructor(pki: TestPki, options: RelayOptions = {}) {
    this.pki = pki;
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

  peer(role: Role): ClientConnection | ServerConnection {
    return role === 'client' ? this.client : this.server;
  }

  get keys(): SessionKeys {
    if (this.#keys === undefined) throw new Error('no keys yet: the session has not reached SERVER_KEY_EXCHANGE');
    return this.#keys;
  }

  get keysEvent(): KeysEvent | undefined {
    return this.events.client.concat(this.events.server).find((event): event is KeysEvent => event.type === 'keys');
  }

  get pending(): readonly Flight[] {
    return this.#queue;
  }

  /** Marks the steps the network drivers mark, then starts both peers (the client sends CLIENT_HELLO). */
  start(): this {
    this.act('server', this.server.markStep('listen', 'done', 'in memory'));
    this.act('server', this.server.markStep('accept', 'done', 'in memory'));
    this.act('client', this.client.markStep('connect', 'done', 'in memory'));
    this.act('server', this.server.start(this.now));
    this.act('client', this.client.start(this.now));
    return this;
  }

  /** Delivers the next queued record; undefined when nothing is queued. */
  deliver(): Flight | undefined {
    return this.#deliverOne()?.flight;
  }

  /** Delivers queued records until one reaches `to`, and returns what `to` answered to that one. */
  deliverTo(to: Role): Output {
    for (;;) {
      const delivery = this.#deliverOne();
      if (delivery === undefined) throw new Error(`nothing more queued for the ${to}`);
      if (delivery.flight.from === to) continue;
      if (delivery.output === undefined) throw new Error(`the ${to} had already finished`);
      return delivery.output;
    }
  }

  /** Delivers everything queued, and returns what `to` answered to the last record it took in. */
  drainTo(to: Role): Output {
    let last: Output | undefined;
    for (let delivery = this.#deliverOne(); delivery !== undefined; delivery = this.#deliverOne()) {
      if (delivery.flight.from !== to && delivery.output !== undefined) last = delivery.output;
    }
    if (last === undefined) throw new Error(`the ${to} took in nothing`);
    return last;
  }

  /** Delivers records until nothing is queued. */
  run(): this {
    while (this.deliver() !== undefined);
    return this;
  }

  /** Delivers records until `role` is in `state`, leaving the rest queued. */
  runUntil(role: Role, state: string): this {
    while (this.peer(role).stateName !== state) {
      if (this.deliver() === undefined) throw new Error(`the ${role} stopped in ${this.peer(role).stateName} and never reached ${state}`);
    }
    return this;
  }

  /** The next queued record addressed to `to`, left in the queue. */
  nextTo(to: Role): Flight {
    const flight = this.#queue.find((queued) => queued.from !== to);
    if (flight === undefined) throw new Error(`nothing queued for the ${to}`);
    return flight;
  }

  /** Takes the next queued record addressed to `to` off the wire: it is never delivered. */
  take(to: Role): Flight {
    const flight = this.nextTo(to);
    this.#queue.splice(this.#queue.indexOf(flight), 1);
    return flight;
  }

  sentBy(role: Role): Flight[] {
    return this.flights.filter((flight) => flight.from === role);
  }

  /** A record as the other side would send it to `to` now. */
  forge(to: Role, contentType: ContentType, payload: Uint8Array): Uint8Array {
    return this.peer(to).isEncrypted ? this.#writer(otherRole(to)).seal(contentType, payload) : encodeRecord(contentType, payload);
  }

  /** Feeds bytes straight to one peer, as if they came off the wire. */
  inject(to: Role, bytes: Uint8Array): Output {
    return this.act(to, this.peer(to).receive(bytes, this.now));
  }

  /**
   * Plays the client's key exchange with a ciphertext of the test's choosing, to a server
   * that has just sent SERVER_HELLO: CLIENT_KEY_EXCHANGE, then a CERTIFICATE_VERIFY over
   * the transcript so far signed with `signer` (the genuine client's key unless another is
   * given). Returns what the server answered to the second.
   */
  keyExchange(encryptedSecret: Uint8Array, signer: RsaPrivateKey = this.pki.client.key): Output {
    const exchange = encodeHandshake({ name: 'CLIENT_KEY_EXCHANGE', encryptedSecret });
    const transcript = new Transcript();
    for (const hello of [this.sentBy('client')[0], this.sentBy('server')[0]]) transcript.add(hello!.plaintext);
    transcript.add(exchange);
    const signature = signer.sign(certificateVerifyInput(transcript.hash()));
    this.inject('server', encodeRecord(CONTENT_TYPE.handshake, exchange));
    return this.inject('server', encodeRecord(CONTENT_TYPE.handshake, encodeHandshake({ name: 'CERTIFICATE_VERIFY', signature })));
  }

  /** Records what a call on a peer handed back: its events, and its records in the queue. */
  act(role: Role, output: Output): Output {
    this.events[role].push(...output.events);
    for (const event of output.events) if (event.type === 'keys') this.#useKeys(event.keys);
    const wires = output.events.filter((event) => event.type === 'wire' && event.action === 'sent');
    if (wires.length !== output.send.length) throw new Error(`${output.send.length} records sent but ${wires.length} wire events`);
    output.send.forEach((record, index) => {
      const encrypted = wires[index]?.type === 'wire' && wires[index].encrypted;
      const contentType = record[0] as ContentType;
      const payload = record.subarray(HEADER_BYTES);
      const plaintext = encrypted ? this.#reader(role).open({ contentType, bytes: record, payload }) : payload;
      const flight: Flight = { from: role, record, contentType, encrypted, plaintext };
      this.flights.push(flight);
      this.#queue.push(flight);
    });
    for (const event of output.events) this.#drive(role, event);
    return output;
  }

  /** Answers the server's pending request from `files`, as a server driver would. */
  respond(): void {
    const request = [...this.events.server].reverse().find((event) => event.type === 'request');
    if (request?.type !== 'request') throw new Error('the server has no request to answer');
    const files = this.#options.files ?? new Map<string, Uint8Array>();
    if (request.op === 'LIST') {
      this.act('server', this.server.sendList([...files].map(([name, data]) => ({ name, size: data.length })), this.now));
      return;
    }
    const data = files.get(request.name);
    if (data === undefined) {
      this.act('server', this.server.refuse('file_not_found', `no file "${request.name}" in the public folder`, this.now));
      return;
    }
    this.act('server', this.server.sendFileHeader(data.length, this.now));
    if (data.length > 0) this.act('server', this.server.sendFileData(data, this.now));
    this.act('server', this.server.sendFileEnd(this.now));
  }

  #deliverOne(): { readonly flight: Flight; readonly output: Output | undefined } | undefined {
    const flight = this.#queue.shift();
    if (flight === undefined) return undefined;
    const to = otherRole(flight.from);
    // The relay's own writer follows what the receiver accepts, so that forged records fit in.
    if (flight.encrypted) this.#writer(flight.from).seal(flight.contentType, flight.plaintext);
    this.delivered[to].push(flight);
    const peer = this.peer(to);
    return { flight, output: peer.isFinished ? undefined : this.act(to, peer.receive(flight.record, this.now)) };
  }

  #drive(role: Role, event: PeerEvent): void {
    if (role === 'server' && event.type === 'request' && this.#options.respond !== false) this.respond();
    if (role === 'client' && (event.type === 'file-verified' || event.type === 'list') && this.#options.closeWhenComplete !== false) {
      this.act('client', this.client.markStep('save', event.type === 'list' ? 'skipped' : 'done', 'in memory'));
      this.act('client', this.client.close(this.now));
    }
  }

  #useKeys(keys: SessionKeys): void {
    if (this.#keys !== undefined) return;
    this.#keys = keys;
    for (const map of [this.#readers, this.#writers]) {
      map.set('client', new RecordProtection(keys.clientWriteKey, keys.clientWriteIv, keys.clientMacKey));
      map.set('server', new RecordProtection(keys.serverWriteKey, keys.serverWriteIv, keys.serverMacKey));
    }
  }

  #reader(sender: Role): RecordProtection {
    const reader = this.#readers.get(sender);
    if (reader === undefined) throw new Error(`the ${sender} sent an encrypted record before any keys event`);
    return reader;
  }

  #writer(sender: Role): RecordProtection {
    const writer = this.#writers.get(sender);
    if (writer === undefined) throw new Error('no keys yet to seal a record with');
    return writer;
  }
}

/**
 * The man in the middle, sans-IO: fed the bytes each side sends, it hands back
 * what to pass on each way and events saying what it saw and did. It parses
 * records with the project's own code and, by mode, relays them untouched, flips
 * a bit of the encrypted REQUEST, poses as the server with a certificate of its
 * own (running the project's own server state machine with the attacker's key),
 * or poses as the client with the client's public certificate but not its key.
 * Against a peer that verifies, every attack fails at the step DESIGN.md names;
 * against a client that does not, the impersonations win and the attacker reads
 * the request and answers it with content of its own.
 */
import { type Certificate, parseCertificate, withSwappedPublicKey } from '../crypto/certificate.js';
import type { RsaPrivateKey } from '../crypto/rsa.js';
import { utf8 } from '../crypto/bytes.js';
import { ClientConnection } from '../protocol/client.js';
import type { AttackEvent, Direction, PeerEvent } from '../protocol/events.js';
import { describeRecord } from '../protocol/fields.js';
import { decodeHandshake } from '../protocol/handshake-messages.js';
import type { Output } from '../protocol/peer.js';
import { quoted } from '../protocol/printable.js';
import { CONTENT_TYPE, HEADER_BYTES, MAX_CIPHERTEXT_BYTES, type RawRecord, RecordReader } from '../protocol/record.js';
import { ServerConnection } from '../protocol/server.js';
import { ATTACK_MODE_INFO, type AttackMode } from './modes.js';

export interface AttackerIdentity {
  /** The attacker's own key pair, behind every certificate it shows. */
  readonly key: RsaPrivateKey;
  readonly rogueCaServer: Certificate;
  readonly selfSigned: Certificate;
  readonly expired: Certificate;
  readonly wrongName: Certificate;
  /** The demo CA's certificate, public: the attacker checks what honest peers show it like anyone could. */
  readonly trustedCa: Certificate;
}

/** How an attack ended, as far as the attacker can tell. */
export interface AttackOutcome {
  /** False when a peer caught the attack. */
  readonly ok: boolean;
  readonly reason: string;
}

export interface InterceptOutput {
  readonly toServer: readonly Uint8Array[];
  readonly toClient: readonly Uint8Array[];
  readonly events: readonly AttackEvent[];
  /** The relay should close its side of that connection once the bytes are written. */
  readonly closeClient: boolean;
  readonly closeServer: boolean;
}

type Phase =
  | { readonly name: 'relaying' }
  | { readonly name: 'awaitClientHello' }
  | { readonly name: 'awaitServerHello'; readonly clientHello: Uint8Array }
  | { readonly name: 'posingAsServer'; readonly impostor: ServerConnection }
  | { readonly name: 'posingAsClient'; readonly impostor: ClientConnection }
  | { readonly name: 'done' };

/** What the attacker sends a client that did not verify its certificate. */
export function attackerContent(mode: AttackMode, name: string): Uint8Array {
  return utf8(
    `This file did not come from the server.\n\n` +
      `An attacker (mode ${mode}) sat between you and the server. Your client skipped certificate\n` +
      `verification, so it accepted the attacker's certificate, sent the attacker the session secret,\n` +
      `and trusted this content because the attacker signed it with its own key.\n\n` +
      `You asked for "${name}"; the attacker read that name in your encrypted REQUEST.\n`,
  );
}

export class Interceptor {
  readonly mode: AttackMode;
  readonly #identity: AttackerIdentity;
  readonly #fromClient = new RecordReader();
  readonly #fromServer = new RecordReader();
  #phase: Phase;
  #encrypted = false;
  #flipped = false;
  #outcome: AttackOutcome | undefined;
  #out: { toServer: Uint8Array[]; toClient: Uint8Array[]; events: AttackEvent[]; closeClient: boolean; closeServer: boolean } = Interceptor.#empty();

  constructor(mode: AttackMode, identity: AttackerIdentity) {
    this.mode = mode;
    this.#identity = identity;
    this.#fromClient.maxPayload = MAX_CIPHERTEXT_BYTES;
    this.#fromServer.maxPayload = MAX_CIPHERTEXT_BYTES;
    this.#phase = mode === 'off' || mode === 'bit-flip' ? { name: 'relaying' } : { name: 'awaitClientHello' };
    this.#note(`mode ${mode}: ${ATTACK_MODE_INFO[mode].does}`);
  }

  /** Set once a peer caught the attack or accepted the impostor; undefined while neither has happened (always, for `off`). */
  get outcome(): AttackOutcome | undefined {
    return this.#outcome;
  }

  fromClient(bytes: Uint8Array, now: number): InterceptOutput {
    this.#take('client->server', bytes, now);
    return this.#flush();
  }

  fromServer(bytes: Uint8Array, now: number): InterceptOutput {
    this.#take('server->client', bytes, now);
    return this.#flush();
  }

  static #empty() {
    return { toServer: [] as Uint8Array[], toClient: [] as Uint8Array[], events: [] as AttackEvent[], closeClient: false, closeServer: false };
  }

  #flush(): InterceptOutput {
    const out = this.#out;
    this.#out = Interceptor.#empty();
    return out;
  }

  #take(direction: Direction, bytes: Uint8Array, now: number): void {
    const reader = direction === 'client->server' ? this.#fromClient : this.#fromServer;
    reader.push(bytes);
    for (;;) {
      let record: RawRecord | undefined;
      try {
        record = reader.next();
      } catch (error) {
        // Bytes that are not records: pass them on as they are and let the peer judge them.
        const raw = reader.drain();
        this.#note(`${direction} sent bytes that are not records (${(error as Error).message}); passed on untouched`);
        for (const chunk of raw) this.#send(direction, chunk);
        return;
      }
      if (record === undefined) return;
      try {
        this.#onRecord(direction, record, now);
      } catch (error) {
        // A bug in an attack must not take the relay down with it: end this session only.
        this.#note(`the attack failed on a ${direction} record (${(error as Error).message}); both connections closed`);
        this.#phase = { name: 'done' };
        this.#out.closeClient = true;
        this.#out.closeServer = true;
        return;
      }
    }
  }

  #send(direction: Direction, bytes: Uint8Array): void {
    (direction === 'client->server' ? this.#out.toServer : this.#out.toClient).push(bytes);
  }

  #event(event: Omit<AttackEvent, 'type' | 'role' | 'mode'>): void {
    this.#out.events.push(Object.freeze({ type: 'attack', role: 'attacker', mode: this.mode, ...event }));
  }

  #note(detail: string): void {
    this.#event({ kind: 'note', detail });
  }

  #forward(direction: Direction, record: RawRecord, detail = 'relayed untouched'): void {
    this.#send(direction, record.bytes);
    this.#event({ kind: 'forwarded', direction, message: this.#describe(record), detail, encrypted: this.#encrypted, record: record.bytes });
  }

  #describe(record: RawRecord): string {
    return describeRecord(record.bytes, this.#encrypted).message;
  }

  #onRecord(direction: Direction, record: RawRecord, now: number): void {
    const phase = this.#phase;
    switch (phase.name) {
      case 'relaying':
        return this.#relay(direction, record);
      case 'awaitClientHello':
        if (direction === 'server->client') return this.#forward(direction, record);
        return this.#onClientHello(record, now);
      case 'awaitServerHello':
        if (direction === 'client->server') return this.#forward(direction, record);
        return this.#onServerHello(phase.clientHello, record, now);
      case 'posingAsServer':
        if (direction === 'server->client') return this.#drop(direction, record, 'the real server is cut off: the client now talks to the attacker');
        return this.#asServer(phase.impostor, record, now);
      case 'posingAsClient':
        if (direction === 'client->server') return this.#drop(direction, record, 'the real client is held while the attacker talks to the server');
        return this.#asClient(phase.impostor, record, now);
      case 'done':
        return this.#drop(direction, record, 'the attack is over');
    }
  }

  #drop(direction: Direction, record: RawRecord, detail: string): void {
    this.#event({ kind: 'dropped', direction, message: this.#describe(record), detail, encrypted: this.#encrypted, original: record.bytes });
  }

  /** `off` and `bit-flip`: pass records on, watching for the moment encryption starts. */
  #relay(direction: Direction, record: RawRecord): void {
    if (!this.#encrypted && record.contentType === CONTENT_TYPE.handshake && direction === 'server->client' && record.payload[0] === 12) {
      this.#forward(direction, record, 'relayed untouched; from here on every record is encrypted and the attacker cannot read it');
      this.#encrypted = true;
      return;
    }
    if (this.#flipped && this.#outcome === undefined && direction === 'server->client' && record.contentType === CONTENT_TYPE.alert) {
      // The attacker cannot read it, but a server that cannot trust the REQUEST has only an alert to send.
      this.#decide(false, 'caught: the server answered the altered REQUEST with an alert (its MAC did not match)');
    }
    const isRequest = this.mode === 'bit-flip' && !this.#flipped && this.#encrypted && direction === 'client->server' && record.contentType === CONTENT_TYPE.application_data;
    if (!isRequest) return this.#forward(direction, record);
    this.#flipped = true;
    const flipped = record.bytes.slice();
    flipped[HEADER_BYTES] = flipped[HEADER_BYTES]! ^ 0x01;
    this.#send(direction, flipped);
    this.#event({
      kind: 'rewritten', direction, message: 'encrypted REQUEST', encrypted: true, record: flipped, original: record.bytes,
      detail: 'flipped the lowest bit of the first ciphertext byte: without the MAC key it cannot fix the MAC',
    });
  }

  #onClientHello(record: RawRecord, now: number): void {
    const hello = this.#decodeHello(record, 'CLIENT_HELLO');
    if (hello === undefined) return this.#forward('client->server', record);
    if (this.mode !== 'replay-client') {
      this.#forward('client->server', record, "relayed, to learn the server's certificate from its answer");
      this.#phase = { name: 'awaitServerHello', clientHello: record.bytes };
      return;
    }
    const certificate = this.#parseShown(hello.certificate, 'client');
    if (certificate === undefined) return this.#forward('client->server', record, "relayed untouched: the client's certificate does not parse, so there is nothing to copy");
    this.#event({ kind: 'read', direction: 'client->server', message: 'CLIENT_HELLO', detail: `copied the client's certificate ("${certificate.subject}"): certificates are public`, encrypted: false, original: record.bytes });
    const impostor = new ClientConnection({ key: this.#identity.key, certificate, trustedCa: this.#identity.trustedCa, request: { op: 'LIST' } });
    this.#phase = { name: 'posingAsClient', impostor };
    this.#play(impostor, impostor.start(now), 'client->server', "its own CLIENT_HELLO showing the client's certificate");
  }

  #onServerHello(clientHello: Uint8Array, record: RawRecord, now: number): void {
    const hello = this.#decodeHello(record, 'SERVER_HELLO');
    if (hello === undefined) return this.#forward('server->client', record);
    const genuine = this.#parseShown(hello.certificate, 'server');
    if (genuine === undefined) {
      this.#phase = { name: 'relaying' };
      return this.#forward('server->client', record, "relayed untouched: the server's certificate does not parse, so there is nothing to impersonate");
    }
    const shown = this.#certificateToShow(genuine);
    const impostor = new ServerConnection({ key: this.#identity.key, certificate: shown, trustedCa: this.#identity.trustedCa });
    this.#phase = { name: 'posingAsServer', impostor };
    this.#play(impostor, impostor.start(now), 'server->client', '');
    const output = impostor.receive(clientHello, now);
    const [rewritten, ...rest] = output.send;
    if (rewritten !== undefined) {
      this.#send('server->client', rewritten);
      this.#event({
        kind: 'rewritten', direction: 'server->client', message: 'SERVER_HELLO', detail: `replaced the server's certificate: ${ATTACK_MODE_INFO[this.mode].does}`,
        encrypted: false, original: record.bytes, record: rewritten,
      });
    }
    // The rewritten SERVER_HELLO is reported above; the rest is what the impostor did next.
    const events = output.events.filter((event) => !(event.type === 'wire' && event.record === rewritten));
    this.#play(impostor, { send: rest, events }, 'server->client', 'as the server');
  }

  #certificateToShow(genuine: Certificate): Certificate {
    switch (this.mode) {
      case 'forged-key':
        return withSwappedPublicKey(genuine, this.#identity.key.publicKey);
      case 'rogue-ca':
        return this.#identity.rogueCaServer;
      case 'self-signed':
        return this.#identity.selfSigned;
      case 'expired':
        return this.#identity.expired;
      default:
        return this.#identity.wrongName;
    }
  }

  /** A certificate seen in a hello, or undefined (with a note) when it does not parse: the peer at the end will refuse it. */
  #parseShown(bytes: Uint8Array, whose: 'client' | 'server'): Certificate | undefined {
    try {
      return parseCertificate(bytes);
    } catch (error) {
      this.#note(`the ${whose}'s certificate does not parse (${(error as Error).message})`);
      return undefined;
    }
  }

  #decodeHello(record: RawRecord, name: 'CLIENT_HELLO' | 'SERVER_HELLO'): { readonly certificate: Uint8Array } | undefined {
    if (record.contentType !== CONTENT_TYPE.handshake) return undefined;
    try {
      const message = decodeHandshake(record.payload);
      return message.name === name ? message : undefined;
    } catch {
      return undefined;
    }
  }

  /** The client talks to the attacker's server state machine. */
  #asServer(impostor: ServerConnection, record: RawRecord, now: number): void {
    const output = impostor.receive(record.bytes, now);
    this.#play(impostor, output, 'server->client', 'as the server');
    if (impostor.isFailed && record.contentType === CONTENT_TYPE.alert) {
      this.#forward('client->server', record, "the client's alert, passed on to the real server");
    }
    const request = output.events.find((event) => event.type === 'request');
    if (request?.type !== 'request' || impostor.isFinished) return;
    if (request.op === 'LIST') {
      this.#play(impostor, impostor.sendList([{ name: 'attacker.txt', size: attackerContent(this.mode, 'attacker.txt').length }], now), 'server->client', 'its own listing');
      return;
    }
    const content = attackerContent(this.mode, request.name);
    this.#play(impostor, impostor.sendFileHeader(content.length, now), 'server->client', 'its own FILE_HEADER');
    this.#play(impostor, impostor.sendFileData(content, now), 'server->client', 'its own content');
    this.#play(impostor, impostor.sendFileEnd(now), 'server->client', "its FILE_END, signed with the attacker's key, then close_notify");
  }

  /** The attacker's client state machine talks to the real server. */
  #asClient(impostor: ClientConnection, record: RawRecord, now: number): void {
    const output = impostor.receive(record.bytes, now);
    this.#play(impostor, output, 'client->server', 'as the client');
    if (impostor.isFailed && impostor.failure?.alert && record.contentType === CONTENT_TYPE.alert) {
      this.#forward('server->client', record, "the server's alert, passed on to the real client");
    }
  }

  /** Sends what an impostor peer produced and turns its events into the attacker's. */
  #play(impostor: ServerConnection | ClientConnection, output: Output, direction: Direction, detail: string): void {
    for (const bytes of output.send) this.#send(direction, bytes);
    for (const event of output.events) {
      // The impostor's own wire events name what it sent, decrypted: the attacker knows its plaintext.
      if (event.type === 'wire' && event.action === 'sent') {
        this.#event({ kind: 'injected', direction, message: event.message, detail, encrypted: event.encrypted, record: event.record, ...(event.plaintext ? { plaintext: event.plaintext } : {}) });
      } else {
        this.#learn(event);
      }
    }
    if (impostor.isFinished) {
      this.#phase = { name: 'done' };
      this.#out.closeClient = true;
      this.#out.closeServer = true;
    }
  }

  #learn(event: PeerEvent): void {
    if (event.type === 'keys') {
      this.#note(`holds the session secret ${Buffer.from(event.secret).toString('hex').slice(0, 16)}…: it can read and write every record of this session`);
    } else if (event.type === 'request') {
      this.#event({ kind: 'read', direction: 'client->server', message: 'REQUEST', detail: `read the request in plaintext: ${event.op}${event.op === 'GET' ? ` ${quoted(event.name)}` : ''}` });
    } else if (event.type === 'step' && event.status === 'done' && event.step === 'verify-client-certificate') {
      this.#note('the client is connected to the attacker, not to the server');
    } else if (event.type === 'closed' && !event.ok) {
      this.#decide(false, event.how === 'alert_received' ? `caught: the ${event.reason}` : `stopped: ${event.reason}`);
    } else if (event.type === 'closed') {
      this.#decide(true, event.role === 'server' ? "the client accepted the attacker's content as the server's" : 'the server took the attacker for the client');
    }
  }

  #decide(ok: boolean, reason: string): void {
    this.#outcome = { ok, reason };
    this.#note(reason);
  }
}

/**
 * The client's state machine (PROTOCOL.md sections 2 to 5): one named state per
 * thing it waits for. It sends CLIENT_HELLO, verifies the server's certificate,
 * sends the secret and proves it holds its key, confirms the server decrypted the
 * same secret, exchanges FINISHED, sends its one REQUEST and checks the response:
 * the file's size, digest and signature, or the listing.
 */
import { equalBytes, toHex } from '../crypto/bytes.js';
import type { Certificate } from '../crypto/certificate.js';
import { randomBytes, Sha256 } from '../crypto/hash.js';
import type { RsaPrivateKey, RsaPublicKey } from '../crypto/rsa.js';
import { LocalProtocolError, RemoteProtocolError } from './alerts.js';
import { type ApplicationMessage, encodeName, type ListEntry } from './application-messages.js';
import { type HandshakeMessage, RANDOM_BYTES } from './handshake-messages.js';
import { certificateVerifyInput, deriveSessionKeys, fileSignatureInput, finishedVerifyData, SECRET_BYTES, type SessionKeys, Transcript } from './key-schedule.js';
import { type Output, Peer, type PeerOptions } from './peer.js';
import { parsePeerCertificate, verifiedDetail, verifyPeerCertificate } from './peer-certificate.js';
import { quoted } from './printable.js';
import type { ClientStepId } from './steps.js';
import { exactBytes, formatBytes } from './units.js';

export type ClientRequest = { readonly op: 'GET'; readonly name: string } | { readonly op: 'LIST' };

export const MAX_REQUEST_NAME_BYTES = 1024;
export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 ** 3;
/** A listing longer than this is refused rather than held in memory. */
export const MAX_LIST_ENTRIES = 100_000;

export interface ClientOptions extends PeerOptions {
  readonly key: RsaPrivateKey;
  readonly certificate: Certificate;
  readonly trustedCa: Certificate;
  readonly request: ClientRequest;
  /** The subject the server's certificate must name. */
  readonly serverName?: string;
  /** false skips certificate verification, like `openssl s_client` without -verify_return_error. */
  readonly verifyServerCertificate?: boolean;
  readonly maxFileBytes?: number;
  readonly random?: (length: number) => Uint8Array;
}

interface Session {
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly serverKey: RsaPublicKey;
  readonly keys: SessionKeys;
}

interface IncomingFile {
  readonly name: string;
  readonly size: number;
  readonly hash: Sha256;
  received: number;
  records: number;
}

type ClientState =
  | { readonly name: 'Start' }
  | { readonly name: 'ExpectServerHello'; readonly clientRandom: Uint8Array; readonly transcript: Transcript }
  | {
      readonly name: 'ExpectServerKeyExchange';
      readonly clientRandom: Uint8Array;
      readonly serverRandom: Uint8Array;
      readonly serverKey: RsaPublicKey;
      readonly secret: Uint8Array;
      readonly transcript: Transcript;
    }
  | { readonly name: 'ExpectFinished'; readonly session: Session; readonly transcript: Transcript }
  | { readonly name: 'ExpectFileHeader'; readonly session: Session }
  | { readonly name: 'ExpectFileData'; readonly session: Session; readonly file: IncomingFile }
  | { readonly name: 'ExpectFileEnd'; readonly session: Session; readonly file: IncomingFile }
  | { readonly name: 'ExpectListResponse'; readonly entries: ListEntry[] }
  | { readonly name: 'ResponseComplete'; peerClosed: boolean }
  | { readonly name: 'ExpectCloseNotify' };

const EXPECTS: Record<ClientState['name'], string> = {
  Start: 'nothing before CLIENT_HELLO is sent',
  ExpectServerHello: 'SERVER_HELLO',
  ExpectServerKeyExchange: 'SERVER_KEY_EXCHANGE',
  ExpectFinished: 'FINISHED',
  ExpectFileHeader: 'FILE_HEADER',
  ExpectFileData: 'FILE_DATA',
  ExpectFileEnd: 'FILE_END',
  ExpectListResponse: 'LIST_RESPONSE',
  ResponseComplete: 'close_notify',
  ExpectCloseNotify: 'close_notify',
};

export class ClientConnection extends Peer {
  readonly #options: ClientOptions;
  readonly #requestName: Uint8Array;
  #state: ClientState = { name: 'Start' };

  constructor(options: ClientOptions) {
    super('client', options);
    this.#options = options;
    this.#requestName = options.request.op === 'GET' ? encodeName(options.request.name) : new Uint8Array(0);
    if (options.request.op === 'GET' && (this.#requestName.length === 0 || this.#requestName.length > MAX_REQUEST_NAME_BYTES)) {
      throw new RangeError(`a requested name must be 1 to ${MAX_REQUEST_NAME_BYTES} bytes of UTF-8, got ${this.#requestName.length}`);
    }
  }

  protected get liveStateName(): string {
    return this.#state.name;
  }

  /** Sends CLIENT_HELLO; call once the transport is connected. */
  start(now: number): Output {
    this.assertOpen('start');
    if (this.#state.name !== 'Start') throw new LocalProtocolError('internal_error', 'start() was already called');
    return this.run(now, () => {
      this.startTimers(now);
      const clientRandom = this.#random(RANDOM_BYTES);
      const transcript = new Transcript();
      transcript.add(this.sendHandshake({ name: 'CLIENT_HELLO', random: clientRandom, certificate: this.#options.certificate.bytes }));
      this.step('client-hello', 'done', `random ${toHex(clientRandom).slice(0, 8)}…, certificate "${this.#options.certificate.subject}" (${this.#options.certificate.bytes.length} bytes)`);
      this.step('verify-server-certificate', 'active', 'waiting for SERVER_HELLO');
      this.#state = { name: 'ExpectServerHello', clientRandom, transcript };
    });
  }

  /** Sends close_notify once the response is complete (and saved, for a file). */
  close(now: number): Output {
    this.assertOpen('close');
    const state = this.#state;
    if (state.name !== 'ResponseComplete') throw new LocalProtocolError('internal_error', `close() before the response is complete (state ${state.name})`);
    return this.run(now, () => {
      this.step('close', 'active', 'close_notify sent');
      this.sendCloseNotify();
      if (state.peerClosed) this.finish('close_notify exchanged');
      else this.#state = { name: 'ExpectCloseNotify' };
    });
  }

  protected onHandshake(message: HandshakeMessage, bytes: Uint8Array, now: number): void {
    const state = this.#state;
    switch (state.name) {
      case 'ExpectServerHello': {
        if (message.name !== 'SERVER_HELLO') throw this.unexpected(EXPECTS[state.name], message.name);
        state.transcript.add(bytes);
        const certificate = this.#checkServerCertificate(message.certificate, now);
        const secret = this.#random(SECRET_BYTES);
        state.transcript.add(this.sendHandshake({ name: 'CLIENT_KEY_EXCHANGE', encryptedSecret: certificate.publicKey.encrypt(secret) }));
        const signature = this.#options.key.sign(certificateVerifyInput(state.transcript.hash()));
        state.transcript.add(this.sendHandshake({ name: 'CERTIFICATE_VERIFY', signature }));
        // Unverified, "the server's key" is only the key in whatever certificate arrived: say so, and warn.
        this.#stepDone(
          'key-exchange',
          "secret encrypted under the server's key; transcript signed with the client key",
          "secret encrypted under the key of an UNVERIFIED certificate (an attacker's, if one is in the middle); transcript signed with the client key",
        );
        this.step('key-confirmation', 'active', 'waiting for SERVER_KEY_EXCHANGE');
        this.#state = {
          name: 'ExpectServerKeyExchange', clientRandom: state.clientRandom, serverRandom: message.random, serverKey: certificate.publicKey, secret, transcript: state.transcript,
        };
        return;
      }
      case 'ExpectServerKeyExchange': {
        if (message.name !== 'SERVER_KEY_EXCHANGE') throw this.unexpected(EXPECTS[state.name], message.name);
        state.transcript.add(bytes);
        let echoed: Uint8Array;
        try {
          echoed = this.#options.key.decrypt(message.encryptedSecret);
        } catch {
          throw new RemoteProtocolError('decrypt_error', 'SERVER_KEY_EXCHANGE does not decrypt under the client key');
        }
        if (!equalBytes(echoed, state.secret)) {
          throw new RemoteProtocolError('handshake_failure', 'the secret in SERVER_KEY_EXCHANGE differs from the one sent: the server did not decrypt it');
        }
        const keys = deriveSessionKeys(state.secret, state.clientRandom, state.serverRandom);
        this.emit({ type: 'keys', role: 'client', clientRandom: state.clientRandom, serverRandom: state.serverRandom, secret: state.secret, keys });
        this.enableEncryption(keys);
        this.#stepDone(
          'key-confirmation',
          'the server decrypted the same secret: it holds the key of its certificate',
          "the other end decrypted the same secret: it holds the key of the certificate it showed, which was NOT verified to be the server's",
        );
        this.step('finished', 'active', 'waiting for the server FINISHED');
        const verifyData = finishedVerifyData(keys.finishedKey, 'client', state.transcript.hash());
        state.transcript.add(this.sendHandshake({ name: 'FINISHED', verifyData }));
        const session: Session = { clientRandom: state.clientRandom, serverRandom: state.serverRandom, serverKey: state.serverKey, keys };
        this.#state = { name: 'ExpectFinished', session, transcript: state.transcript };
        return;
      }
      case 'ExpectFinished': {
        if (message.name !== 'FINISHED') throw this.unexpected(EXPECTS[state.name], message.name);
        const expected = finishedVerifyData(state.session.keys.finishedKey, 'server', state.transcript.hash());
        if (!equalBytes(message.verifyData, expected)) {
          throw new RemoteProtocolError('decrypt_error', 'server FINISHED does not match the handshake this client saw: it was tampered with');
        }
        this.handshakeComplete();
        this.#stepDone(
          'finished',
          'both FINISHED match; every record is now encrypted (AES-256-CTR) and authenticated (HMAC-SHA256)',
          'both FINISHED match: records are now encrypted and authenticated, but only to the UNVERIFIED other end (an attacker, if one is in the middle)',
        );
        this.#sendRequest(state.session);
        return;
      }
      default:
        throw this.unexpected(EXPECTS[state.name], message.name);
    }
  }

  protected onApplication(message: ApplicationMessage): void {
    const state = this.#state;
    switch (state.name) {
      case 'ExpectFileHeader':
        if (message.name !== 'FILE_HEADER') throw this.unexpected(EXPECTS[state.name], message.name);
        return this.#onFileHeader(state.session, message.fileName, message.size);
      case 'ExpectFileData': {
        if (message.name !== 'FILE_DATA') throw this.unexpected(`${EXPECTS[state.name]} (${state.file.size - state.file.received} bytes still to come)`, message.name);
        const { file } = state;
        if (message.data.length === 0) throw new RemoteProtocolError('decode_error', 'FILE_DATA carries no bytes');
        if (file.received + message.data.length > file.size) {
          throw new RemoteProtocolError('decode_error', `FILE_DATA brings the file to ${file.received + message.data.length} bytes, more than the ${file.size} announced`);
        }
        file.hash.update(message.data);
        file.received += message.data.length;
        file.records += 1;
        this.emit({ type: 'file-data', role: 'client', data: message.data });
        this.emit({ type: 'progress', role: 'client', done: file.received, total: file.size });
        if (file.received === file.size) this.#state = { name: 'ExpectFileEnd', session: state.session, file };
        return;
      }
      case 'ExpectFileEnd':
        if (message.name !== 'FILE_END') throw this.unexpected(EXPECTS[state.name], message.name);
        return this.#onFileEnd(state.session, state.file, message.sha256, message.signature);
      case 'ExpectListResponse': {
        if (message.name !== 'LIST_RESPONSE') throw this.unexpected(EXPECTS[state.name], message.name);
        if (state.entries.length + message.entries.length > MAX_LIST_ENTRIES) {
          throw new RemoteProtocolError('decode_error', `the listing exceeds ${MAX_LIST_ENTRIES} entries`);
        }
        // Each record that promises more must bring some, or a listing could go on for ever without growing.
        if (message.more && message.entries.length === 0) {
          throw new RemoteProtocolError('decode_error', 'a LIST_RESPONSE with no entries says more follow: a listing must grow with every record');
        }
        state.entries.push(...message.entries);
        if (message.more) return;
        this.emit({ type: 'list', role: 'client', entries: state.entries });
        const listing = `listing of ${state.entries.length} file${state.entries.length === 1 ? '' : 's'}`;
        this.#stepDone('receive', listing, `${listing}, from the UNVERIFIED other end`);
        this.step('verify-file', 'skipped', 'a listing is not signed');
        this.step('save', 'skipped', 'nothing to save');
        this.#state = { name: 'ResponseComplete', peerClosed: false };
        return;
      }
      default:
        throw this.unexpected(EXPECTS[state.name], message.name);
    }
  }

  protected onCloseNotify(): void {
    const state = this.#state;
    if (state.name === 'ResponseComplete') state.peerClosed = true;
    else if (state.name === 'ExpectCloseNotify') this.finish('close_notify exchanged');
    else this.closedEarly(`while this client expected ${EXPECTS[state.name]}`);
  }

  protected canEndWithoutCloseNotify(): boolean {
    return this.#state.name === 'ResponseComplete' || this.#state.name === 'ExpectCloseNotify';
  }

  /** Certificate checks are off: whatever answers is not known to be the server. */
  get #unverified(): boolean {
    return this.#options.verifyServerCertificate === false;
  }

  /**
   * A step done: ✔ with `detail`, or, with certificates not verified, ⚠ with `unverified`,
   * which says what the step no longer protects, whoever answered being unknown.
   */
  #stepDone(step: ClientStepId, detail: string, unverified: string): void {
    if (this.#unverified) this.step(step, 'warning', unverified);
    else this.step(step, 'done', detail);
  }

  #random(length: number): Uint8Array {
    return (this.#options.random ?? randomBytes)(length);
  }

  #checkServerCertificate(bytes: Uint8Array, now: number): Certificate {
    const options = this.#options;
    if (this.#unverified) {
      const certificate = parsePeerCertificate(bytes);
      this.step('verify-server-certificate', 'warning', `NOT VERIFIED (insecure): accepted ${quoted(certificate.subject)} issued by ${quoted(certificate.issuer)}`);
      return certificate;
    }
    const certificate = verifyPeerCertificate(bytes, { trustedCa: options.trustedCa, now, expectedRole: 'server', expectedSubject: options.serverName ?? 'server' });
    this.step('verify-server-certificate', 'done', verifiedDetail(certificate));
    return certificate;
  }

  #sendRequest(session: Session): void {
    const request = this.#options.request;
    this.sendApplication({ name: 'REQUEST', op: request.op, fileName: this.#requestName });
    const sent = request.op === 'GET' ? `GET ${quoted(request.name)}` : 'LIST';
    this.#stepDone('request', sent, `${sent}, readable by the UNVERIFIED other end`);
    this.step('receive', 'active', request.op === 'GET' ? 'waiting for FILE_HEADER' : 'waiting for LIST_RESPONSE');
    this.#state = request.op === 'GET' ? { name: 'ExpectFileHeader', session } : { name: 'ExpectListResponse', entries: [] };
  }

  #onFileHeader(session: Session, name: string, size: number): void {
    const request = this.#options.request;
    if (request.op !== 'GET' || name !== request.name) {
      throw new RemoteProtocolError('access_denied', `the server sent ${quoted(name)}, but ${quoted(request.op === 'GET' ? request.name : '')} was requested`);
    }
    const limit = this.#options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    if (size > limit) throw new RemoteProtocolError('decode_error', `the file is ${exactBytes(size)}, over this client's ${exactBytes(limit)} limit (--max-size)`);
    const file: IncomingFile = { name, size, hash: new Sha256(), received: 0, records: 0 };
    this.emit({ type: 'file-header', role: 'client', name, size });
    this.emit({ type: 'progress', role: 'client', done: 0, total: size });
    this.step('receive', 'active', `${name}: ${formatBytes(size)}`);
    this.#state = size === 0 ? { name: 'ExpectFileEnd', session, file } : { name: 'ExpectFileData', session, file };
  }

  #onFileEnd(session: Session, file: IncomingFile, digest: Uint8Array, signature: Uint8Array): void {
    const received = `${formatBytes(file.size)} in ${file.records} record${file.records === 1 ? '' : 's'}`;
    this.#stepDone('receive', received, `${received}, from the UNVERIFIED other end`);
    this.step('verify-file', 'active');
    const computed = file.hash.digest();
    if (!equalBytes(computed, digest)) {
      throw new RemoteProtocolError('decrypt_error', `the file's SHA-256 is ${toHex(computed).slice(0, 16)}…, but FILE_END says ${toHex(digest).slice(0, 16)}…`);
    }
    const signed = fileSignatureInput({ clientRandom: session.clientRandom, serverRandom: session.serverRandom, name: this.#requestName, size: file.size, sha256: digest });
    if (!session.serverKey.verify(signed, signature)) {
      throw new RemoteProtocolError('decrypt_error', "FILE_END's signature does not verify under the server's key");
    }
    this.emit({ type: 'file-verified', role: 'client', name: file.name, size: file.size, sha256: computed });
    const digestMatches = `SHA-256 ${toHex(computed).slice(0, 16)}… matches`;
    // A signature proves who sent the file only if the key it checks against was verified.
    this.#stepDone('verify-file', `${digestMatches}; server signature valid`, `${digestMatches}; signature valid under an UNVERIFIED key: the sender is not authenticated`);
    this.step('save', 'active');
    this.#state = { name: 'ResponseComplete', peerClosed: false };
  }
}

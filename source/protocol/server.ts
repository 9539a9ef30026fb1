/**
 * The server's state machine (PROTOCOL.md sections 2 to 5): one named state per
 * thing it waits for. It verifies the client's certificate, answers with its own,
 * decrypts the secret and checks CERTIFICATE_VERIFY, echoes the secret under the
 * client's key, exchanges FINISHED and decrypts the one REQUEST. Then it hands the
 * request to its driver, which reads the public folder and answers through
 * `sendList`, `sendFileHeader` / `sendFileData` / `sendFileEnd`, or `refuse`.
 */
import { equalBytes, toHex } from '../crypto/bytes.js';
import type { Certificate } from '../crypto/certificate.js';
import { randomBytes, Sha256 } from '../crypto/hash.js';
import type { RsaPrivateKey, RsaPublicKey } from '../crypto/rsa.js';
import { LocalProtocolError, RemoteProtocolError } from './alerts.js';
import { type ApplicationMessage, decodeRequestedName, encodeName, type ListEntry, MAX_FILE_DATA_BYTES } from './application-messages.js';
import { type HandshakeMessage, RANDOM_BYTES } from './handshake-messages.js';
import { certificateVerifyInput, deriveSessionKeys, fileSignatureInput, finishedVerifyData, SECRET_BYTES, type SessionKeys, Transcript } from './key-schedule.js';
import { type Output, Peer, type PeerOptions } from './peer.js';
import { verifiedDetail, verifyPeerCertificate } from './peer-certificate.js';
import { quoted } from './printable.js';
import { MAX_PLAINTEXT_BYTES } from './record.js';
import { formatBytes } from './units.js';

export interface ServerOptions extends PeerOptions {
  readonly key: RsaPrivateKey;
  readonly certificate: Certificate;
  readonly trustedCa: Certificate;
  readonly random?: (length: number) => Uint8Array;
}

interface Session {
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly keys: SessionKeys;
}

interface Handshake {
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly clientKey: RsaPublicKey;
  readonly transcript: Transcript;
}

interface OutgoingFile {
  readonly name: Uint8Array;
  readonly size: number;
  readonly hash: Sha256;
  sent: number;
  records: number;
}

type ServerState =
  | { readonly name: 'Start' }
  | { readonly name: 'ExpectClientHello' }
  | ({ readonly name: 'ExpectClientKeyExchange' } & Handshake)
  | ({ readonly name: 'ExpectCertificateVerify'; readonly encryptedSecret: Uint8Array } & Handshake)
  | { readonly name: 'ExpectFinished'; readonly session: Session; readonly transcript: Transcript }
  | { readonly name: 'ExpectRequest'; readonly session: Session }
  | { readonly name: 'Responding'; readonly session: Session; readonly op: 'LIST' | 'GET'; readonly fileName: string }
  | { readonly name: 'SendingFile'; readonly session: Session; readonly file: OutgoingFile }
  | { readonly name: 'ExpectCloseNotify' };

const EXPECTS: Record<ServerState['name'], string> = {
  Start: 'nothing before start()',
  ExpectClientHello: 'CLIENT_HELLO',
  ExpectClientKeyExchange: 'CLIENT_KEY_EXCHANGE',
  ExpectCertificateVerify: 'CERTIFICATE_VERIFY',
  ExpectFinished: 'FINISHED',
  ExpectRequest: 'REQUEST',
  Responding: 'nothing while the response is prepared',
  SendingFile: 'nothing while the file is sent',
  ExpectCloseNotify: 'close_notify',
};

/** The bytes of a LIST_RESPONSE record that are not entries: kind, more, count. */
const LIST_RESPONSE_OVERHEAD = 4;

export class ServerConnection extends Peer {
  readonly #options: ServerOptions;
  #state: ServerState = { name: 'Start' };

  constructor(options: ServerOptions) {
    super('server', options);
    this.#options = options;
  }

  protected get liveStateName(): string {
    return this.#state.name;
  }

  /** Starts the handshake clock; call when the connection is accepted. */
  start(now: number): Output {
    this.assertOpen('start');
    if (this.#state.name !== 'Start') throw new LocalProtocolError('internal_error', 'start() was already called');
    return this.run(now, () => {
      this.startTimers(now);
      this.step('verify-client-certificate', 'active', 'waiting for CLIENT_HELLO');
      this.#state = { name: 'ExpectClientHello' };
    });
  }

  /** Answers a LIST request, in as many LIST_RESPONSE records as the entries need. */
  sendList(entries: readonly ListEntry[], now: number): Output {
    this.#expectResponding('LIST', 'sendList');
    return this.run(now, () => {
      this.step('resolve-request', 'done', `LIST: ${entries.length} file${entries.length === 1 ? '' : 's'}`);
      this.step('stream', 'active');
      let batch: ListEntry[] = [];
      let batchBytes = LIST_RESPONSE_OVERHEAD;
      let records = 0;
      for (const entry of entries) {
        const entryBytes = 2 + encodeName(entry.name).length + 8;
        if (batch.length > 0 && (batchBytes + entryBytes > MAX_PLAINTEXT_BYTES || batch.length === 0xffff)) {
          this.sendApplication({ name: 'LIST_RESPONSE', more: true, entries: batch });
          records += 1;
          batch = [];
          batchBytes = LIST_RESPONSE_OVERHEAD;
        }
        batch.push(entry);
        batchBytes += entryBytes;
      }
      this.sendApplication({ name: 'LIST_RESPONSE', more: false, entries: batch });
      records += 1;
      this.step('stream', 'done', `${entries.length} entries in ${records} record${records === 1 ? '' : 's'}`);
      this.step('sign', 'skipped', 'a listing is not signed');
      this.#closeAfterResponse();
    });
  }

  /** Starts the answer to a GET: the name requested and the file's size. */
  sendFileHeader(size: number, now: number): Output {
    const state = this.#expectResponding('GET', 'sendFileHeader');
    if (!Number.isSafeInteger(size) || size < 0) throw new LocalProtocolError('internal_error', `file size must be a non-negative integer, got ${size}`);
    return this.run(now, () => {
      const name = encodeName(state.fileName);
      this.sendApplication({ name: 'FILE_HEADER', fileName: state.fileName, size });
      this.step('resolve-request', 'done', `GET ${quoted(state.fileName)}: ${formatBytes(size)}`);
      this.step('stream', 'active', `sending ${formatBytes(size)} in FILE_DATA records`);
      this.emit({ type: 'progress', role: 'server', done: 0, total: size });
      this.#state = { name: 'SendingFile', session: state.session, file: { name, size, hash: new Sha256(), sent: 0, records: 0 } };
    });
  }

  /** Sends file bytes, cut into FILE_DATA records; any length is fine. */
  sendFileData(data: Uint8Array, now: number): Output {
    const file = this.#expectSending('sendFileData');
    if (file.sent + data.length > file.size) {
      throw new LocalProtocolError('internal_error', `sendFileData would send ${file.sent + data.length} bytes of a ${file.size}-byte file`);
    }
    return this.run(now, () => {
      // Hashed in one call rather than record by record: the digest is the same, the calls fewer.
      file.hash.update(data);
      for (let offset = 0; offset < data.length; offset += MAX_FILE_DATA_BYTES) {
        const piece = data.subarray(offset, offset + MAX_FILE_DATA_BYTES);
        this.sendApplication({ name: 'FILE_DATA', data: piece });
        file.sent += piece.length;
        file.records += 1;
        this.emit({ type: 'progress', role: 'server', done: file.sent, total: file.size });
      }
    });
  }

  /** Ends the file with its digest and the server's signature, then closes. */
  sendFileEnd(now: number): Output {
    const file = this.#expectSending('sendFileEnd');
    if (file.sent !== file.size) throw new LocalProtocolError('internal_error', `sendFileEnd after ${file.sent} of ${file.size} bytes`);
    const { session } = this.#state as Extract<ServerState, { name: 'SendingFile' }>;
    return this.run(now, () => {
      this.step('stream', 'done', `${formatBytes(file.size)} in ${file.records} record${file.records === 1 ? '' : 's'}`);
      this.step('sign', 'active');
      const sha256 = file.hash.digest();
      const signature = this.#options.key.sign(fileSignatureInput({ clientRandom: session.clientRandom, serverRandom: session.serverRandom, name: file.name, size: file.size, sha256 }));
      this.sendApplication({ name: 'FILE_END', sha256, signature });
      this.step('sign', 'done', `SHA-256 ${toHex(sha256).slice(0, 16)}… signed with the server key`);
      this.#closeAfterResponse();
    });
  }

  /** Refuses the request with access_denied or file_not_found, and a reason for the user. */
  refuse(alert: 'access_denied' | 'file_not_found', reason: string, now: number): Output {
    this.assertOpen('refuse');
    if (this.#state.name !== 'Responding') throw new LocalProtocolError('internal_error', `refuse() with no request pending (state ${this.#state.name})`);
    return this.abort(alert, reason, now);
  }

  protected onHandshake(message: HandshakeMessage, bytes: Uint8Array, now: number): void {
    const state = this.#state;
    switch (state.name) {
      case 'ExpectClientHello': {
        if (message.name !== 'CLIENT_HELLO') throw this.unexpected(EXPECTS[state.name], message.name);
        const transcript = new Transcript();
        transcript.add(bytes);
        const certificate = this.#verifyClientCertificate(message.certificate, now);
        const serverRandom = (this.#options.random ?? randomBytes)(RANDOM_BYTES);
        transcript.add(this.sendHandshake({ name: 'SERVER_HELLO', random: serverRandom, certificate: this.#options.certificate.bytes }));
        this.step('server-hello', 'done', `random ${toHex(serverRandom).slice(0, 8)}…, certificate "${this.#options.certificate.subject}" (${this.#options.certificate.bytes.length} bytes)`);
        this.step('key-exchange', 'active', 'waiting for CLIENT_KEY_EXCHANGE');
        this.#state = { name: 'ExpectClientKeyExchange', clientRandom: message.random, serverRandom, clientKey: certificate.publicKey, transcript };
        return;
      }
      case 'ExpectClientKeyExchange': {
        if (message.name !== 'CLIENT_KEY_EXCHANGE') throw this.unexpected(EXPECTS[state.name], message.name);
        state.transcript.add(bytes);
        // Kept encrypted until CERTIFICATE_VERIFY proves the client holds its key: whoever
        // merely copied a client certificate then learns nothing from how decryption went.
        this.#state = { ...state, name: 'ExpectCertificateVerify', encryptedSecret: message.encryptedSecret };
        return;
      }
      case 'ExpectCertificateVerify': {
        if (message.name !== 'CERTIFICATE_VERIFY') throw this.unexpected(EXPECTS[state.name], message.name);
        if (!state.clientKey.verify(certificateVerifyInput(state.transcript.hash()), message.signature)) {
          throw new RemoteProtocolError('decrypt_error', "CERTIFICATE_VERIFY does not verify under the key in the client's certificate: whoever sent it does not hold that certificate's private key");
        }
        const secret = this.#decryptSecret(state.encryptedSecret);
        state.transcript.add(bytes);
        this.step('key-exchange', 'done', 'CERTIFICATE_VERIFY valid: the client holds the key of its certificate; secret decrypted');
        state.transcript.add(this.sendHandshake({ name: 'SERVER_KEY_EXCHANGE', encryptedSecret: state.clientKey.encrypt(secret) }));
        this.step('server-key-exchange', 'done', "secret encrypted again under the client's key");
        const keys = deriveSessionKeys(secret, state.clientRandom, state.serverRandom);
        this.emit({ type: 'keys', role: 'server', clientRandom: state.clientRandom, serverRandom: state.serverRandom, secret, keys });
        this.enableEncryption(keys);
        this.step('finished', 'active', 'waiting for the client FINISHED');
        this.#state = { name: 'ExpectFinished', session: { clientRandom: state.clientRandom, serverRandom: state.serverRandom, keys }, transcript: state.transcript };
        return;
      }
      case 'ExpectFinished': {
        if (message.name !== 'FINISHED') throw this.unexpected(EXPECTS[state.name], message.name);
        const { keys } = state.session;
        if (!equalBytes(message.verifyData, finishedVerifyData(keys.finishedKey, 'client', state.transcript.hash()))) {
          throw new RemoteProtocolError('decrypt_error', 'client FINISHED does not match the handshake this server saw: it was tampered with');
        }
        state.transcript.add(bytes);
        this.step('finished', 'active', "the client FINISHED matches this server's transcript; sending the server FINISHED");
        this.sendHandshake({ name: 'FINISHED', verifyData: finishedVerifyData(keys.finishedKey, 'server', state.transcript.hash()) });
        this.handshakeComplete();
        this.step('finished', 'done', 'both FINISHED match; every record is now encrypted (AES-256-CTR) and authenticated (HMAC-SHA256)');
        this.step('resolve-request', 'active', 'waiting for REQUEST');
        this.#state = { name: 'ExpectRequest', session: state.session };
        return;
      }
      default:
        throw this.unexpected(EXPECTS[state.name], message.name);
    }
  }

  protected onApplication(message: ApplicationMessage): void {
    const state = this.#state;
    if (state.name !== 'ExpectRequest' || message.name !== 'REQUEST') throw this.unexpected(EXPECTS[state.name], message.name);
    const fileName = decodeRequestedName(message.fileName);
    if (fileName === undefined) throw new RemoteProtocolError('access_denied', 'the requested name is not valid UTF-8');
    this.step('resolve-request', 'active', message.op === 'GET' ? `GET ${quoted(fileName)}` : 'LIST');
    this.#state = { name: 'Responding', session: state.session, op: message.op, fileName };
    this.emit({ type: 'request', role: 'server', op: message.op, name: fileName });
  }

  protected onCloseNotify(): void {
    const state = this.#state;
    if (state.name === 'ExpectCloseNotify') this.finish('close_notify exchanged');
    else this.closedEarly(`while this server expected ${EXPECTS[state.name]}`);
  }

  protected canEndWithoutCloseNotify(): boolean {
    return this.#state.name === 'ExpectCloseNotify';
  }

  #verifyClientCertificate(bytes: Uint8Array, now: number): Certificate {
    const certificate = verifyPeerCertificate(bytes, { trustedCa: this.#options.trustedCa, now, expectedRole: 'client' });
    this.step('verify-client-certificate', 'done', verifiedDetail(certificate));
    return certificate;
  }

  /**
   * Every way a secret can be wrong (bad padding, wrong length, garbage) gets the
   * same alert and the same words, so the answer reveals nothing about the
   * plaintext: no padding oracle.
   */
  #decryptSecret(encryptedSecret: Uint8Array): Uint8Array {
    let secret: Uint8Array | undefined;
    try {
      secret = this.#options.key.decrypt(encryptedSecret);
    } catch {
      secret = undefined;
    }
    if (secret === undefined || secret.length !== SECRET_BYTES) {
      throw new RemoteProtocolError('decrypt_error', "CLIENT_KEY_EXCHANGE does not hold a secret that decrypts under the server's key");
    }
    return secret;
  }

  #expectResponding(op: 'LIST' | 'GET', call: string): Extract<ServerState, { name: 'Responding' }> {
    this.assertOpen(call);
    const state = this.#state;
    if (state.name !== 'Responding' || state.op !== op) throw new LocalProtocolError('internal_error', `${call}() needs a pending ${op} request (state ${state.name})`);
    return state;
  }

  #expectSending(call: string): OutgoingFile {
    this.assertOpen(call);
    const state = this.#state;
    if (state.name !== 'SendingFile') throw new LocalProtocolError('internal_error', `${call}() after no FILE_HEADER (state ${state.name})`);
    return state.file;
  }

  #closeAfterResponse(): void {
    this.sendCloseNotify();
    this.step('close', 'active', "close_notify sent; waiting for the client's");
    this.#state = { name: 'ExpectCloseNotify' };
  }
}

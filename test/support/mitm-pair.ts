/**
 * A client, the attacker's interceptor and a server, connected in memory: the
 * three-party counterpart of ConnectionPair. Bytes the client sends go through
 * the interceptor to the server and back, so every attack mode can be played
 * without a socket.
 */
import type { AttackerIdentity } from '../../source/attacker/interceptor.js';
import { Interceptor } from '../../source/attacker/interceptor.js';
import type { AttackMode } from '../../source/attacker/modes.js';
import { issueCertificate, newSerial } from '../../source/crypto/certificate.js';
import { ClientConnection, type ClientOptions } from '../../source/protocol/client.js';
import type { AttackEvent, PeerEvent } from '../../source/protocol/events.js';
import type { Output } from '../../source/protocol/peer.js';
import { ServerConnection } from '../../source/protocol/server.js';
import { issue, NOW, type TestPki } from './identities.js';

export function testAttackerIdentity(pki: TestPki): AttackerIdentity {
  const key = pki.stranger;
  const year = 365 * 24 * 3600 * 1000;
  return {
    key,
    rogueCaServer: issue(key, { subject: 'server', role: 'server', issuer: pki.rogueCa }),
    selfSigned: issue(key, { subject: 'server', role: 'server', issuer: 'self' }),
    expired: issue(key, { subject: 'server', role: 'server', issuer: pki.ca, from: NOW - 2 * year, to: NOW - year }),
    wrongName: issueCertificate(
      { serial: newSerial(), subject: 'mallory', role: 'server', issuer: pki.ca.certificate.subject, notBefore: new Date(NOW - year), notAfter: new Date(NOW + year), publicKey: key.publicKey },
      pki.ca.key,
    ),
    trustedCa: pki.ca.certificate,
  };
}

export class MitmTrio {
  readonly client: ClientConnection;
  readonly server: ServerConnection;
  readonly interceptor: Interceptor;
  readonly clientEvents: PeerEvent[] = [];
  readonly serverEvents: PeerEvent[] = [];
  readonly attackEvents: AttackEvent[] = [];
  readonly received: Uint8Array[] = [];
  readonly #files: ReadonlyMap<string, Uint8Array>;
  readonly #toRelayFromClient: Uint8Array[] = [];
  readonly #toRelayFromServer: Uint8Array[] = [];
  readonly #toClient: Uint8Array[] = [];
  readonly #toServer: Uint8Array[] = [];

  constructor(pki: TestPki, mode: AttackMode, options: { files: ReadonlyMap<string, Uint8Array>; client?: Partial<ClientOptions> }) {
    this.#files = options.files;
    this.client = new ClientConnection({
      key: pki.client.key, certificate: pki.client.certificate, trustedCa: pki.ca.certificate, request: { op: 'GET', name: [...options.files.keys()][0]! }, ...options.client,
    });
    this.server = new ServerConnection({ key: pki.server.key, certificate: pki.server.certificate, trustedCa: pki.ca.certificate });
    this.interceptor = new Interceptor(mode, testAttackerIdentity(pki));
  }

  run(): this {
    this.#fromServer(this.server.start(NOW));
    this.#fromClient(this.client.start(NOW));
    for (let round = 0; round < 100_000; round += 1) {
      const queues = [this.#toRelayFromClient, this.#toRelayFromServer, this.#toClient, this.#toServer];
      if (queues.every((queue) => queue.length === 0)) break;
      const fromClient = this.#toRelayFromClient.shift();
      if (fromClient) this.#relay(this.interceptor.fromClient(fromClient, NOW));
      const fromServer = this.#toRelayFromServer.shift();
      if (fromServer) this.#relay(this.interceptor.fromServer(fromServer, NOW));
      const toClient = this.#toClient.shift();
      if (toClient && !this.client.isFinished) this.#fromClient(this.client.receive(toClient, NOW));
      const toServer = this.#toServer.shift();
      if (toServer && !this.server.isFinished) this.#fromServer(this.server.receive(toServer, NOW));
    }
    return this;
  }

  #relay(output: ReturnType<Interceptor['fromClient']>): void {
    this.attackEvents.push(...output.events);
    this.#toServer.push(...output.toServer);
    this.#toClient.push(...output.toClient);
  }

  #fromClient(output: Output): void {
    this.clientEvents.push(...output.events);
    this.#toRelayFromClient.push(...output.send);
    for (const event of output.events) {
      if (event.type === 'file-data') this.received.push(event.data);
      if ((event.type === 'file-verified' || event.type === 'list') && !this.client.isFinished) {
        this.#fromClient(this.client.markStep('save', 'done'));
        this.#fromClient(this.client.close(NOW));
      }
    }
  }

  #fromServer(output: Output): void {
    this.serverEvents.push(...output.events);
    this.#toRelayFromServer.push(...output.send);
    for (const event of output.events) {
      if (event.type !== 'request') continue;
      const data = this.#files.get(event.name);
      if (data === undefined) {
        this.#fromServer(this.server.refuse('file_not_found', 'missing', NOW));
        continue;
      }
      this.#fromServer(this.server.sendFileHeader(data.length, NOW));
      if (data.length > 0) this.#fromServer(this.server.sendFileData(data, NOW));
      this.#fromServer(this.server.sendFileEnd(NOW));
    }
  }
}

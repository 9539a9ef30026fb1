/**
 * A malicious server on 127.0.0.1 for the client-side suites: a genuine ServerConnection
 * with a server identity the client trusts (the test PKI's, or a keystore's) does the
 * handshake, so the client verifies it and goes on; then a script answers the request
 * however it likes. It may serve any name from memory through the state machine (which
 * names the file exactly as requested, however unsafe), or slip in records of its own:
 * once the keys exist the evil server keeps its own copy of the server's write protection
 * in step, so a forged FILE_HEADER for another name is sealed exactly as the client
 * expects the next record.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { RequestEvent } from '../../source/protocol/events.js';
import type { Output } from '../../source/protocol/peer.js';
import type { ContentType } from '../../source/protocol/record.js';
import { RecordProtection } from '../../source/protocol/record-protection.js';
import { ServerConnection } from '../../source/protocol/server.js';
import type { Certificate } from '../../source/crypto/certificate.js';
import type { RsaPrivateKey } from '../../source/crypto/rsa.js';

export interface EvilSession {
  readonly peer: ServerConnection;
  /** Writes a peer's output, keeping the forging copy in step. */
  send(output: Output): void;
  /** Writes a record of the evil server's own, sealed as the client expects the next one. */
  forge(contentType: ContentType, payload: Uint8Array): void;
  end(): void;
}

export type EvilScript = (session: EvilSession, request: RequestEvent) => void;

/** The identities the evil server needs: the test PKI's, or a keystore's. */
export interface EvilIdentity {
  readonly server: { readonly key: RsaPrivateKey; readonly certificate: Certificate };
  readonly ca: { readonly certificate: Certificate };
}

export class EvilServer {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  /** The requests received, in order. */
  readonly requests: RequestEvent[] = [];

  private constructor(pki: EvilIdentity, script: EvilScript) {
    this.#server = createServer((socket) => this.#serve(pki, script, socket));
  }

  static async start(pki: EvilIdentity, script: EvilScript): Promise<EvilServer> {
    const evil = new EvilServer(pki, script);
    await new Promise<void>((resolve) => evil.#server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    return evil;
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the evil server is not listening');
    return address.port;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #serve(pki: EvilIdentity, script: EvilScript, socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.on('error', () => {});
    const peer = new ServerConnection({ key: pki.server.key, certificate: pki.server.certificate, trustedCa: pki.ca.certificate });
    let shadow: RecordProtection | undefined;
    const session: EvilSession = {
      peer,
      send: (output) => {
        let index = 0;
        for (const event of output.events) {
          if (event.type === 'keys') shadow = new RecordProtection(event.keys.serverWriteKey, event.keys.serverWriteIv, event.keys.serverMacKey);
          if (event.type === 'wire' && event.action === 'sent') {
            const record = output.send[index++]!;
            if (event.encrypted && event.plaintext !== undefined) shadow?.seal(event.contentType as ContentType, event.plaintext);
            if (!socket.destroyed) socket.write(record);
          }
          if (event.type === 'request') {
            this.requests.push(event);
            script(session, event);
          }
        }
      },
      forge: (contentType, payload) => {
        if (shadow === undefined) throw new Error('no keys yet');
        if (!socket.destroyed) socket.write(shadow.seal(contentType, payload));
      },
      end: () => socket.end(),
    };
    socket.on('data', (chunk: Buffer) => {
      if (!peer.isFinished) session.send(peer.receive(new Uint8Array(chunk), Date.now()));
    });
    socket.on('end', () => socket.end());
    session.send(peer.start(Date.now()));
  }
}

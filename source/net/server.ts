/**
 * The server over TCP: listens (port 4041 by default, as `tls_py`), serves every
 * connection concurrently until stopped, turns away connections over the cap with
 * an alert, and answers each session's request from the public folder. A session
 * that fails ends alone; the listener goes on serving.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Certificate } from '../crypto/certificate.js';
import type { RsaPrivateKey } from '../crypto/rsa.js';
import { errorCode } from '../files/folder-tree.js';
import { NameRefusal } from '../files/names.js';
import { listPublicFiles, type OpenedPublicFile, openPublicFile } from '../files/public-folder.js';
import { ReadAhead } from '../files/read-ahead.js';
import { fatalAlertRecord } from '../protocol/alert-message.js';
import { MAX_FILE_DATA_BYTES } from '../protocol/application-messages.js';
import type { PeerEvent, RequestEvent } from '../protocol/events.js';
import type { Output, PeerOptions } from '../protocol/peer.js';
import { quoted } from '../protocol/printable.js';
import { ServerConnection } from '../protocol/server.js';
import { DEFAULT_PORT } from './client.js';
import { PeerSocket, type PeerSocketOptions, socketEnds } from './peer-socket.js';

export const DEFAULT_MAX_CONNECTIONS = 256;
/** Bytes encrypted and written per step: four FILE_DATA records. */
export const SEND_CHUNK_BYTES = 4 * MAX_FILE_DATA_BYTES;
/**
 * How long a file is sent before the event loop turns, for the other sessions and a
 * dashboard in the same process. A step of aes-js takes longer than this, so the loop
 * turns after each; a native one takes about 0.1 ms, and turning after each of those
 * (1,024 turns in 64 MiB) cost the server about 5% of its CPU.
 */
export const SEND_TURN_MS = 2;
/** Bytes read from disk at a time, four steps' worth: each read is a trip to the thread pool and back. */
export const READ_CHUNK_BYTES = 4 * SEND_CHUNK_BYTES;
/**
 * Bytes a connection's socket may hold in the process before a writer waits for it
 * to drain. Node's default, 16 KiB, is one record: whenever the kernel's buffer was
 * full the server stopped after a step and waited for all of it to be taken.
 */
export const SOCKET_BUFFER_BYTES = 256 * 1024;

export interface ServerConfig extends PeerOptions {
  readonly host?: string;
  readonly port?: number;
  readonly publicDir: string;
  readonly key: RsaPrivateKey;
  readonly certificate: Certificate;
  readonly trustedCa: Certificate;
  readonly maxConnections?: number;
  /** A session began; its events follow through `onEvent` with the same id. */
  readonly onSession?: (session: SessionInfo) => void;
  readonly onEvent?: (session: SessionInfo, event: PeerEvent) => void;
  /** A connection was turned away at the cap. */
  readonly onRefused?: (remote: string) => void;
  /** Serving a session failed unexpectedly: it was dropped, and the server goes on. */
  readonly onFault?: (session: SessionInfo, error: Error) => void;
  readonly socket?: Omit<PeerSocketOptions, 'onFault'>;
}

export interface SessionInfo {
  readonly id: number;
  /** The other end of the connection, "address:port". */
  readonly remote: string;
  /** This end, as the other reached it: not the address listened on, which may be 0.0.0.0. */
  readonly local: string;
  readonly startedAt: number;
}

export class TlsTuiServer {
  readonly #config: ServerConfig;
  readonly #server: Server;
  readonly #links = new Set<PeerSocket>();
  readonly #refused = new Set<Socket>();
  readonly #sessions = new Set<Promise<void>>();
  #nextId = 1;

  private constructor(config: ServerConfig) {
    this.#config = config;
    this.#server = createServer({ highWaterMark: SOCKET_BUFFER_BYTES }, (socket) => this.#accept(socket));
  }

  /** Starts listening; resolves once the port is bound (port 0 picks a free one). */
  static async listen(config: ServerConfig): Promise<TlsTuiServer> {
    const server = new TlsTuiServer(config);
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen({ host: config.host ?? '0.0.0.0', port: config.port ?? DEFAULT_PORT }, () => {
        server.#server.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  get address(): { readonly host: string; readonly port: number } {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the server is not listening');
    return { host: address.address, port: address.port };
  }

  get openConnections(): number {
    return this.#links.size;
  }

  /** Stops listening, and ends every open connection with an alert that says so. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const link of this.#links) link.shutdown('the server is stopping');
    for (const socket of this.#refused) socket.destroy();
    await Promise.allSettled([...this.#sessions]);
    await closed;
  }

  #accept(socket: Socket): void {
    socket.on('error', () => {});
    const { local, remote } = socketEnds(socket);
    const limit = this.#config.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    if (this.#links.size >= limit) {
      refuseConnection(socket, `server busy: ${limit} connections open; try again later`, this.#refused);
      this.#config.onRefused?.(remote);
      return;
    }
    const session: SessionInfo = { id: this.#nextId++, remote, local, startedAt: Date.now() };
    const running = this.#serve(socket, session)
      .catch((error: unknown) => this.#fault(session, error))
      .finally(() => this.#sessions.delete(running));
    this.#sessions.add(running);
  }

  async #serve(socket: Socket, session: SessionInfo): Promise<void> {
    const config = this.#config;
    const peer = new ServerConnection(config);
    const link = new PeerSocket(peer, socket, (event) => config.onEvent?.(session, event), { ...config.socket, onFault: (error) => this.#fault(session, error) });
    this.#links.add(link);
    const pump = (output: Output): Promise<void> => link.deliver(output);
    try {
      config.onSession?.(session);
      const { host, port } = this.address;
      await pump(peer.markStep('listen', 'done', `listening on ${host}:${port}`));
      await pump(peer.markStep('accept', 'done', `connection from ${session.remote}`));
      await pump(peer.start(link.now));
      await link.readUntilClosed(async (output) => {
        const request = output.events.find((event): event is RequestEvent => event.type === 'request');
        // Answered beside the read loop, which must keep reading: the client may send an alert mid-transfer.
        if (request !== undefined) this.#respond(session, peer, pump, link, request).catch((error: unknown) => this.#fault(session, error));
      });
    } finally {
      this.#links.delete(link);
      socket.destroy();
    }
  }

  #fault(session: SessionInfo, error: unknown): void {
    this.#config.onFault?.(session, error instanceof Error ? error : new Error(String(error)));
  }

  async #respond(session: SessionInfo, peer: ServerConnection, pump: (output: Output) => Promise<void>, link: PeerSocket, request: RequestEvent): Promise<void> {
    const publicDir = this.#config.publicDir;
    // The session can end while the answer is prepared, over a read of the disk: the client
    // sent another record after its REQUEST (and was answered with unexpected_message), hung
    // up, or the server is stopping. The answer is then dropped without a word, here and in
    // sendFile: the session's end already says why, and it is no fault of the server's.
    try {
      if (request.op === 'LIST') {
        const entries = await listPublicFiles(publicDir);
        if (!peer.isFinished) await pump(peer.sendList(entries, link.now));
        return;
      }
      const file = await openPublicFile(publicDir, request.name).catch(async (error: unknown) => {
        if (!(error instanceof NameRefusal)) throw error;
        if (!peer.isFinished) await pump(peer.refuse(error.alert, error.message, link.now));
        return undefined;
      });
      if (file === undefined) return;
      await sendFile(peer, pump, link, file);
    } catch (error) {
      // The peer hears what failed, not the server's paths: those stay in the operator's log.
      const what = request.op === 'LIST' ? 'list the public folder' : `read ${quoted(request.name)}`;
      this.#fault(session, error);
      if (!peer.isFinished) await pump(peer.abort('internal_error', `the server could not ${what} (${causeCode(error)})`, link.now));
    }
  }
}

/**
 * Turns a connection away with a fatal alert that says why. What it sends is read and
 * discarded, so that its FIN is noticed, and it is dropped for good after a second
 * either way; until it closes it is in `open`, for a closing server or relay to end.
 */
export function refuseConnection(socket: Socket, reason: string, open: Set<Socket>): void {
  socket.on('error', () => {});
  socket.end(fatalAlertRecord('internal_error', reason));
  socket.resume();
  open.add(socket);
  socket.once('close', () => open.delete(socket));
  setTimeout(() => socket.destroy(), 1_000).unref();
}

/**
 * Streams an opened file to the end (or until the session ends, which may be before
 * its header) and closes it. The first read follows the announced size, so that a file
 * that shrinks after its header is caught; each later one runs while the chunk before
 * it is encrypted and sent.
 */
async function sendFile(peer: ServerConnection, pump: (output: Output) => Promise<void>, link: PeerSocket, file: OpenedPublicFile): Promise<void> {
  let chunks: ReadAhead | undefined;
  try {
    if (peer.isFinished) return;
    await pump(peer.sendFileHeader(file.size, link.now));
    chunks = new ReadAhead(file.handle, file.size, READ_CHUNK_BYTES);
    let turned = performance.now();
    while (!chunks.done && !peer.isFinished) {
      const chunk = await chunks.next();
      if (peer.isFinished) return;
      if (chunk.length === 0) {
        await pump(peer.abort('internal_error', `${quoted(file.name)} shrank while it was being sent`, link.now));
        return;
      }
      for (let offset = 0; offset < chunk.length && !peer.isFinished; offset += SEND_CHUNK_BYTES) {
        await pump(peer.sendFileData(chunk.subarray(offset, offset + SEND_CHUNK_BYTES), link.now));
        // The next chunk is often read already and the socket has room, so nothing else would turn the loop.
        if (performance.now() - turned >= SEND_TURN_MS) {
          await nextTurn();
          turned = performance.now();
        }
      }
    }
    if (!peer.isFinished) await pump(peer.sendFileEnd(link.now));
  } finally {
    await chunks?.settle();
    await file.handle.close();
  }
}

/** The system error code behind an error, such as ENOENT or EIO, for a peer that must not see paths. */
function causeCode(error: unknown): string {
  return errorCode(error) ?? errorCode((error as Error | undefined)?.cause) ?? 'unexpected error';
}

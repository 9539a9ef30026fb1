/**
 * One client session over TCP, as `tls_py`'s Client.py ran it: connect, handshake,
 * request one file (or the listing), stream it into a temporary file in received/,
 * and move it into place only once the protocol has verified size, digest and
 * signature. Any failure leaves nothing under a final name.
 */
import { connect, type Socket } from 'node:net';
import { isAbsolute, relative } from 'node:path';
import type { Certificate } from '../crypto/certificate.js';
import type { RsaPrivateKey } from '../crypto/rsa.js';
import { NameRefusal } from '../files/names.js';
import { ReceivedFile, removeStaleTemporaryFiles } from '../files/received-file.js';
import type { Alert } from '../protocol/alerts.js';
import type { ListEntry } from '../protocol/application-messages.js';
import { ClientConnection, type ClientRequest } from '../protocol/client.js';
import type { PeerEvent } from '../protocol/events.js';
import type { Output, PeerOptions } from '../protocol/peer.js';
import { formatBytes } from '../protocol/units.js';
import { PeerSocket, type PeerSocketOptions, socketEnds } from './peer-socket.js';

export const DEFAULT_PORT = 4041;
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * File bytes per write to disk, about sixteen records. A write costs much the same
 * whatever its size (a hop to the thread pool and back, which wakes a thread on a
 * busy CPU), so fewer, larger ones leave more of the CPU to the records.
 */
const WRITE_BATCH_BYTES = 256 * 1024;
/** Batches being written at once; when all are, reading the socket waits. */
const WRITE_BUFFERS = 4;

export interface ClientSessionConfig extends PeerOptions {
  readonly host: string;
  readonly port: number;
  readonly request: ClientRequest;
  readonly receivedDir: string;
  readonly key: RsaPrivateKey;
  readonly certificate: Certificate;
  readonly trustedCa: Certificate;
  readonly serverName?: string;
  readonly verifyServerCertificate?: boolean;
  readonly maxFileBytes?: number;
  readonly onEvent?: (event: PeerEvent) => void;
  /** The connection is up: "address:port" of this end and of the server. */
  readonly onConnected?: (local: string, remote: string) => void;
  readonly socket?: PeerSocketOptions;
}

export type ClientSessionResult =
  | { readonly ok: true; readonly savedPath?: string; readonly size?: number; readonly entries?: readonly ListEntry[] }
  | { readonly ok: false; readonly kind: 'protocol' | 'connection' | 'local'; readonly alert?: Alert; readonly reason: string };

/** Runs one session to its end; never throws for anything the network or the server does. */
export async function runClientSession(config: ClientSessionConfig): Promise<ClientSessionResult> {
  const peer = new ClientConnection({ ...config, key: config.key, certificate: config.certificate, trustedCa: config.trustedCa, request: config.request });
  const onEvent = config.onEvent ?? (() => {});
  const report = (output: Output): void => output.events.forEach(onEvent);

  // Tidying received/ needs nothing from the network, so it runs while the session
  // starts; it is awaited before a file is created there, and before returning.
  const tidied = removeStaleTemporaryFiles(config.receivedDir).catch(() => 0);
  report(peer.markStep('connect', 'active', `connecting to ${config.host}:${config.port}`));
  let socket: Socket;
  try {
    socket = await openSocket(config.host, config.port);
  } catch (error) {
    await tidied;
    const reason = `cannot connect to ${config.host}:${config.port}: ${(error as Error).message}`;
    report(peer.markStep('connect', 'failed', reason));
    report(peer.connectionLost(reason, config.socket?.clock?.() ?? Date.now()));
    return { ok: false, kind: 'connection', reason };
  }
  const { local, remote } = socketEnds(socket);
  config.onConnected?.(local, remote);
  report(peer.markStep('connect', 'done', `connected to ${remote} from port ${socket.localPort}`));

  const link = new PeerSocket(peer, socket, onEvent, config.socket);
  let received: WriteBehind | undefined;
  let saved: { path: string; size: number } | undefined;
  let entries: readonly ListEntry[] | undefined;
  let localFailure: string | undefined;

  const pump = async (output: Output): Promise<void> => {
    await link.deliver(output);
    await handle(output);
  };
  const handle = async (output: Output): Promise<void> => {
    for (const event of output.events) {
      if (peer.isFinished) return;
      try {
        await handleEvent(event);
      } catch (error) {
        if (error instanceof NameRefusal) {
          await pump(peer.abort(error.alert, error.message, link.now));
        } else {
          localFailure = `could not save the file: ${(error as Error).message}`;
          if (peer.stepStatus('save') === 'active') report(peer.markStep('save', 'failed', localFailure));
          await pump(peer.abort('internal_error', localFailure, link.now));
        }
      }
    }
  };
  const handleEvent = async (event: PeerEvent): Promise<void> => {
    switch (event.type) {
      case 'file-header':
        await tidied;
        received = new WriteBehind(await ReceivedFile.create(config.receivedDir, event.name), event.size);
        return;
      case 'file-data':
        await received?.write(event.data);
        return;
      case 'file-verified': {
        const path = await received!.commit();
        saved = { path, size: event.size };
        report(peer.markStep('save', 'done', `${displayPath(path)} (${formatBytes(event.size)})`));
        await pump(peer.close(link.now));
        return;
      }
      case 'list':
        entries = event.entries;
        await pump(peer.close(link.now));
        return;
      default:
    }
  };

  try {
    await pump(peer.start(link.now));
    await link.readUntilClosed(handle);
  } finally {
    await tidied;
    if (saved === undefined) await received?.file.abort();
  }

  if (saved !== undefined) return { ok: true, savedPath: saved.path, size: saved.size };
  if (entries !== undefined) return { ok: true, entries };
  const failure = peer.failure;
  if (localFailure !== undefined) return { ok: false, kind: 'local', reason: localFailure };
  if (failure?.alert === undefined) return { ok: false, kind: 'connection', reason: failure?.reason ?? 'the session ended without a response' };
  return { ok: false, kind: 'protocol', alert: failure.alert, reason: failure.reason };
}

/**
 * Writes a download behind the network: file bytes are copied into one of a few
 * batch buffers, and a full buffer is written (on the thread pool) while the next
 * records are decrypted into another. The reader waits only when every buffer is
 * still being written, so memory stays at a few fixed buffers whatever the file's
 * size, and nothing per record outlives its record. A failed write is thrown by a
 * later `write` or by `commit`, and nothing is committed after one.
 */
class WriteBehind {
  readonly file: ReceivedFile;
  /** A small file gets a buffer its own size, not a whole batch. */
  readonly #batchBytes: number;
  readonly #free: Buffer[] = [];
  readonly #writing: Array<{ readonly done: Promise<void>; readonly buffer: Buffer }> = [];
  #batch: Buffer | undefined;
  #filled = 0;
  #failure: { readonly error: unknown } | undefined;

  constructor(file: ReceivedFile, size: number) {
    this.file = file;
    this.#batchBytes = Math.max(1, Math.min(WRITE_BATCH_BYTES, size));
  }

  async write(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      this.#throwFailure();
      const batch = this.#batch ?? (this.#batch = await this.#freeBuffer());
      const copied = Math.min(bytes.length - offset, batch.length - this.#filled);
      batch.set(bytes.subarray(offset, offset + copied), this.#filled);
      this.#filled += copied;
      offset += copied;
      if (this.#filled === batch.length) this.#flush();
    }
    this.#throwFailure();
  }

  /** Writes what is left, waits for every write, then moves the file into place. */
  async commit(): Promise<string> {
    this.#flush();
    while (this.#writing.length > 0) await this.#settleOldest();
    this.#throwFailure();
    return this.file.commit();
  }

  async #freeBuffer(): Promise<Buffer> {
    if (this.#free.length === 0 && this.#writing.length < WRITE_BUFFERS) return Buffer.allocUnsafe(this.#batchBytes);
    while (this.#free.length === 0) await this.#settleOldest();
    return this.#free.pop()!;
  }

  #flush(): void {
    const batch = this.#batch;
    if (batch === undefined || this.#filled === 0) return;
    const done = this.file.write(batch.subarray(0, this.#filled)).catch((error: unknown) => {
      this.#failure ??= { error };
    });
    this.#writing.push({ done, buffer: batch });
    this.#batch = undefined;
    this.#filled = 0;
  }

  async #settleOldest(): Promise<void> {
    const oldest = this.#writing.shift();
    if (oldest === undefined) return;
    await oldest.done;
    this.#free.push(oldest.buffer);
  }

  #throwFailure(): void {
    if (this.#failure !== undefined) throw this.#failure.error;
  }
}

/** A path as a user would type it: relative to the current folder when it lies inside. */
function displayPath(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return relativePath.startsWith('..') || isAbsolute(relativePath) ? path : relativePath;
}

function openSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      // From here errors reach the reader as a failed read; this keeps one from being unhandled before it starts.
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

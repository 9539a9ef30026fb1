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
import { WriteBehind } from '../files/write-behind.js';
import type { Alert } from '../protocol/alerts.js';
import type { ListEntry } from '../protocol/application-messages.js';
import { ClientConnection, type ClientRequest } from '../protocol/client.js';
import type { PeerEvent } from '../protocol/events.js';
import type { Output, PeerOptions } from '../protocol/peer.js';
import { formatBytes } from '../protocol/units.js';
import { PeerSocket, type PeerSocketOptions, socketEnds } from './peer-socket.js';

export const DEFAULT_PORT = 4041;
const CONNECT_TIMEOUT_MS = 10_000;

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
  /**
   * Resolves when the user stops the client (Ctrl+C): the server is told with an
   * internal_error alert, the connection closes and nothing is left in received/.
   */
  readonly stop?: Promise<unknown>;
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
  // A stop while connecting ends the attempt; one once connected tells the server.
  let connected: PeerSocket | undefined;
  let stopped = false;
  void config.stop?.then(() => {
    stopped = true;
    connected?.shutdown('the client is stopping');
  });
  try {
    socket = await openSocket(config.host, config.port, config.stop);
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
  connected = link;
  if (stopped) link.shutdown('the client is stopping');
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
        // Anything else that stops the save is this machine's (a full disk, a file where received/ needs
        // a folder, a link leading out of it): the details, its paths among them, stay here, and the
        // server is told only what failed.
        localFailure = `could not save the file: ${(error as Error).message}`;
        const step = peer.stepStatus('save') === 'active' ? 'save' : 'receive';
        if (peer.stepStatus(step) === 'active') report(peer.markStep(step, 'failed', localFailure));
        await pump(peer.abort('internal_error', 'the client could not save the file', link.now));
      }
    }
  };
  const handleEvent = async (event: PeerEvent): Promise<void> => {
    switch (event.type) {
      case 'file-header': {
        await tidied;
        // A name no file may have here (a "..", an absolute path) is the server's to answer for: it served it.
        const file = await ReceivedFile.create(config.receivedDir, event.name).catch((error: unknown) => {
          if (error instanceof NameRefusal) return error;
          throw error;
        });
        if (file instanceof NameRefusal) {
          await pump(peer.abort(file.alert, file.message, link.now));
          return;
        }
        received = new WriteBehind(file, event.size);
        return;
      }
      case 'file-data':
        await received?.write(event.data);
        return;
      case 'file-verified': {
        const path = await received!.commit();
        saved = { path, size: event.size };
        const where = `${displayPath(path)} (${formatBytes(event.size)})`;
        // Saved without a verified certificate: nothing says the file came from the server.
        if (config.verifyServerCertificate === false) report(peer.markStep('save', 'warning', `${where}, from a sender NOT authenticated`));
        else report(peer.markStep('save', 'done', where));
        // A stop that came while the file was put in place has ended the session already; the file stays.
        if (!peer.isFinished) await pump(peer.close(link.now));
        return;
      }
      case 'list':
        entries = event.entries;
        if (!peer.isFinished) await pump(peer.close(link.now));
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

/** A path as a user would type it: relative to the current folder when it lies inside. */
function displayPath(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return relativePath.startsWith('..') || isAbsolute(relativePath) ? path : relativePath;
}

function openSocket(host: string, port: number, stop: Promise<unknown> | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
    void stop?.then(() => {
      if (socket.connecting) socket.destroy(new Error('stopped before the server answered'));
    });
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

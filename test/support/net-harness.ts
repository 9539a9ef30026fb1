/**
 * Real TCP on 127.0.0.1 for the net-layer suites: fresh temporary folders per test,
 * servers on port 0 whose events are recorded per session, clients whose events are
 * recorded, raw sockets that speak (or refuse to speak) the protocol by hand, and a
 * record and alert parser written from PROTOCOL.md sections 1 and 6 rather than
 * borrowed from the code under test. Everything a test opens is registered with the
 * harness and torn down by `cleanup()`, which the suites call in afterEach.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClientSessionConfig, type ClientSessionResult, runClientSession } from '../../source/net/client.js';
import { type ServerConfig, type SessionInfo, TlsTuiServer } from '../../source/net/server.js';
import type { ClientRequest } from '../../source/protocol/client.js';
import type { PeerEvent, StepEvent } from '../../source/protocol/events.js';
import type { StepStatus } from '../../source/protocol/steps.js';
import type { TestPki } from './identities.js';

export const HOST = '127.0.0.1';

export interface Workspace {
  readonly root: string;
  readonly publicDir: string;
  readonly receivedDir: string;
}

export interface RecordedServer {
  readonly server: TlsTuiServer;
  readonly port: number;
  readonly sessions: SessionInfo[];
  readonly refused: string[];
  /** Every event of every session, in arrival order. */
  readonly events: Array<{ readonly session: number; readonly event: PeerEvent }>;
  eventsOf(session: number): PeerEvent[];
}

export interface ClientRun {
  readonly result: ClientSessionResult;
  readonly events: PeerEvent[];
}

/** A raw TCP connection that records what the server sends and when it went away. */
export interface RawConnection {
  readonly socket: Socket;
  readonly openedAt: number;
  /** Everything received so far, joined. */
  received(): Buffer;
  /** Resolves with Date.now() when the socket has closed. */
  readonly closed: Promise<number>;
  readonly isClosed: () => boolean;
}

export interface ParsedRecord {
  readonly contentType: number;
  readonly version: number;
  readonly payload: Buffer;
  /** Offset of the record's first header byte in the stream. */
  readonly offset: number;
}

export interface ParsedAlert {
  readonly level: number;
  readonly description: number;
  readonly reason: string;
}

/** Splits a byte stream into records (PROTOCOL.md section 1); a trailing partial record is returned apart. */
export function parseRecords(stream: Buffer): { records: ParsedRecord[]; rest: Buffer } {
  const records: ParsedRecord[] = [];
  let offset = 0;
  while (stream.length - offset >= 5) {
    const length = stream.readUInt16BE(offset + 3);
    if (stream.length - offset < 5 + length) break;
    records.push({ contentType: stream[offset]!, version: stream.readUInt16BE(offset + 1), payload: stream.subarray(offset + 5, offset + 5 + length), offset });
    offset += 5 + length;
  }
  return { records, rest: stream.subarray(offset) };
}

/** A plaintext alert body: level (1) | description (1) | reason<u16> (PROTOCOL.md section 6). */
export function parseAlert(payload: Buffer): ParsedAlert {
  if (payload.length < 4) throw new Error(`an alert needs at least 4 bytes, got ${payload.length}`);
  const reasonLength = payload.readUInt16BE(2);
  if (payload.length !== 4 + reasonLength) throw new Error(`alert reason announced ${reasonLength} bytes, payload has ${payload.length - 4}`);
  return { level: payload[0]!, description: payload[1]!, reason: payload.subarray(4).toString('utf8') };
}

/** The one plaintext alert record a server sent on a raw connection, checked for framing. */
export function onlyAlert(stream: Buffer): ParsedAlert {
  const { records, rest } = parseRecords(stream);
  if (rest.length !== 0) throw new Error(`${rest.length} bytes after the last whole record`);
  if (records.length !== 1) throw new Error(`expected one record, got ${records.length}`);
  const record = records[0]!;
  if (record.contentType !== 21) throw new Error(`expected an alert record (21), got content type ${record.contentType}`);
  if (record.version !== 0x0300) throw new Error(`expected version 0x0300, got 0x${record.version.toString(16)}`);
  return parseAlert(record.payload);
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function sha256OfFile(path: string): Promise<string> {
  return sha256(await readFile(path));
}

/** Every entry under a folder, dot-files included, recursively, sorted. */
export async function entriesOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

/** Deterministic, incompressible-looking bytes, so any misplaced byte changes the digest. */
export function patternBytes(length: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(length);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < length; index += 1) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[index] = state & 0xff;
  }
  return out;
}

export function stepEvents(events: readonly PeerEvent[]): StepEvent[] {
  return events.filter((event): event is StepEvent => event.type === 'step');
}

/** The last status each step reached. */
export function finalStatuses(events: readonly PeerEvent[]): Map<string, StepStatus> {
  const statuses = new Map<string, StepStatus>();
  for (const event of stepEvents(events)) statuses.set(event.step, event.status);
  return statuses;
}

/** Whether `needle` occurs in any byte payload an event carries (file data, wire records, plaintexts). */
export function eventsContainBytes(events: readonly PeerEvent[], needle: Uint8Array): boolean {
  const hay: Uint8Array[] = [];
  for (const event of events) {
    if (event.type === 'file-data') hay.push(event.data);
    if (event.type === 'wire') {
      hay.push(event.record);
      if (event.plaintext !== undefined) hay.push(event.plaintext);
    }
  }
  const wanted = Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength);
  return hay.some((bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(wanted));
}

/** A port nothing listens on: bound once by the OS, then released. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen({ host: HOST, port: 0 }, resolve));
  const address = probe.address();
  if (address === null || typeof address === 'string') throw new Error('probe server has no port');
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return address.port;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class NetHarness {
  readonly #dirs: string[] = [];
  readonly #servers: TlsTuiServer[] = [];
  readonly #sockets: Socket[] = [];
  readonly #closers: Array<() => Promise<void>> = [];
  readonly #pki: TestPki;

  constructor(pki: TestPki) {
    this.#pki = pki;
  }

  /** A fresh folder under the system's temporary folder, removed by cleanup(). */
  async tempDir(prefix = 'tls-tui-net-'): Promise<string> {
    const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
    this.#dirs.push(dir);
    return dir;
  }

  /** root/public and root/received, both created and empty. */
  async workspace(): Promise<Workspace> {
    const root = await this.tempDir();
    const publicDir = join(root, 'public');
    const receivedDir = join(root, 'received');
    await mkdir(publicDir);
    await mkdir(receivedDir);
    return { root, publicDir, receivedDir };
  }

  async startServer(publicDir: string, overrides: Partial<ServerConfig> = {}): Promise<RecordedServer> {
    const pki = this.#pki;
    const events: Array<{ session: number; event: PeerEvent }> = [];
    const sessions: SessionInfo[] = [];
    const refused: string[] = [];
    const server = await TlsTuiServer.listen({
      host: HOST,
      port: 0,
      publicDir,
      key: pki.server.key,
      certificate: pki.server.certificate,
      trustedCa: pki.ca.certificate,
      onSession: (session) => sessions.push(session),
      onEvent: (session, event) => events.push({ session: session.id, event }),
      onRefused: (remote) => refused.push(remote),
      ...overrides,
    });
    this.#servers.push(server);
    return {
      server,
      port: server.address.port,
      sessions,
      refused,
      events,
      eventsOf: (session) => events.filter((entry) => entry.session === session).map((entry) => entry.event),
    };
  }

  /** Runs one client session with the demo client identity, recording its events. */
  async fetch(port: number, request: ClientRequest, receivedDir: string, overrides: Partial<ClientSessionConfig> = {}): Promise<ClientRun> {
    const pki = this.#pki;
    const events: PeerEvent[] = [];
    const result = await runClientSession({
      host: HOST,
      port,
      request,
      receivedDir,
      key: pki.client.key,
      certificate: pki.client.certificate,
      trustedCa: pki.ca.certificate,
      onEvent: (event) => events.push(event),
      ...overrides,
    });
    return { result, events };
  }

  /** Opens a raw TCP connection; resolves once connected. */
  async raw(port: number, options: { allowHalfOpen?: boolean } = {}): Promise<RawConnection> {
    const socket = connect({ host: HOST, port, allowHalfOpen: options.allowHalfOpen ?? false });
    this.#sockets.push(socket);
    const chunks: Buffer[] = [];
    let isClosed = false;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    const closed = new Promise<number>((resolve) => socket.once('close', () => {
      isClosed = true;
      resolve(Date.now());
    }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return { socket, openedAt: Date.now(), received: () => Buffer.concat(chunks), closed, isClosed: () => isClosed };
  }

  /** Registers something else to close in cleanup(), such as a proxy. */
  onCleanup(close: () => Promise<void>): void {
    this.#closers.push(close);
  }

  async cleanup(): Promise<void> {
    for (const socket of this.#sockets.splice(0)) socket.destroy();
    await Promise.allSettled(this.#closers.splice(0).map((close) => close()));
    await Promise.allSettled(this.#servers.splice(0).map((server) => server.close()));
    await Promise.allSettled(this.#dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

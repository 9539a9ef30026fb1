/**
 * A real `tls-tui server` process for the adversary suites, and the health checks made
 * after every attack on it. The server runs `dist/cli.js` in a fresh temporary folder
 * (public/, keystore/, store/), on 127.0.0.1 and a free port; the test process opens the
 * same keystore, so its clients are the demo client. Health is read from /proc: the
 * process is alive, its resident memory (VmRSS; VmHWM is the peak) stays within a bound
 * of its baseline, its open file descriptors (and among them sockets) come back to the
 * baseline count, and an honest client still receives a file byte for byte.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { expect, vi } from 'vitest';
import type { Certificate } from '../../source/crypto/certificate.js';
import type { RsaPrivateKey } from '../../source/crypto/rsa.js';
import { openKeystore } from '../../source/keystore/keystore.js';
import { type ClientSessionConfig, type ClientSessionResult, runClientSession } from '../../source/net/client.js';
import type { PeerEvent } from '../../source/protocol/events.js';
import { type RunningServer, startServer } from './cli.js';

export const HOST = '127.0.0.1';
/** The file every health check fetches. */
export const HONEST_FILE = 'honest.bin';
/** How far resident memory may grow over the baseline before it counts as unbounded. */
export const MEMORY_BOUND_KIB = 128 * 1024;

export interface ClientIdentity {
  readonly key: RsaPrivateKey;
  readonly certificate: Certificate;
  readonly trustedCa: Certificate;
}

export interface Health {
  readonly rssKiB: number;
  readonly hwmKiB: number;
  readonly fds: number;
  readonly sockets: number;
}

/** VmRSS and VmHWM of a process, in KiB. */
export function memoryOf(pid: number): { rssKiB: number; hwmKiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
}

/** Open file descriptors of a process, and how many of them are sockets. */
export function descriptorsOf(pid: number): { fds: number; sockets: number } {
  const entries = readdirSync(`/proc/${pid}/fd`);
  let sockets = 0;
  for (const entry of entries) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${entry}`).startsWith('socket:')) sockets += 1;
    } catch {
      // Closed between the listing and the read: it is not open any more.
    }
  }
  return { fds: entries.length, sockets };
}

export function healthOf(pid: number): Health {
  return { ...memoryOf(pid), ...descriptorsOf(pid) };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface ServerUnderTest {
  readonly root: string;
  readonly publicDir: string;
  readonly port: number;
  readonly pid: number;
  readonly running: RunningServer;
  readonly identity: ClientIdentity;
  /** Health after warming up with one honest session. */
  baseline: Health;
  /** The session results of the honest clients so far. */
  readonly honest: ClientSessionResult[];
  /** One honest session: GET `name` into a fresh folder, checked byte for byte against public/. */
  fetch(name?: string, overrides?: Partial<ClientSessionConfig>): Promise<{ result: ClientSessionResult; events: PeerEvent[] }>;
  /** Alive, descriptors back to the baseline, memory within the bound, and an honest client served. */
  expectHealthy(): Promise<Health>;
  stop(): Promise<void>;
}

/** Starts `tls-tui server` with `files` in its public folder (and `outside` beside it). */
export async function startServerProcess(options: {
  readonly files?: Readonly<Record<string, Uint8Array>>;
  readonly outside?: Readonly<Record<string, Uint8Array>>;
  readonly args?: readonly string[];
  readonly prepare?: (root: string, publicDir: string) => Promise<void>;
} = {}): Promise<ServerUnderTest> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'tls-tui-adversary-')));
  const publicDir = join(root, 'public');
  await mkdir(publicDir);
  const files: Record<string, Uint8Array> = { [HONEST_FILE]: new Uint8Array(createHash('sha512').update('honest').digest()).subarray(0, 64), ...options.files };
  for (const [name, data] of Object.entries(files)) {
    await mkdir(join(publicDir, name, '..'), { recursive: true });
    await writeFile(join(publicDir, name), data);
  }
  for (const [name, data] of Object.entries(options.outside ?? {})) await writeFile(join(root, name), data);
  await options.prepare?.(root, publicDir);
  const keystore = await openKeystore(join(root, 'keystore'));
  const identity = { key: keystore.client.key, certificate: keystore.client.certificate, trustedCa: keystore.ca.certificate };
  const running = await startServer(['--public', 'public', '--keystore', 'keystore', ...(options.args ?? [])], root);
  const pid = running.process.pid!;
  const honest: ClientSessionResult[] = [];

  const fetch = async (name = HONEST_FILE, overrides: Partial<ClientSessionConfig> = {}) => {
    const receivedDir = await mkdtemp(join(root, 'received-'));
    const events: PeerEvent[] = [];
    const result = await runClientSession({
      host: HOST, port: running.port, request: { op: 'GET', name }, receivedDir, ...identity, onEvent: (event) => events.push(event), ...overrides,
    });
    if (result.ok && result.savedPath !== undefined) expect(sha256(await readFile(result.savedPath))).toBe(sha256(files[name] ?? await readFile(join(publicDir, name))));
    await rm(receivedDir, { recursive: true, force: true });
    return { result, events };
  };

  const server: ServerUnderTest = {
    root, publicDir, port: running.port, pid, running, identity, honest, fetch,
    baseline: healthOf(pid),
    async expectHealthy() {
      expect(running.process.exitCode, `the server exited:\n${running.output().slice(-2000)}`).toBeNull();
      // Sockets linger up to 2 s after a session ends (PeerSocket's LINGER_MS); give them 6.
      await vi.waitFor(() => {
        const now = descriptorsOf(pid);
        expect(now.sockets, 'open sockets').toBeLessThanOrEqual(server.baseline.sockets);
        expect(now.fds, 'open file descriptors').toBeLessThanOrEqual(server.baseline.fds);
      }, { timeout: 6_000, interval: 50 });
      const health = healthOf(pid);
      expect(health.rssKiB - server.baseline.rssKiB, 'resident memory growth (KiB)').toBeLessThan(MEMORY_BOUND_KIB);
      const { result } = await fetch();
      honest.push(result);
      expect(result).toMatchObject({ ok: true });
      return health;
    },
    async stop() {
      const code = await running.stop();
      await rm(root, { recursive: true, force: true });
      expect(code).toBe(0);
    },
  };
  const warmUp = await fetch();
  expect(warmUp.result).toMatchObject({ ok: true });
  // Let the warm-up session's socket and transcript close before counting.
  await new Promise((resolve) => setTimeout(resolve, 300));
  server.baseline = healthOf(pid);
  return server;
}

/** A raw TCP connection to the server, recording what comes back and when it closed. */
export interface RawConnection {
  readonly socket: Socket;
  readonly openedAt: number;
  received(): Buffer;
  readonly closed: Promise<number>;
  isClosed(): boolean;
}

export async function openRaw(port: number): Promise<RawConnection> {
  const socket = connect({ host: HOST, port });
  const chunks: Buffer[] = [];
  let closedAt: number | undefined;
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve((closedAt = Date.now()))));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, openedAt: Date.now(), received: () => Buffer.concat(chunks), closed, isClosed: () => closedAt !== undefined };
}

/** Resolves when `connection` closes, or rejects once `withinMs` have passed since `since`. */
export async function closedWithin(connection: RawConnection, since: number, withinMs: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still open ${withinMs} ms after ${new Date(since).toISOString()}`)), Math.max(0, since + withinMs - Date.now()));
  });
  try {
    return await Promise.race([connection.closed, late]);
  } finally {
    clearTimeout(timer);
  }
}

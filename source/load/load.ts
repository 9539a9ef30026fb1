/**
 * The load test behind `npm run load`: a `tls-tui server` in a process of its own serves
 * files of the chosen sizes to many concurrent clients (in this process), each fetching
 * several files one after another. Every received file's SHA-256 is checked against the
 * original; the report counts successes, failures and corrupted files, gives p50 and p99 of
 * handshake and transfer times, and reads the server's peak memory (VmHWM) and open
 * descriptors from /proc. It measures; whether the figures are good enough is for people.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSha256 } from '../files/received-file.js';
import { openKeystore } from '../keystore/keystore.js';
import { runClientSession } from '../net/client.js';
import { describeAlert } from '../protocol/alerts.js';

export interface LoadOptions {
  readonly clients: number;
  readonly transfers: number;
  /** File sizes in bytes; client c's transfer t fetches size (c + t) mod sizes.length. */
  readonly sizes: readonly number[];
  /** The built program, `dist/cli.js`, run as the server. */
  readonly cli: string;
  /** Told after each transfer. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface LoadReport {
  readonly clients: number;
  readonly transfers: number;
  readonly sizes: readonly number[];
  readonly attempted: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly corrupted: number;
  /** Up to five distinct reasons, for a failed run. */
  readonly failures: readonly string[];
  readonly handshakeMs: Percentiles;
  readonly transferMs: Percentiles;
  readonly bytes: number;
  readonly seconds: number;
  /** Undefined where /proc does not exist. */
  readonly server?: { readonly peakKiB: number; readonly startKiB: number; readonly fdsAtStart: number; readonly fdsAtEnd: number };
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * fraction) - 1))] ?? Number.NaN;
  return { p50: rank(0.5), p99: rank(0.99), max: sorted.at(-1) ?? Number.NaN };
}

function procStatus(pid: number): { rssKiB: number; hwmKiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
  } catch {
    return undefined;
  }
}

function openDescriptors(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

async function writeRandomFile(path: string, size: number): Promise<void> {
  const chunks: Buffer[] = [];
  for (let left = size; left > 0; left -= 1024 * 1024) chunks.push(randomBytes(Math.min(left, 1024 * 1024)));
  await writeFile(path, Buffer.concat(chunks));
}

/** Starts the server process and resolves with its port once it says it listens. */
function startServer(cli: string, root: string, maxConnections: number): Promise<{ child: ChildProcess; port: number; exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'server', '--host', '127.0.0.1', '--port', '0', '--public', 'public', '--keystore', 'keystore', '--max-connections', String(maxConnections)], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((done) => child.on('close', done));
    let output = '';
    let listening = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within 30 s:\n${output}`));
    }, 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      // Kept short: the server prints a few lines per session, and only the first ones matter.
      if (output.length < 10_000) output += chunk.toString();
      const match = /listening on [\d.]+:(\d+)/.exec(output);
      if (match && !listening) {
        listening = true;
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]), exited });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${output}`));
    });
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const { clients, transfers, sizes } = options;
  if (clients < 1 || transfers < 1 || sizes.length === 0) throw new RangeError('expected at least one client, one transfer and one size');
  const root = await mkdtemp(join(tmpdir(), 'tls-tui-load-'));
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    await mkdir(join(root, 'public'));
    const digests = new Map<string, string>();
    for (const size of new Set(sizes)) {
      const name = `load-${size}.bin`;
      await writeRandomFile(join(root, 'public', name), size);
      digests.set(name, await fileSha256(join(root, 'public', name)));
    }
    const keystore = await openKeystore(join(root, 'keystore'));
    server = await startServer(options.cli, root, Math.max(256, clients * 2));
    const pid = server.child.pid!;
    const startKiB = procStatus(pid)?.rssKiB ?? Number.NaN;
    const fdsAtStart = openDescriptors(pid);

    const handshakes: number[] = [];
    const transferTimes: number[] = [];
    const failures: string[] = [];
    let succeeded = 0;
    let failed = 0;
    let corrupted = 0;
    let bytes = 0;
    let done = 0;
    const total = clients * transfers;
    const started = performance.now();

    const client = async (index: number): Promise<void> => {
      const receivedDir = join(root, `received-${index}`);
      for (let transfer = 0; transfer < transfers; transfer += 1) {
        const size = sizes[(index + transfer) % sizes.length]!;
        const name = `load-${size}.bin`;
        const begun = performance.now();
        let handshakeDone: number | undefined;
        const result = await runClientSession({
          host: '127.0.0.1', port: server!.port, request: { op: 'GET', name }, receivedDir,
          key: keystore.client.key, certificate: keystore.client.certificate, trustedCa: keystore.ca.certificate,
          onEvent: (event) => {
            if (event.type === 'step' && event.step === 'finished' && event.status === 'done') handshakeDone = performance.now();
          },
        });
        const ended = performance.now();
        if (result.ok && result.savedPath !== undefined) {
          if ((await fileSha256(result.savedPath)) === digests.get(name)) {
            succeeded += 1;
            bytes += size;
          } else {
            corrupted += 1;
          }
          await unlink(result.savedPath);
          handshakes.push((handshakeDone ?? ended) - begun);
          transferTimes.push(ended - (handshakeDone ?? begun));
        } else {
          failed += 1;
          const reason = result.ok ? 'no file saved' : result.alert ? describeAlert(result.alert) : result.reason;
          if (failures.length < 5 && !failures.includes(reason)) failures.push(reason);
        }
        options.onProgress?.((done += 1), total);
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, index) => client(index)));
    const seconds = (performance.now() - started) / 1000;
    const peak = procStatus(pid);
    // A finished session's socket may linger up to 2 s (PeerSocket); give the count time to settle.
    let fdsAtEnd = openDescriptors(pid);
    for (let waited = 0; waited < 3_000 && fdsAtEnd > fdsAtStart; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      fdsAtEnd = openDescriptors(pid);
    }
    return {
      clients, transfers, sizes, attempted: total, succeeded, failed, corrupted, failures,
      handshakeMs: percentiles(handshakes), transferMs: percentiles(transferTimes), bytes, seconds,
      ...(peak ? { server: { peakKiB: peak.hwmKiB, startKiB, fdsAtStart, fdsAtEnd } } : {}),
    };
  } finally {
    if (server !== undefined) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * The reference for handshakes: OpenSSL's own `s_server` with a throwaway RSA-2048
 * certificate, hammered by `s_time -new` (a full handshake per connection, no
 * session reuse) on 127.0.0.1. `s_time` reports its rate per second of its own CPU
 * time, and its run length only to the whole second, so the bench times each
 * `s_time` process itself and divides the connections it made by that wall time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { runCommand, sleep } from './support.js';

export interface OpensslServer {
  readonly port: number;
  /** What a handshake negotiates, as `s_client -brief` reports it: "TLSv1.3, TLS_AES_256_GCM_SHA384". */
  readonly negotiated: string;
  stop(): Promise<void>;
}

/** "OpenSSL 3.0.13 30 Jan 2024", or undefined when openssl is not installed. */
export async function opensslVersion(): Promise<string | undefined> {
  const result = await runCommand('openssl', ['version']);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Makes a throwaway certificate in `dir` and starts `openssl s_server` on a free port. */
export async function startOpensslServer(dir: string): Promise<OpensslServer> {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const made = await runCommand('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=bench', '-days', '1', '-keyout', key, '-out', cert]);
  if (made.code !== 0) throw new Error(`openssl req failed: ${made.stderr.trim()}`);
  const port = await freePort();
  const server: ChildProcess = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', cert, '-key', key, '-quiet'], { stdio: ['ignore', 'ignore', 'ignore'] });
  const exited = new Promise<void>((resolve) => server.once('close', () => resolve()));
  const stop = async (): Promise<void> => {
    server.kill('SIGTERM');
    await exited;
  };
  for (let tries = 0; !(await accepts(port)); tries += 1) {
    if (tries > 100 || server.exitCode !== null) {
      await stop();
      throw new Error('openssl s_server did not start listening');
    }
    await sleep(20);
  }
  const probe = await runCommand('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-brief'], { timeoutMs: 10_000 });
  const field = (name: string): string | undefined => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(probe.stderr + probe.stdout)?.[1]?.trim();
  const negotiated = [field('Protocol version'), field('Ciphersuite')].filter(Boolean).join(', ') || 'unknown';
  return { port, negotiated, stop };
}

interface STimeRun {
  readonly connections: number;
  readonly seconds: number;
}

async function sTime(port: number, seconds: number): Promise<STimeRun> {
  const started = performance.now();
  const result = await runCommand('openssl', ['s_time', '-connect', `127.0.0.1:${port}`, '-new', '-time', String(Math.max(1, Math.round(seconds)))], { timeoutMs: (seconds + 30) * 1000 });
  const elapsed = (performance.now() - started) / 1000;
  const match = /(\d+) connections in [\d.]+s/.exec(result.stdout);
  if (result.code !== 0 || match === null) throw new Error(`openssl s_time failed: ${result.stderr.trim() || result.stdout.slice(-200)}`);
  return { connections: Number(match[1]), seconds: elapsed };
}

/** The mean wall time of one full handshake when one `s_time` connects again and again. */
export async function opensslSequentialMillis(port: number, seconds: number): Promise<number> {
  const run = await sTime(port, seconds);
  return (run.seconds * 1000) / run.connections;
}

/** Handshakes per second when `clients` `s_time` processes run at once: their connections over the wall time. */
export async function opensslConcurrentRate(port: number, seconds: number, clients: number): Promise<number> {
  const started = performance.now();
  const runs = await Promise.all(Array.from({ length: clients }, () => sTime(port, seconds)));
  const elapsed = (performance.now() - started) / 1000;
  return runs.reduce((sum, run) => sum + run.connections, 0) / elapsed;
}

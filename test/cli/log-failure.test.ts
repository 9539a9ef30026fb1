/**
 * A server whose log cannot be written (its stdout redirected to a full disk) goes on
 * serving, and says so once on stderr: a log is no reason to stop.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/cli.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tls-tui-log-failure-'));
  await mkdir(join(root, 'public'));
  await writeFile(join(root, 'public', 'hello.txt'), 'hello\n');
  expect((await runCli(['keys', '--keystore', 'keystore'], root)).code).toBe(0);
}, 30_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A port nothing listens on just now. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Resolves once something accepts connections on `port`. */
async function listening(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (accepted) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on ${port} within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a server whose stdout is a full disk', () => {
  it('serves every client, and says once on stderr that its lines are lost', async () => {
    const port = await freePort();
    const full = await open('/dev/full', 'w');
    const server = spawn(process.execPath, [CLI, 'server', '--host', '127.0.0.1', '--port', String(port), '--public', 'public', '--keystore', 'keystore', '--store', 'store'], {
      cwd: root,
      stdio: ['ignore', full.fd, 'pipe'],
    });
    let stderr = '';
    server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => server.on('close', resolve));
    try {
      await listening(port);
      for (const received of ['received-1', 'received-2', 'received-3']) {
        const client = await runCli(['client', '--port', String(port), '--keystore', 'keystore', '--received', received, '--file', 'hello.txt'], root);
        expect([received, client.code, client.stderr]).toEqual([received, 0, '']);
      }
    } finally {
      server.kill('SIGTERM');
      await full.close();
    }
    expect(await exited).toBe(0);
    expect(stderr.match(/cannot write to standard output \(ENOSPC\)/g)).toHaveLength(1);
    expect(stderr).not.toMatch(/at .*\.js:\d+/);
  }, 60_000);
});

/**
 * Processes killed outright in the middle of a transfer, as a crash or `kill -9` ends them:
 * no handler runs, no finally block. A `tls-tui client` process killed while it streams a
 * 32 MiB file leaves its temporary file behind, and nothing under the final name; the next
 * client run in that folder removes the stale temporary (its process is gone), and a
 * fetch of the same file then stores it whole. A `tls-tui server` process killed while it
 * sends leaves its client failing with exit code 3 and a sentence saying the connection
 * was lost and that nothing was written, with neither the file nor a temporary in
 * received/ once the client has exited.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seededBytes } from '../support/fuzz.js';
import { CLI } from '../support/cli.js';
import { sha256, type ServerUnderTest, startServerProcess } from '../support/server-process.js';

const BIG = seededBytes(32 * 1024 * 1024, 51);
const TEMPORARY = /^\.tls-tui-(\d+)-[0-9a-f]{16}\.part$/;

let server: ServerUnderTest;

beforeAll(async () => {
  server = await startServerProcess({ files: { 'big.bin': BIG } });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

interface ClientRun {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>;
}

function runClient(root: string, port: number, file: string, received: string): ClientRun {
  const child = spawn(process.execPath, [CLI, 'client', '--port', String(port), '--file', file, '--received', received, '--keystore', 'keystore'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout }));
  });
  return { child, exited };
}

/** Waits until a temporary in `dir` holds some bytes (the transfer is under way); returns its name. */
async function temporaryUnderWay(dir: string): Promise<string> {
  let found: string | undefined;
  await vi.waitFor(async () => {
    const entries = await readdir(dir).catch(() => [] as string[]);
    found = entries.find((entry) => TEMPORARY.test(entry));
    expect(found).toBeDefined();
    expect((await stat(join(dir, found!))).size).toBeGreaterThan(0);
  }, { timeout: 15_000, interval: 10 });
  return found!;
}

describe('kill -9 in the middle of a transfer', () => {
  it('of the client: the stale temporary is left, nothing final; the next client removes it and a new fetch is whole', async () => {
    const received = join(server.root, 'received-kill-client');
    const victim = runClient(server.root, server.port, 'big.bin', received);
    const temporary = await temporaryUnderWay(received);
    expect(Number(TEMPORARY.exec(temporary)![1])).toBe(victim.child.pid);
    victim.child.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');

    expect(await readdir(received)).toEqual([temporary]);
    const partial = (await stat(join(received, temporary))).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(BIG.length);

    const next = await runClient(server.root, server.port, 'honest.bin', received).exited;
    expect(next.code, next.stdout).toBe(0);
    expect(await readdir(received)).toEqual(['honest.bin']);

    const again = await runClient(server.root, server.port, 'big.bin', received).exited;
    expect(again.code, again.stdout).toBe(0);
    expect((await readdir(received)).sort()).toEqual(['big.bin', 'honest.bin']);
    expect(sha256(await readFile(join(received, 'big.bin')))).toBe(sha256(BIG));
    await server.expectHealthy();
  }, 60_000);

  it('of the server: the client exits 3 with a clear reason, and leaves nothing in received/', async () => {
    const doomed = await startServerProcess({ files: { 'big.bin': BIG } });
    try {
      const received = join(doomed.root, 'received');
      const client = runClient(doomed.root, doomed.port, 'big.bin', received);
      await temporaryUnderWay(received);
      doomed.running.process.kill('SIGKILL');

      const { code, stdout } = await client.exited;
      expect(code, stdout).toBe(3);
      expect(stdout).toMatch(/stopped: .*(connection|closed|reset)/i);
      expect(stdout).toContain('nothing was written to received/');
      expect(await readdir(received)).toEqual([]);
    } finally {
      doomed.running.process.kill('SIGKILL');
      await rm(doomed.root, { recursive: true, force: true });
    }
  }, 60_000);
});

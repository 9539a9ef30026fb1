/**
 * The headless server and client as separate processes, as a user runs them:
 * files of every boundary size arrive byte-identical with the whole checklist
 * printed, names outside the public folder are refused with a reason while the
 * server goes on serving, and `--json` prints one parseable object per line.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_STEPS } from '../../source/protocol/steps.js';
import { CLI, type RunningServer, runCli, startServer } from '../support/cli.js';

const MiB = 1024 * 1024;
const SIZES = [0, 1, 16_383, 16_384, 16_385, 5 * MiB, 50 * MiB];

let root: string;
let server: RunningServer;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const client = (...args: string[]) => runCli(['client', '--port', String(server.port), '--keystore', 'keystore', '--received', 'received', ...args], root, 120_000);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tls-tui-cli-'));
  await mkdir(join(root, 'public', 'sub'), { recursive: true });
  for (const size of SIZES) await writeFile(join(root, 'public', `file-${size}.bin`), randomBytes(size));
  await writeFile(join(root, 'public', 'sub', 'nested.txt'), 'nested\n');
  await writeFile(join(root, 'secret.txt'), 'the server must never send this');
  server = await startServer(['--public', 'public', '--keystore', 'keystore'], root);
}, 60_000);

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
  await rm(root, { recursive: true, force: true });
});

describe('tls-tui client against tls-tui server', () => {
  it.each(SIZES)('delivers a %i-byte file byte-identical, with the whole checklist', async (size) => {
    const name = `file-${size}.bin`;
    const result = await client('--file', name);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const sent = await readFile(join(root, 'public', name));
    const received = await readFile(join(root, 'received', name));
    expect(received.length).toBe(size);
    expect(sha256(received)).toBe(sha256(sent));
    for (const step of CLIENT_STEPS) expect(result.stdout).toContain(`✔ ${step.label}`);
    expect(result.stdout).toContain('digest and signature verified');
  }, 120_000);

  it('goes on to save the file when its reader stops after one line (| head -1), with no EPIPE trace', async () => {
    const child = spawn(process.execPath, [CLI, 'client', '--port', String(server.port), '--keystore', 'keystore', '--received', 'received-early', '--file', `file-${5 * MiB}.bin`, '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const sent = await readFile(join(root, 'public', `file-${5 * MiB}.bin`));
    expect(sha256(await readFile(join(root, 'received-early', `file-${5 * MiB}.bin`)))).toBe(sha256(sent));
  }, 120_000);

  it('fetches a file in a subfolder into the same subfolder of received/', async () => {
    const result = await client('--file', 'sub/nested.txt');
    expect(result.code).toBe(0);
    expect(await readFile(join(root, 'received', 'sub', 'nested.txt'), 'utf8')).toBe('nested\n');
  });

  it('lists the public folder', async () => {
    const result = await client('--list');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/52,428,800 {2}file-52428800\.bin/);
    expect(result.stdout).toContain('sub/nested.txt');
    expect(result.stdout).toContain(`${SIZES.length + 1} files on the server`);
  });

  it.each([
    ['../secret.txt', 'access_denied', 'leave'],
    ['../keystore/server/server.key', 'access_denied', 'leave'],
    ['/etc/passwd', 'access_denied', 'absolute'],
    ['missing.txt', 'file_not_found', 'missing.txt'],
  ])('refuses %s with %s and a reason, writes nothing, and serves the next client', async (name, alert, reason) => {
    const before = await readdir(join(root, 'received')).catch(() => []);
    const refused = await client('--file', name);
    expect(refused.code).toBe(1);
    // The server refused it: the client's step was stopped by the server's alert, not failed here.
    expect(refused.stdout).toContain(`⊘ Receive: stopped: server sent ${alert}: `);
    expect(refused.stdout).toContain(reason);
    expect(refused.stdout).toContain('nothing was written to received/');
    expect(await readdir(join(root, 'received')).catch(() => [])).toEqual(before);

    const next = await client('--file', 'file-1.bin');
    expect(next.code).toBe(0);
  });

  it('prints one JSON object per line with --json, ending with the result', async () => {
    const result = await client('--file', 'file-16385.bin', '--json');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const steps = lines.filter((line) => line.type === 'step' && line.status === 'done').map((line) => line.step);
    expect(steps).toEqual(CLIENT_STEPS.map((step) => step.id));
    expect(lines.some((line) => line.type === 'wire' && line.message === 'CLIENT_HELLO' && line.action === 'sent')).toBe(true);
    expect(lines.some((line) => line.type === 'keys')).toBe(false);
    expect(lines.at(-1)).toMatchObject({ type: 'result', ok: true, size: 16_385 });
  });

  it('exits 3 when nothing listens, and 2 on a usage error', async () => {
    const refused = await runCli(['client', '--port', '1', '--file', 'x', '--keystore', 'keystore'], root);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain('✘ Connect to the server: cannot connect to 127.0.0.1:1');
    expect(refused.stdout).toContain('– Close: connection lost');
    const usage = await runCli(['client', '--file', 'a', '--list'], root);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give exactly one of --file NAME or --list');
    // A name no REQUEST can carry is a usage error, not a stack trace.
    const empty = await runCli(['client', '--file', '', '--keystore', 'keystore'], root);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('expected a name of 1 to 1024 bytes, got 0');
    expect(empty.stderr).not.toContain('RangeError');
    const badPort = await runCli(['server', '--port', '70000'], root);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('expected a port from 0 to 65535');
    // The error, and a pointer to the help, rather than the whole help pushing the error off the screen.
    expect(badPort.stderr.trim().split('\n')).toEqual([expect.stringContaining("option '--port <port>' argument '70000' is invalid"), '(add --help for the options)']);
    // A received folder that cannot be made, or is no place for a file (even for root), is reported before connecting, and exits 4.
    for (const [folder, problem] of [
      ['secret.txt/sub', 'secret.txt is a file, not a folder'],
      ['/proc/tls-tui-no-such', 'cannot create the folder /proc/tls-tui-no-such: ENOENT'],
      ['/proc', 'the received folder /proc: cannot create a file there: ENOENT'],
    ]) {
      const unusable = await runCli(['client', '--port', '1', '--file', 'x', '--keystore', 'keystore', '--received', folder!], root);
      expect([unusable.code, unusable.stderr]).toEqual([4, expect.stringContaining(problem!)]);
      expect(unusable.stdout).not.toContain('Connect');
    }
    // An empty host would listen on every address; an empty subject names no server.
    for (const [flag, problem] of [['--host', 'expected a host name or address'], ['--server-name', 'expected a subject']]) {
      const emptyValue = await runCli(['client', '--file', 'x', flag!, ''], root);
      expect([flag, emptyValue.code, emptyValue.stderr]).toEqual([flag, 2, expect.stringContaining(problem!)]);
    }
    // Port 0 picks a port to listen on; there is no server to connect to there.
    const zero = await runCli(['client', '--port', '0', '--file', 'x', '--keystore', 'keystore'], root);
    expect([zero.code, zero.stderr]).toEqual([2, expect.stringContaining('expected a port from 1 to 65535')]);
    // An empty path (an unset shell variable) would be the current folder: refused, for every folder.
    for (const flag of ['--public', '--keystore', '--store']) {
      const emptyPath = await runCli(['server', '--port', '0', flag, ''], root);
      expect([flag, emptyPath.code, emptyPath.stderr]).toEqual([flag, 2, expect.stringContaining('expected a path, got an empty one')]);
    }
    // A word that names no command falls to the default command, which says what it was.
    const unknown = await runCli(['sever'], root);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'sever' (the commands are server, mitm, client,");
    const extra = await runCli(['dashboard', 'now'], root);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain("the dashboard takes no arguments, got 'now'");
  });

  it('refuses to serve a public folder that holds the keystore or the store, or lies inside one', async () => {
    const cases: readonly (readonly [string[], string])[] = [
      [['--public', '.', '--keystore', 'keystore'], 'overlaps the keystore (its private keys)'],
      [['--public', 'keystore/server', '--keystore', 'keystore'], 'overlaps the keystore (its private keys)'],
      [['--public', '.', '--keystore', join(tmpdir(), 'elsewhere-keystore'), '--store', 'store'], 'overlaps the store (its transcripts hold session keys)'],
    ];
    for (const [flags, problem] of cases) {
      for (const command of ['server', 'demo']) {
        const refused = await runCli([command, ...(command === 'server' ? ['--port', '0'] : []), ...flags], root);
        expect([command, ...flags, refused.code, refused.stderr]).toEqual([command, ...flags, 4, expect.stringContaining(problem)]);
        expect(refused.stdout).not.toContain('listening');
      }
    }
  }, 60_000);

  it('refuses to receive into a folder that holds the keystore or the store, or lies inside one, before connecting', async () => {
    const cases: readonly (readonly [string[], string])[] = [
      [['--received', '.', '--keystore', 'keystore'], 'overlaps the keystore (its private keys)'],
      [['--received', 'keystore/ca', '--keystore', 'keystore'], 'overlaps the keystore (its private keys)'],
      [['--received', 'store/saved', '--keystore', 'keystore', '--store', 'store'], 'overlaps the store (its transcripts hold session keys)'],
    ];
    for (const [flags, problem] of cases) {
      const client = await runCli(['client', '--port', String(server.port), '--file', 'keystore/ca/ca.cert', ...flags], root);
      expect([...flags, client.code, client.stderr]).toEqual([...flags, 4, expect.stringContaining(problem)]);
      expect(client.stdout).not.toContain('Connect');
      const demo = await runCli(['demo', '--public', 'public', ...flags], root);
      expect([...flags, demo.code, demo.stderr]).toEqual([...flags, 4, expect.stringContaining(problem)]);
    }
  }, 60_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('stopped by %s mid-transfer, tells the server, leaves nothing in received/ and exits %i', async (signal, exitCode) => {
    const received = `received-${signal}`;
    const child = spawn(process.execPath, [CLI, 'client', '--port', String(server.port), '--keystore', 'keystore', '--received', received, '--file', `file-${50 * MiB}.bin`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Once the file is coming in: its first progress line.
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/\d+%/.test(stdout)) resolve();
      });
    });
    child.kill(signal);
    expect(await exited).toBe(exitCode);
    expect(stdout).toContain('stopped: internal_error: the client is stopping');
    // Stopped, not failed: nothing was caught there.
    expect(stdout).toContain('⊘ Receive: stopped by the user');
    expect(stdout).not.toContain('✘');
    expect(stdout).toContain('nothing was written to received/');
    expect(await readdir(join(root, received))).toEqual([]);
    await expect.poll(() => server.output()).toContain('session stopped by the client: internal_error: the client is stopping');
  }, 60_000);

  it('a received folder that cannot hold the file is a local problem: exit 4, and the server is told only that the save failed', async () => {
    await mkdir(join(root, 'received-conflict'));
    await writeFile(join(root, 'received-conflict', 'sub'), 'a file where the name needs a folder');
    const result = await runCli(['client', '--port', String(server.port), '--keystore', 'keystore', '--received', 'received-conflict', '--file', 'sub/nested.txt'], root);
    expect(result.code).toBe(4);
    expect(result.stdout).toContain('could not save the file: "sub" in "sub/nested.txt" is a file, not a folder');
    await expect.poll(() => server.output()).toContain('session stopped by the client: internal_error: the client could not save the file');
    expect(server.output()).not.toContain('is a file, not a folder');
    expect(await readdir(join(root, 'received-conflict'))).toEqual(['sub']);
  }, 30_000);

  it('the server printed every session and is still listening', () => {
    expect(server.output()).toMatch(/\[#1\] session complete/);
    expect(server.output()).toMatch(/session failed: access_denied/);
    expect(server.process.exitCode).toBeNull();
  });
});

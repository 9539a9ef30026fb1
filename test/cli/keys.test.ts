/**
 * The keystore from the command line: two servers started at once on an empty
 * folder settle on one consistent set; the keys open with OpenSSL and the
 * README's OpenSSL recipe verifies a certificate; `tls-tui keys` shows every
 * identity; a corrupt file stops the program with a message that names it; and
 * the README's two machines run from copies that hold no CA key.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmod, copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openKeystore } from '../../source/keystore/keystore.js';
import { CLI, type RunningServer, runCli, startListening, startServer } from '../support/cli.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tls-tui-keys-'));
  // The server refuses a public folder that holds the keystore, so it serves one of its own.
  await mkdir(join(root, 'public'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const fingerprints = async (keystore = 'keystore'): Promise<string[]> => {
  const result = await runCli(['keys', '--keystore', keystore, '--json'], root);
  expect(result.code).toBe(0);
  return result.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { fingerprint: string }).fingerprint);
};

/** The private keys under a regeneration's folder in `keystore`, relative to it. */
async function keysBeingRegenerated(keystore: string): Promise<string[]> {
  const entries = await readdir(keystore, { recursive: true }).catch(() => []);
  return entries.filter((entry) => /^\.regenerate-[^/]+\/.+\.key$/u.test(entry));
}

/**
 * Runs `tls-tui keys --regenerate` and kills it (SIGKILL, which no cleanup code
 * sees) once private keys of the new set are on disk; tries again when a run
 * finishes first. Returns the keys it left.
 */
async function killRegenerating(keystore: string): Promise<string[]> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const child = spawn(process.execPath, [CLI, 'keys', '--keystore', keystore, '--regenerate'], { stdio: 'ignore' });
    const exited = new Promise((done) => child.on('close', done));
    let running = true;
    void exited.then(() => (running = false));
    while (running && (await keysBeingRegenerated(keystore)).length === 0) await new Promise((done) => setTimeout(done, 1));
    child.kill('SIGKILL');
    await exited;
    const left = await keysBeingRegenerated(keystore);
    if (left.length > 0) return left;
  }
  throw new Error('every run of keys --regenerate finished before it could be killed');
}

/** The shell lines of the README's block that verifies a certificate with OpenSSL. */
async function readmeVerifyCommands(): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /```sh\n(head -n 8 keystore\/server\/server\.cert[\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README.md has no OpenSSL verification block');
  return block.replace(/\s+#.*$/gm, '').replace(/\/tmp\//g, `${root}/`);
}

/** The README's two-machine block, in its three parts (the CA's machine, A, B), each as shell lines without comments. */
async function readmeTwoMachines(): Promise<{ ca: string[]; serverMachine: string[]; clientMachine: string[] }> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /### Server and client on two machines\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README.md has no two-machine block');
  const parts = block.trim().split('\n\n').map((part) => part.split('\n').filter((line) => !line.startsWith('#')).map((line) => line.replace(/\s+#.*$/, '')));
  if (parts.length !== 3) throw new Error(`the two-machine block has ${parts.length} parts, not 3`);
  const [ca, serverMachine, clientMachine] = parts as [string[], string[], string[]];
  return { ca, serverMachine, clientMachine };
}

/** Runs README shell lines in `cwd`, with `npx tls-tui` as the built program and `scp … B:tls-tui/` as a copy into `machineB`. */
function runReadmeLines(lines: readonly string[], cwd: string, machineB = ''): void {
  const script = lines
    .map((line) => line.replace(/^npx tls-tui /u, `'${process.execPath}' '${CLI}' `).replace(/^scp (.+) B:tls-tui\/$/u, `cp $1 '${machineB}/'`))
    .join('\n');
  execFileSync('sh', ['-e', '-c', script], { cwd, stdio: 'pipe' });
}

/** Runs `work`, then stops each of `running` in turn, which must exit 0. */
async function thenStop<T>(running: readonly RunningServer[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    for (const one of running) expect(await one.stop()).toBe(0);
  }
}

const exists = (path: string) => stat(path).then(() => true, () => false);

// Each test starts several processes that generate RSA keys: more than the default 5 s on a busy machine.
describe('the keystore from the command line', { timeout: 30_000 }, () => {
  it('two servers started at once on an empty folder end up with one consistent keystore', async () => {
    await writeFile(join(root, 'public', 'placeholder'), '');
    const [first, second] = await Promise.all([
      startServer(['--public', 'public', '--keystore', 'keystore'], root),
      startServer(['--public', 'public', '--keystore', 'keystore'], root),
    ]);
    try {
      for (const server of [first, second]) {
        const result = await runCli(['client', '--port', String(server.port), '--list', '--keystore', 'keystore'], root);
        expect(result.code).toBe(0);
      }
    } finally {
      expect(await first.stop()).toBe(0);
      expect(await second.stop()).toBe(0);
    }
    const prints = await fingerprints();
    expect(prints).toHaveLength(8);
    expect(await fingerprints()).toEqual(prints);
  }, 60_000);

  it('a client that makes a keystore of its own says its new CA is trusted by no peer elsewhere, once', async () => {
    const HINT = 'this is a new CA, so only peers using this same keystore will trust it';
    const first = await runCli(['client', '--port', '1', '--file', 'x', '--keystore', 'fresh'], root);
    expect(first.stdout).toContain(`keystore: generated 18 files in ${join(root, 'fresh')}`);
    expect(first.stdout).toContain(HINT);
    const again = await runCli(['client', '--port', '1', '--file', 'x', '--keystore', 'fresh'], root);
    expect(again.stdout).not.toContain('keystore:');
    // Both of the demo's peers use the one keystore: nothing to warn about.
    const demo = await runCli(['demo', '--keystore', 'own', '--public', 'public'], root);
    expect(demo.stdout).toContain(`keystore: generated 18 files in ${join(root, 'own')}`);
    expect(demo.stdout).not.toContain(HINT);
  }, 60_000);

  it('writes keys OpenSSL accepts, with private keys readable only by their owner', async () => {
    expect((await runCli(['keys', '--keystore', 'keystore'], root)).code).toBe(0);
    for (const key of ['ca/ca.key', 'server/server.key', 'client/client.key', 'attacker/attacker.key', 'attacker/rogue-ca.key']) {
      const path = join(root, 'keystore', key);
      expect(execFileSync('openssl', ['rsa', '-in', path, '-check', '-noout'], { encoding: 'utf8' })).toContain('RSA key ok');
      expect((await stat(path)).mode & 0o777).toBe(0o600);
    }
  });

  it("verifies a certificate with the README's OpenSSL commands, and not a tampered one", async () => {
    expect((await runCli(['keys', '--keystore', 'keystore'], root)).code).toBe(0);
    const commands = await readmeVerifyCommands();
    expect(execFileSync('sh', ['-c', commands], { cwd: root, encoding: 'utf8' })).toContain('Verified OK');
    const certificate = join(root, 'keystore', 'server', 'server.cert');
    await writeFile(certificate, (await readFile(certificate, 'utf8')).replace('subject: server', 'subject: serveR'));
    expect(() => execFileSync('sh', ['-c', commands], { cwd: root, stdio: 'pipe' })).toThrow();
  });

  it('shows every identity with its subject, issuer, validity, files and fingerprint', async () => {
    const result = await runCli(['keys', '--keystore', 'keystore'], root);
    expect(result.code).toBe(0);
    for (const text of ['tls-tui Demo CA', 'Mallory Root CA', 'mallory', 'EXPIRED', 'server.key', 'client.cert', 'rogue-ca-server.cert']) {
      expect(result.stdout).toContain(text);
    }
    expect(result.stdout).toMatch(/([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  });

  it('--regenerate makes a fresh set', async () => {
    const before = await fingerprints();
    const result = await runCli(['keys', '--keystore', 'keystore', '--regenerate'], root);
    expect(result.code).toBe(0);
    const after = await fingerprints();
    expect(after.filter((print) => before.includes(print))).toEqual([]);
  });

  it('stops with exit code 4 and names a corrupt file, leaving it as it was', async () => {
    expect((await runCli(['keys', '--keystore', 'keystore'], root)).code).toBe(0);
    const certificate = join(root, 'keystore', 'server', 'server.cert');
    await writeFile(certificate, 'not a certificate\n');
    const result = await runCli(['server', '--port', '0', '--public', 'public', '--keystore', 'keystore'], root);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(certificate);
    expect(result.stderr).toContain(`Remove ${certificate} and run \`tls-tui keys --keystore ${join(root, 'keystore')}\``);
    expect(await readFile(certificate, 'utf8')).toBe('not a certificate\n');
  });

  it('a bad certificate in another keystore: the message names that keystore, and following it keeps its CA', async () => {
    expect((await runCli(['keys', '--keystore', 'other'], root)).code).toBe(0);
    const before = await fingerprints('other');
    const certificate = join(root, 'other', 'client', 'client.cert');
    await writeFile(certificate, '\n', { flag: 'a' });
    const result = await runCli(['client', '--port', '1', '--file', 'hello.txt', '--keystore', 'other'], root);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(`Remove ${certificate} and run \`tls-tui keys --keystore ${join(root, 'other')}\``);
    expect(result.stderr).not.toContain('--regenerate');
    await rm(certificate);
    // From another folder, as the advice names the keystore in full.
    expect((await runCli(['keys', '--keystore', join(root, 'other')], tmpdir())).code).toBe(0);
    const after = await fingerprints('other');
    expect(after[0]).toBe(before[0]);
    expect(after[2]).not.toBe(before[2]);
    expect(after.filter((_, index) => index !== 2)).toEqual(before.filter((_, index) => index !== 2));
  });

  it('a regeneration killed part way leaves private keys that the next keys, client or regeneration removes', async () => {
    const keystore = join(root, 'keystore');
    expect((await runCli(['keys', '--keystore', keystore], root)).code).toBe(0);
    for (const next of [['keys'], ['client', '--port', '1', '--file', 'hello.txt'], ['keys', '--regenerate']]) {
      expect(await killRegenerating(keystore)).not.toEqual([]);
      await runCli([...next, '--keystore', keystore], root);
      expect({ next, left: (await readdir(keystore)).filter((entry) => entry.startsWith('.')) }).toEqual({ next, left: [] });
    }
  }, 60_000);

  it('a server, a client and keys started with certificates that expired say so, until they are renewed', async () => {
    const keystore = join(root, 'keystore');
    const twoYearsAgo = new Date(Date.now() - 2 * 365 * 24 * 60 * 60 * 1000);
    await openKeystore(keystore, { now: () => twoYearsAgo });
    const expired = (identity: string) => `keystore: the ${identity}'s certificate ${join(keystore, identity, `${identity}.cert`)} expired at`;
    const renew = (identity: string) => `Remove ${join(keystore, identity, `${identity}.cert`)} and run \`tls-tui keys --keystore ${keystore}\``;

    const server = await startServer(['--public', 'public', '--keystore', 'keystore'], root);
    expect(await server.stop()).toBe(0);
    const client = await runCli(['client', '--port', '1', '--file', 'hello.txt', '--keystore', 'keystore'], root);
    const keys = await runCli(['keys', '--keystore', 'keystore'], root);
    for (const output of [server.output(), client.stderr, keys.stderr]) {
      for (const identity of ['server', 'client']) {
        expect(output).toContain(expired(identity));
        expect(output).toContain(renew(identity));
      }
    }

    await Promise.all(['server', 'client'].map((identity) => rm(join(keystore, identity, `${identity}.cert`))));
    expect((await runCli(['keys', '--keystore', 'keystore'], root)).stderr).toBe('');
    const renewed = await startServer(['--public', 'public', '--keystore', 'keystore'], root);
    expect(await renewed.stop()).toBe(0);
    expect(renewed.output()).not.toContain('keystore:');
  }, 60_000);

  it('stops with exit code 4 when a key cannot be read', async () => {
    expect((await runCli(['keys', '--keystore', 'keystore'], root)).code).toBe(0);
    const key = join(root, 'keystore', 'client', 'client.key');
    await writeFile(key, '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n');
    await chmod(key, 0o600);
    const result = await runCli(['client', '--port', '1', '--file', 'x', '--keystore', 'keystore'], root);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(key);
  });
});

describe('keystores without the CA key', { timeout: 30_000 }, () => {
  it("the README's two machines: each peer holds only its own files, no CA key, and a file goes from A to B", async () => {
    const [machineA, machineB] = [join(root, 'A'), join(root, 'B')];
    await mkdir(join(machineA, 'public'), { recursive: true });
    await mkdir(machineB);
    await writeFile(join(machineA, 'public', 'hello.txt'), 'hello from A\n');
    const readme = await readmeTwoMachines();
    runReadmeLines(readme.ca, machineA, machineB);
    // What each machine runs before it starts its peer, as the README has it.
    runReadmeLines(readme.serverMachine.filter((line) => !line.startsWith('npx ')), machineA);
    runReadmeLines(readme.clientMachine.filter((line) => !line.startsWith('npx ')), machineB);
    expect(await exists(join(machineA, 'keystore/ca/ca.key'))).toBe(false);
    expect(await exists(join(machineB, 'keystore/ca/ca.key'))).toBe(false);
    expect(await exists(join(machineB, 'keystore/server/server.key'))).toBe(false);
    expect(await exists(join(machineA, 'keystore/client/client.key'))).toBe(false);

    const server = await startServer(['--public', 'public', '--keystore', 'keystore'], machineA);
    const client = await thenStop([server], () => runCli(['client', '--port', String(server.port), '--file', 'hello.txt', '--keystore', 'keystore'], machineB));
    expect({ code: client.code, stderr: client.stderr }).toEqual({ code: 0, stderr: '' });
    expect(server.output()).not.toContain('tls-tui:');
    expect(await readFile(join(machineB, 'received', 'hello.txt'), 'utf8')).toBe('hello from A\n');
    expect(await exists(join(machineA, 'keystore/ca/ca.key'))).toBe(false);
    expect(await exists(join(machineB, 'keystore/ca/ca.key'))).toBe(false);

    // The copy shows the CA's and the client's fingerprints as the CA's keystore does, and says what it leaves out.
    const [onB, atCa] = await Promise.all([fingerprints(join(machineB, 'keystore')), fingerprints(join(machineA, 'ca-keystore'))]);
    expect(onB.filter((print) => print !== undefined)).toEqual([atCa[0], atCa[2]]);
    const keys = await runCli(['keys', '--keystore', 'keystore'], machineB);
    expect(keys.code).toBe(0);
    expect(keys.stdout).toContain(`${join(machineB, 'keystore/ca/ca.key')}: the demo CA's private key: by design`);
    expect(keys.stdout).toContain(`${join(machineB, 'keystore/server/server.key')}: the server's identity, which this copy was not made for`);

    // Each copy runs only its own peer: the other is refused up front, by name, with exit 4 and no stack trace.
    const wrongClient = await runCli(['client', '--port', '1', '--file', 'hello.txt', '--keystore', 'keystore'], machineA);
    expect([wrongClient.code, wrongClient.stderr]).toEqual([4, expect.stringContaining(`without ${join(machineA, 'keystore/client/client.key')}: this command runs the client`)]);
    await mkdir(join(machineB, 'public'));
    const wrongServer = await runCli(['server', '--port', '0', '--public', 'public', '--keystore', 'keystore'], machineB);
    expect([wrongServer.code, wrongServer.stderr]).toEqual([4, expect.stringContaining(`without ${join(machineB, 'keystore/server/server.key')}: this command runs the server`)]);
    for (const refused of [wrongClient, wrongServer]) expect(refused.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('a whole keystore but for ca/ca.key: server, client, relay, demo and keys run without complaint', async () => {
    expect((await runCli(['keys', '--keystore', 'keystore'], root)).code).toBe(0);
    await rm(join(root, 'keystore/ca/ca.key'));
    await writeFile(join(root, 'public', 'hello.txt'), 'hello\n');
    const server = await startServer(['--public', 'public', '--keystore', 'keystore'], root);
    const relay = await startListening(['mitm', '--listen', '0', '--upstream', `127.0.0.1:${server.port}`, '--mode', 'expired', '--keystore', 'keystore'], root);
    const [direct, relayed] = await thenStop([relay, server], async () => [
      await runCli(['client', '--port', String(server.port), '--file', 'hello.txt', '--keystore', 'keystore'], root),
      await runCli(['client', '--port', String(relay.port), '--file', 'hello.txt', '--keystore', 'keystore', '--received', 'relayed'], root),
    ]);
    expect({ code: direct.code, stderr: direct.stderr }).toEqual({ code: 0, stderr: '' });
    // The relay shows the expired certificate the demo CA signed for it, and the client catches it.
    expect(relayed.code).toBe(1);
    expect(relayed.stdout).toContain('certificate_expired');
    const demo = await runCli(['demo', '--keystore', 'keystore', '--public', 'public'], root);
    expect({ code: demo.code, stderr: demo.stderr }).toEqual({ code: 0, stderr: '' });
    for (const output of [server.output(), relay.output(), direct.stdout, demo.stdout]) expect(output).not.toContain('keystore:');
    const keys = await runCli(['keys', '--keystore', 'keystore'], root);
    expect({ code: keys.code, stderr: keys.stderr }).toEqual({ code: 0, stderr: '' });
    expect(keys.stdout).toContain("ca/ca.key: the demo CA's private key: by design");
    expect(await exists(join(root, 'keystore/ca/ca.key'))).toBe(false);
  }, 60_000);

  it("a certificate missing from a peer's copy: exit 4, naming it, that it takes the CA key and where to make it", async () => {
    expect((await runCli(['keys', '--keystore', 'ca-keystore'], root)).code).toBe(0);
    for (const file of ['ca/ca.cert', 'client/client.key']) await cp(join(root, 'ca-keystore', file), join(root, 'keystore', file), { recursive: true });
    const certificate = join(root, 'keystore/client/client.cert');
    for (const args of [['keys'], ['client', '--port', '1', '--file', 'hello.txt']]) {
      const result = await runCli([...args, '--keystore', 'keystore'], root);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(`${certificate}: is missing. Making it takes the demo CA's private key, which this keystore does not hold`);
      expect(result.stderr).toContain(`copy client/client.cert from that keystore into ${join(root, 'keystore')}.`);
    }
    expect(await exists(join(root, 'keystore/ca/ca.key'))).toBe(false);
    await copyFile(join(root, 'ca-keystore', 'client/client.cert'), certificate);
    expect((await runCli(['keys', '--keystore', 'keystore'], root)).code).toBe(0);
  });

  it("the demo on a client's copy: exit 4, as it runs the server and the attacker too", async () => {
    expect((await runCli(['keys', '--keystore', 'ca-keystore'], root)).code).toBe(0);
    for (const file of ['ca/ca.cert', 'client/client.key', 'client/client.cert']) await cp(join(root, 'ca-keystore', file), join(root, 'keystore', file), { recursive: true });
    const demo = await runCli(['demo', '--keystore', 'keystore', '--public', 'public'], root);
    expect(demo.code).toBe(4);
    expect(demo.stderr).toContain(`the keystore in ${join(root, 'keystore')} is a copy for one peer's machine, without ${join(root, 'keystore/server/server.key')}`);
  });
});

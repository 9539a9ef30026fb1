/**
 * The headless commands run in this process as the CLI runs them: a server and
 * an attacker relay on free loopback ports, and one client session at a time,
 * each printing into a buffer through its own CommandOutput. What is checked is
 * what a person reads in those lines: the client that does not verify warns (⚠)
 * where the protection was missing and at its result, never a plain ✔; an attack
 * that is caught shows one ✘, on the side that caught it, and the other side's
 * step stopped (⊘) by that side's alert.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttackMode } from '../../source/attacker/modes.js';
import { runClientCommand } from '../../source/headless/client-command.js';
import { runMitmCommand } from '../../source/headless/mitm-command.js';
import { CommandOutput } from '../../source/headless/output.js';
import { runServerCommand } from '../../source/headless/server-command.js';
import { openKeystore } from '../../source/keystore/keystore.js';

/** Everything a command printed, as one string. */
class Printed {
  text = '';
  write(chunk: string): void {
    this.text += chunk;
  }
}

interface Running {
  readonly printed: Printed;
  readonly port: number;
  readonly stop: () => Promise<unknown>;
}

/** Starts a long-running command and waits for its "listening on HOST:PORT" line. */
async function listening(start: (output: CommandOutput, stop: Promise<unknown>) => Promise<number>): Promise<Running> {
  const printed = new Printed();
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const done = start(new CommandOutput(false, printed, printed), stopped);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const match = /listening on [\d.]+:(\d+)/.exec(printed.text);
    if (match) return { printed, port: Number(match[1]), stop: () => (stop(), done) };
    if (Date.now() > deadline) throw new Error(`the command did not start:\n${printed.text}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let root: string;
let server: Running;
const folders = () => ({ keystore: join(root, 'keystore'), store: { dir: join(root, 'store') } });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tls-tui-headless-'));
  await openKeystore(join(root, 'keystore'));
  await mkdir(join(root, 'public'));
  await writeFile(join(root, 'public', 'notes.txt'), 'notes for the headless commands\n');
  server = await listening((output, stop) =>
    runServerCommand({ host: '127.0.0.1', port: 0, public: join(root, 'public'), maxConnections: 8, ...folders() }, output, stop),
  );
}, 30_000);

afterAll(async () => {
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

/** One client session through a relay in `mode`: the client's lines and exit code, and the server's lines for it. */
async function throughRelay(mode: AttackMode, insecure: boolean): Promise<{ readonly code: number; readonly client: string; readonly server: string }> {
  const from = server.printed.text.length;
  const relay = await listening((output, stop) =>
    runMitmCommand({ host: '127.0.0.1', listen: 0, upstream: { host: '127.0.0.1', port: server.port }, mode, ...folders() }, output, stop),
  );
  try {
    const printed = new Printed();
    const code = await runClientCommand(
      {
        host: '127.0.0.1', port: relay.port, request: { op: 'GET', name: 'notes.txt' }, received: join(root, `received-${mode}`), serverName: 'server',
        insecure, maxSize: 1_000_000, ...folders(),
      },
      new CommandOutput(false, printed, printed),
    );
    const deadline = Date.now() + 5_000;
    while (!/\] session /.test(server.printed.text.slice(from)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return { code, client: printed.text, server: server.printed.text.slice(from) };
  } finally {
    await relay.stop();
  }
}

describe('tls-tui client --insecure', () => {
  it('warns at the certificate, the signature and the result when an attacker’s content is accepted', async () => {
    const { code, client } = await throughRelay('forged-key', true);
    expect(code).toBe(0);
    expect(client).toMatch(/^ {2}⚠ Verify server certificate: NOT VERIFIED \(insecure\)/m);
    expect(client).toMatch(/^ {2}⚠ Verify signature and digest: .*the sender is not authenticated$/m);
    expect(client).toMatch(/^⚠ received .*notes\.txt \(\d+ B\), NOT authenticated: the server certificate was not verified/m);
    expect(client).not.toMatch(/✔ Verify server certificate|digest and signature verified/);
  }, 30_000);
});

describe('an attack caught by one side', () => {
  it('rogue-ca: ✘ at the client’s certificate check; the server’s step is stopped by the client’s alert', async () => {
    const { code, client, server: printed } = await throughRelay('rogue-ca', false);
    expect(code).toBe(1);
    expect(client).toMatch(/^ {2}✘ Verify server certificate: unknown_ca: /m);
    expect(printed).toMatch(/^\[#\d+\] ⊘ Decrypt secret, check CERTIFICATE_VERIFY: stopped: client sent unknown_ca/m);
    expect(printed).toMatch(/^\[#\d+\] session stopped by the client: unknown_ca/m);
    expect(printed).not.toContain('✘');
  }, 30_000);

  it('replay-client: ✘ at the server’s CERTIFICATE_VERIFY; the client’s step is stopped by the server’s alert', async () => {
    const { code, client, server: printed } = await throughRelay('replay-client', false);
    expect(code).toBe(1);
    expect(printed).toMatch(/^\[#\d+\] ✘ Decrypt secret, check CERTIFICATE_VERIFY: decrypt_error: /m);
    expect(client).toMatch(/^ {2}⊘ Verify server certificate: stopped: server sent decrypt_error/m);
    expect(client.split('\n').filter((line) => line.includes('✘'))).toEqual([]);
  }, 30_000);
});

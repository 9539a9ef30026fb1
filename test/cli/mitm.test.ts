/**
 * The attacker relay as its own process between a real server and a real client,
 * three processes in all: `off` delivers byte-identical files, every attack fails
 * at its step with its alert while the server keeps serving honest clients, and a
 * client run with --insecure saves the attacker's content while the relay prints
 * what it read.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACK_MODE_INFO, ATTACK_MODES } from '../../source/attacker/modes.js';
import { CLIENT_STEPS, SERVER_STEPS } from '../../source/protocol/steps.js';
import { type RunningServer, runCli, startListening, startServer } from '../support/cli.js';

let root: string;
let server: RunningServer;
const FILE = randomBytes(100_000);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tls-tui-mitm-'));
  await mkdir(join(root, 'public'));
  await writeFile(join(root, 'public', 'notes.bin'), FILE);
  expect((await runCli(['keys', '--keystore', 'keystore'], root)).code).toBe(0);
  server = await startServer(['--public', 'public', '--keystore', 'keystore'], root);
}, 60_000);

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
  await rm(root, { recursive: true, force: true });
});

async function throughRelay(mode: string, clientArgs: readonly string[] = []) {
  const received = await mkdtemp(join(root, 'received-'));
  const relay = await startListening(['mitm', '--listen', '0', '--upstream', `127.0.0.1:${server.port}`, '--mode', mode, '--keystore', 'keystore'], root);
  try {
    const client = await runCli(['client', '--port', String(relay.port), '--file', 'notes.bin', '--keystore', 'keystore', '--received', received, ...clientArgs], root);
    return { client, received, relay };
  } finally {
    expect(await relay.stop()).toBe(0);
  }
}

interface StoredSession {
  readonly meta: { readonly id: string; readonly kind: string; readonly mode: string };
  readonly outcome?: { readonly ok: boolean; readonly reason?: string };
}

const label = (role: 'client' | 'server', step: string) => (role === 'client' ? CLIENT_STEPS : SERVER_STEPS).find((candidate) => candidate.id === step)!.label;

describe('tls-tui mitm between tls-tui server and tls-tui client', () => {
  it('off: the file arrives byte-identical through the relay', async () => {
    const { client, received } = await throughRelay('off');
    expect(client.code).toBe(0);
    expect((await readFile(join(received, 'notes.bin'))).equals(FILE)).toBe(true);
  }, 30_000);

  it.each(ATTACK_MODES.filter((mode) => mode !== 'off'))('%s: fails at its step with its alert; nothing is saved; the server serves the next client', async (mode) => {
    const caught = ATTACK_MODE_INFO[mode].caught!;
    const before = server.output().length;
    const { client, received, relay } = await throughRelay(mode);
    expect(client.code).toBe(1);
    if (caught.by === 'client') {
      expect(client.stdout).toContain(`✘ ${label('client', caught.step)}: ${caught.alert}: `);
    } else {
      expect(server.output().slice(before)).toContain(`✘ ${label('server', caught.step)}: ${caught.alert}: `);
      expect(client.stdout).toContain(`sent ${caught.alert}: `);
    }
    expect(relay.output()).toContain(`mitm (${mode})`);
    expect(await readdir(received)).toEqual([]);

    // The relay's transcript replays, with the records it changed marked.
    const history = await runCli(['history', '--json'], root);
    const sessions = history.stdout.trim().split('\n').map((line) => JSON.parse(line) as StoredSession);
    const kept = sessions.filter(({ meta }) => meta.kind === 'relay' && meta.mode === mode).at(-1);
    expect(kept).toBeDefined();
    // The relay's own account: the attack was caught, by whom and with what (an encrypted alert it can only see go by).
    const account = mode === 'bit-flip' ? 'caught: the server answered the altered REQUEST with an alert' : `caught: the ${caught.by} sent ${caught.alert}: `;
    expect(kept!.outcome).toMatchObject({ ok: false, reason: expect.stringContaining(account) });
    expect(relay.output()).toContain(`[#1] session over: ${account}`);
    const replay = await runCli(['replay', kept!.meta.id], root);
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain(`attacker ${mode}`);
    expect(replay.stdout).toMatch(/\[(rewritten|dropped|injected)\]/);

    const honest = await runCli(['client', '--port', String(server.port), '--file', 'notes.bin', '--keystore', 'keystore', '--received', received], root);
    expect(honest.code).toBe(0);
  }, 30_000);

  it.each(['forged-key', 'rogue-ca', 'self-signed'] as const)('%s with --insecure: the client saves the attacker\'s content and the relay shows what it read', async (mode) => {
    const { client, received, relay } = await throughRelay(mode, ['--insecure']);
    expect(client.code).toBe(0);
    expect(client.stdout).toContain('NOT VERIFIED');
    const saved = await readFile(join(received, 'notes.bin'), 'utf8');
    expect(saved).toContain('This file did not come from the server.');
    expect(relay.output()).toContain('read the request in plaintext: GET "notes.bin"');
    expect(relay.output()).toContain('its own content');
    expect(relay.output()).toContain("[#1] session over: the client accepted the attacker's content as the server's");
    const history = await runCli(['history'], root);
    expect(history.stdout).toMatch(new RegExp(`relay +${mode} .*⚠ the client accepted the attacker's content as the server's`));
  }, 30_000);
});

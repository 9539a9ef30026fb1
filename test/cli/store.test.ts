/**
 * store/ from the command line: 64 concurrent sessions against a server process
 * leave 64 whole, separate transcripts; a client's transcript is listed by
 * `history`, printed by `replay`, and exported as a pcap that tshark reads with
 * the right packets and the exact bytes of each direction.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKeystore } from '../../source/keystore/keystore.js';
import { runClientSession } from '../../source/net/client.js';
import { readTranscript } from '../../source/store/session-store.js';
import { type RunningServer, runCli, startServer } from '../support/cli.js';

let root: string;
let server: RunningServer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tls-tui-store-cli-'));
  await mkdir(join(root, 'public'));
  await writeFile(join(root, 'public', 'small.txt'), 'a small file for the capture\n'.repeat(20));
  expect((await runCli(['keys', '--keystore', 'keystore'], root)).code).toBe(0);
  server = await startServer(['--public', 'public', '--keystore', 'keystore', '--store', 'server-store'], root);
}, 60_000);

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
  await rm(root, { recursive: true, force: true });
});

/** Fetches small.txt with a client process keeping its transcript in `store` (under root), and returns the transcript's path. */
async function clientTranscript(store: string): Promise<string> {
  const client = await runCli(['client', '--port', String(server.port), '--file', 'small.txt', '--keystore', 'keystore', '--store', store], root);
  expect(client.code).toBe(0);
  const [name] = await readdir(join(root, store));
  return join(root, store, name!);
}

describe('store/ from the command line', () => {
  it('64 concurrent server sessions give 64 whole, separate transcripts', async () => {
    const keystore = await openKeystore(join(root, 'keystore'));
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, index) =>
        runClientSession({
          host: '127.0.0.1', port: server.port, request: { op: 'GET', name: 'small.txt' }, receivedDir: join(root, `received-${index}`),
          key: keystore.client.key, certificate: keystore.client.certificate, trustedCa: keystore.ca.certificate,
        }),
      ),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    const deadline = Date.now() + 10_000;
    let files: string[] = [];
    while (Date.now() < deadline) {
      files = (await readdir(join(root, 'server-store'))).filter((name) => name.endsWith('.jsonl'));
      const transcripts = await Promise.all(files.map((name) => readTranscript(join(root, 'server-store', name))));
      if (transcripts.length === 64 && transcripts.every((transcript) => transcript.complete)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const transcripts = await Promise.all(files.map((name) => readTranscript(join(root, 'server-store', name))));
    expect(transcripts).toHaveLength(64);
    for (const transcript of transcripts) {
      expect(transcript.complete).toBe(true);
      expect(transcript.outcome?.ok).toBe(true);
      const text = await readFile(transcript.path, 'utf8');
      expect(text.split('\n').filter(Boolean).every((line) => JSON.parse(line) !== null)).toBe(true);
      expect(transcript.lines.every((line) => line.event.role === 'server')).toBe(true);
    }
    expect(new Set(transcripts.map((transcript) => transcript.connection?.client)).size).toBe(64);
    // The server's end as the client reached it (a server listening on 0.0.0.0 is not at 0.0.0.0).
    expect(new Set(transcripts.map((transcript) => transcript.connection?.server))).toEqual(new Set([`127.0.0.1:${server.port}`]));
  }, 60_000);

  it('history lists a client session, replay prints it, and export writes a pcap tshark reads byte for byte', async () => {
    const client = await runCli(['client', '--port', String(server.port), '--file', 'small.txt', '--keystore', 'keystore', '--store', 'client-store'], root);
    expect(client.code).toBe(0);

    const history = await runCli(['history', '--store', 'client-store', '--json'], root);
    const [session] = history.stdout.trim().split('\n').map((line) => JSON.parse(line) as { meta: { id: string; kind: string }; complete: boolean });
    expect(session).toMatchObject({ meta: { kind: 'client' }, complete: true });

    const replay = await runCli(['replay', 'last', '--store', 'client-store'], root);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('✔ Verify server certificate');
    expect(replay.stdout).toMatch(/client → server\s+CLIENT_HELLO/);
    expect(replay.stdout).toMatch(/server → client\s+FILE_END/);

    const pcap = join(root, 'session.pcap');
    expect((await runCli(['export', session!.meta.id, '--store', 'client-store', '--pcap', pcap], root)).code).toBe(0);
    // With the JSON document on standard output too, what was said comes first, then the document.
    const both = await runCli(['export', session!.meta.id, '--store', 'client-store', '--pcap', pcap, '--json'], root);
    expect(both.stdout).toMatch(/^wrote .*\n\{\n/);
    expect(JSON.parse(both.stdout.slice(both.stdout.indexOf('{')))).toMatchObject({ meta: { id: session!.meta.id } });
    const transcript = await readTranscript(join(root, 'client-store', `${session!.meta.id}.jsonl`));
    const wire = transcript.lines.flatMap((line) => (line.event.type === 'wire' && line.event.role === 'client' ? [line.event] : []));
    const stream = (action: string) => Buffer.concat(wire.filter((event) => event.action === action).map((event) => event.record)).toString('hex');

    const packets = execFileSync('tshark', ['-r', pcap, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(packets.trim().split('\n')).toHaveLength(3 + wire.length + 3);
    const follow = execFileSync('tshark', ['-r', pcap, '-q', '-z', 'follow,tcp,raw,0'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const data = follow.split('\n').filter((line) => /^\t?[0-9a-f]+$/.test(line));
    const fromClient = data.filter((line) => !line.startsWith('\t')).join('');
    const fromServer = data.filter((line) => line.startsWith('\t')).map((line) => line.slice(1)).join('');
    expect(fromClient).toBe(stream('sent'));
    expect(fromServer).toBe(stream('received'));

    // The JSON export holds the session keys: owner-only, like store/, and written whole.
    const exported = join(root, 'session.json');
    await writeFile(exported, 'an older export\n', { mode: 0o644 });
    expect((await runCli(['export', session!.meta.id, '--store', 'client-store', '--json', exported], root)).code).toBe(0);
    expect((await stat(exported)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(exported, 'utf8'))).toMatchObject({ meta: { id: session!.meta.id }, complete: true });
    expect((await readdir(root)).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    // A folder that is not there: the error names the file asked for, not a temporary one.
    const missing = join(root, 'no-such-folder', 'session.pcap');
    const refused = await runCli(['export', session!.meta.id, '--store', 'client-store', '--pcap', missing], root);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain(`cannot write ${missing}: the folder ${join(root, 'no-such-folder')} does not exist`);
    expect(refused.stderr).not.toContain('.tmp');
  }, 60_000);

  it('history names a file it cannot read, lists the rest, and replay says what is wrong with it, without a stack trace', async () => {
    const store = join(root, 'mixed-store');
    await mkdir(store);
    const good = { type: 'meta', id: '20260101-000000002-client-abcdef', version: '0.1.0', startedAt: '2026-01-01T00:00:02.000Z', kind: 'client', roles: ['client'], mode: 'off' };
    await writeFile(join(store, `${good.id}.jsonl`), `${JSON.stringify(good)}\n`);
    const bad = join(store, '20260101-000000003-client-abcdef.jsonl');
    await writeFile(bad, `${JSON.stringify({ type: 'meta', id: '20260101-000000003-client-abcdef' })}\n`);
    const history = await runCli(['history', '--store', store], root);
    expect([history.code, history.stderr]).toEqual([0, expect.stringContaining(`skipped ${bad}: the metadata has no "version"`)]);
    expect(history.stdout).toContain(`id ${good.id}`);
    expect(history.stderr).not.toMatch(/TypeError|at .*\.js:\d+/);
    // Written a moment ago without its outcome, it may be running yet, and --json says so too.
    expect(history.stdout).toMatch(/ … running\n/);
    const json = await runCli(['history', '--store', store, '--json'], root);
    const records = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(records.filter((record) => record.type === 'session')).toEqual([expect.objectContaining({ complete: false, running: true })]);
    // "last" is the newest that can be read; the bad one, asked for by its id, says what is wrong.
    const last = await runCli(['replay', 'last', '--store', store], root);
    expect([last.code, last.stdout]).toEqual([0, expect.stringContaining(`replay of ${good.id}`)]);
    const replay = await runCli(['replay', '20260101-000000003', '--store', store], root);
    expect([replay.code, replay.stderr]).toEqual([2, expect.stringContaining(`${bad}: the metadata has no "version"`)]);
  }, 30_000);

  it('replay and export refuse a transcript with a damaged event line, naming the line, without a stack trace', async () => {
    const path = await clientTranscript('damaged-store');
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    const wire = lines.findIndex((line) => line.includes('"type":"wire"'));
    const damaged = JSON.parse(lines[wire]!) as { event: { record: unknown } };
    damaged.event.record = null;
    lines[wire] = JSON.stringify(damaged);
    await writeFile(path, `${lines.join('\n')}\n`);
    const problem = `${path}: line ${wire + 1}: the wire event's "record" is null`;
    for (const command of [['replay', 'last'], ['export', 'last', '--json']]) {
      const refused = await runCli([...command, '--store', 'damaged-store'], root);
      expect([command[0], refused.code, refused.stderr]).toEqual([command[0], 2, expect.stringContaining(problem)]);
      expect(refused.stderr).not.toMatch(/TypeError|at .*\.js:\d+/);
    }
    const history = await runCli(['history', '--store', 'damaged-store'], root);
    expect(history.stderr).toContain(`skipped ${problem}`);
  }, 30_000);

  it('history and replay escape the control characters a transcript edited by hand holds, rather than send them to the terminal', async () => {
    const path = await clientTranscript('edited-store');
    // Clears the screen, retitles the window, and forges a line of the program's own.
    const hostile = '\u001b]0;owned\u0007\u001b[2J\r\n✔ ok';
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const step = lines.find((line) => (line.event as { type?: string; detail?: string } | undefined)?.type === 'step' && (line.event as { detail: string }).detail !== '');
    (step!.event as { detail: string }).detail = hostile;
    const outcome = lines.find((line) => line.type === 'outcome')!;
    Object.assign(outcome, { ok: false, reason: hostile });
    await writeFile(path, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    for (const command of ['history', 'replay']) {
      const run = await runCli(command === 'history' ? ['history', '--store', 'edited-store'] : ['replay', 'last', '--store', 'edited-store'], root);
      expect([command, run.code]).toEqual([command, 0]);
      expect(run.stdout, `control characters in ${command}`).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u);
      expect(run.stdout, command).toContain('\\u001b[2J\\u000d\\u000a✔ ok');
    }
  }, 30_000);

  it('says in one line that a store folder cannot be read, and names a folder or FIFO where a transcript should be, without hanging', async () => {
    await writeFile(join(root, 'not-a-folder'), 'x');
    for (const command of [['history'], ['replay', 'last'], ['export', 'last', '--json']]) {
      const refused = await runCli([...command, '--store', 'not-a-folder'], root);
      expect([command[0], refused.code, refused.stderr.trim()]).toEqual([
        command[0],
        4,
        `tls-tui: the store folder ${join(root, 'not-a-folder')} cannot be read (it is not a folder); --store DIR names another`,
      ]);
    }
    const odd = join(root, 'odd-store');
    await mkdir(join(odd, '20260101-000000000-client-abcdef.jsonl'), { recursive: true });
    execFileSync('mkfifo', [join(odd, '20260101-000000001-client-abcdef.jsonl')]);
    const history = await runCli(['history', '--store', 'odd-store'], root, 20_000);
    expect(history.code).toBe(0);
    expect(history.stderr).toContain(`skipped ${join(odd, '20260101-000000000-client-abcdef.jsonl')}: is a folder, not a regular file`);
    expect(history.stderr).toContain(`skipped ${join(odd, '20260101-000000001-client-abcdef.jsonl')}: is a named pipe (FIFO), not a regular file`);
    const replay = await runCli(['replay', 'last', '--store', 'odd-store'], root, 20_000);
    expect([replay.code, replay.stderr]).toEqual([2, expect.stringContaining('is a named pipe (FIFO), not a regular file')]);
  }, 60_000);

  it('replay counts the file records it does not list where they went by, before FILE_END', async () => {
    await writeFile(join(root, 'public', 'big.bin'), Buffer.alloc(400_000, 7));
    const client = await runCli(['client', '--port', String(server.port), '--file', 'big.bin', '--keystore', 'keystore', '--store', 'big-store'], root);
    expect(client.code).toBe(0);
    const replay = await runCli(['replay', 'last', '--store', 'big-store'], root);
    expect(replay.code).toBe(0);
    const lines = replay.stdout.split('\n');
    const count = lines.findIndex((line) => /more server FILE_DATA records, not listed/.test(line));
    expect(count).toBeGreaterThan(0);
    expect(lines[count - 1]).toMatch(/server → client\s+FILE_DATA /);
    expect(lines[count + 1]).toMatch(/server → client\s+FILE_END /);
  }, 30_000);
});

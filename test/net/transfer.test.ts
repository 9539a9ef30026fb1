/**
 * Whole sessions over real TCP on 127.0.0.1 (source/net/client.ts against
 * source/net/server.ts): files at every record boundary that matters (empty, one byte,
 * 16,383 bytes filling exactly one FILE_DATA record, 16,384 and 16,385 spilling into a
 * second) and a 5 MiB file arrive byte-identical in the received folder, with no
 * temporary left beside them; LIST returns every regular file with its size, subfolders
 * included and sorted; both sides report every step of their checklist as done, the
 * server's 'listen' and 'accept' included; records cut into 7-byte TCP pieces still
 * arrive intact; eight clients at once each get their own file, and two fetching one
 * name leave one whole copy; a dead client's temporary is swept at session start; and
 * the listener reuses its port at once after close(). Every test runs in fresh
 * temporary folders against a fresh server on port 0.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PeerEvent } from '../../source/protocol/events.js';
import { CLIENT_STEPS, SERVER_STEPS } from '../../source/protocol/steps.js';
import { testPki, type TestPki } from '../support/identities.js';
import { entriesOf, finalStatuses, NetHarness, patternBytes, sha256, sha256OfFile, stepEvents, type Workspace } from '../support/net-harness.js';
import { TcpProxy } from '../support/tcp-proxy.js';

/** The id of a process that has just exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('true');
    child.on('error', reject);
    child.on('exit', () => (child.pid === undefined ? reject(new Error('no pid')) : resolve(child.pid)));
  });
}

let pki: TestPki;
let harness: NetHarness;
let work: Workspace;

beforeAll(async () => {
  pki = await testPki();
}, 60_000);

beforeEach(async () => {
  harness = new NetHarness(pki);
  work = await harness.workspace();
});

afterEach(async () => {
  await harness.cleanup();
});

describe('GET over TCP', () => {
  const sizes = [0, 1, 16_383, 16_384, 16_385, 5 * 1024 * 1024];

  it.each(sizes)('a %i-byte file arrives byte-identical under its own name', async (size) => {
    const data = patternBytes(size, size + 7);
    await writeFile(join(work.publicDir, 'payload.bin'), data);
    const { port } = await harness.startServer(work.publicDir);

    const { result, events } = await harness.fetch(port, { op: 'GET', name: 'payload.bin' }, work.receivedDir);

    expect(result).toMatchObject({ ok: true, savedPath: join(work.receivedDir, 'payload.bin'), size });
    expect(await entriesOf(work.receivedDir)).toEqual(['payload.bin']);
    expect(await sha256OfFile(join(work.receivedDir, 'payload.bin'))).toBe(sha256(data));
    const dataEvents = events.filter((event) => event.type === 'file-data');
    expect(dataEvents.length).toBe(Math.ceil(size / 16_383));
  }, 30_000);

  it('reports every client step done, save included, and a successful close', async () => {
    await writeFile(join(work.publicDir, 'hello.txt'), 'hello, world\n');
    const { port } = await harness.startServer(work.publicDir);

    const { result, events } = await harness.fetch(port, { op: 'GET', name: 'hello.txt' }, work.receivedDir);

    expect(result.ok).toBe(true);
    const statuses = finalStatuses(events);
    for (const step of CLIENT_STEPS) expect([step.id, statuses.get(step.id)]).toEqual([step.id, 'done']);
    expect(stepEvents(events).every((event) => event.role === 'client')).toBe(true);
    const save = stepEvents(events).find((event) => event.step === 'save' && event.status === 'done');
    expect(save?.detail).toContain(join(work.receivedDir, 'hello.txt'));
    const closed = events.filter((event) => event.type === 'closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ type: 'closed', role: 'client', ok: true });
    expect(events.at(-1)?.type).toBe('closed');
  }, 20_000);

  it("lets the server's onEvent see its whole checklist, 'listen' and 'accept' first", async () => {
    await writeFile(join(work.publicDir, 'hello.txt'), 'hello, world\n');
    const recorded = await harness.startServer(work.publicDir);

    const { result } = await harness.fetch(recorded.port, { op: 'GET', name: 'hello.txt' }, work.receivedDir);

    expect(result.ok).toBe(true);
    expect(recorded.sessions).toHaveLength(1);
    const id = recorded.sessions[0]!.id;
    await vi.waitFor(() => expect(recorded.eventsOf(id).some((event) => event.type === 'closed')).toBe(true), { timeout: 5_000 });
    const events = recorded.eventsOf(id);
    const steps = stepEvents(events);
    expect(steps.slice(0, 2).map((event) => [event.step, event.status])).toEqual([['listen', 'done'], ['accept', 'done']]);
    expect(steps[0]!.detail).toContain(`127.0.0.1:${recorded.port}`);
    expect(steps.every((event) => event.role === 'server')).toBe(true);
    const statuses = finalStatuses(events);
    for (const step of SERVER_STEPS) expect([step.id, statuses.get(step.id)]).toEqual([step.id, 'done']);
    expect(events.find((event) => event.type === 'request')).toMatchObject({ op: 'GET', name: 'hello.txt' });
    expect(events.filter((event) => event.type === 'closed')).toEqual([expect.objectContaining({ role: 'server', ok: true, how: 'close_notify' })]);
    await vi.waitFor(() => expect(recorded.server.openConnections).toBe(0), { timeout: 5_000 });
  }, 20_000);

  it('creates the subfolders of a nested name in received/', async () => {
    const data = patternBytes(40_000, 3);
    await mkdir(join(work.publicDir, 'docs', 'deep'), { recursive: true });
    await writeFile(join(work.publicDir, 'docs', 'deep', 'guide.txt'), data);
    const { port } = await harness.startServer(work.publicDir);

    const { result } = await harness.fetch(port, { op: 'GET', name: 'docs/deep/guide.txt' }, work.receivedDir);

    expect(result).toMatchObject({ ok: true, savedPath: join(work.receivedDir, 'docs', 'deep', 'guide.txt') });
    expect(await readFile(join(work.receivedDir, 'docs', 'deep', 'guide.txt'))).toEqual(data);
    expect(await entriesOf(work.receivedDir)).toEqual(['docs', 'docs/deep', 'docs/deep/guide.txt']);
  }, 20_000);

  it('replaces an older copy in received/ with the new bytes', async () => {
    const data = patternBytes(20_000, 11);
    await writeFile(join(work.publicDir, 'report.bin'), data);
    await writeFile(join(work.receivedDir, 'report.bin'), 'stale contents');
    const { port } = await harness.startServer(work.publicDir);

    const { result } = await harness.fetch(port, { op: 'GET', name: 'report.bin' }, work.receivedDir);

    expect(result.ok).toBe(true);
    expect(await sha256OfFile(join(work.receivedDir, 'report.bin'))).toBe(sha256(data));
    expect(await entriesOf(work.receivedDir)).toEqual(['report.bin']);
  }, 20_000);
});

describe('LIST over TCP', () => {
  it('returns every regular file with its size, subfolders included, sorted by name, nothing saved', async () => {
    await mkdir(join(work.publicDir, 'docs', 'api'), { recursive: true });
    await writeFile(join(work.publicDir, 'zeta.txt'), 'z'.repeat(26));
    await writeFile(join(work.publicDir, 'Alpha.md'), 'A');
    await writeFile(join(work.publicDir, 'beta.bin'), patternBytes(70_000));
    await writeFile(join(work.publicDir, 'empty'), '');
    await writeFile(join(work.publicDir, 'docs', 'guide.txt'), 'guide\n');
    await writeFile(join(work.publicDir, 'docs', 'api', 'index.html'), '<html></html>');
    await writeFile(join(work.publicDir, '.hidden'), 'not listed');
    await symlink(join(work.root, 'received'), join(work.publicDir, 'linked-folder'));
    const { port } = await harness.startServer(work.publicDir);

    const { result, events } = await harness.fetch(port, { op: 'LIST' }, work.receivedDir);

    expect(result.ok).toBe(true);
    expect(result.ok && result.entries).toEqual([
      { name: 'Alpha.md', size: 1 },
      { name: 'beta.bin', size: 70_000 },
      { name: 'docs/api/index.html', size: 13 },
      { name: 'docs/guide.txt', size: 6 },
      { name: 'empty', size: 0 },
      { name: 'zeta.txt', size: 26 },
    ]);
    expect(await entriesOf(work.receivedDir)).toEqual([]);
    const statuses = finalStatuses(events);
    expect(statuses.get('receive')).toBe('done');
    expect(statuses.get('save')).toBe('skipped');
    expect(statuses.get('close')).toBe('done');
    expect(events.filter((event) => event.type === 'closed')).toEqual([expect.objectContaining({ ok: true })]);
  }, 20_000);

  it('gathers a listing spread over several LIST_RESPONSE records', async () => {
    const names = Array.from({ length: 1_500 }, (_, index) => `entry-${String(index).padStart(5, '0')}-${'x'.repeat(30)}.txt`);
    await Promise.all(names.map((name, index) => writeFile(join(work.publicDir, name), 'y'.repeat(index % 17))));
    const { port } = await harness.startServer(work.publicDir);

    const { result, events } = await harness.fetch(port, { op: 'LIST' }, work.receivedDir);

    expect(result.ok && result.entries).toEqual(names.map((name, index) => ({ name, size: index % 17 })));
    const listRecords = events.filter((event) => event.type === 'wire' && event.action === 'received' && event.message.includes('LIST_RESPONSE'));
    expect(listRecords.length).toBeGreaterThan(1);
  }, 20_000);

  it('returns an empty listing for an empty public folder', async () => {
    const { port } = await harness.startServer(work.publicDir);

    const { result } = await harness.fetch(port, { op: 'LIST' }, work.receivedDir);

    expect(result).toEqual({ ok: true, entries: [] });
  }, 20_000);
});

describe('records split across TCP reads', () => {
  it('arrives intact when every write is cut into 7-byte pieces both ways', async () => {
    const data = patternBytes(40_000, 17);
    await writeFile(join(work.publicDir, 'pieces.bin'), data);
    const { port } = await harness.startServer(work.publicDir);
    const proxy = await TcpProxy.start({ targetPort: port, pieceBytes: 7 });
    harness.onCleanup(() => proxy.close());

    const { result, events } = await harness.fetch(proxy.port, { op: 'GET', name: 'pieces.bin' }, work.receivedDir);

    expect(result).toMatchObject({ ok: true, size: data.length });
    expect(await sha256OfFile(join(work.receivedDir, 'pieces.bin'))).toBe(sha256(data));
    expect(proxy.serverBytes(0).length).toBeGreaterThan(data.length);
    expect(events.filter((event) => event.type === 'closed')).toEqual([expect.objectContaining({ ok: true })]);
  }, 30_000);
});

describe('the listener', () => {
  it('can listen again on the same port as soon as it is closed, and serve', async () => {
    await writeFile(join(work.publicDir, 'hello.txt'), 'hello\n');
    const first = await harness.startServer(work.publicDir);
    expect((await harness.fetch(first.port, { op: 'GET', name: 'hello.txt' }, work.receivedDir)).result.ok).toBe(true);
    await first.server.close();

    const second = await harness.startServer(work.publicDir, { port: first.port });

    expect(second.port).toBe(first.port);
    const receivedDir = join(await harness.tempDir(), 'received');
    const { result } = await harness.fetch(second.port, { op: 'GET', name: 'hello.txt' }, receivedDir);
    expect(result.ok).toBe(true);
    expect(await readFile(join(receivedDir, 'hello.txt'), 'utf8')).toBe('hello\n');
  }, 20_000);

  it('rejects listen() on a port another server holds, with EADDRINUSE', async () => {
    const first = await harness.startServer(work.publicDir);

    await expect(harness.startServer(work.publicDir, { port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect((await harness.fetch(first.port, { op: 'LIST' }, work.receivedDir)).result.ok).toBe(true);
  }, 20_000);
});

describe('the received folder', () => {
  it('removes a temporary file left by a dead client when a session starts, and keeps a live one', async () => {
    const dead = await deadPid();
    const stale = `.tls-tui-${dead}-0123456789abcdef.part`;
    const live = `.tls-tui-${process.pid}-fedcba9876543210.part`;
    await writeFile(join(work.receivedDir, stale), 'half a file from a client that was killed');
    await writeFile(join(work.receivedDir, live), 'a transfer still running in this process');
    await writeFile(join(work.publicDir, 'hello.txt'), 'hello\n');
    const { port } = await harness.startServer(work.publicDir);

    const { result } = await harness.fetch(port, { op: 'GET', name: 'hello.txt' }, work.receivedDir);

    expect(result.ok).toBe(true);
    expect(await entriesOf(work.receivedDir)).toEqual([live, 'hello.txt'].sort());
  }, 20_000);

  it('lets two clients fetch the same name into one folder at once, leaving one whole copy', async () => {
    const data = patternBytes(300_000, 21);
    await writeFile(join(work.publicDir, 'shared.bin'), data);
    const { port } = await harness.startServer(work.publicDir);

    const runs = await Promise.all([1, 2].map(() => harness.fetch(port, { op: 'GET', name: 'shared.bin' }, work.receivedDir)));

    expect(runs.map((run) => run.result.ok)).toEqual([true, true]);
    expect(await entriesOf(work.receivedDir)).toEqual(['shared.bin']);
    expect(await sha256OfFile(join(work.receivedDir, 'shared.bin'))).toBe(sha256(data));
  }, 20_000);
});

describe('concurrent clients', () => {
  it('serves 8 clients at once, each its own file, all byte-identical', async () => {
    const files = Array.from({ length: 8 }, (_, index) => ({ name: `file-${index}.bin`, data: patternBytes(10_000 + index * 37_000, index + 100) }));
    for (const file of files) await writeFile(join(work.publicDir, file.name), file.data);
    const recorded = await harness.startServer(work.publicDir);
    const receivedDirs = await Promise.all(files.map(async () => join(await harness.tempDir(), 'received')));

    const runs = await Promise.all(files.map((file, index) => harness.fetch(recorded.port, { op: 'GET', name: file.name }, receivedDirs[index]!)));

    for (const [index, run] of runs.entries()) {
      const file = files[index]!;
      expect(run.result).toMatchObject({ ok: true, savedPath: join(receivedDirs[index]!, file.name), size: file.data.length });
      expect(await entriesOf(receivedDirs[index]!)).toEqual([file.name]);
      expect(await sha256OfFile(join(receivedDirs[index]!, file.name))).toBe(sha256(file.data));
    }
    expect(recorded.sessions.map((session) => session.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const requested = recorded.events
      .map((entry) => entry.event)
      .filter((event): event is Extract<PeerEvent, { type: 'request' }> => event.type === 'request')
      .map((event) => event.name)
      .sort();
    expect(requested).toEqual(files.map((file) => file.name).sort());
    await vi.waitFor(() => expect(recorded.server.openConnections).toBe(0), { timeout: 5_000 });
  }, 40_000);
});

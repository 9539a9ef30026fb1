/**
 * The received file's disk failing under the real client (runClientSession, in this
 * process, against a real server over loopback): opening the temporary file, writing to
 * it (the first write, and one in the middle of a 1 MiB file), syncing it and renaming it
 * into place each fail in turn, as a full disk, a broken one or a permission change would
 * make them. Failures are injected with vi.spyOn on node:fs/promises (made visible to the
 * ES module bindings with syncBuiltinESMExports) and on the FileHandle prototype, and only
 * for the client's `.tls-tui-*.part` temporaries. Each time the client ends with a clear
 * local error naming the cause, received/ holds neither a partial file under the final
 * name nor a temporary, the server drops the session, and the next, undisturbed fetch
 * stores a file identical to its source.
 */
import fs from 'node:fs';
import { open as openFile, readdir, readFile, writeFile, type FileHandle } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { WRITE_BATCH_BYTES } from '../../source/files/write-behind.js';
import { testPki, type TestPki } from '../support/identities.js';
import { NetHarness, patternBytes, type RecordedServer, sha256, type Workspace } from '../support/net-harness.js';

const FILE_NAME = 'payload.bin';
/** Three writes to disk, so that one can fail in the middle of the file. */
const FILE = patternBytes(3 * WRITE_BATCH_BYTES, 41);
const TEMPORARY = /\.tls-tui-\d+-[0-9a-f]{16}\.part$/;

let pki: TestPki;
let harness: NetHarness;
let work: Workspace;
let recorded: RecordedServer;
let fileHandlePrototype: FileHandle;
const temporaries = new WeakSet<object>();
const spies: MockInstance[] = [];

function failure(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected failure, ${syscall}`), { code, syscall, errno: -1 });
}

beforeAll(async () => {
  pki = await testPki();
  harness = new NetHarness(pki);
  work = await harness.workspace();
  await writeFile(join(work.publicDir, FILE_NAME), FILE);
  recorded = await harness.startServer(work.publicDir);
  const probe = await openFile(join(work.publicDir, FILE_NAME), 'r');
  fileHandlePrototype = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
}, 60_000);

afterEach(() => {
  for (const spy of spies.splice(0)) spy.mockRestore();
  syncBuiltinESMExports();
});

afterAll(async () => {
  await harness?.cleanup();
});

/** Remembers every handle opened on a client temporary; `fail` may refuse the open itself. */
function trackTemporaries(fail?: NodeJS.ErrnoException): void {
  const original = fs.promises.open;
  spies.push(vi.spyOn(fs.promises, 'open').mockImplementation(async (...args: Parameters<typeof original>) => {
    const isTemporary = TEMPORARY.test(String(args[0]));
    if (isTemporary && fail) throw fail;
    const handle = await original(...args);
    if (isTemporary) temporaries.add(handle);
    return handle;
  }));
  syncBuiltinESMExports();
}

/** Makes `method` of a temporary's handle fail on its `nth` call (1-based). */
function failHandle(method: 'write' | 'datasync', nth: number, error: NodeJS.ErrnoException): void {
  const original = fileHandlePrototype[method] as (...args: unknown[]) => Promise<unknown>;
  let calls = 0;
  spies.push(vi.spyOn(fileHandlePrototype, method).mockImplementation(function (this: FileHandle, ...args: unknown[]) {
    if (temporaries.has(this) && ++calls === nth) return Promise.reject(error);
    return original.apply(this, args);
  } as never));
}

function failRename(error: NodeJS.ErrnoException): void {
  const original = fs.promises.rename;
  spies.push(vi.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
    if (TEMPORARY.test(String(from))) throw error;
    return original(from, to);
  }));
  syncBuiltinESMExports();
}

async function fetchInto(receivedDir: string) {
  return harness.fetch(recorded.port, { op: 'GET', name: FILE_NAME }, receivedDir);
}

const CASES: ReadonlyArray<readonly [string, () => void, RegExp]> = [
  ['opening the temporary file (EACCES)', () => trackTemporaries(failure('EACCES', 'open')), /EACCES/],
  ['the first write (ENOSPC)', () => { trackTemporaries(); failHandle('write', 1, failure('ENOSPC', 'write')); }, /ENOSPC/],
  ['a write in the middle of the file (EIO)', () => { trackTemporaries(); failHandle('write', 2, failure('EIO', 'write')); }, /EIO/],
  ['the sync before the rename (EIO)', () => { trackTemporaries(); failHandle('datasync', 1, failure('EIO', 'fdatasync')); }, /EIO/],
  ['the rename into place (EXDEV)', () => { trackTemporaries(); failRename(failure('EXDEV', 'rename')); }, /EXDEV/],
];

describe('a received file whose disk fails', () => {
  it.each(CASES)('at %s: a clear local error, nothing in received/, and the next fetch is whole', async (_label, inject, cause) => {
    const receivedDir = join(await harness.tempDir(), 'received');
    inject();
    const failed = await fetchInto(receivedDir);

    expect(failed.result).toMatchObject({ ok: false, kind: 'local' });
    if (failed.result.ok) throw new Error('unreachable');
    expect(failed.result.reason).toMatch(/^could not save the file: /);
    expect(failed.result.reason).toMatch(cause);
    // The client's step says what failed on its disk; the server is told only that it could not save.
    const failedStep = failed.events.find((event) => event.type === 'step' && event.status === 'failed');
    expect(failedStep).toMatchObject({ detail: expect.stringMatching(cause) });
    const alertSent = failed.events.find((event) => event.type === 'closed');
    expect(alertSent).toMatchObject({ how: 'alert_sent', alert: { reason: 'the client could not save the file' } });
    expect(failed.events.some((event) => event.type === 'file-header')).toBe(true);
    expect(await readdir(receivedDir)).toEqual([]);
    await vi.waitFor(() => expect(recorded.server.openConnections).toBe(0), { timeout: 5_000, interval: 20 });

    for (const spy of spies.splice(0)) spy.mockRestore();
    syncBuiltinESMExports();
    const whole = await fetchInto(receivedDir);
    expect(whole.result).toMatchObject({ ok: true, size: FILE.length });
    expect(await readdir(receivedDir)).toEqual([FILE_NAME]);
    expect(sha256(await readFile(join(receivedDir, FILE_NAME)))).toBe(sha256(FILE));
  }, 30_000);

  it('the injection reaches the client: an undisturbed fetch opens exactly one temporary', async () => {
    trackTemporaries();
    const opened = spies[0]!;
    const { result } = await fetchInto(join(await harness.tempDir(), 'received'));
    expect(result.ok).toBe(true);
    expect(opened.mock.calls.filter((call) => TEMPORARY.test(String(call[0])))).toHaveLength(1);
  });
});

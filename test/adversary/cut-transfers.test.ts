/**
 * A transfer cut at 50 offsets of the server's byte stream (the "interrupted
 * transfers"), through the proxy of test/support/tcp-proxy.ts, which relays exactly N bytes
 * from the server and then drops both sides. A clean run first maps the stream's records;
 * the cuts then fall at 0 and 1, at each record's first byte, inside each header, right
 * after each header, one byte short of each record's end, in the middle of each payload,
 * and one byte short of the whole stream. The client never leaves a partial file under a
 * final name nor a temporary file in received/: a cut before FILE_END is complete fails
 * with a connection error and leaves received/ empty; a cut after it may still deliver
 * the file, and then it is identical to its source. The server forgets every cut session
 * and goes on serving. (test/net/interrupted.test.ts aims eight cuts at a larger file.)
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testPki, type TestPki } from '../support/identities.js';
import { NetHarness, parseRecords, patternBytes, type RecordedServer, sha256, type Workspace } from '../support/net-harness.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const FILE_NAME = 'payload.bin';
const FILE = patternBytes(40_000, 31);
const CUTS = 50;

let pki: TestPki;
let harness: NetHarness;
let work: Workspace;
let recorded: RecordedServer;
let stream: Buffer;
let records: ReturnType<typeof parseRecords>['records'];

beforeAll(async () => {
  pki = await testPki();
  harness = new NetHarness(pki);
  work = await harness.workspace();
  await writeFile(join(work.publicDir, FILE_NAME), FILE);
  recorded = await harness.startServer(work.publicDir);
  const proxy = await TcpProxy.start({ targetPort: recorded.port });
  harness.onCleanup(() => proxy.close());
  const { result } = await harness.fetch(proxy.port, { op: 'GET', name: FILE_NAME }, join(await harness.tempDir(), 'received'));
  expect(result.ok).toBe(true);
  stream = proxy.serverBytes(0);
  const parsed = parseRecords(stream);
  expect(parsed.rest.length).toBe(0);
  records = parsed.records;
}, 60_000);

afterAll(async () => {
  await harness?.cleanup();
});

/** Where FILE_END ends: a cut at or after it leaves the client everything it must verify. */
function fileEndEnd(): number {
  const application = records.filter((record) => record.contentType === 23);
  const fileEnd = application.at(-1)!;
  return fileEnd.offset + 5 + fileEnd.payload.length;
}

function cutOffsets(): number[] {
  const offsets = new Set<number>([0, 1, stream.length - 1]);
  for (const record of records) {
    const end = record.offset + 5 + record.payload.length;
    for (const offset of [record.offset, record.offset + 2, record.offset + 5, record.offset + 5 + (record.payload.length >> 1), end - 1]) offsets.add(offset);
  }
  const sorted = [...offsets].filter((offset) => offset >= 0 && offset < stream.length).sort((a, b) => a - b);
  // Evenly spaced offsets fill up to 50 if the records gave fewer.
  for (let step = 1; sorted.length < CUTS; step += 1) {
    const offset = Math.floor((stream.length * step) / (CUTS + 1));
    if (!sorted.includes(offset)) sorted.push(offset);
  }
  return sorted.sort((a, b) => a - b).slice(0, CUTS);
}

const outcomes = { failed: 0, delivered: 0 };

describe('a transfer cut at 50 offsets of the stream', () => {
  it('the clean stream has every record of a session: SERVER_HELLO to close_notify', () => {
    expect(records.map((record) => record.contentType)).toEqual([22, 22, 22, 23, 23, 23, 23, 23, 21]);
    expect(cutOffsets()).toHaveLength(CUTS);
  });

  it.each(Array.from({ length: CUTS }, (_, index) => [index] as const))('cut %i: a connection error with received/ empty, or the whole file, never a part', async (index) => {
    const cutAfter = cutOffsets()[index]!;
    const proxy = await TcpProxy.start({ targetPort: recorded.port, cutAfter });
    harness.onCleanup(() => proxy.close());
    const receivedDir = join(await harness.tempDir(), 'received');

    const { result, events } = await harness.fetch(proxy.port, { op: 'GET', name: FILE_NAME }, receivedDir);

    expect(proxy.cuts).toBe(1);
    const left = (await readdir(receivedDir).catch(() => [] as string[])).sort();
    expect(left.filter((entry) => entry.startsWith('.'))).toEqual([]);
    if (result.ok) {
      expect(cutAfter).toBeGreaterThanOrEqual(fileEndEnd());
      expect(left).toEqual([FILE_NAME]);
      expect(sha256(await readFile(join(receivedDir, FILE_NAME)))).toBe(sha256(FILE));
      outcomes.delivered += 1;
    } else {
      expect(result.kind).toBe('connection');
      expect(result.reason.length).toBeGreaterThan(10);
      expect(left).toEqual([]);
      expect(events.some((event) => event.type === 'file-verified') && cutAfter < fileEndEnd()).toBe(false);
      outcomes.failed += 1;
    }
    if (cutAfter < fileEndEnd()) expect(result.ok).toBe(false);
    await vi.waitFor(() => expect(recorded.server.openConnections).toBe(0), { timeout: 5_000, interval: 20 });
  }, 20_000);

  it('the server forgot every cut session and still serves an honest client', async () => {
    expect(outcomes.failed + outcomes.delivered).toBe(CUTS);
    expect(outcomes.failed).toBeGreaterThan(40);
    const receivedDir = join(await harness.tempDir(), 'received');
    const { result } = await harness.fetch(recorded.port, { op: 'GET', name: FILE_NAME }, receivedDir);
    expect(result).toMatchObject({ ok: true, size: FILE.length });
    expect(sha256(await readFile(join(receivedDir, FILE_NAME)))).toBe(sha256(FILE));
    expect(recorded.server.openConnections).toBe(0);
  });
});

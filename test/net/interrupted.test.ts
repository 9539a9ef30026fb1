/**
 * Sessions broken in the middle over real TCP, through a tiny proxy between client and
 * server (test/support/tcp-proxy.ts). A clean run through the proxy first records the
 * server's byte stream, so the cuts can be aimed at record boundaries: before any byte,
 * inside SERVER_HELLO, inside the first and second FILE_DATA, halfway through the file,
 * one byte short of the last FILE_DATA and one byte short of FILE_END. Each cut ends the
 * client with kind 'connection', and its received folder holds neither the file nor a
 * `.tls-tui-*.part` temporary; the server drops the session and goes on serving. One
 * bit flipped inside the encrypted FILE_DATA stream fails the client with
 * bad_record_mac and writes nothing; a proxy that stops relaying mid-file is cut off
 * by both sides' idle timers; and `server.close()` during a transfer resolves while
 * the client fails cleanly.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientSessionResult } from '../../source/net/client.js';
import type { PeerEvent } from '../../source/protocol/events.js';
import { testPki, type TestPki } from '../support/identities.js';
import {
  entriesOf, finalStatuses, NetHarness, parseRecords, patternBytes, type RecordedServer, sha256, sha256OfFile, type Workspace,
} from '../support/net-harness.js';
import { TcpProxy, type ProxyOptions } from '../support/tcp-proxy.js';

const FILE_NAME = 'payload.bin';
const FILE_SIZE = 256 * 1024;
const APPLICATION_DATA = 23;
const BAD_RECORD_MAC = 20;
const TIMEOUT = 90;
const INTERNAL_ERROR = 80;
const SLACK_MS = 3_000;
/** PeerSocket's wait for the other side to close after a peer has finished. */
const LINGER_MS = 2_000;

let pki: TestPki;
let harness: NetHarness;
let work: Workspace;
let fileData: Buffer;

beforeAll(async () => {
  pki = await testPki();
}, 60_000);

beforeEach(async () => {
  harness = new NetHarness(pki);
  work = await harness.workspace();
  fileData = patternBytes(FILE_SIZE, 77);
  await writeFile(join(work.publicDir, FILE_NAME), fileData);
});

afterEach(async () => {
  await harness.cleanup();
});

async function startProxy(options: ProxyOptions): Promise<TcpProxy> {
  const proxy = await TcpProxy.start(options);
  harness.onCleanup(() => proxy.close());
  return proxy;
}

/** Where things lie in the server's byte stream for one GET of the test file. */
interface StreamLayout {
  readonly total: number;
  /** The end of the server's FINISHED: the client sends its REQUEST only once it has all of it. */
  readonly finishedEnd: number;
  readonly fileHeaderEnd: number;
  readonly firstFileDataStart: number;
  readonly lastFileDataEnd: number;
  readonly fileEndEnd: number;
  /** Offset of a ciphertext byte inside the middle FILE_DATA record. */
  readonly middleFileDataByte: number;
}

/** Runs one clean GET through a relaying proxy and finds the records in what the server sent. */
async function measureLayout(port: number): Promise<StreamLayout> {
  const proxy = await startProxy({ targetPort: port });
  const receivedDir = join(await harness.tempDir(), 'received');
  const { result } = await harness.fetch(proxy.port, { op: 'GET', name: FILE_NAME }, receivedDir);
  expect(result.ok).toBe(true);
  expect(await sha256OfFile(join(receivedDir, FILE_NAME))).toBe(sha256(fileData));
  const stream = proxy.serverBytes(0);
  const { records, rest } = parseRecords(stream);
  expect(rest.length).toBe(0);
  const application = records.filter((record) => record.contentType === APPLICATION_DATA);
  // FILE_HEADER, FILE_DATA × n, FILE_END, each with a 32-byte MAC.
  const dataRecords = application.slice(1, -1);
  expect(dataRecords).toHaveLength(Math.ceil(FILE_SIZE / 16_383));
  const end = (record: (typeof records)[number]): number => record.offset + 5 + record.payload.length;
  const middle = dataRecords[Math.floor(dataRecords.length / 2)]!;
  return {
    total: stream.length,
    finishedEnd: application[0]!.offset,
    fileHeaderEnd: end(application[0]!),
    firstFileDataStart: dataRecords[0]!.offset,
    lastFileDataEnd: end(dataRecords.at(-1)!),
    fileEndEnd: end(application.at(-1)!),
    middleFileDataByte: middle.offset + 5 + 1_000,
  };
}

function closedEvents(events: readonly PeerEvent[]): Array<Extract<PeerEvent, { type: 'closed' }>> {
  return events.filter((event): event is Extract<PeerEvent, { type: 'closed' }> => event.type === 'closed');
}

function fileDataBytes(events: readonly PeerEvent[]): number {
  let total = 0;
  for (const event of events) if (event.type === 'file-data') total += event.data.length;
  return total;
}

async function expectHonestClientServed(port: number): Promise<void> {
  const receivedDir = join(await harness.tempDir(), 'received');
  const { result } = await harness.fetch(port, { op: 'GET', name: FILE_NAME }, receivedDir);
  expect(result).toMatchObject({ ok: true, size: FILE_SIZE });
  expect(await sha256OfFile(join(receivedDir, FILE_NAME))).toBe(sha256(fileData));
}

async function serverSessionClosed(recorded: RecordedServer, session: number): Promise<Extract<PeerEvent, { type: 'closed' }>> {
  await vi.waitFor(() => expect(closedEvents(recorded.eventsOf(session))).toHaveLength(1), { timeout: 5_000 });
  return closedEvents(recorded.eventsOf(session))[0]!;
}

function expectFailure(result: ClientSessionResult): Extract<ClientSessionResult, { ok: false }> {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  return result;
}

describe('a connection cut after N bytes from the server', () => {
  const cuts: Array<[string, (layout: StreamLayout) => number]> = [
    ['0 bytes', () => 0],
    ['1 byte', () => 1],
    ['100 bytes', () => 100],
    ['2,000 bytes', () => 2_000],
    ['20,000 bytes', () => 20_000],
    ['half the file', (layout) => layout.firstFileDataStart + FILE_SIZE / 2],
    ['all but 1 byte of the file data', (layout) => layout.lastFileDataEnd - 1],
    ['all but 1 byte of the response (FILE_END one byte short)', (layout) => layout.fileEndEnd - 1],
  ];

  it.each(cuts)('after %s: the client fails with kind connection and leaves received/ empty', async (_label, cutAt) => {
    const recorded = await harness.startServer(work.publicDir);
    const layout = await measureLayout(recorded.port);
    const cutAfter = cutAt(layout);
    expect(cutAfter).toBeLessThan(layout.total);
    const proxy = await startProxy({ targetPort: recorded.port, cutAfter });

    const { result, events } = await harness.fetch(proxy.port, { op: 'GET', name: FILE_NAME }, work.receivedDir);

    expect(proxy.cuts).toBe(1);
    expect(expectFailure(result).kind).toBe('connection');
    expect(await entriesOf(work.receivedDir)).toEqual([]);
    // The proxy hung up, not the server: the reason blames neither.
    expect(closedEvents(events)).toEqual([expect.objectContaining({ ok: false, how: 'connection_lost', reason: 'connection lost: the other end closed the connection' })]);
    expect(finalStatuses(events).get('save')).not.toBe('done');
    if (cutAfter >= layout.fileHeaderEnd) {
      // The header arrived, so a temporary file was opened: it must be gone again.
      expect(events.some((event) => event.type === 'file-header')).toBe(true);
    }
    if (cutAfter >= layout.lastFileDataEnd) {
      // Every byte of the file was received and written to the temporary; still nothing is kept.
      expect(fileDataBytes(events)).toBe(FILE_SIZE);
    }
    const serverClosed = await serverSessionClosed(recorded, 2);
    expect(serverClosed.how).toBe('connection_lost');
    // Cut before the REQUEST could be sent, the server cannot have finished; after that it may
    // have written its whole response into the proxy before the cut, which it counts as done.
    if (cutAfter < layout.finishedEnd) expect(serverClosed.ok).toBe(false);
    await vi.waitFor(() => expect(recorded.server.openConnections).toBe(0), { timeout: 5_000 });
    await expectHonestClientServed(recorded.port);
  }, 30_000);
});

describe('tampering and stalling', () => {
  it('fails with bad_record_mac when one bit of an encrypted FILE_DATA record is flipped, writing nothing', async () => {
    const recorded = await harness.startServer(work.publicDir);
    const layout = await measureLayout(recorded.port);
    const proxy = await startProxy({ targetPort: recorded.port, flipAt: layout.middleFileDataByte });

    const { result, events } = await harness.fetch(proxy.port, { op: 'GET', name: FILE_NAME }, work.receivedDir);

    const failure = expectFailure(result);
    expect(failure.kind).toBe('protocol');
    expect(failure.alert).toMatchObject({ level: 'fatal', description: BAD_RECORD_MAC });
    expect(await entriesOf(work.receivedDir)).toEqual([]);
    expect(events.some((event) => event.type === 'file-header')).toBe(true);
    expect(events.some((event) => event.type === 'file-verified')).toBe(false);
    expect(closedEvents(events)).toEqual([expect.objectContaining({ ok: false, how: 'alert_sent' })]);
    expect(finalStatuses(events).get('receive')).toBe('failed');
    const serverClosed = await serverSessionClosed(recorded, 2);
    expect(serverClosed).toMatchObject({ ok: false, how: 'alert_received', alert: { description: BAD_RECORD_MAC } });
    await vi.waitFor(() => expect(recorded.server.openConnections).toBe(0), { timeout: 5_000 });
    await expectHonestClientServed(recorded.port);
  }, 30_000);

  it('times out on both sides when the proxy stops relaying mid-file, leaving nothing behind', async () => {
    const serverIdleMs = 800;
    const clientIdleMs = 300;
    // Larger than every socket buffer between the server and the stalled proxy could hold (Linux
    // lets a receive buffer grow to tcp_rmem's maximum, 32 MiB here), so that the server is
    // still streaming when its idle limit runs out, not waiting after its close_notify.
    const bigData = patternBytes(40 * 1024 * 1024, 5);
    await writeFile(join(work.publicDir, 'big.bin'), bigData);
    const recorded = await harness.startServer(work.publicDir, { idleTimeoutMs: serverIdleMs });
    const proxy = await startProxy({ targetPort: recorded.port, stallAfter: 40_000 });
    const started = Date.now();

    const { result, events } = await harness.fetch(proxy.port, { op: 'GET', name: 'big.bin' }, work.receivedDir, { idleTimeoutMs: clientIdleMs });

    expect(Date.now() - started).toBeLessThanOrEqual(clientIdleMs + LINGER_MS + SLACK_MS);
    const failure = expectFailure(result);
    expect(failure.kind).toBe('protocol');
    expect(failure.alert).toMatchObject({ description: TIMEOUT });
    expect(failure.reason).toMatch(/no byte/);
    expect(events.some((event) => event.type === 'file-header')).toBe(true);
    expect(await entriesOf(work.receivedDir)).toEqual([]);
    const serverClosed = await serverSessionClosed(recorded, 1);
    expect(serverClosed).toMatchObject({ ok: false, how: 'alert_sent', alert: { description: TIMEOUT } });
    await vi.waitFor(() => expect(recorded.server.openConnections).toBe(0), { timeout: serverIdleMs + LINGER_MS + SLACK_MS, interval: 20 });
    await expectHonestClientServed(recorded.port);
  }, 30_000);
});

describe('server.close() during a transfer', () => {
  it('resolves, and the client, told why by an alert, fails cleanly with nothing in received/', async () => {
    const bigData = patternBytes(8 * 1024 * 1024, 13);
    await writeFile(join(work.publicDir, 'big.bin'), bigData);
    const recorded = await harness.startServer(work.publicDir);
    let closing: Promise<number> | undefined;
    let lastProgress = 0;
    const events: PeerEvent[] = [];

    const { result } = await harness.fetch(recorded.port, { op: 'GET', name: 'big.bin' }, work.receivedDir, {
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'progress') lastProgress = event.done;
        if (event.type === 'file-data' && closing === undefined) {
          const started = Date.now();
          closing = recorded.server.close().then(() => Date.now() - started);
        }
      },
    });

    expect(closing).toBeDefined();
    expect(await closing).toBeLessThanOrEqual(SLACK_MS);
    const failure = expectFailure(result);
    expect(failure).toMatchObject({ kind: 'protocol', alert: { description: INTERNAL_ERROR, reason: 'the server is stopping' } });
    expect(lastProgress).toBeGreaterThan(0);
    expect(lastProgress).toBeLessThan(bigData.length);
    expect(await entriesOf(work.receivedDir)).toEqual([]);
    expect(closedEvents(events)).toEqual([expect.objectContaining({ ok: false, how: 'alert_received' })]);
    expect(recorded.server.openConnections).toBe(0);
    expect(closedEvents(recorded.eventsOf(1))).toEqual([expect.objectContaining({ ok: false, how: 'alert_sent', reason: 'the server is stopping' })]);
    // The server's step under way is stopped, not failed: nothing was caught there, its program was ended.
    const serverSteps = recorded.eventsOf(1).filter((event) => event.type === 'step');
    expect(serverSteps).toContainEqual(expect.objectContaining({ step: 'stream', status: 'stopped', detail: 'stopped by the user' }));
    expect(serverSteps.filter((event) => event.status === 'failed')).toEqual([]);
    // The port is released: a new client is refused rather than served.
    const after = await harness.fetch(recorded.port, { op: 'GET', name: 'big.bin' }, work.receivedDir);
    expect(expectFailure(after.result).kind).toBe('connection');
    expect(await entriesOf(work.receivedDir)).toEqual([]);
  }, 30_000);
});

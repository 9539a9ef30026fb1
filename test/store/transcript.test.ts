/**
 * Transcripts: a session written to store/ replays to the same checklists and
 * wire log the live session produced; a transcript cut at any byte still reads
 * back, as incomplete; file data is capped so a large transfer leaves a small
 * transcript; retention keeps exactly the newest N.
 */
import { writeSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PeerEvent } from '../../source/protocol/events.js';
import { applyRetention, findSession, listSessions, parseTranscript, readTranscript } from '../../source/store/session-store.js';
import { sessionLine } from '../../source/store/session-line.js';
import { MESSAGE_RECORDS_KEPT, TOUCH_INTERVAL_MS, TranscriptWriter } from '../../source/store/transcript.js';
import { type DashboardState, dashboardReducer, type EngineEvent, initialState } from '../../source/ui/dashboard-state.js';
import { replayEvents } from '../../source/ui/replay.js';
import { NOW, testPki, type TestPki } from '../support/identities.js';
import { ConnectionPair } from '../support/pair.js';

// Passes through to the real writeSync, unless a test makes one call fail.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, writeSync: vi.fn(actual.writeSync) };
});

let pki: TestPki;
let dir: string;

beforeAll(async () => {
  pki = await testPki();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tls-tui-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A real in-memory session's events from both peers, in the order they happened. */
function session(size: number): PeerEvent[] {
  const events: PeerEvent[] = [];
  const pair = new ConnectionPair(pki, { files: new Map([['notes.txt', new Uint8Array(size).map((_, index) => index % 253)]]) });
  const clientPush = pair.clientEvents.push.bind(pair.clientEvents);
  const serverPush = pair.serverEvents.push.bind(pair.serverEvents);
  pair.clientEvents.push = (...items: PeerEvent[]) => (events.push(...items), clientPush(...items));
  pair.serverEvents.push = (...items: PeerEvent[]) => (events.push(...items), serverPush(...items));
  pair.run();
  return events;
}

function record(events: readonly PeerEvent[]): TranscriptWriter {
  const writer = TranscriptWriter.open(dir, { kind: 'demo', roles: ['client', 'server'], request: { op: 'GET', name: 'notes.txt' }, mode: 'off', verify: true }, new Date(NOW));
  events.forEach((event, index) => writer.record(event, NOW + index));
  writer.finish({ ok: true, reason: 'notes.txt received' }, NOW + events.length);
  return writer;
}

function live(events: readonly PeerEvent[]): DashboardState {
  const engine: EngineEvent[] = [
    { type: 'session-start', session: { id: 0, request: { op: 'GET', name: 'notes.txt' }, mode: 'off', verify: true, startedAt: NOW } },
    ...events.map((event, index): EngineEvent => ({ type: 'peer', event, at: NOW + index })),
  ];
  return dashboardReducer(initialState(), { type: 'engine', events: engine });
}

const wireSummary = (state: DashboardState) => state.wire.map((entry) => `${entry.hop} ${entry.message} ${entry.size} ${entry.encrypted}`);

describe('transcripts', () => {
  it('replay to the checklists and wire log the live session produced', async () => {
    const events = session(20_000);
    const writer = record(events);
    const replayed = dashboardReducer(initialState(), { type: 'engine', events: replayEvents(await readTranscript(writer.path)) });
    const original = live(events);
    expect(replayed.client.steps).toEqual(original.client.steps);
    expect(replayed.server.steps).toEqual(original.server.steps);
    expect(wireSummary(replayed)).toEqual(wireSummary(original));
    expect(replayed.wire.map((entry) => Buffer.from(entry.record).toString('hex'))).toEqual(original.wire.map((entry) => Buffer.from(entry.record).toString('hex')));
    expect(replayed.result).toEqual({ ok: true, text: 'notes.txt received' });
  });

  it('keep the session keys, for replays that decrypt', async () => {
    const writer = record(session(100));
    const keys = (await readTranscript(writer.path)).lines.filter((line) => line.event.type === 'keys');
    expect(keys.map((line) => line.event.role)).toEqual(['server', 'client']);
    expect(keys[0]!.event.type === 'keys' && keys[0]!.event.secret.length).toBe(32);
  });

  it('cut anywhere still read back, as incomplete, once the metadata line is whole', async () => {
    const writer = record(session(3_000));
    const text = await readFile(writer.path, 'utf8');
    const metaEnd = text.indexOf('\n') + 1;
    const lastLineStart = text.lastIndexOf('\n', text.length - 2) + 1;
    // Within a line every cut reads the same way, so each line is cut at its edges and its middle; the last at every byte.
    const cuts = new Set<number>();
    for (let start = metaEnd; start < lastLineStart; start = text.indexOf('\n', start) + 1) {
      const end = text.indexOf('\n', start);
      for (const cut of [start, start + 1, Math.floor((start + end) / 2), end - 1, end]) cuts.add(cut);
    }
    for (let cut = lastLineStart; cut < text.length; cut += 1) cuts.add(cut);
    let whole = 0;
    for (const cut of cuts) {
      const transcript = parseTranscript(writer.path, text.slice(0, cut));
      expect(transcript.complete).toBe(false);
      expect(replayEvents(transcript)[0]?.type).toBe('session-start');
      whole = Math.max(whole, transcript.lines.length);
    }
    expect(cuts.size).toBeGreaterThan(text.length - lastLineStart);
    expect(whole).toBe(parseTranscript(writer.path, text).lines.length);
    expect(parseTranscript(writer.path, text).complete).toBe(true);
    await writeFile(writer.path, text.slice(0, Math.floor(text.length / 2)));
    const [listed] = await listSessions(dir);
    expect(listed).toMatchObject({ id: writer.id, complete: false });
    expect(() => parseTranscript(writer.path, text.slice(0, metaEnd - 1))).toThrow(/empty transcript|metadata/);
  });

  it('cap every other message too, so a peer that sends thousands of one kind cannot grow the transcript with them', async () => {
    const events = session(1_000);
    const wire = events.find((event): event is Extract<PeerEvent, { type: 'wire' }> => event.type === 'wire' && event.role === 'client' && event.action === 'received')!;
    const flood = Array.from({ length: MESSAGE_RECORDS_KEPT + 136 }, () => ({ ...wire, message: 'LIST_RESPONSE' }));
    const transcript = await readTranscript(record([...events, ...flood]).path);
    const kept = transcript.lines.filter((line) => line.event.type === 'wire' && line.event.message === 'LIST_RESPONSE');
    expect(kept).toHaveLength(MESSAGE_RECORDS_KEPT);
    expect(transcript.outcome?.omitted['client received LIST_RESPONSE']).toBe(136);
    // A session's own few of each kind are all kept.
    expect(transcript.lines.filter((line) => line.event.type === 'wire' && line.event.message === 'CLIENT_HELLO').length).toBeGreaterThan(0);
  });

  it('cap file data, so a 2 MiB transfer leaves a transcript of kilobytes and counts what it left out', async () => {
    const writer = record(session(2 * 1024 * 1024));
    const { size } = await stat(writer.path);
    expect(size).toBeLessThan(150_000);
    const transcript = await readTranscript(writer.path);
    expect(transcript.outcome?.omitted['server sent FILE_DATA']).toBeGreaterThan(100);
    expect(transcript.outcome?.streams['server sent']).toBeGreaterThan(2 * 1024 * 1024);
    const truncated = transcript.lines.filter((line) => line.event.type === 'wire' && line.event.truncatedFrom !== undefined);
    expect(truncated.length).toBeGreaterThan(0);
    // The breakdown kept beside a capped record is of the whole record, as it crossed the wire.
    for (const { event } of truncated) {
      if (event.type !== 'wire') continue;
      const ciphertext = event.fields?.find((field) => field.name === 'ciphertext');
      expect(event.record.length).toBeLessThan(event.truncatedFrom!);
      expect(ciphertext?.length).toBe(event.truncatedFrom! - 5 - 32);
    }
  });

  it('replay counts the records the transcript left out as the live wire log did', async () => {
    const events = session(1024 * 1024);
    const original = live(events);
    const replayed = dashboardReducer(initialState(), { type: 'engine', events: replayEvents(await readTranscript(record(events).path)) });
    expect(original.wireOmitted['server FILE_DATA']).toBeGreaterThan(40);
    expect(replayed.wireOmitted).toEqual(original.wireOmitted);
    expect(wireSummary(replayed)).toEqual(wireSummary(original));
  });

  it("a server's: the request it learned, and the file bytes it sent, in its outcome and its history line", async () => {
    const serverEvents = session(40_000).filter((event) => event.role === 'server');
    const writer = TranscriptWriter.open(dir, { kind: 'server', roles: ['server'], mode: 'off' }, new Date(NOW));
    serverEvents.forEach((event, index) => writer.record(event, NOW + index));
    writer.finish({ ok: true }, NOW + serverEvents.length);
    const { outcome } = await readTranscript(writer.path);
    expect(outcome).toMatchObject({ bytes: 40_000, request: { op: 'GET', name: 'notes.txt' } });
    const [summary] = await listSessions(dir);
    expect(sessionLine(summary!)).toMatch(/ server +GET notes\.txt +off +.* 40\.0 kB {2}✔ ok$/);
  });

  it('never share a file: each writer gets its own, even opened in the same millisecond', () => {
    const writers = Array.from({ length: 50 }, () => TranscriptWriter.open(dir, { kind: 'server', roles: ['server'], mode: 'off' }, new Date(NOW)));
    expect(new Set(writers.map((writer) => writer.path)).size).toBe(50);
    for (const writer of writers) writer.finish({ ok: true });
  });

  it('are touched while open, written to or not, so that pruning can tell a running session from a crashed one', async () => {
    // Only the interval is faked: the file's times are real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const writer = TranscriptWriter.open(dir, { kind: 'client', roles: ['client'], mode: 'off' }, new Date(NOW));
      // In whole seconds, which file times hold exactly.
      const anHourAgo = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
      await utimes(writer.path, anHourAgo, anHourAgo);
      vi.advanceTimersByTime(TOUCH_INTERVAL_MS);
      expect(Date.now() - (await stat(writer.path)).mtimeMs).toBeLessThan(TOUCH_INTERVAL_MS);
      writer.finish({ ok: true });
      await utimes(writer.path, anHourAgo, anHourAgo);
      vi.advanceTimersByTime(3 * TOUCH_INTERVAL_MS);
      expect((await stat(writer.path)).mtimeMs).toBe(anHourAgo.getTime());
    } finally {
      vi.useRealTimers();
    }
  });

  it('retention keeps exactly the newest N', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 10; index += 1) {
      const writer = TranscriptWriter.open(dir, { kind: 'client', roles: ['client'], mode: 'off' }, new Date(NOW + index * 1000));
      writer.finish({ ok: true });
      ids.push(writer.id);
    }
    expect(await applyRetention(dir, 3)).toBe(7);
    expect((await readdir(dir)).sort()).toEqual(ids.slice(-3).map((id) => `${id}.jsonl`));
    expect((await listSessions(dir)).map((summary) => summary.id)).toEqual(ids.slice(-3).reverse());
  });

  it('finds a session by id, unique prefix or "last", and says when it cannot', async () => {
    const first = TranscriptWriter.open(dir, { kind: 'client', roles: ['client'], mode: 'off' }, new Date(NOW));
    const second = TranscriptWriter.open(dir, { kind: 'server', roles: ['server'], mode: 'off' }, new Date(NOW + 60_000));
    first.finish({ ok: true });
    second.finish({ ok: false, reason: 'bad' });
    expect((await findSession(dir, 'last')).meta.id).toBe(second.id);
    expect((await findSession(dir, first.id.slice(0, -2))).meta.id).toBe(first.id);
    await expect(findSession(dir, 'nope')).rejects.toThrow(/no session "nope"/);
    await expect(findSession(dir, '2026')).rejects.toThrow(/matches 2 sessions/);
  });
});

describe('a store that cannot be written', () => {
  it('leaves no file when even the metadata cannot be written, and says why', async () => {
    vi.mocked(writeSync).mockImplementationOnce(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    expect(() => TranscriptWriter.open(dir, { kind: 'server', roles: ['server'], mode: 'off' }, new Date(NOW))).toThrow('ENOSPC');
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops the transcript, never the session: the error goes to onError once, and the file reads as incomplete', async () => {
    const errors: Error[] = [];
    const writer = TranscriptWriter.open(dir, { kind: 'client', roles: ['client'], mode: 'off' }, new Date(NOW), (error) => errors.push(error));
    const events = session(100);
    writer.record(events[0]!, NOW);
    vi.mocked(writeSync).mockImplementationOnce(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    expect(() => {
      for (const event of events) writer.record(event, NOW);
      writer.finish({ ok: true, reason: 'done' }, NOW);
    }).not.toThrow();
    expect(errors.map((error) => error.message)).toEqual(['ENOSPC: no space left on device, write']);
    expect(writer.finished).toBe(true);
    const read = parseTranscript(writer.path, await readFile(writer.path, 'utf8'));
    expect(read.complete).toBe(false);
    expect(read.lines).toHaveLength(1);
  });
});

/**
 * Reading the store back when a file in it is not what a transcript should be: a
 * metadata or outcome line that lacks a field or has one of the wrong type is
 * refused where the transcript is read, naming the file and the field, so that
 * history skips that file and says so, and replay and export say what is wrong
 * instead of failing somewhere inside. And trimming the store while other programs write to it: a
 * transcript still being written stays, whatever its age, with real files and
 * their modification times.
 */
import { readdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionLine } from '../../source/store/session-line.js';
import { applyRetention, findSession, IN_PROGRESS_MS, listSessions, parseTranscript, StoreError } from '../../source/store/session-store.js';
import { SessionRecorder } from '../../source/store/recorder.js';
import { TranscriptWriter } from '../../source/store/transcript.js';
import { NOW } from '../support/identities.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tls-tui-session-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const META = {
  type: 'meta',
  id: '20260101-000000000-client-abcdef',
  version: '0.1.0',
  startedAt: '2026-01-01T00:00:00.000Z',
  kind: 'client',
  roles: ['client'],
  mode: 'off',
} as const;

const transcriptText = (meta: object): string => `${JSON.stringify(meta)}\n`;

describe('a metadata line', () => {
  it('without request, verify, client or server reads: those are optional', () => {
    const transcript = parseTranscript('store/a.jsonl', transcriptText(META));
    expect(transcript.meta).toEqual(META);
    expect(transcript.complete).toBe(false);
  });

  it.each(['id', 'version', 'startedAt', 'kind', 'roles', 'mode'])('without "%s" is refused, naming the file and the field', (field) => {
    const { [field as keyof typeof META]: _left, ...rest } = META;
    expect(() => parseTranscript('store/a.jsonl', transcriptText(rest))).toThrow(new StoreError(`store/a.jsonl: the metadata has no "${field}"`));
  });

  it.each([
    ['id', 7, 'a string'],
    ['startedAt', 'yesterday', 'a date and time'],
    ['startedAt', 1767225600000, 'a date and time'],
    ['kind', 'laptop', 'one of dashboard, client, server, relay, demo'],
    ['roles', 'client', 'a list of strings'],
    ['roles', [1], 'a list of strings'],
    ['mode', null, 'a string'],
    ['client', 4041, 'a string'],
    ['request', { op: 'PUT' }, '{"op": "GET" or "LIST", "name": a string}'],
    ['request', { op: 'GET', name: 3 }, '{"op": "GET" or "LIST", "name": a string}'],
    ['verify', 'yes', 'true or false'],
  ])('with "%s" set to %j is refused, saying what it should be', (field, value, expected) => {
    const text = transcriptText({ ...META, [field]: value });
    expect(() => parseTranscript('store/a.jsonl', text)).toThrow(new StoreError(`store/a.jsonl: the metadata's "${field}" is ${JSON.stringify(value)}, not ${expected}`));
  });

  it.each(['null', '[]', '"meta"', '5'])('that is JSON but no object (%s) is refused as no metadata', (line) => {
    expect(() => parseTranscript('store/a.jsonl', `${line}\n`)).toThrow(new StoreError("store/a.jsonl: the first line is not a transcript's metadata"));
  });

  it('is followed by lines that are JSON but no object without harm: they are not events', () => {
    expect(parseTranscript('store/a.jsonl', `${transcriptText(META)}null\n7\n`).lines).toEqual([]);
  });
});

describe('an outcome line', () => {
  const OUTCOME = { type: 'outcome', ok: false, alert: { level: 'fatal', description: 48, reason: 'signed by "Mallory Root CA"' }, reason: 'stopped', durationMs: 12, bytes: 0, omitted: {}, streams: { 'client sent': 310 } } as const;
  const withOutcome = (outcome: object): string => `${transcriptText(META)}${JSON.stringify(outcome)}\n`;

  it('as a session writes it makes the transcript complete', () => {
    const transcript = parseTranscript('store/a.jsonl', withOutcome(OUTCOME));
    expect([transcript.complete, transcript.outcome]).toEqual([true, OUTCOME]);
  });

  it.each(['ok', 'durationMs', 'bytes', 'omitted', 'streams'])('without "%s" is refused, naming the file and the field', (field) => {
    const { [field as keyof typeof OUTCOME]: _left, ...rest } = OUTCOME;
    expect(() => parseTranscript('store/a.jsonl', withOutcome(rest))).toThrow(new StoreError(`store/a.jsonl: line 2: the outcome has no "${field}"`));
  });

  it.each([
    ['ok', 'yes', 'true or false'],
    ['durationMs', 'x', 'a number of 0 or more'],
    ['durationMs', -1, 'a number of 0 or more'],
    ['bytes', null, 'a number of 0 or more'],
    ['reason', 404, 'a string'],
    ['alert', { level: 'loud', description: 48, reason: '' }, '{"level": "warning" or "fatal", "description": a whole number, "reason": a string}'],
    ['request', { op: 'GET', name: 3 }, '{"op": "GET" or "LIST", "name": a string}'],
    ['omitted', { 'server FILE_DATA': 'many' }, 'an object of numbers of 0 or more'],
    ['streams', [310], 'an object of numbers of 0 or more'],
  ])('with "%s" set to %j is refused, saying what it should be', (field, value, expected) => {
    const text = withOutcome({ ...OUTCOME, [field]: value });
    expect(() => parseTranscript('store/a.jsonl', text)).toThrow(new StoreError(`store/a.jsonl: line 2: the outcome's "${field}" is ${JSON.stringify(value).slice(0, 40)}, not ${expected}`));
  });
});

describe('an event line', () => {
  const WIRE = { type: 'wire', role: 'client', action: 'sent', direction: 'client->server', contentType: 22, message: 'CLIENT_HELLO', encrypted: false, record: { $b64: 'FgMAAA==' } };
  const withEvent = (line: object): string => `${transcriptText(META)}${JSON.stringify(line)}\n`;

  it('as a session writes it is read back with its bytes', () => {
    const [line] = parseTranscript('store/a.jsonl', withEvent({ t: 3, offset: 0, event: WIRE })).lines;
    expect(line!.event).toMatchObject({ type: 'wire', message: 'CLIENT_HELLO', record: new Uint8Array([0x16, 0x03, 0x00, 0x00]) });
  });

  it.each([
    [{ t: 3, event: null }, 'the event is null, not an object with a "type"'],
    [{ t: 3, event: 'wire' }, 'the event is "wire", not an object with a "type"'],
    [{ event: WIRE }, 'the line has no "t"'],
    [{ t: 'soon', event: WIRE }, 'the line\'s "t" is "soon", not a number'],
    [{ t: 3, event: { ...WIRE, record: null } }, 'the wire event\'s "record" is null, not bytes ({"$b64": base64})'],
    [{ t: 3, event: { ...WIRE, record: undefined } }, 'the wire event has no "record"'],
    [{ t: 3, event: { ...WIRE, role: 'mallory' } }, 'the wire event\'s "role" is "mallory", not one of client, server'],
    [{ t: 3, event: { ...WIRE, fields: [{ name: 'x' }] } }, 'the wire event\'s "fields" is [{"name":"x"}], not a list of {"name", "offset", "length", "value"}'],
    [{ t: 3, event: { type: 'step', role: 'server', step: 'listen', status: 'great', detail: '' } }, 'the step event\'s "status" is "great", not one of pending, active, done, warning, failed, stopped, skipped'],
    [{ t: 3, event: { type: 'progress', role: 'client', done: '10', total: 20 } }, 'the progress event\'s "done" is "10", not a number of 0 or more'],
    [{ t: 3, event: { type: 'attack', role: 'attacker', kind: 'note' } }, 'the attack event has no "detail"'],
  ])('%j is refused, naming the line and what is wrong', (line, problem) => {
    expect(() => parseTranscript('store/a.jsonl', withEvent(line))).toThrow(new StoreError(`store/a.jsonl: line 2: ${problem}`));
  });

  it('of a kind nobody reads back needs only be an event', () => {
    expect(parseTranscript('store/a.jsonl', withEvent({ t: 1, event: { type: 'file-header', role: 'client', name: 'a', size: 1 } })).lines).toHaveLength(1);
  });
});

describe('a store with one transcript whose metadata is incomplete', () => {
  const good = { ...META, id: '20260101-000000002-client-abcdef', request: { op: 'GET', name: 'hello.txt' } };

  beforeEach(async () => {
    // The two files of the report: one without "mode", one with nothing but its id.
    const { mode: _mode, ...withoutMode } = { ...META, version: '0.0.9' };
    await writeFile(join(dir, '20260101-000000000-client-abcdef.jsonl'), transcriptText(withoutMode));
    await writeFile(join(dir, '20260101-000000001-client-abcdef.jsonl'), transcriptText({ type: 'meta', id: '20260101-000000001-client-abcdef' }));
    await writeFile(join(dir, `${good.id}.jsonl`), transcriptText(good));
  });

  it('lists the other sessions, each line whole, and tells which files it skipped and why', async () => {
    const skipped: string[] = [];
    const sessions = await listSessions(dir, (problem) => skipped.push(problem));
    expect(sessions.map((session) => session.id)).toEqual([good.id]);
    // Written a moment ago and without its outcome, the good one may still be running.
    expect(sessionLine(sessions[0]!).split(/ {2,}/)).toEqual(['2026-01-01 00:00:00', 'client', 'GET hello.txt', 'off', '… running']);
    expect(skipped).toEqual([
      `${join(dir, '20260101-000000001-client-abcdef.jsonl')}: the metadata has no "version"`,
      `${join(dir, '20260101-000000000-client-abcdef.jsonl')}: the metadata has no "mode"`,
    ]);
  });

  it('"last" is the newest session that can be read, as history lists it first', async () => {
    await writeFile(join(dir, '20260101-000000009-client-abcdef.jsonl'), '');
    expect((await findSession(dir, 'last')).meta.id).toBe(good.id);
  });

  it('refuses to replay or export the bad one, naming the file and the field', async () => {
    await rm(join(dir, `${good.id}.jsonl`));
    await expect(findSession(dir, 'last')).rejects.toThrow(new StoreError(`${join(dir, '20260101-000000001-client-abcdef.jsonl')}: the metadata has no "version"`));
    await expect(findSession(dir, '20260101-000000000')).rejects.toThrow(/000000000-client-abcdef\.jsonl: the metadata has no "mode"$/);
  });

  it('tells of a file it cannot read at all, and still lists the rest', async () => {
    await writeFile(join(dir, '20260101-000000003-client-abcdef.jsonl'), 'not json\n');
    const skipped: string[] = [];
    expect(await listSessions(dir, (problem) => skipped.push(problem))).toHaveLength(1);
    expect(skipped[0]).toBe(`${join(dir, '20260101-000000003-client-abcdef.jsonl')}: line 1 is not JSON`);
  });
});

describe('a session without its outcome', () => {
  it('is running while its transcript is being written, and incomplete once its writer is gone', async () => {
    const writer = TranscriptWriter.open(dir, { kind: 'client', roles: ['client'], mode: 'off' }, new Date(NOW));
    const [running] = await listSessions(dir);
    expect([running!.running, sessionLine(running!)]).toEqual([true, expect.stringMatching(/ … running$/)]);
    // A writer that stopped touching its file long ago crashed or was killed.
    await utimes(writer.path, new Date(), new Date(Date.now() - IN_PROGRESS_MS - 1_000));
    const [cut] = await listSessions(dir);
    expect([cut!.running, sessionLine(cut!)]).toEqual([undefined, expect.stringMatching(/ incomplete$/)]);
    writer.finish({ ok: true });
    const [done] = await listSessions(dir);
    expect([done!.complete, done!.running]).toEqual([true, undefined]);
  });
});

describe('retention while sessions run', () => {
  const open = (secondsAfterNow: number) => TranscriptWriter.open(dir, { kind: 'client', roles: ['client'], mode: 'off' }, new Date(NOW + secondsAfterNow * 1000));
  const files = async () => (await readdir(dir)).sort();
  /** Sets a file's modification time, as if it was last written `secondsAgo` seconds ago. */
  const lastWritten = (writer: TranscriptWriter, secondsAgo: number) => utimes(writer.path, new Date(), new Date(Date.now() - secondsAgo * 1000));

  it('never removes a transcript still being written, however many sessions end after it started', async () => {
    const long = open(0);
    // A long transfer keeps few of its events: its transcript may go unwritten for a while.
    await lastWritten(long, 30);
    const quick = [1, 2, 3, 4].map(open);
    for (const [index, writer] of quick.entries()) {
      writer.finish({ ok: true });
      await lastWritten(writer, 10 - index);
      await applyRetention(dir, 2);
    }
    expect(await files()).toEqual([long, quick[2]!, quick[3]!].map((writer) => `${writer.id}.jsonl`));
    await lastWritten(long, IN_PROGRESS_MS / 1000 - 5);
    expect(await applyRetention(dir, 2)).toBe(0);
    long.finish({ ok: true });
  });

  it('keeps a long session that has just ended: the newest are those written last, not those started last', async () => {
    const long = open(0);
    const quick = [1, 2, 3, 4].map(open);
    for (const [index, writer] of quick.entries()) {
      writer.finish({ ok: true });
      await lastWritten(writer, 10 - index);
    }
    long.finish({ ok: true });
    expect(await applyRetention(dir, 2)).toBe(3);
    expect(await files()).toEqual([long, quick[3]!].map((writer) => `${writer.id}.jsonl`));
  });

  it('removes a transcript without an outcome untouched for longer than the window: its program crashed', async () => {
    const crashed = open(0);
    const later = [1, 2].map(open);
    for (const writer of later) writer.finish({ ok: true });
    await lastWritten(crashed, IN_PROGRESS_MS / 1000 + 5);
    expect(await applyRetention(dir, 2)).toBe(1);
    expect(await files()).toEqual(later.map((writer) => `${writer.id}.jsonl`));
    crashed.finish({ ok: false });
  });

  it('removes a finished transcript written to a moment ago, and leaves one being created (still empty)', async () => {
    const finished = open(0);
    finished.finish({ ok: true });
    await writeFile(join(dir, '20260101-000000000-client-000000.jsonl'), '');
    const later = [1, 2].map(open);
    for (const writer of later) writer.finish({ ok: true });
    await utimes(join(dir, '20260101-000000000-client-000000.jsonl'), new Date(), new Date(Date.now() - 20_000));
    await lastWritten(finished, 20);
    expect(await applyRetention(dir, 2)).toBe(1);
    expect(await files()).toEqual(['20260101-000000000-client-000000.jsonl', ...later.map((writer) => `${writer.id}.jsonl`)]);
  });
});

describe('the recorder trimming the store', () => {
  it('ends with `keep` transcripts when many sessions end at once', async () => {
    const recorder = new SessionRecorder({ dir, keep: 5 });
    const writers = Array.from({ length: 40 }, () => recorder.open({ kind: 'server', roles: ['server'], mode: 'off' })!);
    // All in one turn of the event loop: a pass starts with the first, the rest wait for one more.
    for (const writer of writers) recorder.finish(writer, { ok: true });
    const deadline = Date.now() + 5_000;
    while ((await readdir(dir)).length > 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    // Five are left (which five, among sessions that started in the same millisecond, the names decide).
    const left = await readdir(dir);
    expect(left).toHaveLength(5);
    for (const name of left) expect(writers.map((writer) => `${writer.id}.jsonl`)).toContain(name);
  });
});

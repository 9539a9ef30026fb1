/**
 * Replaying a stored session: the transcript becomes the engine events it
 * recorded, stepping folds them through the dashboard's own reducer (so a replay
 * at its end shows what the live session showed), the user's place on screen
 * survives stepping, and in the running App `h` lists the store, Enter replays,
 * → steps forward under a REPLAY marker and Esc returns to the live dashboard.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKeystore } from '../../source/keystore/keystore.js';
import { readTranscript } from '../../source/store/session-store.js';
import { TranscriptWriter } from '../../source/store/transcript.js';
import { App } from '../../source/ui/App.js';
import { DashboardEngine } from '../../source/ui/dashboard-engine.js';
import { initialState } from '../../source/ui/dashboard-state.js';
import { omittedRecords, replayAction, replayEvents, replayNow, seekReplay, startReplay } from '../../source/ui/replay.js';
import { NOW, testPki } from '../support/identities.js';
import { fileOf, pairSession, stateAfter, trioSession } from './session-events.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tls-tui-replay-'));
}, 30_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function storedSession() {
  const recorded = pairSession(await testPki(), { files: new Map([['notes.txt', fileOf(5_000)]]) });
  const writer = TranscriptWriter.open(join(root, 'store'), { kind: 'demo', roles: ['client', 'server'], request: { op: 'GET', name: 'notes.txt' }, mode: 'off', verify: true }, new Date(NOW));
  recorded.log.forEach((event, index) => writer.record(event, NOW + index));
  writer.finish({ ok: true, reason: 'notes.txt received' }, NOW + recorded.log.length);
  return { recorded, transcript: await readTranscript(writer.path) };
}

describe('replay', () => {
  it('steps through the session and ends where the live session ended', async () => {
    const { transcript } = await storedSession();
    const events = replayEvents(transcript);
    let view = startReplay(transcript, initialState());
    expect(view.position).toBe(1);
    expect(Object.values(view.state.client.steps).every((step) => step.status === 'pending')).toBe(true);
    view = seekReplay(view, events.length);
    const live = stateAfter(events);
    expect(view.state.client.steps).toEqual(live.client.steps);
    expect(view.state.server.steps).toEqual(live.server.steps);
    expect(view.state.wire.map((entry) => entry.message)).toEqual(live.wire.map((entry) => entry.message));
    expect(view.state.result).toEqual({ ok: true, text: 'notes.txt received' });
  });

  it('shows the session as it stood after any number of events, and clamps at both ends', async () => {
    const { transcript } = await storedSession();
    const events = replayEvents(transcript);
    let view = startReplay(transcript, initialState());
    for (let position = 1; position <= events.length; position += 1) {
      view = seekReplay(view, position);
      expect(view.state.wire.length).toBe(stateAfter(events.slice(0, position)).wire.length);
    }
    expect(seekReplay(view, events.length + 10).position).toBe(events.length);
    expect(seekReplay(view, -5).position).toBe(1);
    // Home and End seek as far as a number goes.
    expect(seekReplay(view, view.position + Number.MAX_SAFE_INTEGER).position).toBe(events.length);
    expect(seekReplay(view, view.position - Number.MAX_SAFE_INTEGER).position).toBe(1);
  });

  it('replays a session the client did not verify with its warnings: ⚠ steps and an unauthenticated result', async () => {
    const recorded = trioSession(await testPki(), 'forged-key', new Map([['notes.txt', fileOf(500)]]), false);
    const writer = TranscriptWriter.open(join(root, 'store-insecure'), { kind: 'dashboard', roles: ['client', 'server', 'attacker'], request: { op: 'GET', name: 'notes.txt' }, mode: 'forged-key', verify: false }, new Date(NOW));
    recorded.log.forEach((event, index) => writer.record(event, NOW + index));
    writer.finish({ ok: true, reason: 'notes.txt received' }, NOW + recorded.log.length);
    const transcript = await readTranscript(writer.path);
    const view = seekReplay(startReplay(transcript, initialState()), replayEvents(transcript).length);
    expect(view.state.client.steps['verify-server-certificate']?.status).toBe('warning');
    expect(view.state.client.steps['verify-file']?.status).toBe('warning');
    expect(view.state.result).toMatchObject({ ok: true, unauthenticated: true });
  });

  it('ends a failed session with the result line the live one showed, "stopped:" once', async () => {
    const writer = TranscriptWriter.open(join(root, 'store-failed'), { kind: 'dashboard', roles: ['client', 'server'], request: { op: 'GET', name: 'notes.txt' }, mode: 'forged-key', verify: true }, new Date(NOW));
    writer.finish({ ok: false, reason: 'stopped: bad_certificate: the signature does not verify' }, NOW + 5);
    const headless = TranscriptWriter.open(join(root, 'store-failed'), { kind: 'client', roles: ['client'], request: { op: 'GET', name: 'notes.txt' }, mode: 'off' }, new Date(NOW + 1));
    headless.finish({ ok: false, alert: { level: 'fatal', description: 48, reason: 'signed by "Mallory Root CA"' } }, NOW + 6);
    for (const [path, text] of [
      [writer.path, 'stopped: bad_certificate: the signature does not verify'],
      [headless.path, 'stopped: unknown_ca: signed by "Mallory Root CA"'],
    ] as const) {
      const transcript = await readTranscript(path);
      expect(seekReplay(startReplay(transcript, initialState()), replayEvents(transcript).length).state.result).toEqual({ ok: false, text });
    }
  });

  it('shows the control characters of a transcript edited by hand as text: a step detail and the result', async () => {
    const hostile = '\u001b]0;owned\u0007\u001b[2J';
    const writer = TranscriptWriter.open(join(root, 'store-edited'), { kind: 'client', roles: ['client'], request: { op: 'GET', name: 'notes.txt' }, mode: 'off' }, new Date(NOW));
    writer.record({ type: 'step', role: 'client', step: 'connect', status: 'done', detail: hostile }, NOW + 1);
    writer.finish({ ok: false, reason: hostile }, NOW + 2);
    const transcript = await readTranscript(writer.path);
    const state = seekReplay(startReplay(transcript, initialState()), replayEvents(transcript).length).state;
    expect(state.client.steps.connect?.detail).toBe('\\u001b]0;owned\\u0007\\u001b[2J');
    expect(state.result?.text).toBe('stopped: \\u001b]0;owned\\u0007\\u001b[2J');
  });

  it("shows the live folders in the Files and Received tabs, which a session does not record", async () => {
    const { transcript } = await storedSession();
    const live = { ...initialState(), files: [{ name: 'hello.txt', size: 254 }], received: [{ name: 'notes.txt', size: 5_000, sha256: 'ab'.repeat(32) }], filter: 'hel' };
    for (const position of [1, 20, replayEvents(transcript).length]) {
      const { state } = seekReplay(startReplay(transcript, live), position);
      expect([state.files, state.received, state.filter]).toEqual([live.files, live.received, live.filter]);
    }
    // A public folder that is missing stays missing, not "empty".
    const missing = { ...initialState(), files: [], filesMissing: '/srv/pubic' };
    expect(seekReplay(startReplay(transcript, missing), 20).state.filesMissing).toBe('/srv/pubic');
  });

  it("keeps the inspector's place in the bytes across steps, as it keeps the record inspected", async () => {
    const { transcript } = await storedSession();
    let view = seekReplay(startReplay(transcript, initialState()), 20);
    view = replayAction(view, { type: 'open', overlay: 'inspector' });
    view = replayAction(view, { type: 'scroll-bytes', pages: 1, dumpRows: 4 });
    const { hexTop } = view.state;
    expect(hexTop).toBeGreaterThan(0);
    view = seekReplay(view, 21);
    expect([view.state.overlay, view.state.hexTop]).toEqual(['inspector', hexTop]);
  });

  it('keeps its clock at the replayed moment, so a transfer\'s rate is the rate it had then', async () => {
    const { transcript } = await storedSession();
    const events = replayEvents(transcript);
    for (const position of [1, 20, events.length]) {
      const view = seekReplay(startReplay(transcript, initialState()), position);
      const lastPeer = events.slice(0, position).findLast((event) => event.type === 'peer');
      expect(replayNow(view)).toBe(lastPeer?.type === 'peer' ? lastPeer.at : Date.parse(transcript.meta.startedAt));
    }
    expect(replayNow(seekReplay(startReplay(transcript, initialState()), 20))).toBeLessThan(Date.now() - 60_000);
  });

  it('counts every message a transcript capped under the wire log\'s kind, by its sender, and leaves the relay\'s own counts apart', async () => {
    const { transcript } = await storedSession();
    const headless = {
      ...transcript,
      meta: { ...transcript.meta, kind: 'client' as const, roles: ['client'] },
      outcome: { ...transcript.outcome!, omitted: { 'client received LIST_RESPONSE': 136, 'client received FILE_DATA': 10, 'client sent REQUEST': 2, 'attacker client->server encrypted record': 3 } },
    };
    expect(omittedRecords(headless)).toEqual({
      listed: { 'server LIST_RESPONSE': 136, 'server FILE_DATA': 10, 'client REQUEST': 2 },
      other: { 'attacker client->server encrypted record': 3 },
    });
    // Both peers' lines in one transcript: what one received is what the other sent, counted once.
    const both = { ...headless, meta: { ...headless.meta, roles: ['client', 'server'] } };
    expect(omittedRecords(both).listed).toEqual({ 'client REQUEST': 2 });
  });

  it('keeps the focus and cursors across steps', async () => {
    const { transcript } = await storedSession();
    let view = seekReplay(startReplay(transcript, initialState()), 20);
    view = replayAction(view, { type: 'focus', to: 'server' });
    view = replayAction(view, { type: 'move', delta: 3 });
    view = seekReplay(view, 40);
    expect(view.state.focus).toBe('server');
    expect(view.state.cursor.server).toBe(3);
  });

  it('in the App: h lists the store, Enter replays under a REPLAY marker, → steps, Esc goes back to live', async () => {
    await storedSession();
    const keystore = await openKeystore(join(root, 'keystore'));
    const publicDir = join(root, 'public');
    await mkdir(publicDir, { recursive: true });
    await writeFile(join(publicDir, 'a.txt'), 'a\n');
    const engine = await DashboardEngine.start({ keystore, publicDir, receivedDir: join(root, 'received'), port: 0, store: { dir: join(root, 'store') } });
    const app = render(<App engine={engine} />);
    const frame = () => stripVTControlCharacters(app.lastFrame() ?? '');
    const until = async (predicate: (text: string) => boolean) => {
      const deadline = Date.now() + 5_000;
      while (!predicate(frame())) {
        if (Date.now() > deadline) throw new Error(`the frame never matched:\n${frame()}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return frame();
    };
    const press = async (key: string) => {
      app.stdin.write(key);
      await new Promise((resolve) => setTimeout(resolve, 80));
    };
    try {
      await until((text) => text.includes('a.txt'));
      await press('h');
      await until((text) => /History: \d+ sessions? in store\//.test(text) && text.includes('GET notes.txt'));
      await press('\r');
      const first = await until((text) => /REPLAY 1\/\d+/.test(text));
      expect(first).toContain('not live');
      // Mid-replay the session is named by when it was kept, not numbered like a live one.
      expect(first).toContain(`● stored session of ${new Date(NOW).toISOString().replace('T', ' ').slice(0, 19)} UTC: GET "notes.txt"`);
      expect(first).not.toContain('session 0');
      await press('\u001b[C');
      await until((text) => /REPLAY 2\/\d+/.test(text));
      // Keys for the live session only say so: no history over the replay.
      await press('h');
      const refused = await until((text) => text.includes('this is a replay: Esc returns to the live dashboard'));
      expect(refused).not.toContain('History:');
      await press('/');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(frame()).not.toContain('filter files:');
      expect(frame()).not.toContain('Esc cancel');
      expect(frame()).toMatch(/REPLAY 2\/\d+/);
      await press('\u001b');
      const live = await until((text) => !text.includes('REPLAY'));
      expect(live).toContain('attacker: off');
    } finally {
      app.unmount();
      await engine.close();
    }
  }, 30_000);
});

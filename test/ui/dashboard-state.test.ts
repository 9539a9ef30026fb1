/**
 * The dashboard's pure reducer, fed the events of real sessions: an in-memory
 * ConnectionPair (each checklist ends exactly as the peer's own, the wire log is
 * the records each peer sent, in order, on the hop they crossed), a MitmTrio with
 * the attacker on (hops through "mitm", rewritten records described from their own
 * bytes, forwarded records read as their sender wrote them), and a large transfer
 * whose FILE_DATA beyond WIRE_KEEP_PER_KIND is counted, never stored. Then the
 * key-driven actions: focus cycling, cursor moves clamped to each list (the files
 * the filter shows, the steps, the wire, the inspector's fields), the inspector
 * that needs a record, the filter that resets the file cursor, the progress clock,
 * and what `held`, `released`, `session-start` and `session-end` set and clear.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttackEvent, StepEvent, WireEvent } from '../../source/protocol/events.js';
import { describeRecord } from '../../source/protocol/fields.js';
import { CLIENT_STEPS, type Role, SERVER_STEPS, stepsOf } from '../../source/protocol/steps.js';
import type { SessionSummary } from '../../source/store/session-store.js';
import {
  dashboardReducer,
  type DashboardState,
  type EngineEvent,
  FOCUS_ORDER,
  initialState,
  selectedWireEntry,
  visibleFiles,
  WIRE_KEEP_PER_KIND,
  type WireEntry,
} from '../../source/ui/dashboard-state.js';
import { interpretKey } from '../../source/ui/key-map.js';
import { NOW, type TestPki, testPki } from '../support/identities.js';
import { attackEventsOf, engineEvents, fileOf, isSentWire, pairSession, stateAfter, trioSession } from './session-events.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

const NOTES = new Map([['notes.txt', fileOf(5_000)]]);
const FILES = [
  { name: 'alpha.txt', size: 10 },
  { name: 'beta.bin', size: 2_000 },
  { name: 'gamma.txt', size: 30 },
  { name: 'delta.md', size: 400 },
  { name: 'epsilon.txt', size: 5 },
];

const engine = (state: DashboardState, ...events: EngineEvent[]): DashboardState => dashboardReducer(state, { type: 'engine', events });
const withFiles = (state = initialState()): DashboardState => engine(state, { type: 'files', files: FILES });

/** The last step event for each step of `role`, as the reducer should show it. */
function lastStepEvents(log: readonly { type: string }[], role: Role): Map<string, StepEvent> {
  const last = new Map<string, StepEvent>();
  for (const event of log) if (event.type === 'step' && (event as StepEvent).role === role) last.set((event as StepEvent).step, event as StepEvent);
  return last;
}

describe('a clean session through a ConnectionPair', () => {
  it('ends each pane with the statuses and details of the peer’s own checklist', () => {
    const recorded = pairSession(pki, { files: NOTES });
    const state = stateAfter(engineEvents(recorded));
    for (const [role, peer] of [['client', recorded.run.client], ['server', recorded.run.server]] as const) {
      const last = lastStepEvents(recorded.log, role);
      for (const step of stepsOf(role)) {
        expect(state[role].steps[step.id]?.status, `${role} ${step.id}`).toBe(peer.stepStatus(step.id as never));
        expect(state[role].steps[step.id]?.detail, `${role} ${step.id}`).toBe(last.get(step.id)?.detail ?? '');
      }
    }
    // A clean session leaves every step of both checklists done.
    expect(Object.values(state.client.steps).map((step) => step.status)).toEqual(CLIENT_STEPS.map(() => 'done'));
    expect(Object.values(state.server.steps).map((step) => step.status)).toEqual(SERVER_STEPS.map(() => 'done'));
    expect(state.client.progress).toMatchObject({ done: 5_000, total: 5_000 });
  });

  it('lists exactly the records each peer sent, in order, on the direct hops', () => {
    const recorded = pairSession(pki, { files: NOTES });
    const state = stateAfter(engineEvents(recorded));
    const sent = recorded.log.filter(isSentWire);
    expect(state.wire.map((entry) => [entry.from, entry.hop, entry.direction, entry.message])).toEqual(
      sent.map((event) => [event.role, event.role === 'client' ? 'client → server' : 'server → client', event.direction, event.message]),
    );
    expect(state.wire.map((entry) => entry.id)).toEqual(sent.map((_, index) => index));
    for (const [index, entry] of state.wire.entries()) {
      expect(entry.record).toBe(sent[index]!.record);
      // A live event carries no breakdown: the wire log describes each record it keeps.
      expect(sent[index]!.fields).toBeUndefined();
      expect(entry.fields).toEqual(describeRecord(sent[index]!.record, sent[index]!.encrypted, sent[index]!.plaintext).fields);
      expect(entry.encrypted).toBe(sent[index]!.encrypted);
      expect(entry.attack).toBeUndefined();
    }
    // The same records, direction by direction, that the pair handed across.
    for (const direction of ['client->server', 'server->client'] as const) {
      expect(state.wire.filter((entry) => entry.direction === direction).map((entry) => entry.record)).toEqual(recorded.run.sent[direction]);
    }
    expect(state.wire.map((entry) => entry.message)).toEqual([
      'CLIENT_HELLO', 'SERVER_HELLO', 'CLIENT_KEY_EXCHANGE', 'CERTIFICATE_VERIFY', 'SERVER_KEY_EXCHANGE', 'FINISHED', 'FINISHED',
      'REQUEST GET', 'FILE_HEADER', 'FILE_DATA', 'FILE_END', 'alert close_notify', 'alert close_notify',
    ]);
    expect(state.wireOmitted).toEqual({});
  });

  it('keeps the decrypted payload of encrypted records the sender could read', () => {
    const recorded = pairSession(pki, { files: NOTES });
    const state = stateAfter(engineEvents(recorded));
    const finished = state.wire.find((entry) => entry.message === 'FINISHED' && entry.from === 'client')!;
    expect(finished.encrypted).toBe(true);
    expect(finished.plaintext).toBeInstanceOf(Uint8Array);
    expect(finished.plaintextFields?.map((field) => field.name)).toContain('verify_data');
    const hello = state.wire[0]!;
    expect(hello.encrypted).toBe(false);
    expect(hello.plaintext).toBeUndefined();
  });

  it('ignores the events the panes do not show (file data, received records); keys only add the secret', () => {
    const recorded = pairSession(pki, { files: NOTES });
    const shown = recorded.log.filter((event) => event.type === 'step' || event.type === 'progress' || isSentWire(event));
    const all = stateAfter(engineEvents(recorded, 0));
    const only = stateAfter(engineEvents({ ...recorded, log: shown }, 0));
    const { secret: clientSecret, ...client } = all.client;
    const { secret: serverSecret, ...server } = all.server;
    expect(client).toEqual(only.client);
    expect(server).toEqual(only.server);
    expect(all.wire.map(({ secret: _secret, ...entry }) => entry)).toEqual(only.wire);
    // Both sides agreed one secret, and it is what the key exchanges carried.
    expect(clientSecret).toHaveLength(32);
    expect(serverSecret).toEqual(clientSecret);
    expect(all.wire.filter((entry) => entry.secret !== undefined).map((entry) => entry.message)).toEqual(['CLIENT_KEY_EXCHANGE', 'SERVER_KEY_EXCHANGE']);
  });
});

describe('a session with the attacker in between', () => {
  const hopsOf = (wire: readonly WireEntry[]) => [...new Set(wire.map((entry) => `${entry.from}: ${entry.hop}`))].sort();

  it('routes every hop through "mitm" when the session’s mode is not off', () => {
    const recorded = trioSession(pki, 'bit-flip', NOTES);
    const state = stateAfter(engineEvents(recorded));
    expect(hopsOf(state.wire)).toEqual(['attacker: mitm → client', 'attacker: mitm → server', 'client: client → mitm', 'server: server → mitm']);
    // Every record a peer sent, and every record the attacker passed on, is listed.
    const attack = attackEventsOf(recorded.log).filter((event) => event.record !== undefined || event.original !== undefined);
    expect(state.wire.filter((entry) => entry.from === 'attacker').map((entry) => entry.attack)).toEqual(attack.map((event) => event.kind));
    expect(state.wire.filter((entry) => entry.from !== 'attacker').length).toBe(recorded.log.filter(isSentWire).length);
  });

  it('reads a forwarded record as its sender wrote it, decrypted payload included', () => {
    const recorded = trioSession(pki, 'bit-flip', NOTES);
    const state = stateAfter(engineEvents(recorded));
    const forwarded = state.wire.filter((entry) => entry.attack === 'forwarded');
    expect(forwarded.length).toBeGreaterThan(4);
    for (const entry of forwarded) {
      const original = state.wire.find((candidate) => candidate.from !== 'attacker' && Buffer.compare(candidate.record, entry.record) === 0);
      expect(original, entry.message).toBeDefined();
      expect(entry.message).toBe(original!.message);
      expect(entry.fields).toEqual(original!.fields);
      expect(entry.plaintext).toBe(original!.plaintext);
      expect(entry.plaintextFields).toEqual(original!.plaintextFields);
    }
    // The attacker cannot read FINISHED, yet the log shows it decrypted: the client's plaintext, reused.
    const finished = forwarded.find((entry) => entry.direction === 'client->server' && entry.encrypted)!;
    expect(finished.message).toBe('FINISHED');
    expect(finished.plaintextFields?.map((field) => field.name)).toContain('verify_data');
    const attackerSaid = attackEventsOf(recorded.log).find((event) => event.kind === 'forwarded' && event.record !== undefined && Buffer.compare(event.record, finished.record) === 0)!;
    expect(attackerSaid.message).toBe('encrypted handshake');
  });

  it('describes a rewritten record from its own bytes, not from what it replaced', () => {
    const recorded = trioSession(pki, 'forged-key', NOTES);
    const state = stateAfter(engineEvents(recorded));
    const rewritten = state.wire.filter((entry) => entry.attack === 'rewritten');
    expect(rewritten.map((entry) => [entry.message, entry.hop])).toEqual([['SERVER_HELLO', 'mitm → client']]);
    const entry = rewritten[0]!;
    const event = attackEventsOf(recorded.log).find((candidate) => candidate.kind === 'rewritten')!;
    expect(entry.record).toBe(event.record);
    expect(entry.fields).toEqual(describeRecord(event.record!, false).fields);
    const genuine = state.wire.find((candidate) => candidate.from === 'server' && candidate.message === 'SERVER_HELLO')!;
    expect(genuine.hop).toBe('server → mitm');
    // Same certificate text, another public key: the certificate's bytes differ.
    const certificate = (wire: WireEntry) => {
      const length = wire.fields.find((candidate) => candidate.name === 'certificate length')!;
      return Buffer.from(wire.record.subarray(length.offset + 2, length.offset + 2 + Number(length.value)));
    };
    expect(certificate(entry).length).toBeGreaterThan(0);
    expect(certificate(entry).equals(certificate(genuine))).toBe(false);
    expect(entry.note).toBe(event.detail);
  });

  it('describes the flipped REQUEST from its bytes: encrypted, with no plaintext borrowed from the client', () => {
    const recorded = trioSession(pki, 'bit-flip', NOTES);
    const state = stateAfter(engineEvents(recorded));
    const flipped = state.wire.find((entry) => entry.attack === 'rewritten')!;
    const sent = state.wire.find((entry) => entry.from === 'client' && entry.message === 'REQUEST GET')!;
    expect(flipped.message).toBe('encrypted REQUEST');
    expect(flipped.encrypted).toBe(true);
    expect(flipped.plaintext).toBeUndefined();
    expect(flipped.fields).toEqual(describeRecord(flipped.record, true).fields);
    const differing = [...flipped.record].filter((byte, index) => byte !== sent.record[index]);
    expect(differing).toHaveLength(1);
  });

  it('marks the attacker’s own records as injected on its hop to the server', () => {
    const recorded = trioSession(pki, 'replay-client', NOTES);
    const state = stateAfter(engineEvents(recorded));
    const injected = state.wire.filter((entry) => entry.attack === 'injected');
    expect(injected.map((entry) => [entry.hop, entry.message])).toEqual([
      ['mitm → server', 'CLIENT_HELLO'],
      ['mitm → server', 'CLIENT_KEY_EXCHANGE'],
      ['mitm → server', 'CERTIFICATE_VERIFY'],
    ]);
    expect(state.attackNotes.some((note) => note.startsWith("read: copied the client's certificate"))).toBe(true);
  });

  it('shows a dropped record on a broken hop, and keeps notes and reads in order', () => {
    const record = fileOf(20);
    const dropped: AttackEvent = { type: 'attack', role: 'attacker', mode: 'forged-key', kind: 'dropped', direction: 'server->client', message: 'SERVER_KEY_EXCHANGE', detail: 'cut off', encrypted: false, original: record };
    const note: AttackEvent = { type: 'attack', role: 'attacker', mode: 'forged-key', kind: 'note', detail: 'first' };
    const read: AttackEvent = { type: 'attack', role: 'attacker', mode: 'forged-key', kind: 'read', detail: 'second' };
    const start: EngineEvent = { type: 'session-start', session: { id: 1, request: { op: 'LIST' }, mode: 'forged-key', verify: true, startedAt: NOW } };
    const state = engine(initialState(), start, ...[note, dropped, read].map((event): EngineEvent => ({ type: 'peer', event, at: NOW })));
    expect(state.wire.map((entry) => [entry.hop, entry.attack, entry.note])).toEqual([['mitm ✗ client', 'dropped', 'cut off']]);
    expect(state.wire[0]!.record).toBe(record);
    expect(state.attackNotes).toEqual(['first', 'read: second']);
  });
});

describe('an attack that is caught', () => {
  const ended = (state: DashboardState, role: Role, status: string) => stepsOf(role).filter((step) => state[role].steps[step.id]?.status === status).map((step) => step.id);

  it('forged-key: ✘ only where the client caught it; the server’s step is stopped by the client’s alert', () => {
    const state = stateAfter(engineEvents(trioSession(pki, 'forged-key', NOTES)));
    expect(ended(state, 'client', 'failed')).toEqual(['verify-server-certificate']);
    expect(ended(state, 'server', 'failed')).toEqual([]);
    expect(ended(state, 'server', 'stopped')).toHaveLength(1);
    expect(state.server.steps[ended(state, 'server', 'stopped')[0]!]?.detail).toMatch(/^stopped: client sent bad_certificate/);
  });

  it('replay-client: ✘ only where the server caught it; the client’s step is stopped by the server’s alert', () => {
    const state = stateAfter(engineEvents(trioSession(pki, 'replay-client', NOTES)));
    expect(ended(state, 'server', 'failed')).toEqual(['key-exchange']);
    expect(ended(state, 'client', 'failed')).toEqual([]);
    expect(state.client.steps['verify-server-certificate']).toMatchObject({ status: 'stopped', detail: expect.stringMatching(/^stopped: server sent decrypt_error/) });
  });
});

describe('a session whose client did not verify the certificate', () => {
  const end: EngineEvent = { type: 'session-end', result: { ok: true, text: 'notes.txt received' } };

  it('shows the attacker’s success as a warning: ⚠ at the certificate and the signature, and an unauthenticated result', () => {
    const state = stateAfter([...engineEvents(trioSession(pki, 'forged-key', NOTES, false)), end]);
    expect(state.client.steps['verify-server-certificate']).toMatchObject({ status: 'warning', detail: expect.stringMatching(/^NOT VERIFIED \(insecure\)/) });
    expect(state.client.steps['verify-file']?.status).toBe('warning');
    expect(state.result).toEqual({ ok: true, text: 'notes.txt received', unauthenticated: true });
  });

  it('leaves a verified session’s result as it came, and a failed one failed', () => {
    expect(stateAfter([...engineEvents(pairSession(pki, { files: NOTES })), end]).result).toEqual({ ok: true, text: 'notes.txt received' });
    const failed: EngineEvent = { type: 'session-end', result: { ok: false, text: 'stopped' } };
    expect(stateAfter([...engineEvents(trioSession(pki, 'forged-key', NOTES, false)), failed]).result).toEqual({ ok: false, text: 'stopped' });
  });
});

describe('a large transfer', () => {
  it(`stores at most ${WIRE_KEEP_PER_KIND} FILE_DATA records per sender and counts the rest`, () => {
    const size = 1_000_000;
    const recorded = pairSession(pki, { files: new Map([['big.bin', fileOf(size)]]), request: { op: 'GET', name: 'big.bin' } });
    const state = stateAfter(engineEvents(recorded));
    const fileData = recorded.log.filter((event): event is WireEvent => isSentWire(event) && event.message === 'FILE_DATA');
    expect(fileData.length).toBeGreaterThan(WIRE_KEEP_PER_KIND * 4);
    const kept = state.wire.filter((entry) => entry.message === 'FILE_DATA');
    expect(kept.map((entry) => entry.record)).toEqual(fileData.slice(0, WIRE_KEEP_PER_KIND).map((event) => event.record));
    expect(state.wireOmitted).toEqual({ 'server FILE_DATA': fileData.length - WIRE_KEEP_PER_KIND });
    expect(state.wire.length).toBe(recorded.log.filter(isSentWire).length - (fileData.length - WIRE_KEEP_PER_KIND));
    expect(state.wire.length).toBeLessThan(13 + WIRE_KEEP_PER_KIND);
    expect(state.wire.map((entry) => entry.id)).toEqual(state.wire.map((_, index) => index));
    // The records after the omitted ones are still listed.
    expect(state.wire.at(-3)!.message).toBe('FILE_END');
    expect(state.client.progress).toMatchObject({ done: size, total: size });
  });

  it('keeps every rewritten record, however many', () => {
    const start: EngineEvent = { type: 'session-start', session: { id: 1, request: { op: 'LIST' }, mode: 'bit-flip', verify: true, startedAt: NOW } };
    const rewrites = Array.from({ length: WIRE_KEEP_PER_KIND + 3 }, (_, index): EngineEvent => ({
      type: 'peer', at: NOW,
      event: { type: 'attack', role: 'attacker', mode: 'bit-flip', kind: 'rewritten', direction: 'client->server', message: 'encrypted REQUEST', detail: 'flip', encrypted: true, record: fileOf(40 + index) },
    }));
    const state = engine(initialState(), start, ...rewrites);
    expect(state.wire).toHaveLength(WIRE_KEEP_PER_KIND + 3);
    expect(state.wireOmitted).toEqual({});
  });
});

describe('session-start', () => {
  it('resets the panes, the wire, the notes, the result and a held record, and keeps the files, filter and focus', () => {
    const recorded = trioSession(pki, 'forged-key', NOTES);
    let state = stateAfter(engineEvents(recorded), withFiles());
    state = engine(state, { type: 'held', role: 'client', message: 'CLIENT_HELLO' }, { type: 'session-end', result: { ok: false, text: 'stopped' } }, { type: 'notice', text: 'hello' });
    state = dashboardReducer(state, { type: 'filter', text: 'a' });
    state = dashboardReducer(state, { type: 'focus', to: 'wire' });
    state = dashboardReducer(state, { type: 'move', delta: 3 });
    state = dashboardReducer(state, { type: 'open', overlay: 'inspector' });
    expect(state.wire.length).toBeGreaterThan(3);
    expect(state.attackNotes.length).toBeGreaterThan(0);
    expect(state.overlay).toBe('inspector');

    const session = { id: 2, request: { op: 'GET', name: 'alpha.txt' }, mode: 'off', verify: false, startedAt: NOW + 5 } as const;
    const next = engine(state, { type: 'session-start', session });
    expect(next.session).toEqual(session);
    expect(next.running).toBe(true);
    expect(next.result).toBeUndefined();
    expect(next.held).toBeUndefined();
    expect(next.notice).toBeUndefined();
    expect(next.client).toEqual(initialState().client);
    expect(next.server).toEqual(initialState().server);
    expect(next.wire).toEqual([]);
    expect(next.wireOmitted).toEqual({});
    expect(next.attackNotes).toEqual([]);
    expect(next.cursor.wire).toBe(0);
    expect(next.overlay).toBe('none');
    expect(next.files).toBe(state.files);
    expect(next.filter).toBe('a');
    expect(next.focus).toBe('wire');
  });

  it('leaves the help open across a new session', () => {
    const state = dashboardReducer(initialState(), { type: 'open', overlay: 'help' });
    const next = engine(state, { type: 'session-start', session: { id: 1, request: { op: 'LIST' }, mode: 'off', verify: true, startedAt: NOW } });
    expect(next.overlay).toBe('help');
  });
});

describe('focus', () => {
  it('cycles through FOCUS_ORDER forwards and backwards, wrapping at both ends', () => {
    let forward = initialState();
    const seen = [forward.focus];
    for (let index = 0; index < FOCUS_ORDER.length; index += 1) {
      forward = dashboardReducer(forward, { type: 'focus', to: 'next' });
      seen.push(forward.focus);
    }
    expect(seen).toEqual([...FOCUS_ORDER, FOCUS_ORDER[0]]);

    let backward = initialState();
    const back = [backward.focus];
    for (let index = 0; index < FOCUS_ORDER.length; index += 1) {
      backward = dashboardReducer(backward, { type: 'focus', to: 'previous' });
      back.push(backward.focus);
    }
    expect(back).toEqual([FOCUS_ORDER[0], ...[...FOCUS_ORDER].reverse()]);
  });

  it('goes straight to a named pane', () => {
    expect(dashboardReducer(initialState(), { type: 'focus', to: 'server' }).focus).toBe('server');
  });
});

describe('move', () => {
  const moved = (state: DashboardState, ...deltas: number[]) => deltas.reduce((current, delta) => dashboardReducer(current, { type: 'move', delta }), state);

  it('clamps the file cursor to the files the filter shows', () => {
    const all = withFiles();
    expect(moved(all, 100).cursor.files).toBe(FILES.length - 1);
    expect(moved(all, 100, -100).cursor.files).toBe(0);
    const filtered = dashboardReducer(all, { type: 'filter', text: 'TXT' });
    expect(visibleFiles(filtered).map((file) => file.name)).toEqual(['alpha.txt', 'gamma.txt', 'epsilon.txt']);
    expect(moved(filtered, 1).cursor.files).toBe(1);
    expect(moved(filtered, 100).cursor.files).toBe(2);
    expect(moved(filtered, -1).cursor.files).toBe(0);
  });

  it('clamps each checklist cursor to its eleven steps', () => {
    for (const role of ['client', 'server'] as const) {
      const focused = dashboardReducer(initialState(), { type: 'focus', to: role });
      expect(moved(focused, 3).cursor[role]).toBe(3);
      expect(moved(focused, 50).cursor[role]).toBe(stepsOf(role).length - 1);
      expect(moved(focused, 50, -60).cursor[role]).toBe(0);
    }
  });

  it('clamps the wire cursor to the records listed, and stays at 0 in an empty list', () => {
    const empty = dashboardReducer(initialState(), { type: 'focus', to: 'wire' });
    expect(moved(empty, 5).cursor.wire).toBe(0);
    const state = stateAfter(engineEvents(pairSession(pki, { files: NOTES })), empty);
    expect(moved(state, 5).cursor.wire).toBe(5);
    expect(moved(state, 500).cursor.wire).toBe(state.wire.length - 1);
    expect(moved(dashboardReducer(initialState(), { type: 'focus', to: 'received' }), 1).cursor.received).toBe(0);
  });

  it('moves only the cursor of the focused pane', () => {
    const state = moved(dashboardReducer(withFiles(), { type: 'focus', to: 'server' }), 2);
    expect(state.cursor).toEqual({ files: 0, received: 0, wire: 0, client: 0, server: 2 });
  });

  it('in the inspector, moves the field cursor over the record’s fields and then its decrypted ones', () => {
    let state = stateAfter(engineEvents(pairSession(pki, { files: NOTES })));
    state = dashboardReducer(state, { type: 'focus', to: 'wire' });
    const finishedIndex = state.wire.findIndex((entry) => entry.message === 'FINISHED');
    state = moved(state, finishedIndex);
    state = dashboardReducer(state, { type: 'open', overlay: 'inspector' });
    const entry = selectedWireEntry(state)!;
    expect(entry.message).toBe('FINISHED');
    const fields = entry.fields.length + entry.plaintextFields!.length;
    expect(entry.plaintextFields!.length).toBeGreaterThan(0);
    expect(moved(state, 2).fieldCursor).toBe(2);
    expect(moved(state, 100).fieldCursor).toBe(fields - 1);
    expect(moved(state, 100, -200).fieldCursor).toBe(0);
    // The wire cursor stays where it was while the inspector is open.
    expect(moved(state, 100).cursor.wire).toBe(finishedIndex);
  });
});

describe('open and close', () => {
  it('does not open the inspector without a selected record', () => {
    const state = dashboardReducer(initialState(), { type: 'focus', to: 'wire' });
    expect(dashboardReducer(state, { type: 'open', overlay: 'inspector' })).toBe(state);
  });

  it('opens the inspector at its first field, and closes it', () => {
    let state = stateAfter(engineEvents(pairSession(pki, { files: NOTES })));
    state = { ...state, fieldCursor: 4 };
    const open = dashboardReducer(state, { type: 'open', overlay: 'inspector' });
    expect(open.overlay).toBe('inspector');
    expect(open.fieldCursor).toBe(0);
    expect(dashboardReducer(open, { type: 'close-overlay' }).overlay).toBe('none');
  });

  it('opens the help without touching the field cursor', () => {
    const state = { ...initialState(), fieldCursor: 3 };
    const open = dashboardReducer(state, { type: 'open', overlay: 'help' });
    expect(open.overlay).toBe('help');
    expect(open.fieldCursor).toBe(3);
  });

  it('opens the history as not yet read, each time, until the store\'s listing arrives', () => {
    const listed = engine(initialState(), { type: 'history', sessions: [] });
    expect(listed.historyFresh).toBe(true);
    const opened = dashboardReducer(listed, { type: 'open', overlay: 'history' });
    expect(opened.historyFresh).toBe(false);
    expect(engine(opened, { type: 'history', sessions: [] }).historyFresh).toBe(true);
    expect(dashboardReducer(listed, { type: 'open', overlay: 'help' }).historyFresh).toBe(true);
  });

  it('keeps the history cursor on the session it was on when newer sessions come in above it', () => {
    const stored = (id: string): SessionSummary => ({ id, path: `/store/${id}.jsonl`, meta: { type: 'meta', id, version: '0.1.0', kind: 'dashboard', startedAt: '2026-11-27T12:00:00.000Z', roles: ['client'], mode: 'off' }, complete: true });
    const listed = engine(initialState(), { type: 'history', sessions: ['c', 'b', 'a'].map(stored) });
    const onB = dashboardReducer(dashboardReducer(listed, { type: 'open', overlay: 'history' }), { type: 'move', delta: 1 });
    expect(onB.history[onB.historyCursor]?.id).toBe('b');
    const relisted = engine(onB, { type: 'history', sessions: ['e', 'd', 'c', 'b', 'a'].map(stored) });
    expect(relisted.history[relisted.historyCursor]?.id).toBe('b');
    // A session trimmed away leaves the cursor where it was, within the list.
    expect(engine(relisted, { type: 'history', sessions: ['f', 'e'].map(stored) }).historyCursor).toBe(1);
  });
});

describe('filter', () => {
  it('sets the text and puts the file cursor back on the first match', () => {
    const state = dashboardReducer(withFiles(), { type: 'move', delta: 3 });
    expect(state.cursor.files).toBe(3);
    const filtered = dashboardReducer(state, { type: 'filter', text: 'e' });
    expect(filtered.filter).toBe('e');
    expect(filtered.cursor.files).toBe(0);
    expect(visibleFiles(filtered).map((file) => file.name)).toEqual(['beta.bin', 'delta.md', 'epsilon.txt']);
  });

  it('matches names without regard to case', () => {
    expect(visibleFiles(dashboardReducer(withFiles(), { type: 'filter', text: 'ALPHA' })).map((file) => file.name)).toEqual(['alpha.txt']);
  });

  it('keeps the file cursor within the files the filter shows when the file list changes', () => {
    // Three files match "txt"; the cursor is on the last of them.
    let state = dashboardReducer(withFiles(), { type: 'filter', text: 'txt' });
    state = dashboardReducer(state, { type: 'move', delta: 2 });
    expect(state.cursor.files).toBe(2);
    // A refresh (after every session) finds one of them gone: two match now, among four files.
    state = engine(state, { type: 'files', files: FILES.filter((file) => file.name !== 'gamma.txt') });
    expect(visibleFiles(state)).toHaveLength(2);
    expect(state.cursor.files).toBeLessThan(visibleFiles(state).length);
  });
});

describe('engine events', () => {
  it('ready, files, received, settings and notice set what they name', () => {
    let state = engine(
      initialState(),
      { type: 'ready', serverAddress: '127.0.0.1:4041', caFingerprint: 'AB:CD' },
      { type: 'files', files: FILES },
      { type: 'received', entries: [{ name: 'alpha.txt', size: 10, sha256: 'ff' }] },
      { type: 'settings', settings: { mode: 'expired', verify: false, stepMode: true } },
      { type: 'notice', text: 'a session is running' },
    );
    expect(state.serverAddress).toBe('127.0.0.1:4041');
    expect(state.caFingerprint).toBe('AB:CD');
    expect(state.files).toEqual(FILES);
    expect(state.received).toEqual([{ name: 'alpha.txt', size: 10, sha256: 'ff' }]);
    expect(state.settings).toEqual({ mode: 'expired', verify: false, stepMode: true });
    expect(state.notice).toBe('a session is running');
    state = dashboardReducer(state, { type: 'notice', text: undefined });
    expect(state.notice).toBeUndefined();
  });

  it('shows the server listening from ready, before any session, and again at each session’s start', () => {
    expect(initialState().server.steps.listen?.status).toBe('pending');
    let state = engine(initialState(), { type: 'ready', serverAddress: '127.0.0.1:4041', caFingerprint: 'AB:CD' });
    expect(state.server.steps.listen).toEqual({ status: 'done', detail: 'listening on 127.0.0.1:4041' });
    expect(state.server.steps.accept?.status).toBe('pending');
    state = engine(state, { type: 'session-start', session: { id: 1, request: { op: 'LIST' }, mode: 'off', verify: true, startedAt: NOW } });
    expect(state.server.steps.listen).toEqual({ status: 'done', detail: 'listening on 127.0.0.1:4041' });
    // A replay starts from no address: its listen step is the transcript's.
    expect(engine(initialState(), { type: 'session-start', session: { id: 1, request: { op: 'LIST' }, mode: 'off', verify: true, startedAt: NOW } }).server.steps.listen?.status).toBe('pending');
  });

  it('keeps the file and received cursors on the same names when the lists are read again (after L, after any session)', () => {
    let state = engine(withFiles(), { type: 'received', entries: [{ name: 'b', size: 2 }, { name: 'c', size: 3 }] });
    state = dashboardReducer(state, { type: 'move', delta: 1 });
    state = dashboardReducer(dashboardReducer(state, { type: 'focus', to: 'received' }), { type: 'move', delta: 1 });
    expect(visibleFiles(state)[state.cursor.files]?.name).toBe('beta.bin');
    // A file appears before the selected one, and a received file before the selected one.
    state = engine(state, { type: 'files', files: [{ name: 'aardvark.txt', size: 1 }, ...FILES] }, { type: 'received', entries: [{ name: 'a', size: 1 }, { name: 'b', size: 2 }, { name: 'c', size: 3 }] });
    expect(visibleFiles(state)[state.cursor.files]?.name).toBe('beta.bin');
    expect(state.received[state.cursor.received]?.name).toBe('c');
    expect(interpretKey(dashboardReducer(state, { type: 'focus', to: 'files' }), '', { return: true }).command).toEqual({ type: 'fetch', request: { op: 'GET', name: 'beta.bin' } });
  });

  it('clamps the file and received cursors when their lists shrink', () => {
    let state = engine(withFiles(), { type: 'received', entries: [{ name: 'a', size: 1 }, { name: 'b', size: 2 }, { name: 'c', size: 3 }] });
    state = dashboardReducer(state, { type: 'move', delta: 4 });
    state = dashboardReducer(dashboardReducer(state, { type: 'focus', to: 'received' }), { type: 'move', delta: 2 });
    expect(state.cursor).toMatchObject({ files: 4, received: 2 });
    state = engine(state, { type: 'files', files: FILES.slice(0, 2) }, { type: 'received', entries: [{ name: 'a', size: 1 }] });
    expect(state.cursor).toMatchObject({ files: 1, received: 0 });
    state = engine(state, { type: 'files', files: [] });
    expect(state.cursor.files).toBe(0);
  });

  it('progress keeps the time the transfer started across updates, and restarts with a new transfer', () => {
    const progress = (done: number, at: number): EngineEvent => ({ type: 'peer', at, event: { type: 'progress', role: 'client', done, total: 1_000 } });
    let state = engine(initialState(), progress(0, 100));
    expect(state.client.progress).toEqual({ done: 0, total: 1_000, startedAt: 100, updatedAt: 100 });
    state = engine(state, progress(400, 250), progress(1_000, 900));
    expect(state.client.progress).toEqual({ done: 1_000, total: 1_000, startedAt: 100, updatedAt: 900 });
    expect(state.server.progress).toBeUndefined();
    state = engine(state, progress(0, 2_000));
    expect(state.client.progress?.startedAt).toBe(2_000);
    // A first report that is already under way starts the clock at its own time.
    expect(engine(initialState(), progress(500, 42)).client.progress?.startedAt).toBe(42);
  });

  it('held sets the waiting record, released clears it, and session-end clears it and records the result', () => {
    const start: EngineEvent = { type: 'session-start', session: { id: 7, request: { op: 'LIST' }, mode: 'off', verify: true, startedAt: NOW } };
    let state = engine(initialState(), start, { type: 'held', role: 'client', message: 'CLIENT_HELLO' });
    expect(state.held).toEqual({ role: 'client', message: 'CLIENT_HELLO' });
    expect(state.running).toBe(true);
    state = engine(state, { type: 'released' });
    expect(state.held).toBeUndefined();
    state = engine(state, { type: 'notice', text: 'a session is running' }, { type: 'held', role: 'server', message: 'SERVER_HELLO' });
    expect(state.held).toEqual({ role: 'server', message: 'SERVER_HELLO' });
    // A notice met while waiting gives way to the next waiting message.
    expect(state.notice).toBeUndefined();
    state = engine(state, { type: 'session-end', result: { ok: true, text: 'listing received: 3 files' } });
    expect(state.held).toBeUndefined();
    expect(state.running).toBe(false);
    expect(state.result).toEqual({ ok: true, text: 'listing received: 3 files' });
    expect(state.session?.id).toBe(7);
  });
});

/**
 * The dashboard's state and the pure reducer that builds it from engine events
 * and key presses. Components only render what this holds; nothing here touches
 * a socket, a file or the clock, so it is tested on its own.
 */
import type { AttackMode } from '../attacker/modes.js';
import type { PublicFileEntry } from '../files/public-folder.js';
import type { ClientRequest } from '../protocol/client.js';
import type { SessionSummary } from '../store/session-store.js';
import { type AttackEvent, type Direction, type PeerEvent, type WireEvent, wireFields } from '../protocol/events.js';
import { describeRecord, type WireField } from '../protocol/fields.js';
import { type Role, stepsOf, type StepStatus } from '../protocol/steps.js';
import { BYTES_PER_LINE, hexWindowStart } from './hex.js';
import { KEY_HELP } from './keys.js';
import { wireKind } from './wire-rows.js';

export type Focus = 'files' | 'received' | 'wire' | 'client' | 'server';
export const FOCUS_ORDER: readonly Focus[] = ['files', 'received', 'wire', 'client', 'server'];
/** What covers the panes: the help, the inspector, a selected step explained in full, a prompt, the history. */
export type Overlay = 'none' | 'help' | 'inspector' | 'explain' | 'filter' | 'request' | 'history';

/** How many records of one kind from one sender the wire log keeps; the rest are counted. */
export const WIRE_KEEP_PER_KIND = 12;

export interface Settings {
  readonly mode: AttackMode;
  readonly verify: boolean;
  readonly stepMode: boolean;
}

export interface StepView {
  readonly status: StepStatus;
  readonly detail: string;
}

export interface ProgressView {
  readonly done: number;
  readonly total: number;
  readonly startedAt: number;
  readonly updatedAt: number;
}

export interface PeerView {
  readonly steps: Readonly<Record<string, StepView>>;
  readonly progress?: ProgressView;
  /** The 32-byte secret this peer agreed, once it has derived the keys. */
  readonly secret?: Uint8Array;
}

export interface WireEntry {
  readonly id: number;
  readonly from: Role | 'attacker';
  /** "client → server", or a hop through the attacker: "client → mitm", "mitm → server". */
  readonly hop: string;
  readonly direction: Direction;
  readonly message: string;
  readonly encrypted: boolean;
  /** The record's size on the wire, which a transcript may have kept only the start of. */
  readonly size: number;
  readonly record: Uint8Array;
  readonly fields: readonly WireField[];
  readonly plaintext?: Uint8Array;
  readonly plaintextFields?: readonly WireField[];
  /** In a key exchange message: the secret its sender encrypted, once the sender has said. */
  readonly secret?: Uint8Array;
  /** What the attacker did to it, when it passed through the attacker. */
  readonly attack?: AttackEvent['kind'];
  readonly note?: string;
}

export interface ReceivedView {
  readonly name: string;
  readonly size: number;
  readonly sha256?: string;
  /** Saved by this dashboard from a server it did not verify: whoever sent it, it passed as the server's. */
  readonly unverified?: true;
}

export interface SessionView {
  /** The dashboard numbers its sessions from 1. */
  readonly id: number;
  /** How the result line names the session instead, when it is not one of the dashboard's (a replay). */
  readonly name?: string;
  readonly request: ClientRequest;
  readonly mode: AttackMode;
  readonly verify: boolean;
  readonly startedAt: number;
}

export interface SessionResult {
  readonly ok: boolean;
  readonly text: string;
  /** Set when the client accepted the response although its checklist warned that it could not authenticate it. */
  readonly unauthenticated?: boolean;
}

export interface DashboardState {
  readonly serverAddress?: string;
  readonly caFingerprint: string;
  readonly settings: Settings;
  readonly session?: SessionView;
  readonly running: boolean;
  readonly result?: SessionResult;
  readonly client: PeerView;
  readonly server: PeerView;
  readonly wire: readonly WireEntry[];
  /** Records left out of the wire log, by "sender message". */
  readonly wireOmitted: Readonly<Record<string, number>>;
  readonly attackNotes: readonly string[];
  /** In step mode: the record waiting for space. */
  readonly held?: { readonly role: Role | 'attacker'; readonly message: string };
  readonly files: readonly PublicFileEntry[];
  /** The public folder, when it could not be listed. */
  readonly filesMissing?: string;
  readonly received: readonly ReceivedView[];
  /** Whether the Received tab shows the selected file's whole digest under it. */
  readonly wholeDigest?: boolean;
  readonly focus: Focus;
  readonly overlay: Overlay;
  readonly cursor: Readonly<Record<Focus, number>>;
  readonly fieldCursor: number;
  /** The inspector's dump's first line, once PgUp/PgDn scrolled it off the selected field. */
  readonly hexTop?: number;
  /** The help's selected key, which its list scrolls to keep in view. */
  readonly helpCursor: number;
  readonly filter: string;
  readonly notice?: string;
  /** The store's sessions, newest first, for the history overlay. */
  readonly history: readonly SessionSummary[];
  readonly historyCursor: number;
  /** Whether the history shows the store as read since it was opened, not an older listing. */
  readonly historyFresh: boolean;
}

export type EngineEvent =
  | { readonly type: 'ready'; readonly serverAddress: string; readonly caFingerprint: string }
  /** `missing`: the public folder, which could not be listed (it is not there, or not a folder). */
  | { readonly type: 'files'; readonly files: readonly PublicFileEntry[]; readonly missing?: string }
  | { readonly type: 'received'; readonly entries: readonly ReceivedView[] }
  | { readonly type: 'settings'; readonly settings: Settings }
  | { readonly type: 'session-start'; readonly session: SessionView }
  | { readonly type: 'peer'; readonly event: PeerEvent | AttackEvent; readonly at: number }
  | { readonly type: 'held'; readonly role: Role | 'attacker'; readonly message: string }
  | { readonly type: 'released' }
  /** `omitted`: records a transcript did not keep, by the wire log's "sender message". */
  | { readonly type: 'session-end'; readonly result: SessionResult; readonly omitted?: Readonly<Record<string, number>> }
  | { readonly type: 'notice'; readonly text: string }
  | { readonly type: 'history'; readonly sessions: readonly SessionSummary[] };

export type Action =
  | { readonly type: 'engine'; readonly events: readonly EngineEvent[] }
  | { readonly type: 'focus'; readonly to: Focus | 'next' | 'previous' }
  | { readonly type: 'move'; readonly delta: number }
  /** The Received tab: the whole SHA-256 of the selected file on a line of its own, or not. */
  | { readonly type: 'toggle-digest' }
  /** The inspector's hex dump, `pages` pages down (or up, when negative), for a dump `dumpRows` lines tall. */
  | { readonly type: 'scroll-bytes'; readonly pages: number; readonly dumpRows: number }
  | { readonly type: 'open'; readonly overlay: Overlay }
  | { readonly type: 'close-overlay' }
  | { readonly type: 'filter'; readonly text: string }
  | { readonly type: 'notice'; readonly text: string | undefined };

/** One line of the inspector's field list: a field of the record as sent, or of its decrypted payload. */
export interface InspectorRow {
  readonly field: WireField;
  readonly layer: 'record' | 'decrypted';
}

/** The inspector's field list: the record's fields, then its decrypted payload's. */
export function inspectorRows(entry: WireEntry): InspectorRow[] {
  return [
    ...entry.fields.map((field) => ({ field, layer: 'record' as const })),
    ...(entry.plaintextFields ?? []).map((field) => ({ field, layer: 'decrypted' as const })),
  ];
}

/** The selected field, and the bytes its offsets count in (the payload's, for a decrypted field). */
export function inspected(entry: WireEntry, fieldCursor: number): { readonly row: InspectorRow | undefined; readonly bytes: Uint8Array } {
  const rows = inspectorRows(entry);
  const row = rows[Math.min(fieldCursor, rows.length - 1)];
  return { row, bytes: row?.layer === 'decrypted' && entry.plaintext ? entry.plaintext : entry.record };
}

export function emptyPeer(role: Role): PeerView {
  return { steps: Object.fromEntries(stepsOf(role).map((step) => [step.id, { status: 'pending', detail: '' }])) };
}

/**
 * The dashboard's server listens from the start, though its checklist hears of it
 * only when a connection arrives: until then the pane says so itself.
 */
function listening(server: PeerView, address: string | undefined): PeerView {
  if (address === undefined || address === '' || server.steps.listen?.status !== 'pending') return server;
  return { ...server, steps: { ...server.steps, listen: { status: 'done', detail: `listening on ${address}` } } };
}

export function initialState(settings: Settings = { mode: 'off', verify: true, stepMode: false }): DashboardState {
  return {
    caFingerprint: '',
    settings,
    running: false,
    client: emptyPeer('client'),
    server: emptyPeer('server'),
    wire: [],
    wireOmitted: {},
    attackNotes: [],
    files: [],
    received: [],
    focus: 'files',
    overlay: 'none',
    cursor: { files: 0, received: 0, wire: 0, client: 0, server: 0 },
    fieldCursor: 0,
    helpCursor: 0,
    filter: '',
    history: [],
    historyCursor: 0,
    historyFresh: false,
  };
}

/** The files the picker shows: the public folder, narrowed by the filter. */
export function visibleFiles(state: DashboardState): readonly PublicFileEntry[] {
  const filter = state.filter.toLowerCase();
  return filter === '' ? state.files : state.files.filter((file) => file.name.toLowerCase().includes(filter));
}

export function selectedWireEntry(state: DashboardState): WireEntry | undefined {
  return state.wire[state.cursor.wire];
}

function listLength(state: DashboardState, focus: Focus): number {
  switch (focus) {
    case 'files':
      return visibleFiles(state).length;
    case 'received':
      return state.received.length;
    case 'wire':
      return state.wire.length;
    case 'client':
    case 'server':
      return stepsOf(focus).length;
  }
}

function clamp(value: number, length: number): number {
  return Math.max(0, Math.min(value, length - 1));
}

/**
 * Where a list's cursor goes when the list is read again (after every session,
 * L's listing included): to the item it was on, by name, wherever that now
 * stands, so that Enter fetches the file the user picked; to the same place,
 * clamped, when that item is gone.
 */
function followName(before: readonly { readonly name: string }[], cursor: number, after: readonly { readonly name: string }[]): number {
  const name = before[cursor]?.name;
  const index = name === undefined ? -1 : after.findIndex((item) => item.name === name);
  return index === -1 ? clamp(cursor, after.length) : index;
}

export function dashboardReducer(state: DashboardState, action: Action): DashboardState {
  switch (action.type) {
    case 'engine':
      return action.events.reduce(applyEngineEvent, state);
    case 'focus': {
      const index = FOCUS_ORDER.indexOf(state.focus);
      const focus =
        action.to === 'next' ? FOCUS_ORDER[(index + 1) % FOCUS_ORDER.length]! : action.to === 'previous' ? FOCUS_ORDER[(index + FOCUS_ORDER.length - 1) % FOCUS_ORDER.length]! : action.to;
      return { ...state, focus };
    }
    case 'move': {
      if (state.overlay === 'history') return { ...state, historyCursor: clamp(state.historyCursor + action.delta, state.history.length) };
      if (state.overlay === 'help') return { ...state, helpCursor: clamp(state.helpCursor + action.delta, KEY_HELP.length) };
      if (state.overlay === 'inspector') {
        const entry = selectedWireEntry(state);
        const fields = entry === undefined ? 0 : inspectorRows(entry).length;
        return { ...state, fieldCursor: clamp(state.fieldCursor + action.delta, fields), hexTop: undefined };
      }
      const cursor = clamp(state.cursor[state.focus] + action.delta, listLength(state, state.focus));
      return { ...state, cursor: { ...state.cursor, [state.focus]: cursor } };
    }
    case 'toggle-digest':
      return { ...state, wholeDigest: !state.wholeDigest };
    case 'scroll-bytes': {
      const entry = selectedWireEntry(state);
      if (state.overlay !== 'inspector' || entry === undefined) return state;
      const { row, bytes } = inspected(entry, state.fieldCursor);
      const from = state.hexTop ?? hexWindowStart(row?.field.offset ?? 0, action.dumpRows, bytes.length);
      // A page keeps its last line in view, as a pager does, and the dump stops where its last line shows.
      const page = Math.max(1, action.dumpRows - 1);
      const lastTop = Math.max(0, Math.ceil(bytes.length / BYTES_PER_LINE) - action.dumpRows);
      return { ...state, hexTop: clamp(from + action.pages * page, lastTop + 1) };
    }
    case 'open':
      if (action.overlay === 'inspector' && selectedWireEntry(state) === undefined) return state;
      if (action.overlay === 'explain' && state.focus !== 'client' && state.focus !== 'server') return state;
      return {
        ...state,
        overlay: action.overlay,
        fieldCursor: action.overlay === 'inspector' ? 0 : state.fieldCursor,
        hexTop: undefined,
        helpCursor: action.overlay === 'help' ? 0 : state.helpCursor,
        historyFresh: action.overlay === 'history' ? false : state.historyFresh,
      };
    case 'close-overlay':
      return { ...state, overlay: 'none' };
    case 'filter':
      return { ...state, filter: action.text, cursor: { ...state.cursor, files: 0 } };
    case 'notice':
      return { ...state, notice: action.text };
  }
}

function applyEngineEvent(state: DashboardState, event: EngineEvent): DashboardState {
  switch (event.type) {
    case 'ready':
      return { ...state, serverAddress: event.serverAddress, caFingerprint: event.caFingerprint, server: listening(state.server, event.serverAddress) };
    case 'files': {
      const next = { ...state, files: event.files, filesMissing: event.missing };
      return { ...next, cursor: { ...state.cursor, files: followName(visibleFiles(state), state.cursor.files, visibleFiles(next)) } };
    }
    case 'received':
      return { ...state, received: event.entries, cursor: { ...state.cursor, received: followName(state.received, state.cursor.received, event.entries) } };
    case 'settings':
      return { ...state, settings: event.settings };
    case 'session-start':
      return {
        ...state,
        session: event.session,
        running: true,
        result: undefined,
        client: emptyPeer('client'),
        server: listening(emptyPeer('server'), state.serverAddress),
        wire: [],
        wireOmitted: {},
        attackNotes: [],
        held: undefined,
        cursor: { ...state.cursor, wire: 0 },
        overlay: state.overlay === 'inspector' ? 'none' : state.overlay,
        notice: undefined,
      };
    case 'session-end': {
      const wireOmitted = { ...state.wireOmitted };
      for (const [kind, count] of Object.entries(event.omitted ?? {})) wireOmitted[kind] = (wireOmitted[kind] ?? 0) + count;
      const unauthenticated = event.result.ok && Object.values(state.client.steps).some((step) => step.status === 'warning');
      const result = unauthenticated ? { ...event.result, unauthenticated } : event.result;
      return { ...state, running: false, held: undefined, result, notice: undefined, wireOmitted };
    }
    case 'held':
      // The next waiting message replaces an older notice, so the ⏸ line (what space sends) comes back.
      return { ...state, held: { role: event.role, message: event.message }, notice: undefined };
    case 'released':
      return { ...state, held: undefined };
    case 'notice':
      return { ...state, notice: event.text };
    case 'history': {
      // The cursor stays on the session it was on: newer sessions come in above it.
      const selected = state.history[state.historyCursor]?.id;
      const kept = event.sessions.findIndex((session) => session.id === selected);
      return { ...state, history: event.sessions, historyFresh: true, historyCursor: kept === -1 ? clamp(state.historyCursor, event.sessions.length) : kept };
    }
    case 'peer':
      return applyPeerEvent(state, event.event, event.at);
  }
}

function applyPeerEvent(state: DashboardState, event: PeerEvent | AttackEvent, at: number): DashboardState {
  switch (event.type) {
    case 'step': {
      const peer = state[event.role];
      const steps = { ...peer.steps, [event.step]: { status: event.status, detail: event.detail } };
      return { ...state, [event.role]: { ...peer, steps } };
    }
    case 'progress': {
      const peer = state[event.role];
      const startedAt = peer.progress !== undefined && event.done > 0 ? peer.progress.startedAt : at;
      return { ...state, [event.role]: { ...peer, progress: { done: event.done, total: event.total, startedAt, updatedAt: at } } };
    }
    case 'wire':
      return event.action === 'sent' ? addWireEntry(state, { from: event.role, message: event.message }, () => fromPeer(state, event)) : state;
    case 'keys': {
      // The sender of a key exchange knows the secret inside it; now the inspector can show it.
      const wire = state.wire.map((entry) => (entry.from === event.role && KEY_EXCHANGES.has(entry.message) ? { ...entry, secret: event.secret } : entry));
      return { ...state, wire, [event.role]: { ...state[event.role], secret: event.secret } };
    }
    case 'attack':
      if (event.kind === 'note' || event.kind === 'read') {
        return { ...state, attackNotes: [...state.attackNotes, event.kind === 'read' ? `read: ${event.detail}` : event.detail] };
      }
      if (event.record === undefined && event.original === undefined) return state;
      const entry = fromAttacker(state, event);
      return addWireEntry(state, entry, () => entry);
    default:
      return state;
  }
}

function attackerOn(state: DashboardState): boolean {
  return (state.session?.mode ?? state.settings.mode) !== 'off';
}

const KEY_EXCHANGES: ReadonlySet<string> = new Set(['CLIENT_KEY_EXCHANGE', 'SERVER_KEY_EXCHANGE']);

function fromPeer(state: DashboardState, event: WireEvent): Omit<WireEntry, 'id'> {
  const to = event.role === 'client' ? 'server' : 'client';
  const { fields, plaintextFields } = wireFields(event);
  return {
    from: event.role,
    hop: `${event.role} → ${attackerOn(state) ? 'mitm' : to}`,
    direction: event.direction,
    message: event.message,
    encrypted: event.encrypted,
    size: event.truncatedFrom ?? event.record.length,
    record: event.record,
    fields,
    ...(event.plaintext ? { plaintext: event.plaintext, plaintextFields: plaintextFields ?? [] } : {}),
    ...(KEY_EXCHANGES.has(event.message) && state[event.role].secret ? { secret: state[event.role].secret } : {}),
  };
}

function fromAttacker(state: DashboardState, event: AttackEvent): Omit<WireEntry, 'id'> {
  const record = event.record ?? event.original ?? new Uint8Array(0);
  const to = event.direction === 'server->client' ? 'client' : 'server';
  // A record passed on untouched reads as the sender wrote it.
  const same = event.kind === 'forwarded' ? state.wire.findLast((entry) => entry.from !== 'attacker' && equalRecords(entry.record, record)) : undefined;
  const encrypted = same?.encrypted ?? event.encrypted ?? false;
  const plaintext = same?.plaintext ?? event.plaintext;
  const described = same ?? describeRecord(record, encrypted, plaintext);
  return {
    from: 'attacker',
    hop: event.kind === 'dropped' ? `mitm ✗ ${to}` : `mitm → ${to}`,
    direction: event.direction ?? 'client->server',
    message: same?.message ?? event.message ?? described.message,
    encrypted,
    size: event.truncatedFrom ?? record.length,
    record,
    fields: described.fields,
    ...(plaintext ? { plaintext, plaintextFields: described.plaintextFields ?? [] } : {}),
    attack: event.kind,
    note: event.detail,
  };
}

function equalRecords(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * Adds a record to the wire log, or only counts it once its kind has its share there. The
 * entry, with its field breakdown, is built only for a record that is kept: a file's
 * thousands of FILE_DATA records are mostly counted.
 */
function addWireEntry(state: DashboardState, record: Pick<WireEntry, 'from' | 'message' | 'attack'>, build: () => Omit<WireEntry, 'id'>): DashboardState {
  const kind = wireKind(record);
  const kept = state.wire.reduce((count, existing) => count + (wireKind(existing) === kind ? 1 : 0), 0);
  if (kept >= WIRE_KEEP_PER_KIND && record.attack !== 'rewritten') {
    return { ...state, wireOmitted: { ...state.wireOmitted, [kind]: (state.wireOmitted[kind] ?? 0) + 1 } };
  }
  return { ...state, wire: [...state.wire, { ...build(), id: state.wire.length }] };
}

/**
 * A stored session played back through the dashboard's own reducer: the
 * transcript's lines become the engine events they were, and the panes, the wire
 * log and the inspector show the session as it stood after any number of them.
 * The user's place in the screen (focus, cursors, an open inspector) survives
 * stepping back and forth.
 */
import type { AttackEvent, PeerEvent } from '../protocol/events.js';
import { printable } from '../protocol/printable.js';
import type { Transcript } from '../store/session-store.js';
import { stoppedBecause } from '../store/transcript.js';
import { type Action, type DashboardState, dashboardReducer, type EngineEvent, initialState } from './dashboard-state.js';

export interface ReplayView {
  readonly transcript: Transcript;
  readonly events: readonly EngineEvent[];
  /** How many of the session's events have been applied. */
  readonly position: number;
  readonly state: DashboardState;
}

/** The engine events a transcript records, from the session's start to its outcome. */
export function replayEvents(transcript: Transcript): EngineEvent[] {
  const { meta, outcome } = transcript;
  const startedAt = Date.parse(meta.startedAt);
  const request = meta.request?.op === 'GET' ? { op: 'GET' as const, name: meta.request.name ?? '' } : { op: 'LIST' as const };
  const events: EngineEvent[] = [
    {
      type: 'session-start',
      session: { id: 0, name: `stored session of ${meta.startedAt.replace('T', ' ').slice(0, 19)} UTC`, request, mode: meta.mode as DashboardState['settings']['mode'], verify: meta.verify ?? true, startedAt },
    },
    ...transcript.lines.map((line): EngineEvent => ({ type: 'peer', event: asSeenBySender(shownSafely(line.event), meta.roles), at: startedAt + line.t })),
  ];
  if (outcome !== undefined) {
    const text = outcome.ok ? (outcome.reason ?? 'complete') : `stopped: ${stoppedBecause(outcome)}`;
    events.push({ type: 'session-end', result: { ok: outcome.ok, text: printable(text) }, omitted: omittedRecords(transcript).listed });
  }
  return events;
}

/**
 * The records a transcript left out (file data past its cap, any other message past
 * its own), split into those the wire log can count with their kind ("server
 * FILE_DATA", by sender as it lists them) and the rest, by the transcript's own names.
 */
export function omittedRecords(transcript: Transcript): { readonly listed: Record<string, number>; readonly other: Record<string, number> } {
  const listed: Record<string, number> = {};
  const other: Record<string, number> = {};
  for (const [kind, count] of Object.entries(transcript.outcome?.omitted ?? {})) {
    // A peer's records are counted as "client received LIST_RESPONSE"; the relay's by names of its own.
    const peer = /^(client|server) (sent|received) (\S+)$/.exec(kind);
    if (peer === null) {
      other[kind] = count;
      continue;
    }
    const [, role, action, message] = peer;
    const sender = action === 'sent' ? role! : role === 'client' ? 'server' : 'client';
    // A record received is listed as its sender's, unless the sender's own lines are in the transcript too.
    if (action === 'received' && transcript.meta.roles.includes(sender)) continue;
    listed[`${sender} ${message}`] = (listed[`${sender} ${message}`] ?? 0) + count;
  }
  return { listed, other };
}

/**
 * A step's detail as the screen may show it. The engine makes every detail printable
 * as it happens, so a transcript the program wrote is unchanged; one edited by hand
 * may hold a control sequence, which must reach the screen as text, not as a command.
 */
function shownSafely(event: PeerEvent | AttackEvent): PeerEvent | AttackEvent {
  return event.type === 'step' ? { ...event, detail: printable(event.detail) } : event;
}

/**
 * The wire log lists each record once, as its sender sent it. A transcript kept by
 * one peer alone (a headless client or server) has the other side's records only as
 * received, so those stand in for the sender's.
 */
function asSeenBySender(event: PeerEvent | AttackEvent, roles: readonly string[]): PeerEvent | AttackEvent {
  if (event.type !== 'wire' || event.action !== 'received') return event;
  const sender = event.role === 'client' ? 'server' : 'client';
  return roles.includes(sender) ? event : { ...event, role: sender, action: 'sent' };
}

/**
 * The session as it stood after `position` events, in the screen the user left: the
 * same focus, cursors and place in the inspector's bytes, and the folders as they
 * are now, which the session did not record (a replay that emptied the Files and
 * Received tabs, or forgot that public/ is missing, would say they are empty).
 */
function fold(events: readonly EngineEvent[], position: number, ui: DashboardState): DashboardState {
  const played = dashboardReducer(initialState(ui.settings), { type: 'engine', events: events.slice(0, position) });
  const { focus, overlay, cursor, fieldCursor, hexTop, caFingerprint, serverAddress, files, filesMissing, received, filter } = ui;
  return { ...played, focus, overlay, cursor, fieldCursor, hexTop, caFingerprint, serverAddress, files, filesMissing, received, filter };
}

/** Opens a replay at its first event (the session's start). */
export function startReplay(transcript: Transcript, live: DashboardState): ReplayView {
  const events = replayEvents(transcript);
  const ui = { ...live, overlay: 'none' as const, focus: 'wire' as const, cursor: { ...live.cursor, wire: 0, client: 0, server: 0 } };
  return { transcript, events, position: 1, state: fold(events, 1, ui) };
}

/** Moves to after `position` events, clamped to the session. */
export function seekReplay(view: ReplayView, position: number): ReplayView {
  const clamped = Math.max(1, Math.min(position, view.events.length));
  const state = fold(view.events, clamped, view.state);
  const wire = Math.min(state.cursor.wire, Math.max(0, state.wire.length - 1));
  return { ...view, position: clamped, state: { ...state, cursor: { ...state.cursor, wire }, overlay: state.overlay === 'inspector' && state.wire.length === 0 ? 'none' : state.overlay } };
}

/** The time on the replayed screen: when its last event happened, as the session's own clock read then. */
export function replayNow(view: ReplayView): number {
  for (let index = view.position - 1; index >= 0; index -= 1) {
    const event = view.events[index]!;
    if (event.type === 'peer') return event.at;
    if (event.type === 'session-start') return event.session.startedAt;
  }
  return 0;
}

/** A key's action on the replayed screen. */
export function replayAction(view: ReplayView, action: Action): ReplayView {
  return { ...view, state: dashboardReducer(view.state, action) };
}

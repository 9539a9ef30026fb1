/**
 * Real engine events for the dashboard's suites, without a socket: runs an
 * in-memory ConnectionPair or MitmTrio and records every event the peers and the
 * attacker emit in the order they emitted them (the support classes keep one
 * array per party; patching their `push` interleaves them into one log), then
 * wraps them as the dashboard engine would: a `session-start`, then one `peer`
 * event each, with a step the other side's alert stopped restated as stopped. `stateAfter` folds them through the reducer.
 */
import type { AttackMode } from '../../source/attacker/modes.js';
import type { ClientRequest } from '../../source/protocol/client.js';
import type { AttackEvent, PeerEvent, WireEvent } from '../../source/protocol/events.js';
import { dashboardReducer, type DashboardState, type EngineEvent, initialState, type SessionView } from '../../source/ui/dashboard-state.js';
import { NOW, type TestPki } from '../support/identities.js';
import { MitmTrio } from '../support/mitm-pair.js';
import { ConnectionPair, type PairOptions } from '../support/pair.js';

export type AnyPeerEvent = PeerEvent | AttackEvent;

/** Makes every later `push` onto each array also append to the returned log, in call order. */
function interleave(...arrays: AnyPeerEvent[][]): AnyPeerEvent[] {
  const log: AnyPeerEvent[] = [];
  for (const array of arrays) {
    const push = array.push.bind(array);
    array.push = (...items: AnyPeerEvent[]): number => {
      log.push(...items);
      return push(...items);
    };
  }
  return log;
}

export interface RecordedSession<T> {
  readonly run: T;
  /** Every event of every party, in the order they happened. */
  readonly log: readonly AnyPeerEvent[];
  readonly session: SessionView;
}

/** A whole client/server session in memory, with the steps the network drivers mark (connect, listen, accept). */
export function pairSession(pki: TestPki, options: PairOptions = {}): RecordedSession<ConnectionPair> {
  const pair = new ConnectionPair(pki, options);
  const log = interleave(pair.clientEvents as AnyPeerEvent[], pair.serverEvents as AnyPeerEvent[]);
  pair.serverEvents.push(...pair.server.markStep('listen', 'done', 'in memory').events, ...pair.server.markStep('accept', 'done', 'in memory').events);
  pair.clientEvents.push(...pair.client.markStep('connect', 'done', 'in memory').events);
  pair.run();
  const request: ClientRequest = options.request ?? { op: 'GET', name: 'notes.txt' };
  return { run: pair, log, session: { id: 1, request, mode: 'off', verify: true, startedAt: NOW } };
}

/** A session through the attacker's interceptor in `mode`. */
export function trioSession(pki: TestPki, mode: AttackMode, files: ReadonlyMap<string, Uint8Array>, verify = true): RecordedSession<MitmTrio> {
  const trio = new MitmTrio(pki, mode, { files, client: { verifyServerCertificate: verify } });
  const log = interleave(trio.clientEvents as AnyPeerEvent[], trio.serverEvents as AnyPeerEvent[], trio.attackEvents as AnyPeerEvent[]);
  trio.run();
  return { run: trio, log, session: { id: 1, request: { op: 'GET', name: [...files.keys()][0]! }, mode, verify, startedAt: NOW } };
}

/** The engine events the dashboard would see for a recorded session: a start, then each event `stepMs` apart. */
export function engineEvents(recorded: Pick<RecordedSession<unknown>, 'log' | 'session'>, stepMs = 1): EngineEvent[] {
  return [
    { type: 'session-start', session: recorded.session },
    ...recorded.log.map((event, index): EngineEvent => ({ type: 'peer', event, at: NOW + index * stepMs })),
  ];
}

export function stateAfter(events: readonly EngineEvent[], from: DashboardState = initialState()): DashboardState {
  return dashboardReducer(from, { type: 'engine', events });
}

export const isSentWire = (event: AnyPeerEvent): event is WireEvent => event.type === 'wire' && event.action === 'sent';
export const attackEventsOf = (log: readonly AnyPeerEvent[]): AttackEvent[] => log.filter((event): event is AttackEvent => event.type === 'attack');

/** Bytes of `size` that are not all alike, so records differ from each other. */
export function fileOf(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, index) => (index * 7 + (index >> 8)) & 0xff);
}

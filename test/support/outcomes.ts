/**
 * The assertions every failure test makes, written once: what a peer that failed
 * sends back (one fatal alert, decoded from the bytes it wrote: plaintext before the
 * keys, decrypted with the relay's own keys after), that it is Failed for good, and
 * what its checklist shows: one step failed with the reason (or, on the side that
 * only received the other's alert, stopped by it), every later one skipped, nothing
 * left pending or active.
 */
import { expect } from 'vitest';
import { ALERT_CODES, type Alert, type AlertName, alertName, LocalProtocolError } from '../../source/protocol/alerts.js';
import { decodeAlert } from '../../source/protocol/alert-message.js';
import type { ClosedEvent, PeerEvent, StepEvent } from '../../source/protocol/events.js';
import type { Output } from '../../source/protocol/peer.js';
import { CONTENT_TYPE } from '../../source/protocol/record.js';
import { type StepId, stepsOf } from '../../source/protocol/steps.js';
import type { ClientConnection } from '../../source/protocol/client.js';
import type { ServerConnection } from '../../source/protocol/server.js';
import type { Relay } from './relay.js';

type AnyPeer = ClientConnection | ServerConnection;

export function closedEvent(events: readonly PeerEvent[]): ClosedEvent {
  const closed = events.filter((event): event is ClosedEvent => event.type === 'closed');
  expect(closed).toHaveLength(1);
  return closed[0]!;
}

/**
 * One step `failed` (this side found the problem) or `stopped` (the other side's alert
 * ended the session) with `text` in its detail; the steps after it skipped; none
 * pending or active, and no other step failed or stopped.
 */
export function expectFailedChecklist(peer: AnyPeer, events: readonly PeerEvent[], text: string, status: 'failed' | 'stopped' = 'failed'): StepEvent {
  const ended = events.filter((event): event is StepEvent => event.type === 'step' && (event.status === 'failed' || event.status === 'stopped'));
  expect(ended.map((event) => `${event.step} ${event.status}`)).toEqual([`${ended[0]?.step} ${status}`]);
  const step = ended[0]!;
  expect(step.detail).toContain(text);
  if (status === 'stopped') expect(step.detail).toMatch(/^stopped: /);
  expect(peer.stepStatus(step.step), `final status of the ${status} step "${step.step}"`).toBe(status);
  const ids = stepsOf(peer.role).map((definition) => definition.id as StepId);
  for (const id of ids.slice(ids.indexOf(step.step) + 1)) {
    if (id !== 'close') expect(peer.stepStatus(id), `step "${id}" after the failure`).toBe('skipped');
  }
  for (const id of ids) expect(['done', status, 'skipped'], `step "${id}"`).toContain(peer.stepStatus(id));
  return step;
}

export function expectFinal(peer: AnyPeer, now: number): void {
  expect(peer.stateName).toBe('Failed');
  expect(peer.nextDeadline()).toBeUndefined();
  expect(() => peer.receive(new Uint8Array([CONTENT_TYPE.handshake]), now)).toThrow(LocalProtocolError);
}

/** `role` answered with exactly one fatal alert `alert`, and is Failed. Returns the alert it sent. */
export function expectFatalAlert(relay: Relay, role: 'client' | 'server', output: Output, alert: AlertName): Alert {
  const peer = relay.peer(role);
  expect(output.send.length).toBeGreaterThan(0);
  const flight = relay.sentBy(role).at(-1)!;
  expect(flight.record).toBe(output.send.at(-1));
  expect(output.send.slice(0, -1).map((record) => record[0])).not.toContain(CONTENT_TYPE.alert);
  expect(flight.contentType).toBe(CONTENT_TYPE.alert);
  expect(flight.encrypted).toBe(peer.isEncrypted);
  const sent = decodeAlert(flight.plaintext);
  expect({ level: sent.level, alert: alertName(sent.description) }).toEqual({ level: 'fatal', alert });
  expect(peer.failure?.alert).toEqual(sent);
  const closed = closedEvent(output.events);
  expect(closed).toMatchObject({ how: 'alert_sent', alert: sent });
  const failed = expectFailedChecklist(peer, output.events, alert);
  // Having sent its alert, this side closed the connection itself.
  if (failed.step !== 'close') expect(peer.stepStatus('close')).toBe('done');
  expectFinal(peer, relay.now);
  return sent;
}

/** The peer got close_notify before the session was complete: it answers close_notify and fails. */
export function expectClosedEarly(relay: Relay, role: 'client' | 'server', output: Output): void {
  const peer = relay.peer(role);
  expect(output.send).toHaveLength(1);
  const flight = relay.sentBy(role).at(-1)!;
  expect(flight.contentType).toBe(CONTENT_TYPE.alert);
  expect(decodeAlert(flight.plaintext)).toEqual({ level: 'warning', description: ALERT_CODES.close_notify, reason: '' });
  const closed = closedEvent(output.events);
  expect(closed.how).toBe('alert_received');
  expect(closed.reason).toContain(`the ${role === 'client' ? 'server' : 'client'} closed the connection`);
  expectFailedChecklist(peer, output.events, 'closed the connection', 'stopped');
  expectFinal(peer, relay.now);
}

/** The peer received the fatal alert `alert`: it sends nothing back and is Failed. */
export function expectAlertReceived(peer: AnyPeer, output: Output, alert: AlertName, now: number): void {
  expect(output.send).toEqual([]);
  const closed = closedEvent(output.events);
  expect(closed.how).toBe('alert_received');
  expect(closed.alert?.description).toBe(ALERT_CODES[alert]);
  expect(closed.alert?.level).toBe('fatal');
  const stopped = expectFailedChecklist(peer, output.events, alert, 'stopped');
  if (stopped.step !== 'close') expect(peer.stepStatus('close')).toBe('done');
  expectFinal(peer, now);
}

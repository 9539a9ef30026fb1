/**
 * One ✘ where an attack is caught: real sessions through the attacker's
 * interceptor, each peer's events read through StoppedByPeer. The side that
 * caught the attack keeps its failed step and alert; the side that only received
 * that alert shows its step stopped, with the alert as the reason. Everything
 * else passes through untouched and in order: clean sessions, a failure this side
 * found, a connection that could not be made.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttackMode } from '../../source/attacker/modes.js';
import { type PeerEvent, stepEvent, type StepEvent } from '../../source/protocol/events.js';
import { reportingStops, StoppedByPeer } from '../../source/protocol/stopped-by-peer.js';
import { type TestPki, testPki } from '../support/identities.js';
import { MitmTrio } from '../support/mitm-pair.js';
import { utf8 } from '../support/messages.js';
import { ConnectionPair } from '../support/pair.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

const FILES = new Map([['notes.txt', utf8('hello')]]);

/** A peer's events as everything downstream of the engine reads them. */
function throughStops(events: readonly PeerEvent[]): PeerEvent[] {
  const passed: PeerEvent[] = [];
  const report = reportingStops((event) => passed.push(event));
  for (const event of events) report(event);
  return passed;
}

const endedSteps = (events: readonly PeerEvent[], status: StepEvent['status']) =>
  events.filter((event): event is StepEvent => event.type === 'step' && event.status === status);

function trio(mode: AttackMode) {
  const run = new MitmTrio(pki, mode, { files: FILES });
  run.run();
  return { client: throughStops(run.clientEvents), server: throughStops(run.serverEvents), raw: run };
}

describe('StoppedByPeer on attacks that are caught', () => {
  it.each([
    ['forged-key', 'bad_certificate'],
    ['rogue-ca', 'unknown_ca'],
    ['self-signed', 'unknown_ca'],
    ['expired', 'certificate_expired'],
    ['wrong-name', 'bad_certificate'],
  ] as const)('%s: the client fails at its certificate check (%s); the server only shows its step stopped', (mode, alert) => {
    const { client, server } = trio(mode);
    expect(endedSteps(client, 'failed')).toEqual([expect.objectContaining({ step: 'verify-server-certificate', detail: expect.stringContaining(alert) })]);
    expect(endedSteps(client, 'stopped')).toEqual([]);
    expect(endedSteps(server, 'failed')).toEqual([]);
    expect(endedSteps(server, 'stopped')).toEqual([expect.objectContaining({ detail: expect.stringMatching(new RegExp(`^stopped: client sent ${alert}`)) })]);
  });

  it('replay-client: the server fails at CERTIFICATE_VERIFY (decrypt_error); the client only shows its step stopped', () => {
    const { client, server } = trio('replay-client');
    expect(endedSteps(server, 'failed')).toEqual([expect.objectContaining({ step: 'key-exchange', detail: expect.stringContaining('decrypt_error') })]);
    expect(endedSteps(client, 'failed')).toEqual([]);
    expect(endedSteps(client, 'stopped')).toEqual([expect.objectContaining({ step: 'verify-server-certificate', detail: expect.stringMatching(/^stopped: server sent decrypt_error/) })]);
  });

  it('keeps every event, in order, changing only the stopped step', () => {
    const { server, raw } = trio('rogue-ca');
    expect(server).toHaveLength(raw.serverEvents.length);
    server.forEach((event, index) => {
      const original = raw.serverEvents[index]!;
      if (event.type === 'step' && event.status === 'stopped') {
        expect(original).toMatchObject({ type: 'step', step: event.step, status: 'failed', detail: event.detail.replace(/^stopped: /, '') });
      } else {
        expect(event).toBe(original);
      }
    });
  });
});

describe('StoppedByPeer passes through', () => {
  it('a clean session, untouched', () => {
    const pair = new ConnectionPair(pki, { files: FILES });
    pair.run();
    expect(throughStops(pair.clientEvents)).toEqual(pair.clientEvents);
    expect(throughStops(pair.serverEvents)).toEqual(pair.serverEvents);
  });

  it('a step this side failed (it sent the alert) and a connection that failed, as failed', () => {
    const sentAlert = [stepEvent('client', 'verify-server-certificate', 'failed', 'unknown_ca: not trusted'), stepEvent('client', 'close', 'done'),
      { type: 'closed', role: 'client', how: 'alert_sent', ok: false, reason: 'not trusted' }] as const satisfies readonly PeerEvent[];
    expect(throughStops(sentAlert)).toEqual(sentAlert);
    const lost = [stepEvent('client', 'connect', 'failed', 'cannot connect'), stepEvent('client', 'close', 'done', 'connection lost'),
      { type: 'closed', role: 'client', how: 'connection_lost', ok: false, reason: 'cannot connect' }] as const satisfies readonly PeerEvent[];
    expect(throughStops(lost)).toEqual(lost);
  });

  it('holds a failed step only until the session’s end says how it ended', () => {
    const stops = new StoppedByPeer();
    expect(stops.take(stepEvent('server', 'key-exchange', 'failed', 'client sent unknown_ca'))).toEqual([]);
    expect(stops.take(stepEvent('server', 'close', 'done'))).toEqual([]);
    const released = stops.take({ type: 'closed', role: 'server', how: 'alert_received', ok: false, reason: 'client sent unknown_ca' });
    expect(released.map((event) => (event.type === 'step' ? `${event.step} ${event.status}` : event.type))).toEqual(['key-exchange stopped', 'close done', 'closed']);
    const after = stepEvent('server', 'listen', 'done');
    expect(stops.take(after)).toEqual([after]);
  });
});

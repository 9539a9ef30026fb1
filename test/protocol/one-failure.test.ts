/**
 * One ✘ where an attack is caught: real sessions through the attacker's
 * interceptor. The side that caught the attack fails its step and sends the
 * alert; the side that only received that alert marks its step stopped, with the
 * alert as the reason. A clean session stops nothing, and a refusal fails on the
 * side that refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttackMode } from '../../source/attacker/modes.js';
import type { PeerEvent, StepEvent } from '../../source/protocol/events.js';
import { type TestPki, testPki } from '../support/identities.js';
import { MitmTrio } from '../support/mitm-pair.js';
import { utf8 } from '../support/messages.js';
import { ConnectionPair } from '../support/pair.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

const FILES = new Map([['notes.txt', utf8('hello')]]);

const endedSteps = (events: readonly PeerEvent[], status: StepEvent['status']) =>
  events.filter((event): event is StepEvent => event.type === 'step' && event.status === status);

function trio(mode: AttackMode) {
  const run = new MitmTrio(pki, mode, { files: FILES });
  run.run();
  return { client: run.clientEvents, server: run.serverEvents };
}

describe('attacks that are caught', () => {
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
});

describe('the order a catch is told in', () => {
  const ALERT = 21;
  const failedAt = (events: readonly PeerEvent[]) => events.findIndex((event) => event.type === 'step' && event.status === 'failed');
  const alertSentAt = (events: readonly PeerEvent[]) => events.findIndex((event) => event.type === 'wire' && event.action === 'sent' && event.contentType === ALERT);

  // In step mode the alert waits before it leaves: the pane must already show the ✘ that explains it.
  it.each([
    ['rogue-ca', 'client'],
    ['replay-client', 'server'],
    ['bit-flip', 'server'],
  ] as const)('%s: the %s reports the step that caught it before its alert is sent', (mode, catcher) => {
    const events = trio(mode)[catcher];
    expect(failedAt(events)).toBeGreaterThanOrEqual(0);
    expect(alertSentAt(events)).toBeGreaterThan(failedAt(events));
  });
});

describe('sessions ended otherwise', () => {
  it('a clean session stops and fails nothing', () => {
    const pair = new ConnectionPair(pki, { files: FILES });
    pair.run();
    for (const events of [pair.clientEvents, pair.serverEvents]) {
      expect(endedSteps(events, 'stopped')).toEqual([]);
      expect(endedSteps(events, 'failed')).toEqual([]);
    }
  });

  it('a refused request: the server that refused it fails its step, the client is stopped', () => {
    const pair = new ConnectionPair(pki, { files: FILES, request: { op: 'GET', name: 'missing.txt' } });
    pair.run();
    expect(endedSteps(pair.serverEvents, 'failed')).toEqual([expect.objectContaining({ detail: expect.stringContaining('file_not_found') })]);
    expect(endedSteps(pair.clientEvents, 'failed')).toEqual([]);
    expect(endedSteps(pair.clientEvents, 'stopped')).toEqual([expect.objectContaining({ detail: expect.stringMatching(/^stopped: server sent file_not_found/) })]);
  });
});

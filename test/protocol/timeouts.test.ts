/**
 * Time (PROTOCOL.md section 7): a peer is handed the time and asks for a `tick` at
 * `nextDeadline()`. The whole handshake must finish within 10 s of `start`, however busy
 * the wire, and once connected 30 s without a byte ends the session: both with the alert
 * `timeout`, in plaintext before the keys and encrypted after, leaving the peer Failed at
 * the step it was waiting on. A tick a millisecond early does nothing; a received byte
 * pushes the idle deadline; both limits can be configured; a finished peer has no deadline.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NOW, type TestPki, testPki } from '../support/identities.js';
import { expectAlertReceived, expectFatalAlert } from '../support/outcomes.js';
import { Relay, type RelayOptions } from '../support/relay.js';

const FILES = new Map([['notes.txt', new Uint8Array(100).fill(1)]]);

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

const relayOf = (options: RelayOptions = {}) => new Relay(pki, { files: FILES, ...options });
const failedStep = (relay: Relay, role: 'client' | 'server') => relay.events[role].find((event) => event.type === 'step' && event.status === 'failed');

describe('the handshake deadline', () => {
  it('is undefined before start and start + 10 s after, on both peers', () => {
    const relay = relayOf();
    expect(relay.client.nextDeadline()).toBeUndefined();
    expect(relay.server.nextDeadline()).toBeUndefined();
    relay.start();
    expect(relay.client.nextDeadline()).toBe(NOW + 10_000);
    expect(relay.server.nextDeadline()).toBe(NOW + 10_000);
  });

  it('does not move with traffic: the handshake as a whole gets 10 s', () => {
    const relay = relayOf().start();
    relay.now = NOW + 9_000;
    relay.runUntil('server', 'ExpectCertificateVerify');
    expect(relay.server.nextDeadline()).toBe(NOW + 10_000);
    expect(relay.client.nextDeadline()).toBe(NOW + 10_000);
  });

  it('the client waiting for SERVER_HELLO: nothing at 9,999 ms, timeout in plaintext at 10 s, and the server is told', () => {
    const relay = relayOf().start();
    expect(relay.act('client', relay.client.tick(NOW + 9_999)).send).toEqual([]);
    expect(relay.client.stateName).toBe('ExpectServerHello');
    relay.now = NOW + 10_000;
    const output = relay.act('client', relay.client.tick(relay.now));
    expect(expectFatalAlert(relay, 'client', output, 'timeout').reason).toBe('handshake not complete after 10 s');
    expect(relay.sentBy('client').at(-1)?.encrypted).toBe(false);
    expect(failedStep(relay, 'client')).toMatchObject({ step: 'verify-server-certificate' });
    expectAlertReceived(relay.server, relay.drainTo('server'), 'timeout', relay.now);
  });

  it('the server waiting for CLIENT_KEY_EXCHANGE: timeout at 10 s, at its key-exchange step', () => {
    const relay = relayOf().start().runUntil('server', 'ExpectClientKeyExchange');
    relay.now = NOW + 10_000;
    expectFatalAlert(relay, 'server', relay.act('server', relay.server.tick(relay.now)), 'timeout');
    expect(failedStep(relay, 'server')).toMatchObject({ step: 'key-exchange' });
  });

  it('the client waiting for the server FINISHED: timeout at 10 s, encrypted', () => {
    const relay = relayOf().start().runUntil('client', 'ExpectFinished');
    relay.now = NOW + 10_000;
    expectFatalAlert(relay, 'client', relay.act('client', relay.client.tick(relay.now)), 'timeout');
    expect(relay.sentBy('client').at(-1)?.encrypted).toBe(true);
    expect(failedStep(relay, 'client')).toMatchObject({ step: 'finished' });
    expectAlertReceived(relay.server, relay.drainTo('server'), 'timeout', relay.now);
  });

  it('is gone once the handshake is complete', () => {
    const relay = relayOf({ respond: false }).start();
    relay.now = NOW + 1_000;
    relay.runUntil('server', 'Responding');
    expect(relay.client.nextDeadline()).toBe(NOW + 1_000 + 30_000);
    expect(relay.server.nextDeadline()).toBe(NOW + 1_000 + 30_000);
    expect(relay.act('client', relay.client.tick(NOW + 10_000)).send).toEqual([]);
    expect(relay.client.stateName).toBe('ExpectFileHeader');
  });
});

describe('the idle deadline', () => {
  /** Both peers done with the handshake at NOW + 1 s; the server's driver has not answered. */
  const idle = () => {
    const relay = relayOf({ respond: false }).start();
    relay.now = NOW + 1_000;
    return relay.runUntil('server', 'Responding');
  };

  it('the client with no byte for 30 s: nothing a millisecond before, timeout (encrypted) at 30 s', () => {
    const relay = idle();
    expect(relay.act('client', relay.client.tick(NOW + 30_999)).send).toEqual([]);
    relay.now = NOW + 31_000;
    const output = relay.act('client', relay.client.tick(relay.now));
    expect(expectFatalAlert(relay, 'client', output, 'timeout').reason).toBe('no byte for 30 s');
    expect(relay.sentBy('client').at(-1)?.encrypted).toBe(true);
    expect(failedStep(relay, 'client')).toMatchObject({ step: 'receive' });
    expectAlertReceived(relay.server, relay.deliverTo('server'), 'timeout', relay.now);
  });

  it('the server with no byte for 30 s while it prepares the answer: timeout at its resolve step', () => {
    const relay = idle();
    relay.now = NOW + 31_000;
    expectFatalAlert(relay, 'server', relay.act('server', relay.server.tick(relay.now)), 'timeout');
    expect(failedStep(relay, 'server')).toMatchObject({ step: 'resolve-request' });
  });

  it('a received byte pushes the deadline 30 s past it', () => {
    const relay = idle();
    relay.now = NOW + 20_000;
    relay.act('server', relay.server.sendFileHeader(100, relay.now));
    relay.deliverTo('client');
    expect(relay.client.stateName).toBe('ExpectFileData');
    expect(relay.client.nextDeadline()).toBe(NOW + 50_000);
    expect(relay.act('client', relay.client.tick(NOW + 31_000)).send).toEqual([]);
    expect(relay.client.isFinished).toBe(false);
  });

  it('both limits can be configured, and the earlier deadline wins', () => {
    const relay = relayOf({ client: { handshakeTimeoutMs: 2_000, idleTimeoutMs: 500 } }).start();
    expect(relay.client.nextDeadline()).toBe(NOW + 500);
    relay.now = NOW + 500;
    expect(expectFatalAlert(relay, 'client', relay.act('client', relay.client.tick(relay.now)), 'timeout').reason).toBe('no byte for 0.5 s');

    const slow = relayOf({ server: { handshakeTimeoutMs: 2_000 } }).start();
    expect(slow.server.nextDeadline()).toBe(NOW + 2_000);
    slow.now = NOW + 2_000;
    expect(expectFatalAlert(slow, 'server', slow.act('server', slow.server.tick(slow.now)), 'timeout').reason).toBe('handshake not complete after 2 s');
  });

  it('after its close_notify, the server waits 5 s for the client\'s, then closes without another byte, unconfirmed', () => {
    const relay = relayOf().start();
    relay.now = NOW + 1_000;
    relay.runUntil('server', 'ExpectCloseNotify');
    // Its close_notify went out with the rest of the answer at NOW + 1 s; the client's never arrives.
    expect(relay.server.nextDeadline()).toBe(NOW + 1_000 + 5_000);
    expect(relay.act('server', relay.server.tick(NOW + 5_999)).send).toEqual([]);
    expect(relay.server.isFinished).toBe(false);
    const output = relay.act('server', relay.server.tick(NOW + 6_000));
    // No timeout alert after a close_notify: nothing at all.
    expect(output.send).toEqual([]);
    expect(relay.server.isFinished).toBe(true);
    const reason = "no close_notify from the client within 5 s of this side's";
    expect(output.events.find((event) => event.type === 'closed')).toMatchObject({ ok: false, how: 'connection_lost', reason });
    // Nothing was caught here: the close step was stopped by the client's silence, not failed.
    expect(failedStep(relay, 'server')).toBeUndefined();
    expect(relay.events.server.filter((event) => event.type === 'step' && event.status === 'stopped')).toEqual([expect.objectContaining({ step: 'close', detail: `stopped: ${reason}` })]);
  });

  it('a finished peer has no deadline, and a tick does nothing', () => {
    const relay = relayOf().start().run();
    expect(relay.client.stateName).toBe('Closed');
    expect(relay.client.nextDeadline()).toBeUndefined();
    expect(relay.server.nextDeadline()).toBeUndefined();
    expect(relay.client.tick(NOW + 100_000)).toMatchObject({ send: [], events: [] });
    expect(relay.client.stateName).toBe('Closed');
  });
});

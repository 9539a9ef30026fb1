/**
 * A relay whose upstream leads back to itself, by its own address or by a name looked up
 * when it dials (as a host name of this machine would be, which `tls-tui mitm` cannot
 * judge before it listens), refuses the connection that comes back from itself: the
 * client's session fails saying why, and no second session starts, where the relay used
 * to connect to itself until it ran out of file descriptors. Two relays pointed at each
 * other cannot see that: their cap on sessions ends that loop.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AttackerRelay } from '../../source/net/relay.js';
import type { SessionInfo } from '../../source/net/server.js';
import { testPki, type TestPki } from '../support/identities.js';
import { testAttackerIdentity } from '../support/mitm-pair.js';
import { closedPort, HOST, NetHarness } from '../support/net-harness.js';

let pki: TestPki;
let harness: NetHarness;
const relays: AttackerRelay[] = [];

beforeAll(async () => {
  pki = await testPki();
  harness = new NetHarness(pki);
}, 60_000);

afterEach(async () => {
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
  await harness.cleanup();
});

describe('a relay whose upstream is itself', () => {
  it.each(['127.0.0.1', 'localhost'])('upstream %s at its own port: the connection back in is refused, and the client\'s session fails saying why', async (upstreamHost) => {
    const port = await closedPort();
    const sessions: SessionInfo[] = [];
    const faults: string[] = [];
    let secondSession: () => void = () => {};
    const looped = new Promise<void>((resolve) => (secondSession = resolve));
    relays.push(await AttackerRelay.listen({
      host: HOST,
      port,
      upstream: { host: upstreamHost, port },
      mode: 'off',
      identity: testAttackerIdentity(pki),
      onSession: (session) => {
        sessions.push(session);
        if (sessions.length === 2) secondSession();
      },
      onFault: (session, error) => faults.push(`#${session.id} ${error.message}`),
    }));

    const client = await harness.raw(port);
    client.socket.write('CLIENT_HELLO, or anything');
    // Refused, the client's connection closes; relayed, the relay starts a session for its own connection first.
    await Promise.race([client.closed, looped]);

    expect(sessions.map((session) => session.id)).toEqual([1]);
    expect(faults).toEqual([`#1 the server at ${upstreamHost}:${port} is this relay itself: its connection came back in, and was refused`]);
  }, 20_000);
});

describe('two relays pointed at each other', () => {
  it('loop only until one reaches its cap on sessions, which refuses, and every session then ends', async () => {
    const [portA, portB] = [await closedPort(), await closedPort()];
    const started = { A: 0, B: 0 };
    const ended = { A: 0, B: 0 };
    const refused: string[] = [];
    const relay = (name: 'A' | 'B', port: number, upstream: number) =>
      AttackerRelay.listen({
        host: HOST,
        port,
        upstream: { host: HOST, port: upstream },
        mode: 'off',
        identity: testAttackerIdentity(pki),
        maxSessions: 4,
        onSession: () => (started[name] += 1),
        onSessionEnd: () => (ended[name] += 1),
        onRefused: (_remote, limit) => refused.push(`${name} refused past ${limit}`),
      });
    relays.push(await relay('A', portA, portB), await relay('B', portB, portA));

    const client = await harness.raw(portA);
    client.socket.write('CLIENT_HELLO, or anything');
    await client.closed;

    expect(refused.length).toBeGreaterThan(0);
    expect(started.A).toBeLessThanOrEqual(4);
    expect(started.B).toBeLessThanOrEqual(4);
    await expect.poll(() => ended).toEqual(started);
  }, 20_000);
});

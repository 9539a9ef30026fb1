/**
 * The server's limits over real TCP (PROTOCOL.md sections 1, 6 and 7), probed with raw
 * sockets that speak the protocol badly or not at all. At its connection cap the server
 * turns the next connection away with a plaintext fatal internal_error alert saying it
 * is busy; a handshake that stalls, a slowloris trickling one byte at a time, and a
 * connection that never sends a byte are cut with a timeout alert; bytes that are not a
 * record (an HTTP request, a real TLS ClientHello) get decode_error, an oversized record
 * header gets record_overflow before its payload is sent, early application data gets
 * unexpected_message. Each alert is parsed from the raw bytes. Connections that vanish
 * (FIN, reset, a fatal alert) are forgotten; the client reports a busy server's alert and
 * gives up on a silent one after its own handshake timeout. After every case the server
 * still serves an honest client and its count of open connections returns to 0. Times
 * are asserted only as generous upper bounds.
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { testPki, type TestPki } from '../support/identities.js';
import { delay, entriesOf, finalStatuses, NetHarness, onlyAlert, patternBytes, type RawConnection, type RecordedServer, sha256, sha256OfFile, type Workspace } from '../support/net-harness.js';

const FATAL = 2;
const UNEXPECTED_MESSAGE = 10;
const RECORD_OVERFLOW = 22;
const DECODE_ERROR = 50;
const INTERNAL_ERROR = 80;
const TIMEOUT = 90;
/** What "promptly" means on a busy 2-core machine: generous, never a lower bound. */
const SLACK_MS = 3_000;

let pki: TestPki;
let harness: NetHarness;
let work: Workspace;
let honestData: Buffer;

beforeAll(async () => {
  pki = await testPki();
}, 60_000);

beforeEach(async () => {
  harness = new NetHarness(pki);
  work = await harness.workspace();
  honestData = patternBytes(30_000, 9);
  await writeFile(join(work.publicDir, 'hello.bin'), honestData);
});

afterEach(async () => {
  await harness.cleanup();
});

async function expectHonestClientServed(port: number): Promise<void> {
  const receivedDir = join(await harness.tempDir(), 'received');
  const { result } = await harness.fetch(port, { op: 'GET', name: 'hello.bin' }, receivedDir);
  expect(result).toMatchObject({ ok: true, size: honestData.length });
  expect(await sha256OfFile(join(receivedDir, 'hello.bin'))).toBe(sha256(honestData));
}

async function expectNoConnectionsLeft(recorded: RecordedServer): Promise<void> {
  await vi.waitFor(() => expect(recorded.server.openConnections).toBe(0), { timeout: 5_000, interval: 20 });
}

/** Waits for the server to close a raw connection, no later than `withinMs` after `since`. */
async function expectClosedWithin(connection: RawConnection, since: number, withinMs: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<number>((resolve) => {
    timer = setTimeout(() => resolve(Number.POSITIVE_INFINITY), withinMs + 2_000);
  });
  const closedAt = await Promise.race([connection.closed, gaveUp]);
  clearTimeout(timer);
  expect(closedAt - since).toBeLessThanOrEqual(withinMs);
  return closedAt;
}

describe('connection cap', () => {
  it('turns the connection over maxConnections away with a busy internal_error alert and closes it', async () => {
    const recorded = await harness.startServer(work.publicDir, { maxConnections: 3 });
    const idle = [await harness.raw(recorded.port), await harness.raw(recorded.port), await harness.raw(recorded.port)];
    await vi.waitFor(() => expect(recorded.server.openConnections).toBe(3), { timeout: 5_000, interval: 10 });

    const fourth = await harness.raw(recorded.port);
    const since = Date.now();
    await expectClosedWithin(fourth, since, SLACK_MS);

    const alert = onlyAlert(fourth.received());
    expect(alert.level).toBe(FATAL);
    expect(alert.description).toBe(INTERNAL_ERROR);
    expect(alert.reason).toMatch(/busy/);
    expect(recorded.refused).toHaveLength(1);
    expect(recorded.server.openConnections).toBe(3);
    expect(idle.every((connection) => !connection.isClosed() && connection.received().length === 0)).toBe(true);

    for (const connection of idle) connection.socket.destroy();
    await expectNoConnectionsLeft(recorded);
    await expectHonestClientServed(recorded.port);
    await expectNoConnectionsLeft(recorded);
  }, 20_000);
});

describe('connections that go away', () => {
  it('forgets a connection closed at once, and one reset at once, and goes on serving', async () => {
    const recorded = await harness.startServer(work.publicDir);
    const polite = await harness.raw(recorded.port);
    const rude = await harness.raw(recorded.port);
    await vi.waitFor(() => expect(recorded.sessions).toHaveLength(2), { timeout: 5_000, interval: 10 });

    polite.socket.end();
    rude.socket.resetAndDestroy();

    await expectNoConnectionsLeft(recorded);
    for (const session of recorded.sessions) {
      await vi.waitFor(() => expect(recorded.eventsOf(session.id).some((event) => event.type === 'closed')).toBe(true), { timeout: 5_000 });
      expect(recorded.eventsOf(session.id).find((event) => event.type === 'closed')).toMatchObject({ ok: false, how: 'connection_lost' });
    }
    await expectHonestClientServed(recorded.port);
  }, 20_000);
});

describe('the client against a server at its cap or silent', () => {
  it("reports the server's busy alert as a protocol failure", async () => {
    const recorded = await harness.startServer(work.publicDir, { maxConnections: 1 });
    const holder = await harness.raw(recorded.port);
    await vi.waitFor(() => expect(recorded.server.openConnections).toBe(1), { timeout: 5_000, interval: 10 });

    const { result, events } = await harness.fetch(recorded.port, { op: 'GET', name: 'hello.bin' }, work.receivedDir);

    expect(result).toMatchObject({ ok: false, kind: 'protocol', alert: { level: 'fatal', description: INTERNAL_ERROR } });
    if (result.ok) throw new Error('unreachable');
    expect(result.reason).toMatch(/busy/);
    expect(events.filter((event) => event.type === 'closed')).toEqual([expect.objectContaining({ ok: false, how: 'alert_received' })]);
    holder.socket.destroy();
    await expectNoConnectionsLeft(recorded);
    await expectHonestClientServed(recorded.port);
  }, 20_000);

  it('gives up on a server that accepts and never answers, after its handshakeTimeoutMs', async () => {
    // Accepts, reads, never writes and never closes its side: only the client's timers end this.
    const accepted: Socket[] = [];
    const silent = createServer({ allowHalfOpen: true }, (socket) => {
      accepted.push(socket);
      socket.on('error', () => {});
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen({ host: '127.0.0.1', port: 0 }, resolve));
    harness.onCleanup(() => new Promise<void>((resolve) => {
      silent.close(() => resolve());
      for (const socket of accepted) socket.destroy();
    }));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const handshakeTimeoutMs = 300;
    const started = Date.now();

    const { result, events } = await harness.fetch(address.port, { op: 'GET', name: 'hello.bin' }, work.receivedDir, { handshakeTimeoutMs });

    expect(Date.now() - started).toBeLessThanOrEqual(handshakeTimeoutMs + 2_000 + SLACK_MS);
    expect(result).toMatchObject({ ok: false, kind: 'protocol', alert: { description: TIMEOUT } });
    if (result.ok) throw new Error('unreachable');
    expect(result.reason).toMatch(/handshake/);
    const statuses = finalStatuses(events);
    expect(statuses.get('connect')).toBe('done');
    expect(statuses.get('verify-server-certificate')).toBe('failed');
    expect(await entriesOf(work.receivedDir)).toEqual([]);
  }, 20_000);
});

describe('timeouts', () => {
  it('cuts a handshake stalled after 3 bytes with a timeout alert within handshakeTimeoutMs + 3 s', async () => {
    const recorded = await harness.startServer(work.publicDir, { handshakeTimeoutMs: 300 });
    const stalled = await harness.raw(recorded.port);
    stalled.socket.write(Buffer.from([22, 0x03, 0x00]));

    await expectClosedWithin(stalled, stalled.openedAt, 300 + SLACK_MS);

    const alert = onlyAlert(stalled.received());
    expect(alert).toMatchObject({ level: FATAL, description: TIMEOUT });
    expect(alert.reason).toMatch(/handshake/);
    await expectNoConnectionsLeft(recorded);
    await expectHonestClientServed(recorded.port);
  }, 20_000);

  it('closes 20 slowloris connections within the handshake timeout + 3 s while an honest client succeeds', async () => {
    const handshakeTimeoutMs = 1_500;
    const recorded = await harness.startServer(work.publicDir, { handshakeTimeoutMs });
    // A plausible CLIENT_HELLO header announcing 700 bytes, then the payload a byte at a time.
    const trickle = Buffer.concat([Buffer.from([22, 0x03, 0x00, 0x02, 0xbc]), patternBytes(700, 5)]);
    const loris = await Promise.all(Array.from({ length: 20 }, () => harness.raw(recorded.port)));
    const timers = loris.map((connection) => {
      let sent = 0;
      const timer = setInterval(() => {
        if (connection.isClosed() || connection.socket.writableEnded || sent >= trickle.length) return;
        connection.socket.write(trickle.subarray(sent, sent + 1));
        sent += 1;
      }, 100);
      void connection.closed.then(() => clearInterval(timer));
      return timer;
    });
    try {
      await delay(300);
      await expectHonestClientServed(recorded.port);

      const closedAt = await Promise.all(loris.map((connection) => expectClosedWithin(connection, connection.openedAt, handshakeTimeoutMs + SLACK_MS)));

      expect(closedAt).toHaveLength(20);
      for (const connection of loris) expect(onlyAlert(connection.received())).toMatchObject({ level: FATAL, description: TIMEOUT });
      await expectNoConnectionsLeft(recorded);
      await expectHonestClientServed(recorded.port);
    } finally {
      timers.forEach(clearInterval);
    }
  }, 30_000);

  it('drops a timed-out peer that ignores the close and keeps its side open, after the linger', async () => {
    const handshakeTimeoutMs = 300;
    const recorded = await harness.startServer(work.publicDir, { handshakeTimeoutMs });
    const stubborn = await harness.raw(recorded.port, { allowHalfOpen: true });
    stubborn.socket.write(Buffer.from([22, 0x03, 0x00]));

    // The server ends its side at the timeout, then drops the socket after its 2 s linger.
    await vi.waitFor(() => expect(stubborn.received().length).toBeGreaterThan(0), { timeout: 300 + SLACK_MS, interval: 20 });
    expect(recorded.server.openConnections).toBe(1);
    await vi.waitFor(() => expect(recorded.server.openConnections).toBe(0), { timeout: 2_000 + SLACK_MS, interval: 20 });
    expect(Date.now() - stubborn.openedAt).toBeLessThanOrEqual(handshakeTimeoutMs + 2_000 + SLACK_MS);

    expect(onlyAlert(stubborn.received())).toMatchObject({ level: FATAL, description: TIMEOUT });
    // The server's end is gone: the first byte written now draws a reset, a later one fails on it.
    const probe = setInterval(() => stubborn.socket.write(Buffer.from([0x01])), 50);
    try {
      await expectClosedWithin(stubborn, Date.now(), SLACK_MS);
    } finally {
      clearInterval(probe);
    }
    await expectHonestClientServed(recorded.port);
  }, 20_000);

  it('closes a connection that never sends a byte after idleTimeoutMs with a timeout alert', async () => {
    const recorded = await harness.startServer(work.publicDir, { idleTimeoutMs: 300 });
    const silent = await harness.raw(recorded.port);

    await expectClosedWithin(silent, silent.openedAt, 300 + SLACK_MS);

    const alert = onlyAlert(silent.received());
    expect(alert).toMatchObject({ level: FATAL, description: TIMEOUT });
    expect(alert.reason).toMatch(/no byte/);
    await expectNoConnectionsLeft(recorded);
    await expectHonestClientServed(recorded.port);
  }, 20_000);
});

describe('malformed records', () => {
  it('answers an HTTP request with decode_error and closes', async () => {
    const recorded = await harness.startServer(work.publicDir);
    const http = await harness.raw(recorded.port);
    http.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');

    await expectClosedWithin(http, http.openedAt, SLACK_MS);

    const alert = onlyAlert(http.received());
    expect(alert).toMatchObject({ level: FATAL, description: DECODE_ERROR });
    expect(alert.reason).toMatch(/content type 71/);
    await expectNoConnectionsLeft(recorded);
    await expectHonestClientServed(recorded.port);
    await expectNoConnectionsLeft(recorded);
  }, 20_000);

  it('answers a record header announcing 16,385 bytes with record_overflow before any payload is sent', async () => {
    const recorded = await harness.startServer(work.publicDir);
    const oversized = await harness.raw(recorded.port);
    oversized.socket.write(Buffer.from([22, 0x03, 0x00, 0x40, 0x01]));

    await expectClosedWithin(oversized, oversized.openedAt, SLACK_MS);

    const alert = onlyAlert(oversized.received());
    expect(alert).toMatchObject({ level: FATAL, description: RECORD_OVERFLOW });
    expect(alert.reason).toContain('16385');
    await expectNoConnectionsLeft(recorded);
    await expectHonestClientServed(recorded.port);
    await expectNoConnectionsLeft(recorded);
  }, 20_000);

  it("answers a real TLS client's ClientHello header (version 0x0301) with decode_error", async () => {
    const recorded = await harness.startServer(work.publicDir);
    const tls = await harness.raw(recorded.port);
    tls.socket.write(Buffer.from([22, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x03]));

    await expectClosedWithin(tls, tls.openedAt, SLACK_MS);

    const alert = onlyAlert(tls.received());
    expect(alert).toMatchObject({ level: FATAL, description: DECODE_ERROR });
    expect(alert.reason).toMatch(/version/);
    await expectNoConnectionsLeft(recorded);
    await expectHonestClientServed(recorded.port);
  }, 20_000);

  it('answers plaintext application data before the handshake with unexpected_message', async () => {
    const recorded = await harness.startServer(work.publicDir);
    const early = await harness.raw(recorded.port);
    early.socket.write(Buffer.from([23, 0x03, 0x00, 0x00, 0x02, 0x01, 0x01]));

    await expectClosedWithin(early, early.openedAt, SLACK_MS);

    expect(onlyAlert(early.received())).toMatchObject({ level: FATAL, description: UNEXPECTED_MESSAGE });
    await expectNoConnectionsLeft(recorded);
    await expectHonestClientServed(recorded.port);
  }, 20_000);

  it('closes without answering when the client opens with a fatal alert of its own', async () => {
    const recorded = await harness.startServer(work.publicDir);
    const alerting = await harness.raw(recorded.port);
    alerting.socket.write(Buffer.from([21, 0x03, 0x00, 0x00, 0x04, FATAL, 40, 0x00, 0x00]));

    await expectClosedWithin(alerting, alerting.openedAt, SLACK_MS);

    expect(alerting.received().length).toBe(0);
    await expectNoConnectionsLeft(recorded);
    const session = recorded.sessions[0]!.id;
    expect(recorded.eventsOf(session).find((event) => event.type === 'closed')).toMatchObject({ ok: false, how: 'alert_received', alert: { description: 40 } });
    await expectHonestClientServed(recorded.port);
  }, 20_000);

  it('accepts a record header announcing exactly 16,384 bytes without an alert', async () => {
    const recorded = await harness.startServer(work.publicDir);
    const largest = await harness.raw(recorded.port);
    largest.socket.write(Buffer.from([22, 0x03, 0x00, 0x40, 0x00]));

    await delay(300);

    expect(largest.received().length).toBe(0);
    expect(largest.isClosed()).toBe(false);
    expect(recorded.server.openConnections).toBe(1);
    largest.socket.destroy();
    await expectNoConnectionsLeft(recorded);
    await expectHonestClientServed(recorded.port);
  }, 20_000);
});

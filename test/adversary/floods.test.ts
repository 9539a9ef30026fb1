/**
 * Connection floods against a real `tls-tui server` process. Slowloris: 500 raw clients
 * each trickle a plausible CLIENT_HELLO one byte per second while 20 more connect and say
 * nothing; every one of them is cut with a fatal timeout alert within the 10 s handshake
 * limit plus one second of its connecting, while honest clients keep being served through
 * the whole wave. (The server runs with --max-connections 1024 here: at the default cap
 * of 256, PROTOCOL.md section 7 has the 257th connection refused, so 500 slow clients
 * from one host would turn honest ones away until the wave is cut; see SECURITY.md.) Then
 * 2,000 clients connect and leave at once, half with a FIN and half with a reset. After
 * each wave the process is alive, its memory within bounds, its sockets and descriptors
 * back to the baseline, and an honest client is served. Times are only upper bounds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CODES } from '../../source/protocol/alerts.js';
import { concat, seededBytes } from '../support/fuzz.js';
import { onlyAlert } from '../support/net-harness.js';
import { closedWithin, healthOf, openRaw, type RawConnection, type ServerUnderTest, startServerProcess } from '../support/server-process.js';

const HANDSHAKE_TIMEOUT_MS = 10_000;
const SLOW_CLIENTS = 500;
const IDLE_CLIENTS = 20;
const CONNECT_AND_CLOSE = 2_000;

let server: ServerUnderTest;

beforeAll(async () => {
  server = await startServerProcess({ args: ['--max-connections', '1024'] });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

async function openMany(count: number): Promise<RawConnection[]> {
  const connections: RawConnection[] = [];
  for (let start = 0; start < count; start += 100) {
    connections.push(...(await Promise.all(Array.from({ length: Math.min(100, count - start) }, () => openRaw(server.port)))));
  }
  return connections;
}

describe('slowloris and idle connections', () => {
  it(`cuts ${SLOW_CLIENTS} one-byte-a-second clients and ${IDLE_CLIENTS} silent ones within 10 s + 1 s, serving honest clients throughout`, async () => {
    // A CLIENT_HELLO record header announcing 700 bytes, then its payload, a byte at a time.
    const trickle = concat([Uint8Array.from([22, 3, 0, 0x02, 0xbc]), seededBytes(700, 4)]);
    const slow = await openMany(SLOW_CLIENTS);
    const idle = await openMany(IDLE_CLIENTS);
    let sent = 0;
    const drip = setInterval(() => {
      for (const connection of slow) if (!connection.isClosed()) connection.socket.write(trickle.subarray(sent, sent + 1));
      sent += 1;
    }, 1_000);
    const peak = { sockets: 0, rssKiB: 0 };
    const sample = setInterval(() => {
      const health = healthOf(server.pid);
      peak.sockets = Math.max(peak.sockets, health.sockets);
      peak.rssKiB = Math.max(peak.rssKiB, health.rssKiB);
    }, 500);
    try {
      const honestDuringWave: boolean[] = [];
      while (Date.now() - slow[0]!.openedAt < HANDSHAKE_TIMEOUT_MS - 1_500) {
        const { result } = await server.fetch();
        honestDuringWave.push(result.ok);
        await new Promise((resolve) => setTimeout(resolve, 700));
      }
      expect(slow.filter((connection) => connection.isClosed())).toEqual([]);
      const closedAt = await Promise.all([...slow, ...idle].map((connection) => closedWithin(connection, connection.openedAt, HANDSHAKE_TIMEOUT_MS + 1_000)));

      expect(closedAt).toHaveLength(SLOW_CLIENTS + IDLE_CLIENTS);
      expect(honestDuringWave.length).toBeGreaterThanOrEqual(3);
      expect(honestDuringWave.every(Boolean)).toBe(true);
      for (const connection of [...slow, ...idle]) {
        const alert = onlyAlert(connection.received());
        expect(alert).toMatchObject({ level: 2, description: ALERT_CODES.timeout });
        expect(alert.reason).toMatch(/handshake not complete after 10 s/);
      }
      expect(sent).toBeGreaterThanOrEqual(5);
      expect(peak.sockets).toBeGreaterThanOrEqual(SLOW_CLIENTS);
      await server.expectHealthy();
    } finally {
      clearInterval(drip);
      clearInterval(sample);
      for (const connection of [...slow, ...idle]) connection.socket.destroy();
    }
  }, 40_000);
});

describe('connect, then leave', () => {
  it(`forgets ${CONNECT_AND_CLOSE} clients that connect and leave at once (FIN or reset), with nothing left open`, async () => {
    let leftWithFin = 0;
    let leftWithReset = 0;
    for (let start = 0; start < CONNECT_AND_CLOSE; start += 100) {
      const batch = await Promise.all(Array.from({ length: 100 }, () => openRaw(server.port)));
      batch.forEach((connection, index) => {
        if (index % 2 === 0) {
          connection.socket.end();
          leftWithFin += 1;
        } else {
          connection.socket.resetAndDestroy();
          leftWithReset += 1;
        }
      });
      await Promise.all(batch.map((connection) => closedWithin(connection, Date.now(), 5_000)));
    }
    expect([leftWithFin, leftWithReset]).toEqual([CONNECT_AND_CLOSE / 2, CONNECT_AND_CLOSE / 2]);
    const health = await server.expectHealthy();
    expect(health.sockets).toBeLessThanOrEqual(server.baseline.sockets);
    expect(server.running.output()).toMatch(new RegExp(`\\[#${CONNECT_AND_CLOSE}\\]`));
  }, 60_000);
});

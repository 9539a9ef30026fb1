/**
 * `npm run bench`: measures what a user notices (how fast a handshake is, how
 * fast a file moves) beside a reference measured in the same run, and prints a
 * table. Figures only: nothing here passes or fails.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAesCtrStream } from '../crypto/aes-ctr.js';
import { openKeystore } from '../keystore/keystore.js';
import { runClientSession } from '../net/client.js';
import { TlsTuiServer } from '../net/server.js';
import { formatRate } from '../protocol/units.js';

const MiB = 1024 * 1024;

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

function aesThroughput(bytes: number): number {
  const stream = createAesCtrStream(new Uint8Array(32), new Uint8Array(16));
  const chunk = new Uint8Array(16_383);
  const started = performance.now();
  for (let done = 0; done < bytes; done += chunk.length) stream.update(chunk);
  return bytes / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'tls-tui-bench-'));
  try {
    const keystore = await openKeystore(join(root, 'keystore'));
    const publicDir = join(root, 'public');
    await mkdir(publicDir);
    await writeFile(join(publicDir, 'small.bin'), new Uint8Array(1024));
    await writeFile(join(publicDir, 'large.bin'), new Uint8Array(64 * MiB));
    const server = await TlsTuiServer.listen({ host: '127.0.0.1', port: 0, publicDir, ...keystore.server, trustedCa: keystore.ca.certificate });
    const session = (name: string) =>
      runClientSession({ host: '127.0.0.1', port: server.address.port, request: { op: 'GET', name }, receivedDir: join(root, 'received'), ...keystore.client, trustedCa: keystore.ca.certificate });

    const times: number[] = [];
    for (let index = 0; index < 200; index += 1) {
      const started = performance.now();
      const result = await session('small.bin');
      if (!result.ok) throw new Error(`session failed: ${result.reason}`);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);

    const started = performance.now();
    const large = await session('large.bin');
    if (!large.ok) throw new Error(`transfer failed: ${large.reason}`);
    const transfer = (64 * MiB) / ((performance.now() - started) / 1000);
    const aes = aesThroughput(64 * MiB);
    await server.close();

    const rows = [
      ['figure', 'measured', 'reference (same run)', 'ratio'],
      ['sessions with a 1 KiB file, one process, p50', `${percentile(times, 0.5).toFixed(1)} ms`, '', ''],
      ['sessions with a 1 KiB file, one process, p99', `${percentile(times, 0.99).toFixed(1)} ms`, '', ''],
      ['64 MiB transfer, server and client in one process', formatRate(transfer), `aes-js AES-256-CTR ${formatRate(aes)}`, `${(transfer / aes).toFixed(2)}×`],
    ];
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    console.log(`tls-tui bench on ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}\n`);
    for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();

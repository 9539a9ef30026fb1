/**
 * A small run of the load tool (`npm run load`, source/load/) inside the suite: the built
 * `dist/load/run.js` drives 8 concurrent clients × 3 transfers of 1 KiB, 64 KiB and 300 KiB
 * files against a `tls-tui server` process and reports, as JSON, every transfer succeeded,
 * none failed or came back corrupted, handshake and transfer percentiles in order, and the
 * server's peak memory and descriptors read from /proc, the descriptors back to where they
 * started. The percentile function it reports with is checked on its own.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type LoadReport, percentiles } from '../../source/load/load.js';

const LOAD = fileURLToPath(new URL('../../dist/load/run.js', import.meta.url));

function runLoadTool(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  if (!existsSync(LOAD)) throw new Error(`${LOAD} is missing: run "npm run build" first (npm test does)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOAD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('percentiles', () => {
  it('takes the nearest rank: p50 and p99 of 1..100 are 50 and 99, of one value that value', () => {
    expect(percentiles(Array.from({ length: 100 }, (_, index) => 100 - index))).toEqual({ p50: 50, p99: 99, max: 100 });
    expect(percentiles([7])).toEqual({ p50: 7, p99: 7, max: 7 });
    expect(percentiles([]).p50).toBeNaN();
  });
});

describe('the load tool, a small run', () => {
  it('8 clients × 3 transfers against a server process: all verified, none failed or corrupted', async () => {
    const { code, stdout, stderr } = await runLoadTool(['--clients', '8', '--transfers', '3', '--sizes', '1KiB,64KiB,300KiB', '--json']);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as LoadReport;
    expect(report).toMatchObject({ clients: 8, transfers: 3, sizes: [1024, 65_536, 307_200], attempted: 24, succeeded: 24, failed: 0, corrupted: 0, failures: [] });
    expect(report.bytes).toBe(8 * (1024 + 65_536 + 307_200));
    for (const times of [report.handshakeMs, report.transferMs]) {
      expect(times.p50).toBeGreaterThan(0);
      expect(times.p50).toBeLessThanOrEqual(times.p99);
      expect(times.p99).toBeLessThanOrEqual(times.max);
    }
    expect(report.server?.peakKiB).toBeGreaterThanOrEqual(report.server?.startKiB ?? Number.POSITIVE_INFINITY);
    expect(report.server?.fdsAtEnd).toBeLessThanOrEqual(report.server?.fdsAtStart ?? 0);
  }, 60_000);

  it('prints its figures for people without --json, and refuses a size of nothing', async () => {
    const people = await runLoadTool(['--clients', '1', '--transfers', '1', '--sizes', '2KiB']);
    expect(people.code, people.stderr).toBe(0);
    expect(people.stdout).toMatch(/1 attempted, 1 succeeded, 0 failed, 0 corrupted/);
    expect(people.stdout).toMatch(/handshake +p50 [\d.]+ ms, p99/);
    expect(people.stdout).toMatch(/server memory +peak [\d.]+ MiB \(VmHWM\)/);
    const refused = await runLoadTool(['--sizes', '0']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/at least one byte/);
  }, 60_000);
});

/**
 * How the program's processes collect V8's old generation (source/v8-collection.ts),
 * asked of V8 itself: a child process counts the collections perf_hooks reports by
 * kind, and the real client and server print V8's own trace of incremental marking.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARK_WHEN_FULL, SWEEP_IN_SCAVENGE } from '../../source/v8-collection.js';
import { runCli, startServer } from '../support/cli.js';

const COLLECTION = new URL('../../dist/v8-collection.js', import.meta.url).href;
const MiB = 1024 * 1024;
/** What V8 prints each time it starts marking the old generation incrementally. */
const MARKING_STARTS = '[IncrementalMarking] Start';

/**
 * In a fresh process, keeps objects long enough for them to reach the old generation,
 * then lets them go, a few times over; the collections of each kind that V8 ran.
 */
async function collectionsOf(atOnce: boolean): Promise<{ readonly major: number; readonly incremental: number }> {
  const script = `
    import { PerformanceObserver, constants } from 'node:perf_hooks';
    ${atOnce ? `const { collectAtOnce } = await import(${JSON.stringify(COLLECTION)}); collectAtOnce();` : ''}
    const kinds = [];
    new PerformanceObserver((list) => { for (const entry of list.getEntries()) kinds.push(entry.detail.kind); }).observe({ entryTypes: ['gc'] });
    let kept = [];
    for (let i = 0; i < 3_000_000; i++) {
      kept.push({ i, name: 'object ' + i, pair: [i, i] });
      if (kept.length > 200_000) kept = kept.slice(100_000);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const count = (kind) => kinds.filter((each) => each === kind).length;
    console.log(JSON.stringify({ major: count(constants.NODE_PERFORMANCE_GC_MAJOR), incremental: count(constants.NODE_PERFORMANCE_GC_INCREMENTAL) }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 });
  return JSON.parse(stdout.trim()) as { major: number; incremental: number };
}

/** Whether this Node's V8 takes `flag` on the command line: setFlagsFromString ignores one it does not know. */
function knows(flag: string): Promise<boolean> {
  return promisify(execFile)(process.execPath, [flag, '-e', '0']).then(() => true, () => false);
}

describe('collecting at once', () => {
  it.each([MARK_WHEN_FULL, SWEEP_IN_SCAVENGE])('sets %s, a flag this V8 knows (where it would refuse one it does not)', async (flag) => {
    expect(await knows(flag)).toBe(true);
    expect(await knows(flag.replace(/^--no-/, '--no-such-'))).toBe(false);
  });

  it('leaves V8 no incremental marking, where V8 alone marks incrementally, and still collects', async () => {
    const [alone, atOnce] = await Promise.all([collectionsOf(false), collectionsOf(true)]);
    expect(alone.incremental, "incremental markings with V8's own setting").toBeGreaterThan(0);
    expect(atOnce.incremental, 'incremental markings when collecting at once').toBe(0);
    expect(atOnce.major, 'full collections when collecting at once').toBeGreaterThan(0);
  }, 60_000);
});

describe('the client, the server and the demo', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tls-tui-collection-'));
    await mkdir(join(root, 'public'));
    // Large enough that each process, were it marking incrementally, would start within the first few MiB.
    await writeFile(join(root, 'public', 'file.bin'), randomBytes(24 * MiB));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** Moves the file from a server run with `serverAes` to a native client, both tracing incremental marking. */
  async function transfer(serverAes: 'native' | 'aes-js'): Promise<{ readonly server: string; readonly client: string }> {
    const trace = ['--trace-incremental-marking'];
    const server = await startServer(['--public', 'public', '--keystore', 'keystore', '--aes', serverAes], root, trace);
    try {
      const received = `received-${serverAes}`;
      const client = await runCli(['client', '--port', String(server.port), '--keystore', 'keystore', '--received', received, '--file', 'file.bin', '--aes', 'native'], root, 60_000, trace);
      expect(client.code, client.stderr).toBe(0);
      return { server: server.output(), client: client.stdout };
    } finally {
      await server.stop();
    }
  }

  it.each(['native', 'aes-js'] as const)(
    'a client collects at once, never marking incrementally, while a server with %s marks incrementally still, which holds its peak memory lower',
    async (serverAes) => {
      const { server, client } = await transfer(serverAes);
      expect(client).toContain('digest and signature verified');
      expect(client).not.toContain(MARKING_STARTS);
      expect(server).toContain(MARKING_STARTS);
    },
    60_000,
  );

  it.each([
    ['native', false],
    ['aes-js', true],
  ] as const)('a demo, which runs one session, with %s marks incrementally: %s', async (aes, marks) => {
    const demo = await runCli(['demo', '--public', 'public', '--keystore', 'keystore', '--received', `received-demo-${aes}`, '--file', 'file.bin', '--aes', aes], root, 60_000, ['--trace-incremental-marking']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout.includes(MARKING_STARTS)).toBe(marks);
  }, 60_000);
});

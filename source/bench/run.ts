/**
 * `npm run bench`: measures what a user notices (how fast a handshake is, how fast
 * a file moves, how much memory that takes, whether the dashboard ever freezes and
 * how soon it appears) beside a reference measured in the same run, and prints one
 * table with the ratios and the targets of issue 7. Figures only: a slow machine
 * never fails anything, and the bench exits 0 whatever it finds.
 */
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AesImplementation } from '../crypto/aes-ctr.js';
import { openKeystore } from '../keystore/keystore.js';
import type { AesReferenceConfig, AesReferenceResult } from './aes-reference.js';
import type { DashboardLoadConfig, DashboardLoadResult } from './dashboard-load.js';
import type { RecordFloorConfig, RecordFloorResult } from './record-floor.js';
import { freshKeystore, openFrameClock } from './first-frame.js';
import { type OpensslServer, opensslConcurrentRate, opensslSequentialMillis, opensslVersion, startOpensslServer } from './openssl.js';
import type { SessionLoadConfig, SessionLoadResult } from './session-load.js';
import { type Folders, median, MiB, percentile, SIZES, startCliServer, watchOtherLoad } from './support.js';
import { failedRow, formatMiB, formatMiBps, formatMillis, formatRatio, formatTable, type Row, verdict } from './table.js';
import { measureTransfer } from './transfer.js';

const say = (text: string): void => void process.stderr.write(`bench: ${text}\n`);

async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const handle = await open(path, 'w');
  try {
    const chunk = Buffer.allocUnsafe(MiB);
    for (let written = 0; written < bytes; written += chunk.length) await handle.write(randomFillSync(chunk), 0, Math.min(chunk.length, bytes - written));
  } finally {
    await handle.close();
  }
}

/** A file of zeros that takes no disk space until read: a gigabyte appears at once. */
async function writeSparseFile(path: string, bytes: number): Promise<void> {
  const handle = await open(path, 'w');
  await handle.truncate(bytes);
  await handle.close();
}

/** Runs one of the bench's child scripts and hands back the JSON line it prints. */
function runChild<T>(script: string, config: object): Promise<T> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code) => {
      const last = stdout.trim().split('\n').at(-1);
      if (code === 0 && last) resolve(JSON.parse(last) as T);
      else reject(new Error(`${script} exited with ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`));
    });
  });
}

/** Runs one measurement; a failure becomes rows that say so, and the bench goes on. */
async function attempt(figures: readonly string[], target: string, measure: () => Promise<readonly Row[]>): Promise<readonly Row[]> {
  try {
    return await measure();
  } catch (error) {
    return figures.map((figure) => failedRow(figure, target, error));
  }
}

interface Bench {
  readonly root: string;
  readonly folders: Folders;
  readonly notes: string[];
}

/** Rates in bytes per second, listed in MiB/s with one decimal. */
function inMiBps(rates: readonly number[]): string {
  return rates.map((rate) => (rate / MiB).toFixed(1)).join(', ');
}

/** The transfer rows' figures, the same whether measured or not. */
const TRANSFER_FIGURES = {
  aesJs: `${SIZES.transferMiB} MiB transfer, aes-js, server and client processes`,
  native: `${SIZES.transferMiB} MiB transfer, --aes native, same processes`,
  aloneAesJs: `${SIZES.transferMiB} MiB, record layer alone (no session engine), aes-js`,
  aloneNative: `${SIZES.transferMiB} MiB, record layer alone, native`,
  alonePlain: `${SIZES.transferMiB} MiB, the same records with no crypto at all`,
} as const;

async function transferRows({ root, folders, notes }: Bench): Promise<readonly Row[]> {
  const bytes = SIZES.transferMiB * MiB;
  const runs = SIZES.transferRuns;
  say(`aes-js alone, ${SIZES.transferMiB} MiB transfers with aes-js and with --aes native, and the record layer alone (${runs} runs each)`);
  const aesJsAlone = async (warm: boolean): Promise<number> => (await runChild<AesReferenceResult>('./aes-reference.js', { bytes, warm } satisfies AesReferenceConfig)).bytesPerSecond;
  /** Each native run's rate once a tenth of the file has moved, for the note on warming up. */
  const nativeAfterFirstTenth: number[] = [];
  const transfer = async (aes: AesImplementation): Promise<number> => {
    const figures = await measureTransfer(folders, 'transfer.bin', bytes, aes);
    if (aes === 'native') nativeAfterFirstTenth.push(figures.afterFirstTenthBytesPerSecond);
    return figures.bytesPerSecond;
  };
  const recordsAlone = async (aes: RecordFloorConfig['aes']): Promise<number> => {
    const config: RecordFloorConfig = { file: join(folders.public, 'transfer.bin'), received: join(root, 'record-floor'), aes };
    return (await runChild<RecordFloorResult>('./record-floor.js', config)).bytesPerSecond;
  };
  const measures = {
    reference: () => aesJsAlone(false),
    aesJs: () => transfer('aes-js'),
    native: () => transfer('native'),
    aloneAesJs: () => recordsAlone('aes-js'),
    aloneNative: () => recordsAlone('native'),
    alonePlain: () => recordsAlone('none'),
  };
  type Measure = keyof typeof measures;
  const samples = new Map<Measure, number[]>();
  // Interleaved, so that a machine that slows down for a while slows every figure alike.
  for (let run = 0; run < runs; run += 1) {
    for (const name of Object.keys(measures) as Measure[]) samples.set(name, [...(samples.get(name) ?? []), await measures[name]()]);
  }
  const rate = (name: Measure): number => median(samples.get(name) ?? []);
  const oneByOne = (name: Measure): string => inMiBps(samples.get(name) ?? []);
  const warmRate = await aesJsAlone(true);
  notes.push(
    `The aes-js reference encrypts ${formatMiB(bytes)} of random data in 16 KiB pieces in a fresh Node process, as each peer of a transfer does, its JIT warming up on the way; ` +
      `after 8 MiB of warm-up the same loop runs at ${formatMiBps(warmRate)} (the transfer is ${formatRatio(rate('aesJs') / warmRate)} of that).`,
    `The record layer alone moves the same file in the same FILE_DATA records between two minimal processes (dist/bench/record-floor.js): read ahead, ` +
      `sent four records at a time, written behind into a received folder and synced, with the program's own pieces and sizes, but none of its session engine ` +
      `(no handshake, events, checklist or transcript). Each record is sealed and opened by the record layer (AES-256-CTR, HMAC-SHA256) and both sides hash ` +
      `the file, or, with no crypto, the records go as they are. The transfers run at ${formatRatio(rate('aesJs') / rate('aloneAesJs'))} (aes-js) and ` +
      `${formatRatio(rate('native') / rate('aloneNative'))} (native) of the record layer's pace alone: the rest is the session engine's cost.`,
    `The runs one by one, in MiB/s: aes-js transfers ${oneByOne('aesJs')}; native transfers ${oneByOne('native')}; the aes-js reference ${oneByOne('reference')}.`,
  );
  const afterFirstTenth = median(nativeAfterFirstTenth);
  if (Number.isFinite(afterFirstTenth)) {
    notes.push(
      `From the client's 10% line to its "saved" line, the native transfers ran at ${inMiBps(nativeAfterFirstTenth)} MiB/s ` +
        `(median ${formatMiBps(afterFirstTenth)}, ${formatRatio(afterFirstTenth / rate('aesJs'))} the aes-js transfer); the first tenth of the file, in which each process ` +
        `runs V8's first collections and touches memory for the first time, took the rest of the time (README, Performance).`,
    );
  }
  const alone = (name: Measure & keyof typeof TRANSFER_FIGURES, reference: string, referenceRate: number): Row => ({
    figure: TRANSFER_FIGURES[name],
    measured: formatMiBps(rate(name)),
    reference: `${reference}: ${formatMiBps(referenceRate)}`,
    ratio: formatRatio(rate(name) / referenceRate),
    target: '—',
    verdict: 'no target',
  });
  return [
    {
      figure: TRANSFER_FIGURES.aesJs,
      measured: formatMiBps(rate('aesJs')),
      reference: `aes-js AES-256-CTR alone, one core: ${formatMiBps(rate('reference'))}`,
      ratio: formatRatio(rate('aesJs') / rate('reference')),
      target: '≥ 0.8×',
      verdict: verdict(rate('aesJs') / rate('reference') >= 0.8),
    },
    {
      figure: TRANSFER_FIGURES.native,
      measured: formatMiBps(rate('native')),
      reference: `the aes-js transfer above: ${formatMiBps(rate('aesJs'))}`,
      ratio: formatRatio(rate('native') / rate('aesJs')),
      target: '≥ 10×',
      verdict: verdict(rate('native') / rate('aesJs') >= 10),
    },
    alone('aloneAesJs', 'aes-js AES-256-CTR alone, one core', rate('reference')),
    alone('aloneNative', 'the record layer alone, aes-js', rate('aloneAesJs')),
    alone('alonePlain', 'the record layer alone, aes-js', rate('aloneAesJs')),
  ];
}

/** Runs the session-load child against a fresh `tls-tui server`. */
async function sessionLoad(bench: Bench, name: string, load: SessionLoadConfig['load']): Promise<SessionLoadResult> {
  const server = await startCliServer(bench.folders, 'aes-js');
  try {
    const config: SessionLoadConfig = {
      port: server.port, keystore: bench.folders.keystore, received: join(bench.folders.received, name), name: 'small.bin', aes: 'aes-js',
      ...(server.process.pid === undefined ? {} : { serverPid: server.process.pid }), warmup: SIZES.warmupSessions, load,
    };
    return await runChild<SessionLoadResult>('./session-load.js', config);
  } finally {
    await server.stop();
  }
}

async function sequentialRows(bench: Bench, openssl: OpensslServer | undefined): Promise<readonly Row[]> {
  say(`${SIZES.sessions} sequential sessions with a 1 KiB file`);
  const result = await sessionLoad(bench, 'sequential', { kind: 'sequential', count: SIZES.sessions });
  if (result.kind !== 'sequential') throw new Error('the session load answered for another kind of load');
  const reference = openssl === undefined ? undefined : await opensslSequentialMillis(openssl.port, SIZES.rateSeconds);
  const referenceText = reference === undefined ? 'openssl not available' : `openssl s_time -new, one client: ${formatMillis(reference)} per handshake`;
  const p50 = percentile(result.millis, 0.5);
  const p99 = percentile(result.millis, 0.99);
  return [
    { figure: `${SIZES.sessions} sequential sessions, 1 KiB file: p50`, measured: formatMillis(p50), reference: referenceText, ratio: reference ? formatRatio(p50 / reference) : '—', target: '≤ 10 ms', verdict: verdict(p50 <= 10) },
    { figure: `${SIZES.sessions} sequential sessions, 1 KiB file: p99`, measured: formatMillis(p99), reference: referenceText, ratio: reference ? formatRatio(p99 / reference) : '—', target: '—', verdict: 'no target' },
  ];
}

async function concurrentRows(bench: Bench, openssl: OpensslServer | undefined): Promise<readonly Row[]> {
  say(`${SIZES.concurrency} concurrent clients for ${SIZES.rateSeconds} s`);
  const result = await sessionLoad(bench, 'concurrent', { kind: 'concurrent', clients: SIZES.concurrency, seconds: SIZES.rateSeconds });
  if (result.kind !== 'concurrent') throw new Error('the session load answered for another kind of load');
  const rate = result.sessions / result.seconds;
  const share = (cpu: number): string => `${((cpu / result.seconds) * 100).toFixed(0)}%`;
  bench.notes.push(
    `While ${SIZES.concurrency} clients ran, the server process used ${share(result.serverCpuSeconds)} of a core and the clients' process ${share(result.clientCpuSeconds)}, ` +
      `of ${cpus().length} cores: ${((result.serverCpuSeconds * 1000) / result.sessions).toFixed(1)} ms of server CPU and ${((result.clientCpuSeconds * 1000) / result.sessions).toFixed(1)} ms of client CPU per session.`,
  );
  const reference = openssl === undefined ? undefined : await opensslConcurrentRate(openssl.port, SIZES.rateSeconds, SIZES.concurrency);
  const ratio = reference === undefined ? Number.NaN : rate / reference;
  return [{
    figure: `handshakes per second, ${SIZES.concurrency} concurrent clients, 1 KiB file`,
    measured: `${rate.toFixed(0)}/s`,
    reference: reference === undefined ? 'openssl not available' : `openssl, ${SIZES.concurrency} s_time -new at once: ${reference.toFixed(0)}/s`,
    ratio: formatRatio(ratio),
    target: '≥ 150/s and ≥ 0.3×',
    verdict: verdict(rate >= 150 && (reference === undefined || ratio >= 0.3)),
  }];
}

async function memoryRows({ folders, notes }: Bench): Promise<readonly Row[]> {
  const bytes = SIZES.memoryMiB * MiB;
  say(`${SIZES.memoryMiB} MiB transfer for peak memory`);
  const figures = await measureTransfer(folders, 'memory.bin', bytes, 'aes-js');
  notes.push(`The ${formatMiB(bytes)} file moved at ${formatMiBps(figures.bytesPerSecond)}.`);
  const row = (who: string, peak: number): Row => ({
    figure: `peak memory (VmHWM) of the ${who} process, ${formatMiB(bytes)} file, aes-js`,
    measured: formatMiB(peak),
    reference: `the file: ${formatMiB(bytes)}`,
    ratio: formatRatio(peak / bytes),
    target: '≤ 150 MiB',
    verdict: verdict(peak <= 150 * MiB),
  });
  return [row('server', figures.serverPeakBytes), row('client', figures.clientPeakBytes)];
}

async function dashboardRows({ folders, notes }: Bench): Promise<readonly Row[]> {
  const bytes = SIZES.dashboardMiB * MiB;
  say(`the dashboard's engine moving ${SIZES.dashboardMiB} MiB, with aes-js and with --aes native`);
  const load = async (aes: AesImplementation): Promise<DashboardLoadResult> => {
    const config: DashboardLoadConfig = { keystore: folders.keystore, public: folders.public, received: join(folders.received, 'dashboard'), store: folders.store, name: 'dashboard.bin', bytes, aes };
    try {
      return await runChild<DashboardLoadResult>('./dashboard-load.js', config);
    } finally {
      await rm(config.received, { recursive: true, force: true });
    }
  };
  const result = await load('aes-js');
  // The target is for the default; a user who turns on the fast path should find the dashboard as responsive.
  const native = await load('native');
  notes.push(
    `Dashboard engine: ${formatMiB(bytes)} at ${formatMiBps(result.bytesPerSecond)} (both peers in one process); loop delay p50 ${formatMillis(result.p50Millis)}, ` +
      `max ${formatMillis(result.maxMillis)}; ${result.events} engine events through the reducer in ${result.batches} batches. ` +
      `With --aes native: ${formatMiBps(native.bytesPerSecond)}, loop delay p50 ${formatMillis(native.p50Millis)}, p99 ${formatMillis(native.p99Millis)}, max ${formatMillis(native.maxMillis)}.`,
  );
  return [{ figure: `event-loop delay p99, dashboard engine moving ${formatMiB(bytes)}, aes-js`, measured: formatMillis(result.p99Millis), reference: '—', ratio: '—', target: '≤ 50 ms', verdict: verdict(result.p99Millis <= 50) }];
}

async function frameRows({ root, folders }: Bench): Promise<readonly Row[]> {
  say(`the dashboard in tmux (${SIZES.frameRuns} runs each)`);
  const clock = await openFrameClock();
  if (clock === undefined) throw new Error('tmux is not installed');
  try {
    const existing: number[] = [];
    const firstRun: number[] = [];
    for (let run = 0; run < SIZES.frameRuns; run += 1) existing.push(await clock.firstFrame(folders, folders.keystore));
    for (let run = 0; run < SIZES.frameRuns; run += 1) firstRun.push(await clock.firstFrame(folders, freshKeystore(root, run)));
    const [existingMs, firstRunMs] = [median(existing), median(firstRun)];
    return [
      { figure: 'dashboard start to first frame, existing keystore', measured: formatMillis(existingMs), reference: '—', ratio: '—', target: '≤ 1 s', verdict: verdict(existingMs <= 1000) },
      { figure: 'first run: keystore generated, then first frame', measured: formatMillis(firstRunMs), reference: '—', ratio: '—', target: '≤ 3 s', verdict: verdict(firstRunMs <= 3000) },
    ];
  } finally {
    await clock.close();
  }
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'tls-tui-bench-'));
  const folders: Folders = { keystore: join(root, 'keystore'), public: join(root, 'public'), received: join(root, 'received'), store: join(root, 'store') };
  const bench: Bench = { root, folders, notes: [] };
  const openssl = await opensslVersion();
  const rows: Row[] = [];
  const otherLoad = watchOtherLoad(cpus().length);
  try {
    say(`workspace ${root}`);
    await openKeystore(folders.keystore);
    await mkdir(folders.public);
    await writeRandomFile(join(folders.public, 'small.bin'), 1024);
    await writeRandomFile(join(folders.public, 'transfer.bin'), SIZES.transferMiB * MiB);
    await writeSparseFile(join(folders.public, 'memory.bin'), SIZES.memoryMiB * MiB);
    await writeSparseFile(join(folders.public, 'dashboard.bin'), SIZES.dashboardMiB * MiB);

    rows.push(...await attempt(Object.values(TRANSFER_FIGURES), '≥ 0.8×; ≥ 10×', () => transferRows(bench)));
    const opensslServer = openssl === undefined ? undefined : await startOpensslServer(root).catch((error: Error) => void bench.notes.push(`openssl s_server could not start: ${error.message}`));
    try {
      rows.push(...await attempt(['sequential sessions, p50', 'sequential sessions, p99'], '≤ 10 ms', () => sequentialRows(bench, opensslServer ?? undefined)));
      rows.push(...await attempt([`handshakes per second, ${SIZES.concurrency} concurrent clients`], '≥ 150/s and ≥ 0.3×', () => concurrentRows(bench, opensslServer ?? undefined)));
      if (opensslServer) {
        bench.notes.push(`${openssl}: s_server with a throwaway RSA-2048 certificate negotiates ${opensslServer.negotiated}; each s_time runs -new (a full handshake per connection) and is timed by the bench, whose wall time divides its connections.`);
      }
    } finally {
      await opensslServer?.stop();
    }
    rows.push(...await attempt(['peak memory, server', 'peak memory, client'], '≤ 150 MiB', () => memoryRows(bench)));
    rows.push(...await attempt(['event-loop delay p99, dashboard process'], '≤ 50 ms', () => dashboardRows(bench)));
    rows.push(...await attempt(['dashboard start to first frame', 'first run: keystore generated, then first frame'], '≤ 1 s; ≤ 3 s', () => frameRows(bench)));
  } finally {
    await rm(root, { recursive: true, force: true });
  }

  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${openssl ?? 'no openssl'}`;
  console.log(`tls-tui bench, ${new Date().toISOString().slice(0, 10)}, on ${machine}`);
  console.log(`Other work on the machine during the run: ${(otherLoad() * 100).toFixed(0)}% of its CPU (more than a few percent lowers the figures).\n`);
  console.log(formatTable(rows));
  console.log('');
  for (const note of [
    `Transfers: \`tls-tui server\` and \`tls-tui client\` as two processes on 127.0.0.1, timed from the client's "REQUEST sent" line to its "saved" line (digest, signature and fsync included); median of ${SIZES.transferRuns} runs, each beside an aes-js reference run.`,
    `Sessions: \`tls-tui server\` against clients in one long-lived process (as s_time's), after ${SIZES.warmupSessions} warm-up sessions; each timed from connect to the file saved and close_notify exchanged.`,
    ...bench.notes,
    'Event-loop delay: perf_hooks monitorEventLoopDelay at a 10 ms resolution, which its figures include. First frame: until the header is on the tmux screen (read every 10 ms), median of the runs.',
  ]) console.log(`- ${note}`);
}

await main();

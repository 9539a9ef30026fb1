/**
 * What the benchmark's parts share: the sizes (each overridable by an environment
 * variable for a quick run), the workspace of temporary folders, the built
 * program run as separate processes the way a user runs it, and the peak memory
 * of a process read from /proc. Nothing here measures; it only sets up and watches.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AesImplementation } from '../crypto/aes-ctr.js';

export const MiB = 1024 * 1024;

/** The built command line program, beside this file's folder. */
export const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

/**
 * A size from the environment. A bad one stops the bench before anything runs, with a
 * line that says which and why (usage error, exit 2), not a stack trace from an import.
 */
function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (Number.isFinite(value) && value > 0) return value;
  process.stderr.write(`bench: ${name} must be a positive number, got "${raw}"\n`);
  return process.exit(2);
}

/** Every size the bench uses; `BENCH_TRANSFER_MIB=8 npm run bench` and the like make a quick run. */
export const SIZES = {
  transferMiB: envNumber('BENCH_TRANSFER_MIB', 64),
  sessions: Math.round(envNumber('BENCH_SESSIONS', 200)),
  warmupSessions: Math.round(envNumber('BENCH_WARMUP_SESSIONS', 10)),
  concurrency: Math.round(envNumber('BENCH_CONCURRENCY', 16)),
  rateSeconds: envNumber('BENCH_RATE_SECONDS', 5),
  memoryMiB: envNumber('BENCH_MEMORY_MIB', 1024),
  dashboardMiB: envNumber('BENCH_DASHBOARD_MIB', 256),
  frameRuns: Math.round(envNumber('BENCH_FRAME_RUNS', 3)),
  /**
   * Runs of each transfer and of the aes-js reference; the median is shown. A native
   * transfer's rate moved by up to 8% from one run to the next on a two-core VM, so
   * five, not three.
   */
  transferRuns: Math.round(envNumber('BENCH_TRANSFER_RUNS', 5)),
} as const;

export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * fraction) - 1)]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** Peak resident memory (VmHWM) of a running process in bytes, or 0 once it is gone. */
export function peakResidentBytes(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * CPU time a process has used so far (user + system, all its threads) in seconds,
 * from /proc; Linux counts it in ticks of 1/100 s (CLK_TCK on every common build).
 */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU time (s) the whole machine spent busy, and this process with its finished children, so far. */
function cpuTotals(): { readonly machine: number; readonly ours: number } {
  try {
    const times = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (times[3] ?? 0) + (times[4] ?? 0);
    const busy = times.slice(0, 8).reduce((sum, value) => sum + value, 0) - idle;
    const own = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ').slice(11, 15).map(Number);
    return { machine: busy / 100, ours: own.reduce((sum, value) => sum + value, 0) / 100 };
  } catch {
    return { machine: Number.NaN, ours: Number.NaN };
  }
}

/**
 * Watches how busy the machine is with work that is not the bench's: the bench
 * shares its cores, and figures taken while something else runs are lower. The
 * dashboards the bench starts under tmux count as others' work, so this errs high.
 */
export function watchOtherLoad(cores: number): () => number {
  const start = cpuTotals();
  const started = performance.now();
  return () => {
    const end = cpuTotals();
    const seconds = (performance.now() - started) / 1000;
    return Math.max(0, (end.machine - start.machine - (end.ours - start.ours)) / (seconds * cores));
  };
}

/** Keeps the largest VmHWM seen of some processes, read every `everyMs` until stopped. */
export class PeakMemoryWatch {
  readonly #peaks = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;

  constructor(processes: Readonly<Record<string, ChildProcess>>, everyMs = 25) {
    const read = (): void => {
      for (const [name, child] of Object.entries(processes)) {
        this.#peaks.set(name, Math.max(this.#peaks.get(name) ?? 0, peakResidentBytes(child.pid)));
      }
    };
    read();
    this.#timer = setInterval(read, everyMs);
  }

  stop(): ReadonlyMap<string, number> {
    clearInterval(this.#timer);
    return this.#peaks;
  }
}

/** A line-by-line reader of a child's output, stamping each line with when it arrived. */
export function onLines(stream: NodeJS.ReadableStream, handle: (line: string, at: number) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const at = performance.now();
    pending += chunk;
    let end: number;
    while ((end = pending.indexOf('\n')) >= 0) {
      handle(pending.slice(0, end), at);
      pending = pending.slice(end + 1);
    }
  });
}

export interface Folders {
  readonly keystore: string;
  readonly public: string;
  readonly received: string;
  readonly store: string;
}

export interface CliServer {
  readonly process: ChildProcess;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts `tls-tui server` on 127.0.0.1 and a free port; resolves once it listens. */
export function startCliServer(folders: Folders, aes: AesImplementation): Promise<CliServer> {
  const args = ['server', '--host', '127.0.0.1', '--port', '0', '--public', folders.public, '--keystore', folders.keystore, '--store', folders.store, '--aes', aes];
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tls-tui server did not listen within 30 s: ${output}`));
    }, 30_000);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`tls-tui server exited with ${code} before listening: ${output}`));
    });
    let listening = false;
    onLines(child.stdout, (line) => {
      // Once it listens its output is read and dropped, so a chatty server never blocks on a full pipe.
      if (listening) return;
      output += `${line}\n`;
      const match = /listening on [\d.]+:(\d+)/.exec(line);
      if (match === null) return;
      listening = true;
      clearTimeout(timer);
      resolve({
        process: child,
        port: Number(match[1]),
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

export interface CliClientRun {
  readonly code: number | null;
  /** When each line of output arrived (performance.now()), by line. */
  readonly lines: ReadonlyArray<{ readonly line: string; readonly at: number }>;
  readonly stderr: string;
}

/** Runs `tls-tui client --file NAME` to its end, in plain mode, as a user does. */
export function runCliClient(folders: Folders, port: number, name: string, aes: AesImplementation, started?: (child: ChildProcess) => void): Promise<CliClientRun> {
  const args = ['client', '--host', '127.0.0.1', '--port', String(port), '--file', name, '--received', folders.received, '--keystore', folders.keystore, '--store', folders.store, '--aes', aes];
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  started?.(child);
  const lines: Array<{ line: string; at: number }> = [];
  let stderr = '';
  onLines(child.stdout, (line, at) => lines.push({ line, at }));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, lines, stderr }));
  });
}

/** Runs a command to its end and hands back its output; never throws for a non-zero exit. */
export function runCommand(command: string, args: readonly string[], options: { readonly timeoutMs?: number; readonly cwd?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: stderr + error.message });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

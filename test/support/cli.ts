/**
 * Runs the built program (`dist/cli.js`) as a separate process, the way a user
 * does: one-shot commands with their output and exit code, and long-running
 * servers that report the port they got and stop on SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`);
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end; `nodeArgs` go to Node itself, before the program (V8's tracing flags, say). */
export function runCli(args: readonly string[], cwd: string, timeoutMs = 60_000, nodeArgs: readonly string[] = []): Promise<CliResult> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface RunningServer {
  readonly port: number;
  readonly process: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/** Starts `tls-tui server --port 0 …` and resolves once it prints the port it listens on. */
export function startServer(args: readonly string[], cwd: string, nodeArgs: readonly string[] = []): Promise<RunningServer> {
  return startListening(['server', '--host', '127.0.0.1', '--port', '0', ...args], cwd, nodeArgs);
}

/** Starts a long-running command (server, mitm) and resolves once it prints "listening on HOST:PORT". */
export function startListening(args: readonly string[], cwd: string, nodeArgs: readonly string[] = []): Promise<RunningServer> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<number | null>((done) => child.on('close', done));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within 20 s:\n${output}`));
    }, 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on [\d.]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          port: Number(match[1]),
          process: child,
          output: () => output,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${output}`));
    });
  });
}

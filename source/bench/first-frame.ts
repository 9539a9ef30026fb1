/**
 * How long a user waits for the dashboard: `tls-tui` is started in a real terminal
 * (tmux, 120x40, on a tmux server of the bench's own) and the screen is read every
 * 10 ms until the header is drawn. The time runs from asking tmux to start the
 * program, so it holds Node's start, loading Ink and React, opening (or, on a first
 * run, generating) the keystore, starting the server and the first render.
 */
import { join } from 'node:path';
import { CLI, type Folders, runCommand, sleep } from './support.js';

const HEADER = /tls-tui\s+server\s/;
const TIMEOUT_MS = 30_000;

export interface FrameClock {
  /** ms from start to the first frame, for a keystore that exists or is generated on the way. */
  firstFrame(folders: Folders, keystore: string): Promise<number>;
  close(): Promise<void>;
}

const quote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;

/** A tmux server for the bench alone, or undefined when tmux is not installed. */
export async function openFrameClock(): Promise<FrameClock | undefined> {
  if ((await runCommand('tmux', ['-V'])).code !== 0) return undefined;
  const socket = `tls-tui-bench-${process.pid}`;
  const tmux = (...args: string[]) => runCommand('tmux', ['-L', socket, ...args], { timeoutMs: 10_000 });
  // A session that idles keeps the tmux server up, so starting the server is not timed.
  const idle = await tmux('new-session', '-d', '-s', 'idle', '-x', '120', '-y', '40', 'sleep 3600');
  if (idle.code !== 0) return undefined;
  let runs = 0;
  return {
    async firstFrame(folders, keystore) {
      const session = `frame-${(runs += 1)}`;
      const command = [process.execPath, CLI, 'dashboard', '--port', '0', '--public', folders.public, '--received', folders.received, '--keystore', keystore, '--store', folders.store]
        .map(quote)
        .join(' ');
      const started = performance.now();
      const created = await tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', command);
      if (created.code !== 0) throw new Error(`tmux new-session failed: ${created.stderr.trim()}`);
      try {
        for (;;) {
          const screen = await tmux('capture-pane', '-p', '-t', session);
          if (HEADER.test(screen.stdout)) return performance.now() - started;
          if (screen.code !== 0) throw new Error(`the dashboard exited before its first frame: ${screen.stderr.trim()}`);
          if (performance.now() - started > TIMEOUT_MS) throw new Error(`no header after ${TIMEOUT_MS / 1000} s:\n${screen.stdout}`);
          await sleep(10);
        }
      } finally {
        await tmux('send-keys', '-t', session, 'q');
        for (let tries = 0; tries < 100 && (await tmux('has-session', '-t', session)).code === 0; tries += 1) await sleep(20);
        await tmux('kill-session', '-t', session);
      }
    },
    async close() {
      await tmux('kill-server');
    },
  };
}

/** A keystore folder that does not exist yet, for a first run. */
export function freshKeystore(root: string, run: number): string {
  return join(root, `first-run-keystore-${run}`);
}

/**
 * Starts the dashboard in this terminal: opens the keystore, starts the engine,
 * renders until the user quits, then closes every socket. Console output from
 * libraries is held back while Ink draws, so nothing lands on the screen, and is
 * printed once the terminal is restored. When the terminal goes away under it
 * (SIGHUP, or reads and writes failing with EIO), it closes as quietly.
 */
import { type Instance, render } from 'ink';
import type { AesImplementation } from '../crypto/aes-ctr.js';
import { guardedFolders, receivedFolderProblem } from '../files/guarded-folders.js';
import { publicFolderProblem } from '../files/public-folder.js';
import { EXIT } from '../headless/exit-codes.js';
import { loadKeystore } from '../headless/load-keystore.js';
import { keystoreWarnings } from '../keystore/warnings.js';
import type { CommandOutput } from '../headless/output.js';
import type { StoreOptions } from '../store/recorder.js';
import { App } from './App.js';
import { DashboardEngine } from './dashboard-engine.js';

export interface DashboardOptions {
  readonly keystore: string;
  readonly public: string;
  readonly received: string;
  readonly port?: number;
  /** The AES-256-CTR implementation; aes-js when absent. */
  readonly aes?: AesImplementation;
  readonly store: StoreOptions;
}

const ENTER_ALTERNATE_SCREEN = '\u001b[?1049h\u001b[H';
const LEAVE_ALTERNATE_SCREEN = '\u001b[?1049l';

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/** Replaces console output with a buffer; the returned function restores it and hands back what was held. */
function holdConsole(): () => string[] {
  const held: string[] = [];
  const originals = CONSOLE_METHODS.map((method) => [method, console[method]] as const);
  for (const method of CONSOLE_METHODS) console[method] = (...args: unknown[]) => held.push(args.map(String).join(' '));
  return () => {
    for (const [method, original] of originals) console[method] = original;
    return held;
  };
}

export async function runDashboard(options: DashboardOptions, output: CommandOutput): Promise<number> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    output.problem(
      'the dashboard needs an interactive terminal, and this is not one. Without a terminal, use the headless commands: ' +
        'tls-tui demo, tls-tui server, tls-tui client, tls-tui mitm, tls-tui keys (see tls-tui --help).',
    );
    return EXIT.usage;
  }
  // A public folder not there yet is the picker's to report: the dashboard runs without one.
  const guarded = guardedFolders(options.keystore, options.store.dir);
  const problem = (await publicFolderProblem(options.public, guarded, { mustExist: false })) ?? (await receivedFolderProblem(options.received, guarded));
  if (problem !== undefined) {
    output.problem(problem);
    return EXIT.local;
  }
  const keystore = await loadKeystore(options.keystore, output);
  if (keystore === undefined) return EXIT.local;
  // Printed before the dashboard takes the screen, a warning would be read only after quitting: it is shown inside too.
  const [warning, ...more] = keystoreWarnings(keystore, new Date());
  let engine: DashboardEngine;
  try {
    engine = await DashboardEngine.start({
      keystore,
      publicDir: options.public,
      receivedDir: options.received,
      store: options.store,
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.aes === undefined ? {} : { aes: options.aes }),
      ...(warning === undefined ? {} : { notice: more.length === 0 ? warning : `${warning} (and ${more.length} more, shown when the dashboard closes)` }),
    });
  } catch (error) {
    output.problem(`cannot start the server on 127.0.0.1: ${(error as Error).message}`);
    return EXIT.local;
  }
  const release = holdConsole();
  // The alternate screen, as full-screen programs use: quitting gives the terminal back as it was.
  process.stdout.write(ENTER_ALTERNATE_SCREEN);
  const leaveScreen = (): void => {
    process.stdout.write(LEAVE_ALTERNATE_SCREEN);
  };
  process.once('exit', leaveScreen);
  let instance: Instance | undefined;
  let hungUp = false;
  const stop = (): void => instance?.unmount();
  const hangUp = (): void => {
    hungUp = true;
    try {
      instance?.unmount();
    } catch {
      // Ink gives the terminal back as it unmounts; a terminal that is gone cannot take it.
    }
  };
  const onTerminalError = (error: NodeJS.ErrnoException): void => {
    if (!TERMINAL_GONE.includes(error.code ?? '')) throw error;
    hangUp();
  };
  const streams = [process.stdin, process.stdout, process.stderr];
  for (const stream of streams) stream.on('error', onTerminalError);
  // Listening until the end, not once: Ink's signal-exit re-raises a signal that no one else listens to,
  // which would end the process before the sockets close and the screen is given back.
  process.on('SIGTERM', stop);
  process.on('SIGHUP', hangUp);
  try {
    instance = render(<App engine={engine} />, { patchConsole: false, exitOnCtrlC: true });
    await instance.waitUntilExit();
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGHUP', hangUp);
    await engine.close();
    leaveScreen();
    process.off('exit', leaveScreen);
    for (const line of release()) process.stderr.write(`${line}\n`);
    for (const stream of streams) stream.off('error', onTerminalError);
  }
  if (hungUp) endAsHungUp();
  return EXIT.ok;
}

/** How reads and writes fail once the terminal is gone: its window closed, its connection dropped. */
const TERMINAL_GONE: readonly string[] = ['EIO', 'EPIPE', 'ENXIO'];

/**
 * Ends the process as a program ends on a hangup, by the signal itself. Node's
 * own exit would try to reset the terminal it found at start, and on a terminal
 * that is gone that fails an assertion and prints a native stack trace.
 */
function endAsHungUp(): never {
  // Every listener goes, signal-exit's too (the cursor is already back), so the signal's default action ends the process.
  process.removeAllListeners('SIGHUP');
  process.kill(process.pid, 'SIGHUP');
  throw new Error('still running after SIGHUP');
}

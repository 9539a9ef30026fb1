/**
 * `tls-tui demo`: a whole session on this machine, both peers in one process but
 * talking over real loopback TCP, with both checklists printed as they happen.
 * The quickest way to see the handshake without a second terminal.
 */
import { type AesImplementation, ctrStreamFactory } from '../crypto/aes-ctr.js';
import { guardedFolders, receivedFolderProblem } from '../files/guarded-folders.js';
import { listPublicFiles, publicFolderProblem } from '../files/public-folder.js';
import { runClientSession } from '../net/client.js';
import { TlsTuiServer } from '../net/server.js';
import { describeAlert } from '../protocol/alerts.js';
import { formatBytes } from '../protocol/units.js';
import { EXIT, failureExitCode } from './exit-codes.js';
import { loadKeystore } from './load-keystore.js';
import type { CommandOutput } from './output.js';
import { SessionRecorder, type StoreOptions } from '../store/recorder.js';

export interface DemoCommandOptions {
  readonly keystore: string;
  readonly public: string;
  readonly received: string;
  readonly file?: string;
  /** The AES-256-CTR implementation of both peers; aes-js when absent. */
  readonly aes?: AesImplementation;
  readonly store: StoreOptions;
}

/** `stop` resolves with the signal's name when the user stops the demo (Ctrl+C, SIGTERM). */
export async function runDemoCommand(options: DemoCommandOptions, output: CommandOutput, stop?: Promise<unknown>): Promise<number> {
  const guarded = guardedFolders(options.keystore, options.store.dir);
  const problem = (await publicFolderProblem(options.public, guarded)) ?? (await receivedFolderProblem(options.received, guarded));
  if (problem !== undefined) {
    output.problem(problem);
    return EXIT.local;
  }
  const keystore = await loadKeystore(options.keystore, output);
  if (keystore === undefined) return EXIT.local;
  const name = options.file ?? (await listPublicFiles(options.public).catch(() => []))[0]?.name;
  if (name === undefined) {
    output.problem(`no file to fetch: ${options.public} is empty or missing; name one with --file`);
    return EXIT.local;
  }
  // The signal that stopped the demo, if one did: its exit code says so.
  let signal: unknown;
  void stop?.then((name) => (signal = name));
  const recorder = new SessionRecorder({ ...options.store, onProblem: (message) => output.problem(message) });
  const transcript = recorder.open({ kind: 'demo', roles: ['client', 'server'], request: { op: 'GET', name }, mode: 'off', verify: true });
  const createCtrStream = ctrStreamFactory(options.aes ?? 'aes-js');
  const server = await TlsTuiServer.listen({
    host: '127.0.0.1',
    port: 0,
    publicDir: options.public,
    key: keystore.server.key,
    certificate: keystore.server.certificate,
    trustedCa: keystore.ca.certificate,
    createCtrStream,
    onEvent: (_session, event) => {
      transcript?.record(event);
      output.event(event, 'server │ ', { role: 'server' });
    },
  });
  try {
    const { port } = server.address;
    output.say(`tls-tui demo: a client fetches "${name}" from a server on 127.0.0.1:${port}, over real TCP`);
    const result = await runClientSession({
      host: '127.0.0.1',
      port,
      request: { op: 'GET', name },
      receivedDir: options.received,
      key: keystore.client.key,
      certificate: keystore.client.certificate,
      trustedCa: keystore.ca.certificate,
      createCtrStream,
      onEvent: (event) => {
        transcript?.record(event);
        output.event(event, 'client │ ');
      },
      onConnected: (local, remote) => transcript?.connection(local, remote),
      ...(stop ? { stop } : {}),
    });
    recorder.finish(transcript, result.ok ? { ok: true } : { ok: false, ...(result.alert ? { alert: result.alert } : {}), reason: result.reason });
    if (result.ok) {
      output.say(`${name} received into ${result.savedPath} (${formatBytes(result.size ?? 0)}), signature valid`);
      return EXIT.ok;
    }
    output.say(`stopped: ${result.alert ? describeAlert(result.alert) : result.reason}`);
    return failureExitCode(result.kind, signal);
  } finally {
    await server.close();
  }
}

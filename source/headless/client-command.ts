/**
 * `tls-tui client`: one session against a server, printing the client's checklist
 * as it goes. Exits 0 only when the file was received and verified (or the listing
 * arrived), with distinct codes for an alert, a connection problem and a local one.
 */
import { type AesImplementation, ctrStreamFactory } from '../crypto/aes-ctr.js';
import { describeAlert } from '../protocol/alerts.js';
import type { ClientRequest } from '../protocol/client.js';
import { printable, quoted } from '../protocol/printable.js';
import { formatBytes, formatCount } from '../protocol/units.js';
import { runClientSession } from '../net/client.js';
import { guardedFolders, receivedFolderProblem } from '../files/guarded-folders.js';
import { ReceivedFile } from '../files/received-file.js';
import { EXIT, failureExitCode } from './exit-codes.js';
import { loadKeystore } from './load-keystore.js';
import type { CommandOutput } from './output.js';
import { SessionRecorder, type StoreOptions } from '../store/recorder.js';

export interface ClientCommandOptions {
  readonly host: string;
  readonly port: number;
  readonly request: ClientRequest;
  readonly keystore: string;
  readonly received: string;
  readonly serverName: string;
  readonly insecure: boolean;
  readonly maxSize: number;
  /** The AES-256-CTR implementation; aes-js when absent. */
  readonly aes?: AesImplementation;
  readonly store: StoreOptions;
}

/** Why a response accepted under --insecure proves nothing about who sent it. */
const UNAUTHENTICATED = 'the server certificate was not verified (--insecure), so anyone on the path could have sent it';

/** `stop` resolves with the signal's name when the user stops the client (Ctrl+C, SIGTERM). */
export async function runClientCommand(options: ClientCommandOptions, output: CommandOutput, stop?: Promise<unknown>): Promise<number> {
  const keystore = await loadKeystore(options.keystore, output, { uses: 'client' });
  if (keystore === undefined) return EXIT.local;
  // A received folder that cannot be made or written, or must not be, is found now, not after the handshake.
  if (options.request.op === 'GET') {
    const overlap = await receivedFolderProblem(options.received, guardedFolders(options.keystore, options.store.dir));
    const problem = overlap ?? (await ReceivedFile.checkFolder(options.received).then(() => undefined, (error: Error) => `the received folder ${options.received}: ${error.message}`));
    if (problem !== undefined) {
      output.problem(problem);
      return EXIT.local;
    }
  }
  // The signal that stopped the client, if one did: its exit code says so.
  let signal: unknown;
  void stop?.then((name) => (signal = name));
  const what = options.request.op === 'GET' ? `GET ${quoted(options.request.name)}` : 'LIST';
  output.say(`tls-tui client: ${what} from ${options.host}:${options.port}${options.insecure ? ' (INSECURE: certificates not verified)' : ''}`);

  const recorder = new SessionRecorder({ ...options.store, onProblem: (message) => output.problem(message) });
  const transcript = recorder.open({
    kind: 'client',
    roles: ['client'],
    server: `${options.host}:${options.port}`,
    request: options.request,
    mode: 'off',
    verify: !options.insecure,
  });
  const result = await runClientSession({
    host: options.host,
    port: options.port,
    request: options.request,
    receivedDir: options.received,
    key: keystore.client.key,
    certificate: keystore.client.certificate,
    trustedCa: keystore.ca.certificate,
    serverName: options.serverName,
    verifyServerCertificate: !options.insecure,
    maxFileBytes: options.maxSize,
    createCtrStream: ctrStreamFactory(options.aes ?? 'aes-js'),
    onEvent: (event) => {
      transcript?.record(event);
      output.event(event, '  ');
    },
    onConnected: (local, remote) => transcript?.connection(local, remote),
    ...(stop ? { stop } : {}),
  });
  recorder.finish(transcript, result.ok ? { ok: true } : { ok: false, ...(result.alert ? { alert: result.alert } : {}), reason: result.reason });
  if (transcript) output.record({ type: 'transcript', id: transcript.id, path: transcript.path });

  if (result.ok) {
    const authenticated = !options.insecure;
    output.record({
      type: 'result', ok: true, authenticated, ...(result.savedPath ? { path: result.savedPath, size: result.size } : {}), ...(result.entries ? { entries: result.entries } : {}),
    });
    if (result.savedPath !== undefined) {
      const saved = `received ${result.savedPath} (${formatBytes(result.size ?? 0)})`;
      output.say(authenticated ? `${saved}, digest and signature verified` : `⚠ ${saved}, NOT authenticated: ${UNAUTHENTICATED}`);
    }
    if (result.entries !== undefined) {
      const width = Math.max(0, ...result.entries.map((entry) => formatCount(entry.size).length));
      for (const entry of result.entries) output.say(`  ${formatCount(entry.size).padStart(width)}  ${printable(entry.name)}`);
      output.say(`${result.entries.length} file${result.entries.length === 1 ? '' : 's'} on the server${authenticated ? '' : `, NOT authenticated: ${UNAUTHENTICATED}`}`);
    }
    return EXIT.ok;
  }
  const why = result.alert ? describeAlert(result.alert) : result.reason;
  output.record({ type: 'result', ok: false, kind: result.kind, reason: result.reason, ...(result.alert ? { alert: result.alert } : {}) });
  output.say(`stopped: ${result.kind === 'protocol' && result.reason !== result.alert?.reason ? result.reason : why}`);
  if (options.request.op === 'GET') output.say('nothing was written to received/');
  return failureExitCode(result.kind, signal);
}

/**
 * `tls-tui server`: listens and serves every connection until stopped (Ctrl+C),
 * printing each session's checklist with its number so concurrent sessions can
 * be told apart.
 */
import { type AesImplementation, ctrStreamFactory } from '../crypto/aes-ctr.js';
import { describeAlert } from '../protocol/alerts.js';
import type { ClosedEvent } from '../protocol/events.js';
import { TlsTuiServer } from '../net/server.js';
import { guardedFolders } from '../files/guarded-folders.js';
import { publicFolderProblem } from '../files/public-folder.js';
import { EXIT } from './exit-codes.js';
import { loadKeystore } from './load-keystore.js';
import type { CommandOutput } from './output.js';
import { outcomeOf, SessionRecorder, type StoreOptions } from '../store/recorder.js';
import type { TranscriptWriter } from '../store/transcript.js';

export interface ServerCommandOptions {
  readonly host: string;
  readonly port: number;
  readonly keystore: string;
  readonly public: string;
  readonly maxConnections: number;
  /** The AES-256-CTR implementation; aes-js when absent. */
  readonly aes?: AesImplementation;
  readonly store: StoreOptions;
}

function sessionOutcome(closed: ClosedEvent): string {
  if (closed.ok) return 'complete';
  const why = closed.alert ? describeAlert(closed.alert) : closed.reason;
  return closed.how === 'alert_received' ? `stopped by the client: ${why}` : `failed: ${why}`;
}

interface SessionLines {
  readonly transcript: TranscriptWriter | undefined;
  readonly prefix: string;
  readonly tag: { readonly session: number };
}

/** Serves until `stop` resolves (the CLI resolves it on SIGINT or SIGTERM). */
export async function runServerCommand(options: ServerCommandOptions, output: CommandOutput, stop: Promise<unknown>): Promise<number> {
  const problem = await publicFolderProblem(options.public, guardedFolders(options.keystore, options.store.dir));
  if (problem !== undefined) {
    output.problem(problem);
    return EXIT.local;
  }
  const keystore = await loadKeystore(options.keystore, output, { uses: 'server' });
  if (keystore === undefined) return EXIT.local;

  const recorder = new SessionRecorder({ ...options.store, onProblem: (message) => output.problem(message) });
  /** Per session: its transcript, and the prefix and JSON tag of its lines, made once rather than for every event. */
  const sessions = new Map<number, SessionLines>();
  const linesOf = (id: number, transcript?: TranscriptWriter): SessionLines => sessions.get(id) ?? { transcript, prefix: `[#${id}] `, tag: { session: id } };
  let server: TlsTuiServer;
  try {
    server = await TlsTuiServer.listen({
      host: options.host,
      port: options.port,
      publicDir: options.public,
      key: keystore.server.key,
      certificate: keystore.server.certificate,
      trustedCa: keystore.ca.certificate,
      maxConnections: options.maxConnections,
      createCtrStream: ctrStreamFactory(options.aes ?? 'aes-js'),
      onSession: (session) => {
        const transcript = recorder.open({ kind: 'server', roles: ['server'], client: session.remote, mode: 'off' });
        transcript?.connection(session.remote, session.local);
        sessions.set(session.id, linesOf(session.id, transcript));
        output.record({ type: 'session', session: session.id, remote: session.remote });
      },
      onEvent: (session, event) => {
        const { transcript, prefix, tag } = linesOf(session.id);
        transcript?.record(event);
        if (event.type === 'closed') {
          recorder.finish(transcript, outcomeOf(event));
          sessions.delete(session.id);
        }
        if (event.type === 'step' && event.step === 'listen') return;
        output.event(event, prefix, tag);
        if (event.type === 'closed') output.say(`${prefix}session ${sessionOutcome(event)}`);
      },
      onFault: (session, error) => {
        output.problem(`[#${session.id}] ${error.message}`);
      },
      onRefused: (remote) => {
        output.say(`refused ${remote}: ${options.maxConnections} connections already open`);
        output.record({ type: 'refused', remote });
      },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'EADDRINUSE' ? `port ${options.port} is in use; choose another with --port (0 picks a free one)` : (error as Error).message;
    output.problem(`cannot listen on ${options.host}:${options.port}: ${hint}`);
    return EXIT.local;
  }
  const { host, port } = server.address;
  output.say(`tls-tui server listening on ${host}:${port}, serving ${options.public} (Ctrl+C to stop)`);
  output.record({ type: 'listening', host, port, public: options.public });
  await stop;
  await server.close();
  output.say('server stopped');
  output.record({ type: 'stopped' });
  return EXIT.ok;
}

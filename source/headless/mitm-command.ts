/**
 * `tls-tui mitm`: runs the attacker relay between clients and a real server,
 * printing what it sees and does to every session: what it relayed, rewrote,
 * injected or read.
 */
import { attackerIdentity } from '../attacker/identity.js';
import { ATTACK_MODE_INFO, type AttackMode } from '../attacker/modes.js';
import { AttackerRelay, dialsItself } from '../net/relay.js';
import type { AttackEvent } from '../protocol/events.js';
import { EXIT } from './exit-codes.js';
import { loadKeystore } from './load-keystore.js';
import type { CommandOutput } from './output.js';
import { SessionRecorder, type StoreOptions } from '../store/recorder.js';
import type { TranscriptWriter } from '../store/transcript.js';

export interface MitmCommandOptions {
  readonly host: string;
  readonly listen: number;
  readonly upstream: { readonly host: string; readonly port: number };
  readonly mode: AttackMode;
  readonly keystore: string;
  readonly store: StoreOptions;
}

const KIND_SYMBOLS: Readonly<Record<AttackEvent['kind'], string>> = {
  forwarded: '→',
  rewritten: '✎',
  injected: '+',
  dropped: '✗',
  read: '👁',
  note: '•',
};

export function attackLine(event: AttackEvent): string {
  const what = event.message ? `${event.message}${event.direction ? ` (${event.direction})` : ''}: ` : '';
  return `${KIND_SYMBOLS[event.kind]} ${event.kind} ${what}${event.detail}`;
}

export async function runMitmCommand(options: MitmCommandOptions, output: CommandOutput, stop: Promise<unknown>): Promise<number> {
  const { upstream } = options;
  if (dialsItself({ host: options.host, port: options.listen }, upstream)) {
    output.problem(
      `--upstream ${upstream.host}:${upstream.port} is this relay's own address (it listens on ${options.host}:${options.listen}): ` +
        'it would connect to itself, again and again; give the address of the server',
    );
    return EXIT.usage;
  }
  const keystore = await loadKeystore(options.keystore, output, { uses: 'attacker' });
  if (keystore === undefined) return EXIT.local;
  const recorder = new SessionRecorder({ ...options.store, onProblem: (message) => output.problem(message) });
  const transcripts = new Map<number, TranscriptWriter | undefined>();
  let relay: AttackerRelay;
  try {
    relay = await AttackerRelay.listen({
      host: options.host,
      port: options.listen,
      upstream: options.upstream,
      mode: options.mode,
      identity: attackerIdentity(keystore),
      onSession: (session) => {
        transcripts.set(session.id, recorder.open({ kind: 'relay', roles: ['attacker'], client: session.remote, server: `${options.upstream.host}:${options.upstream.port}`, mode: options.mode }));
        output.record({ type: 'session', session: session.id, remote: session.remote });
      },
      onSessionEnd: (session, outcome) => {
        recorder.finish(transcripts.get(session.id), outcome);
        transcripts.delete(session.id);
        output.say(`[#${session.id}] session over: ${outcome.reason}`);
        output.record({ type: 'session-end', session: session.id, ...outcome });
      },
      onFault: (session, error) => {
        output.problem(`[#${session.id}] ${error.message}`);
      },
      onRefused: (remote, limit) => {
        output.say(`refused ${remote}: ${limit} sessions already open`);
        output.record({ type: 'refused', remote, limit });
      },
      onEvent: (session, event) => {
        transcripts.get(session.id)?.record(event);
        output.say(`[#${session.id}] ${attackLine(event)}`);
        const { record, original, ...rest } = event;
        output.record({ session: session.id, ...rest, ...(record ? { bytes: record.length } : {}) });
      },
    });
  } catch (error) {
    output.problem(`cannot listen on ${options.host}:${options.listen}: ${(error as Error).message}`);
    return EXIT.local;
  }
  const { host, port } = relay.address;
  const info = ATTACK_MODE_INFO[options.mode];
  output.say(`tls-tui mitm (${options.mode}) listening on ${host}:${port}, relaying to ${options.upstream.host}:${options.upstream.port}`);
  output.say(`  the relay ${info.does}${info.caught ? `; a verifying ${info.caught.by} catches it with ${info.caught.alert}` : ''}`);
  output.record({ type: 'listening', host, port, upstream: options.upstream, mode: options.mode });
  await stop;
  await relay.close();
  output.say('relay stopped');
  return EXIT.ok;
}

/**
 * The store from the command line: `tls-tui history` lists the sessions kept,
 * `tls-tui replay ID` prints a session's checklists and wire log as they ended
 * (through the dashboard's own reducer, so both agree), and `tls-tui export ID`
 * writes it as a pcap for Wireshark or as one JSON document.
 */
import { dirname } from 'node:path';
import { replaceFileAtomically } from '../keystore/atomic-write.js';
import { printable } from '../protocol/printable.js';
import { stepsOf } from '../protocol/steps.js';
import { transcriptToPcap } from '../store/pcap.js';
import { sessionHeading, sessionLine } from '../store/session-line.js';
import { findSession, listSessions, type SessionSummary, StoreFolderError, type Transcript } from '../store/session-store.js';
import { bytesReplacer } from '../store/json-bytes.js';
import { dashboardReducer, initialState } from '../ui/dashboard-state.js';
import { omittedRecords, replayEvents } from '../ui/replay.js';
import { resultStatus, STATUS_SYMBOLS } from '../ui/symbols.js';
import { protectionLabel, wireRows } from '../ui/wire-rows.js';
import { errorCode } from '../files/folder-tree.js';
import { EXIT } from './exit-codes.js';
import type { CommandOutput } from './output.js';

export async function runHistoryCommand(options: { readonly store: string }, output: CommandOutput): Promise<number> {
  const skipped: string[] = [];
  let sessions: SessionSummary[];
  try {
    sessions = await listSessions(options.store, (problem) => skipped.push(problem));
  } catch (error) {
    if (!(error instanceof StoreFolderError)) throw error;
    output.problem(error.message);
    return EXIT.local;
  }
  // A file that is not a transcript is named, not left out in silence.
  for (const problem of skipped) output.problem(`skipped ${problem}`);
  if (sessions.length === 0) output.say(`no${skipped.length > 0 ? ' readable' : ''} sessions in ${options.store}${skipped.length > 0 ? '' : ' yet'}`);
  else output.say(`  ${sessionHeading()}\n${sessions.map((session) => `  ${sessionLine(session)}\n    id ${session.id}`).join('\n')}`);
  for (const session of sessions) {
    output.record({ type: 'session', meta: session.meta, complete: session.complete, ...(session.running ? { running: true } : {}), ...(session.outcome ? { outcome: session.outcome } : {}) });
  }
  return EXIT.ok;
}

/** The session asked for, or the exit code of the problem said instead: a store folder that cannot be read is a local one. */
async function load(store: string, id: string, output: CommandOutput): Promise<Transcript | number> {
  try {
    return await findSession(store, id);
  } catch (error) {
    output.problem((error as Error).message);
    return error instanceof StoreFolderError ? EXIT.local : EXIT.usage;
  }
}

export async function runReplayCommand(options: { readonly store: string; readonly id: string }, output: CommandOutput): Promise<number> {
  const transcript = await load(options.store, options.id, output);
  if (typeof transcript === 'number') return transcript;
  const { meta } = transcript;
  const state = dashboardReducer(initialState(), { type: 'engine', events: replayEvents(transcript) });
  // A transcript's text may have been edited by hand: every line is escaped, so that a terminal never takes it for commands.
  const say = (line: string): void => output.say(printable(line));
  say(`replay of ${meta.id}: ${meta.kind}, started ${meta.startedAt}${meta.mode === 'off' ? '' : `, attacker ${meta.mode}`}${transcript.complete ? '' : ' (INCOMPLETE: the session never wrote its outcome)'}`);
  for (const role of ['client', 'server'] as const) {
    if (!meta.roles.includes(role)) continue;
    say(`${role}:`);
    for (const step of stepsOf(role)) {
      const view = state[role].steps[step.id];
      if (view === undefined || view.status === 'pending') continue;
      say(`  ${STATUS_SYMBOLS[view.status]} ${step.label}${view.detail ? `: ${view.detail}` : ''}`);
    }
  }
  for (const note of state.attackNotes) say(`attacker: ${note}`);
  say('wire:');
  for (const row of wireRows(state.wire, state.wireOmitted)) {
    if (row.kind === 'omitted') {
      say(`       ${row.text}`);
      continue;
    }
    const { entry, number } = row;
    const mark = entry.attack && entry.attack !== 'forwarded' ? `  [${entry.attack}]` : '';
    say(`  ${String(number).padStart(3)}  ${entry.hop.padEnd(16)} ${entry.message.padEnd(22)} ${String(entry.size).padStart(6)} B  ${protectionLabel(entry)}${mark}`);
  }
  for (const [kind, count] of Object.entries(omittedRecords(transcript).other)) say(`  (${count} ${kind} records were not kept in the transcript)`);
  if (state.result) say(`${STATUS_SYMBOLS[resultStatus(state.result)]} ${state.result.text}`);
  output.record({ type: 'replay', meta, complete: transcript.complete, client: state.client.steps, server: state.server.steps, result: state.result ?? null });
  return EXIT.ok;
}

export interface ExportOptions {
  readonly store: string;
  readonly id: string;
  readonly pcap?: string;
  /** A file, or true for standard output. */
  readonly json?: string | true;
}

export async function runExportCommand(options: ExportOptions, output: CommandOutput): Promise<number> {
  const transcript = await load(options.store, options.id, output);
  if (typeof transcript === 'number') return transcript;
  try {
    if (options.pcap !== undefined) {
      const pcap = transcriptToPcap(transcript);
      await writeExport(options.pcap, pcap, 0o644);
      output.say(`wrote ${options.pcap} (${pcap.length} bytes): open it in Wireshark, or: tshark -r ${options.pcap}`);
    }
    if (options.json !== undefined) {
      const document = `${JSON.stringify(transcript, bytesReplacer, 2)}\n`;
      if (options.json === true) {
        // After whatever was said before it, which waits for the end of the turn.
        output.flush();
        process.stdout.write(document);
      }
      else {
        // The transcript holds the session's secret and keys: readable by its owner only, like store/.
        await writeExport(options.json, document, 0o600);
        output.say(`wrote ${options.json} (mode 0600: it holds the session's keys)`);
      }
    }
  } catch (error) {
    output.problem(`cannot export ${transcript.meta.id}: ${(error as Error).message}`);
    return EXIT.local;
  }
  return EXIT.ok;
}

/**
 * Writes an export whole or not at all. A failure names the file asked for, not the
 * temporary one beside it that the system's error names.
 */
async function writeExport(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  try {
    await replaceFileAtomically(path, data, mode);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') throw new Error(`cannot write ${path}: the folder ${dirname(path)} does not exist`);
    if (code === 'EACCES' || code === 'EPERM') throw new Error(`cannot write ${path}: permission denied in ${dirname(path)}`);
    throw new Error(`cannot write ${path}: ${code ?? (error as Error).message}`);
  }
}

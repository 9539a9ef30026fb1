/**
 * A stored session in one line, as `tls-tui history` and the dashboard's history
 * list show it: when, which program, what was asked, the attacker, how long, how
 * much, and how it ended. The columns are data, so a narrow list can leave some
 * out and keep the outcome readable.
 */
import { listedName, printable } from '../protocol/printable.js';
import { formatBytes, formatDuration } from '../protocol/units.js';
import { cellWidth, cutToCells } from '../text/cells.js';
import type { SessionSummary } from './session-store.js';
import { stoppedBecause } from './transcript.js';

export interface SessionColumn {
  readonly heading: string;
  /** Its width; the last column, the outcome, takes what is left. */
  readonly width: number;
  readonly alignRight?: boolean;
  readonly cell: (session: SessionSummary) => string;
}

const WHEN: SessionColumn = { heading: 'started (UTC)', width: 19, cell: ({ meta }) => meta.startedAt.replace('T', ' ').slice(0, 19) };
/** The start without the year, for a narrow list. */
const WHEN_SHORT: SessionColumn = { heading: 'started (UTC)', width: 14, cell: ({ meta }) => meta.startedAt.replace('T', ' ').slice(5, 19) };
const PROGRAM: SessionColumn = { heading: 'program', width: 9, cell: ({ meta }) => meta.kind };
const REQUEST: SessionColumn = {
  heading: 'request',
  width: 24,
  cell: ({ meta, outcome }) => {
    // A server's transcript learns the request only as the session goes: its outcome says it.
    const request = meta.request ?? outcome?.request;
    return request ? (request.op === 'GET' ? `GET ${listedName(request.name ?? '')}` : 'LIST') : '';
  },
};
/** The request cut shorter, for a narrow list. */
const REQUEST_SHORT: SessionColumn = { ...REQUEST, width: 16 };
const ATTACKER: SessionColumn = { heading: 'attacker', width: 13, cell: ({ meta }) => meta.mode };
const DURATION: SessionColumn = { heading: 'duration', width: 8, alignRight: true, cell: ({ outcome }) => (outcome ? formatDuration(outcome.durationMs) : '') };
const SIZE: SessionColumn = { heading: 'size', width: 8, alignRight: true, cell: ({ outcome }) => (outcome ? formatBytes(outcome.bytes) : '') };
const OUTCOME: SessionColumn = {
  heading: 'outcome',
  width: 0,
  cell: ({ meta, outcome, running }) => {
    // Without its outcome: still being written, or cut short by a crash.
    if (outcome === undefined) return running ? '… running' : 'incomplete';
    // The ✘ says it stopped; the reason need not say it again.
    if (!outcome.ok) return `✘ ${stoppedBecause(outcome)}`;
    // Unverified with an attacker on, a session completes only when the impostor served it.
    if (meta.verify === false && meta.kind !== 'relay' && meta.mode !== 'off') return "⚠ attacker's content accepted (NOT verified)";
    if (meta.verify === false) return '⚠ ok, server NOT verified';
    // A relay's attack that nobody caught: what happened instead (the client fell for it, say).
    if (meta.kind === 'relay' && meta.mode !== 'off') return `⚠ ${outcome.reason ?? 'not caught'}`;
    return '✔ ok';
  },
};

export const SESSION_COLUMNS: readonly SessionColumn[] = [WHEN, PROGRAM, REQUEST, ATTACKER, DURATION, SIZE, OUTCOME];
/** Where the outcome is cut shorter than this, columns go, least telling first. */
const MIN_OUTCOME = 16;
const NARROWER: readonly ((columns: readonly SessionColumn[]) => readonly SessionColumn[])[] = [
  (columns) => columns.filter((column) => column !== PROGRAM),
  (columns) => columns.filter((column) => column !== SIZE),
  (columns) => columns.map((column) => (column === WHEN ? WHEN_SHORT : column)),
  (columns) => columns.map((column) => (column === REQUEST ? REQUEST_SHORT : column)),
  (columns) => columns.filter((column) => column !== DURATION),
  (columns) => columns.filter((column) => column !== ATTACKER),
];

const widthOf = (columns: readonly SessionColumn[]): number => columns.reduce((sum, column) => sum + column.width + 2, 0);

/** The columns for a list `width` wide: all of them when the outcome has room, fewer as it narrows. */
export function sessionColumns(width = Number.POSITIVE_INFINITY): readonly SessionColumn[] {
  let columns = SESSION_COLUMNS;
  for (const narrower of NARROWER) {
    if (width - widthOf(columns) >= MIN_OUTCOME) break;
    columns = narrower(columns);
  }
  return columns;
}

/** Cells escaped with `printable`: a transcript's text may have been edited by hand, and a terminal must not take it for commands. */
function row(columns: readonly SessionColumn[], cell: (column: SessionColumn) => string): string {
  return columns
    .map((column) => {
      if (column.width === 0) return printable(cell(column));
      const text = cutToCells(printable(cell(column)), column.width);
      const padding = ' '.repeat(column.width - cellWidth(text));
      return column.alignRight ? padding + text : text + padding;
    })
    .join('  ');
}

export function sessionHeading(columns: readonly SessionColumn[] = SESSION_COLUMNS): string {
  return row(columns, (column) => column.heading);
}

export function sessionLine(session: SessionSummary, columns: readonly SessionColumn[] = SESSION_COLUMNS): string {
  return row(columns, (column) => column.cell(session));
}

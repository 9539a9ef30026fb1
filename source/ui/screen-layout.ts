/**
 * How the dashboard shares the terminal's rows: the header, the footer (one line,
 * or two when its keys do not fit in one), the two checklists, the result, the
 * attacker's last note, the tabs, and the list or explanation below. The list
 * keeps a few rows; every row beyond them goes first to a long result, then to
 * the steps' details, wrapped under their labels instead of cut.
 */
import type { PeerView } from './dashboard-state.js';
import { FOOTER_MAX_LINES, type FooterKey, footerLines } from './keys.js';
import { paneRows } from './pane-layout.js';
import { resultLines } from './result-text.js';

/** Rows the list below the panes keeps before the panes and the result grow. */
export const MIN_BOTTOM_ROWS = 8;
/** The most rows a result line, or one step with its detail, grows to. */
const MAX_RESULT_ROWS = 3;
const MAX_ROWS_PER_STEP = 4;

export interface ScreenInput {
  readonly columns: number;
  readonly rows: number;
  readonly footer: readonly FooterKey[];
  readonly client: PeerView;
  readonly server: PeerView;
  readonly resultText: string;
  readonly attackLine: boolean;
}

export interface ScreenLayout {
  readonly footer: readonly string[];
  /** Rows between the header and the footer. */
  readonly bodyRows: number;
  readonly leftWidth: number;
  readonly rightWidth: number;
  readonly paneRows: number;
  readonly rowsPerStep: number;
  readonly resultRows: number;
  /** Rows of the list or explanation below the tabs. */
  readonly bottomRows: number;
  /** Set when the panes and the rest cannot all be drawn: the rows the terminal needs at least. */
  readonly tooSmall?: { readonly rowsNeeded: number };
}

/** The fewest rows the list below the tabs is drawn in (its heading and two entries). */
const MIN_LIST_ROWS = 3;

export function screenLayout({ columns, rows, footer, client, server, resultText, attackLine }: ScreenInput): ScreenLayout {
  const footerText = footerLines(footer, columns);
  const bodyRows = Math.max(6, rows - 1 - footerText.length);
  const leftWidth = Math.floor((columns - 1) / 2);
  const rightWidth = columns - 1 - leftWidth;
  const panesAt = (depth: number): number => Math.max(paneRows('client', client, leftWidth, depth), paneRows('server', server, rightWidth, depth));
  const fixed = 1 + (attackLine ? 1 : 0);
  let spare = bodyRows - fixed - panesAt(1) - 1 - MIN_BOTTOM_ROWS;

  const resultRows = Math.max(1, Math.min(MAX_RESULT_ROWS, resultLines(resultText, columns, MAX_RESULT_ROWS).length, 1 + Math.max(0, spare)));
  spare -= resultRows - 1;
  let rowsPerStep = 1;
  for (let depth = MAX_ROWS_PER_STEP; depth > 1; depth -= 1) {
    if (panesAt(depth) - panesAt(1) <= spare) {
      rowsPerStep = depth;
      break;
    }
  }
  const panes = panesAt(rowsPerStep);
  const listRows = bodyRows - fixed - panes - resultRows;
  // The header, the footer, the tabs, the attacker's note, the panes at a row a step, a result line and the
  // shortest list, with the longest footer and the note counted whether they show now or not: a screen
  // big enough for the dashboard stays so whatever the session and the keys do next.
  const rowsNeeded = 1 + FOOTER_MAX_LINES + 1 + 1 + panesAt(1) + 1 + MIN_LIST_ROWS;
  return {
    ...(rows < rowsNeeded || listRows < MIN_LIST_ROWS ? { tooSmall: { rowsNeeded } } : {}),
    footer: footerText,
    bodyRows,
    leftWidth,
    rightWidth,
    paneRows: panes,
    rowsPerStep,
    resultRows,
    bottomRows: Math.max(MIN_LIST_ROWS, listRows),
  };
}

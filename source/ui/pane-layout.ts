/**
 * How a peer's checklist fits its pane: full or short labels by width, and each
 * step's detail on the label's row, or, when the screen has rows to spare,
 * wrapped onto lines below it, indented under the label. The dashboard asks how
 * many rows a pane takes at each depth before it chooses one.
 */
import { type Role, stepsOf } from '../protocol/steps.js';
import type { PeerView } from './dashboard-state.js';
import { wrapText } from './wrap-text.js';
import { cellWidth } from '../text/cells.js';

/** Below this width a pane uses the steps' short labels. */
const FULL_LABEL_WIDTH = 90;
/** A detail cut shorter than this says nothing; the step's explanation shows it whole. */
const MIN_DETAIL_WIDTH = 16;
/** Where a detail's further lines start: under the label. */
export const DETAIL_INDENT = 2;

export interface StepLabels {
  readonly labels: readonly string[];
  /** The label column's width, so details line up. */
  readonly labelWidth: number;
}

export function stepLabels(role: Role, width: number): StepLabels {
  const full = width >= FULL_LABEL_WIDTH;
  const labels = stepsOf(role).map((step) => (full ? step.label : step.short));
  return { labels, labelWidth: Math.max(...labels.map((label) => label.length)) };
}

export interface DetailLines {
  /** What stands on the label's row, after the label column. */
  readonly first?: string;
  /** The lines below it, each to be indented by DETAIL_INDENT. */
  readonly more: readonly string[];
}

/**
 * A step's detail in at most `rows` rows, the label's row included: with one, the
 * detail is cut to what is left of the row (or left out when that is too little).
 */
export function detailLines(detail: string, labelWidth: number, width: number, rows: number): DetailLines {
  if (detail === '') return { more: [] };
  const room = width - labelWidth - 3;
  if (rows <= 1 || cellWidth(detail) <= room) return room >= MIN_DETAIL_WIDTH ? { first: wrapText(detail, room, 1)[0]!, more: [] } : { more: [] };
  // Wrapped lines keep a column free at the right, so they do not run into the divider.
  const below = width - DETAIL_INDENT - 1;
  if (room >= MIN_DETAIL_WIDTH) {
    const [first, ...more] = wrapText(detail, { first: room - 1, rest: below }, rows);
    return { first: first!, more };
  }
  return { more: wrapText(detail, below, rows - 1) };
}

/** The rows a pane takes: its title, each step with its detail in at most `rowsPerStep` rows, and the progress bar. */
export function paneRows(role: Role, view: PeerView, width: number, rowsPerStep: number): number {
  const { labelWidth } = stepLabels(role, width);
  return stepsOf(role).reduce((rows, step) => rows + 1 + detailLines(view.steps[step.id]?.detail ?? '', labelWidth, width, rowsPerStep).more.length, 2);
}

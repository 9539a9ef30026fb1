/**
 * What the line under the panes says (running, waiting for space in step mode, a
 * notice, or how the last session ended), in which colour, and in how many lines:
 * the text apart from its drawing, as the screen layout needs it to count rows.
 */
import type { DashboardState } from './dashboard-state.js';
import { resultStatus, STATUS_COLORS, STATUS_SYMBOLS } from './symbols.js';
import { wrapText } from './wrap-text.js';

export type ResultState = Pick<DashboardState, 'running' | 'result' | 'held' | 'notice' | 'session'>;

export interface ResultText {
  readonly text: string;
  readonly color?: string;
  readonly dim?: boolean;
}

/** What the line says, and in which colour. */
export function resultText(state: ResultState): ResultText {
  // A held record stays in view whatever else is said: it is what the class waits on. With a
  // notice beside it, the keys give way to the notice: the footer leads with them in step mode.
  if (state.held) {
    const waiting = `⏸ ${state.held.role} is about to send ${state.held.message}`;
    return { text: state.notice ? `${waiting}  ! ${state.notice}` : `${waiting}: space sends it, c lets the session run`, color: 'yellow' };
  }
  if (state.notice) return { text: `! ${state.notice}`, color: 'yellow' };
  if (state.running && state.session) {
    const what = state.session.request.op === 'GET' ? `GET "${state.session.request.name}"` : 'LIST';
    // The session's own settings: the header shows those the next session will take, which a/v may have changed.
    const attacker = state.session.mode === 'off' ? '' : `, attacker ${state.session.mode}`;
    const verify = state.session.verify ? '' : ', verification OFF';
    return { text: `● ${state.session.name ?? `session ${state.session.id}`}: ${what}${attacker}${verify}`, color: 'cyan' };
  }
  if (state.result) {
    const status = resultStatus(state.result);
    return { text: `${STATUS_SYMBOLS[status]} ${state.result.text}`, color: STATUS_COLORS[status] };
  }
  return { text: 'Pick a file and press Enter to fetch it. ? shows every key.', dim: true };
}

/** The lines the text takes at `width`, at most `rows`. */
export function resultLines(text: string, width: number, rows: number): string[] {
  return wrapText(text, { first: width, rest: width - 2 }, rows).map((line, index) => (index === 0 ? line : `  ${line}`));
}

/**
 * Status by symbol as well as by colour, so a dashboard without colour (NO_COLOR)
 * or a plain log still reads: ✔ done, ⚠ done without its protection, ✘ failed, ⊘
 * stopped by the other side (its alert, or a dropped connection), a spinner while active, · pending, – skipped.
 */
import type { StepStatus } from '../protocol/steps.js';
import type { SessionResult } from './dashboard-state.js';

export const STATUS_SYMBOLS: Readonly<Record<StepStatus, string>> = {
  pending: '·',
  active: '⠋',
  done: '✔',
  warning: '⚠',
  failed: '✘',
  stopped: '⊘',
  skipped: '–',
};

export const STATUS_COLORS: Readonly<Record<StepStatus, string>> = {
  pending: 'gray',
  active: 'cyan',
  done: 'green',
  warning: 'yellow',
  failed: 'red',
  stopped: 'gray',
  skipped: 'gray',
};

/** A failed or a warning step's text stands out in its colour; the others' details are dim. */
export const STATUS_EMPHASIS: Readonly<Partial<Record<StepStatus, string>>> = { failed: 'red', warning: 'yellow' };

export const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

/** How a session ended, as a step status: done (✔), warning (⚠: accepted without being authenticated) or failed (✘). */
export function resultStatus(result: SessionResult): StepStatus {
  if (!result.ok) return 'failed';
  return result.unauthenticated ? 'warning' : 'done';
}

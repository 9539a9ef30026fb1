/**
 * Status by symbol as well as by colour, so a dashboard without colour (NO_COLOR)
 * or a plain log still reads: ✔ done, ✘ failed, a spinner while active, · pending,
 * – skipped.
 */
import type { StepStatus } from '../protocol/steps.js';

export const STATUS_SYMBOLS: Readonly<Record<StepStatus, string>> = {
  pending: '·',
  active: '⠋',
  done: '✔',
  failed: '✘',
  skipped: '–',
};

export const STATUS_COLORS: Readonly<Record<StepStatus, string>> = {
  pending: 'gray',
  active: 'cyan',
  done: 'green',
  failed: 'red',
  skipped: 'gray',
};

export const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;

/**
 * One checklist step: its status by symbol and colour (a spinner while active),
 * its label, and the detail in dim text, cut to the width it has.
 */
import { Text } from 'ink';
import type { StepStatus } from '../protocol/steps.js';
import { SPINNER_FRAMES, STATUS_COLORS, STATUS_EMPHASIS, STATUS_SYMBOLS } from './symbols.js';
import { tint } from './theme.js';

/** A detail cut shorter than this says nothing; the step's explanation shows it whole. */
const MIN_DETAIL_WIDTH = 16;

export interface StepRowProps {
  readonly status: StepStatus;
  readonly label: string;
  readonly detail: string;
  readonly selected?: boolean;
  readonly frame?: number;
  readonly width: number;
  /** The label column's width, so details line up. */
  readonly labelWidth?: number;
}

export function StepRow({ status, label, detail, selected = false, frame = 0, width, labelWidth = label.length }: StepRowProps) {
  const symbol = status === 'active' ? SPINNER_FRAMES[frame % SPINNER_FRAMES.length] : STATUS_SYMBOLS[status];
  const muted = status === 'pending' || status === 'skipped';
  const emphasis = STATUS_EMPHASIS[status];
  return (
    <Text wrap="truncate-end">
      <Text color={tint(STATUS_COLORS[status])}>{symbol}</Text>{' '}
      <Text inverse={selected} bold={status === 'failed'} color={tint(emphasis)} dimColor={muted && !selected}>
        {label.slice(0, Math.max(0, width - 2))}
      </Text>
      {detail && width - labelWidth - 3 >= MIN_DETAIL_WIDTH ? (
        <Text dimColor={emphasis === undefined} color={tint(emphasis)}>{`${' '.repeat(Math.max(1, labelWidth - label.length + 1))}${detail}`}</Text>
      ) : null}
    </Text>
  );
}

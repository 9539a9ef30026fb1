/**
 * One checklist step: its status by symbol and colour (a spinner while active),
 * its label, and the detail in dim text: on the label's row, cut to the width it
 * has, or, given more rows, wrapped onto lines below, indented under the label.
 */
import { Box, Text } from 'ink';
import type { StepStatus } from '../protocol/steps.js';
import { DETAIL_INDENT, detailLines } from './pane-layout.js';
import { SPINNER_FRAMES, STATUS_COLORS, STATUS_EMPHASIS, STATUS_SYMBOLS } from './symbols.js';
import { tint } from './theme.js';

export interface StepRowProps {
  readonly status: StepStatus;
  readonly label: string;
  readonly detail: string;
  readonly selected?: boolean;
  readonly frame?: number;
  readonly width: number;
  /** The label column's width, so details line up. */
  readonly labelWidth?: number;
  /** The rows the step may take, its label's included. */
  readonly rows?: number;
}

export function StepRow({ status, label, detail, selected = false, frame = 0, width, labelWidth = label.length, rows = 1 }: StepRowProps) {
  const symbol = status === 'active' ? SPINNER_FRAMES[frame % SPINNER_FRAMES.length] : STATUS_SYMBOLS[status];
  const muted = status === 'pending' || status === 'skipped';
  const emphasis = STATUS_EMPHASIS[status];
  const { first, more } = detailLines(detail, labelWidth, width, rows);
  const row = (
    <Text wrap="truncate-end">
      <Text color={tint(STATUS_COLORS[status])}>{symbol}</Text>{' '}
      <Text inverse={selected} bold={status === 'failed'} color={tint(emphasis)} dimColor={muted && !selected}>
        {label.slice(0, Math.max(0, width - 2))}
      </Text>
      {first === undefined ? null : (
        <Text dimColor={emphasis === undefined} color={tint(emphasis)}>{`${' '.repeat(Math.max(1, labelWidth - label.length + 1))}${first}`}</Text>
      )}
    </Text>
  );
  if (more.length === 0) return row;
  return (
    <Box flexDirection="column">
      {row}
      {more.map((line, index) => (
        <Text key={index} wrap="truncate-end" dimColor={emphasis === undefined} color={tint(emphasis)}>{`${' '.repeat(DETAIL_INDENT)}${line}`}</Text>
      ))}
    </Box>
  );
}

/**
 * Every key, and what the dashboard's symbols mean. Each key's line wraps under
 * its description at the width it has; when the keys do not all fit, ↑↓ moves a
 * cursor through them and the list scrolls to keep it in view, while the legend
 * stays below.
 */
import { Box, Text } from 'ink';
import type { StepStatus } from '../protocol/steps.js';
import { KEY_HELP } from './keys.js';
import { listWindowByHeights } from './list-window.js';
import { STATUS_SYMBOLS } from './symbols.js';
import { tint } from './theme.js';
import { wrapText } from './wrap-text.js';

/** The keys' column: a marker, the longest key, and a gap before what it does. */
const KEY_COLUMN = 2 + Math.max(...KEY_HELP.map((key) => key.keys.length)) + 2;

/** What each symbol in the checklists says, in the order a session meets them. */
const LEGEND: readonly (readonly [StepStatus, string])[] = [
  ['done', 'done'],
  ['warning', 'done without its protection (a certificate not verified)'],
  ['failed', 'failed with the alert and its reason'],
  ['stopped', "stopped by the other side: its alert, or a dropped connection"],
  ['active', 'in progress'],
  ['pending', 'pending'],
  ['skipped', 'skipped'],
];

const HELP_LEGEND = `Both peers run here and talk over real loopback TCP (through the attacker's relay when one is on). ${LEGEND.map(([status, meaning]) => `${STATUS_SYMBOLS[status]} ${meaning}`).join(', ')}.`;

export interface HelpOverlayProps {
  readonly width: number;
  readonly rows?: number;
  readonly cursor?: number;
}

export function HelpOverlay({ width, rows = Number.POSITIVE_INFINITY, cursor = 0 }: HelpOverlayProps) {
  const entries = KEY_HELP.map((key) => wrapText(`${key.does}${key.where ? `  (${key.where === 'inspector' ? 'inspector' : key.where.join(', ')})` : ''}`, Math.max(10, width - KEY_COLUMN)));
  const legend = wrapText(HELP_LEGEND, width);
  const keyRows = rows - 2 - legend.length;
  const { start, end } = listWindowByHeights(entries.map((lines) => lines.length), cursor, keyRows);
  const scrolls = start > 0 || end < entries.length;
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">
        {scrolls ? `Keys ${start + 1}-${end} of ${entries.length} (↑↓ scrolls)` : 'Keys'}
      </Text>
      {entries.slice(start, end).map((lines, offset) => {
        const index = start + offset;
        // The marker, not only the highlight, shows where ↑↓ are: without colour a highlight is not drawn.
        const selected = scrolls && index === cursor;
        return lines.map((line, row) => (
          <Text key={`${index}-${row}`} wrap="truncate-end">
            <Text>{selected && row === 0 ? '› ' : '  '}</Text>
            <Text color={tint('cyan')} inverse={selected && row === 0}>{(row === 0 ? KEY_HELP[index]!.keys : '').padEnd(KEY_COLUMN - 2)}</Text>
            <Text>{line}</Text>
          </Text>
        ));
      })}
      <Text> </Text>
      {legend.map((line, row) => (
        <Text key={`legend-${row}`} dimColor wrap="truncate-end">{line}</Text>
      ))}
    </Box>
  );
}

/**
 * A transfer's progress: a bar, the percentage, bytes so far and in all, and the
 * rate since it began.
 */
import { Text } from 'ink';
import { formatBytes, formatRate } from '../protocol/units.js';
import { tint } from './theme.js';

export interface ProgressBarProps {
  readonly done: number;
  readonly total: number;
  /** Milliseconds the transfer has taken so far. */
  readonly elapsedMs: number;
  readonly width: number;
}

export function ProgressBar({ done, total, elapsedMs, width }: ProgressBarProps) {
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const rate = elapsedMs > 0 ? ` ${formatRate((done / elapsedMs) * 1000)}` : '';
  const numbers = ` ${percent} ${formatBytes(done)}/${formatBytes(total)}${rate}`;
  const barWidth = Math.max(4, width - numbers.length - 2);
  const filled = Math.round(fraction * barWidth);
  return (
    <Text wrap="truncate-end">
      <Text color={tint('cyan')}>{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(barWidth - filled)}</Text>
      <Text>{numbers}</Text>
    </Text>
  );
}

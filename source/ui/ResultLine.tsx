/**
 * The line under the panes: what is happening now (running, waiting for space in
 * step mode, a notice) or how the last session ended. Given more than one row, a
 * long result wraps rather than being cut, its later lines indented past the
 * symbol.
 */
import { Box, Text } from 'ink';
import { type ResultState, resultLines, resultText } from './result-text.js';
import { tint } from './theme.js';

export interface ResultLineProps {
  readonly state: ResultState;
  readonly width?: number;
  readonly rows?: number;
}

export function ResultLine({ state, width = Number.POSITIVE_INFINITY, rows = 1 }: ResultLineProps) {
  const { text, color, dim = false } = resultText(state);
  return (
    <Box flexDirection="column">
      {resultLines(text, width, rows).map((line, index) => (
        <Text key={index} wrap="truncate-end" color={tint(color)} dimColor={dim}>{line}</Text>
      ))}
    </Box>
  );
}

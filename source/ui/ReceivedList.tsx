/**
 * What is in received/: names, sizes and SHA-256 digests, to compare with the
 * server's files. Each passed the size, digest and signature checks when it was
 * saved, but not all under a verified certificate (verification off, --insecure),
 * so the list does not call them verified.
 */
import { Box, Text } from 'ink';
import { formatBytes } from '../protocol/units.js';
import type { ReceivedView } from './dashboard-state.js';
import { listWindow } from './list-window.js';

export interface ReceivedListProps {
  readonly entries: readonly ReceivedView[];
  readonly cursor: number;
  readonly focused: boolean;
  readonly rows: number;
}

export function ReceivedList({ entries, cursor, focused, rows }: ReceivedListProps) {
  const { start, end } = listWindow(entries.length, cursor, rows - 1);
  return (
    <Box flexDirection="column">
      <Text dimColor>{`received/: ${entries.length} file${entries.length === 1 ? '' : 's'}`}</Text>
      {entries.slice(start, end).map((entry, offset) => {
        const selected = start + offset === cursor;
        return (
          <Text key={entry.name} wrap="truncate-end" inverse={selected && focused}>
            {`${selected ? '›' : ' '} ${formatBytes(entry.size).padStart(9)}  ${entry.sha256 ? `${entry.sha256.slice(0, 12)}…` : '…'.padEnd(13)}  ${entry.name}`}
          </Text>
        );
      })}
    </Box>
  );
}

/**
 * Every record of the session in order: which hop it crossed, what it is, its
 * size and whether it was encrypted, with the attacker's rewrites highlighted.
 * Long runs of the same message are counted rather than listed, where they went by.
 */
import { Box, Text } from 'ink';
import type { WireEntry } from './dashboard-state.js';
import { listWindow } from './list-window.js';
import { tint } from './theme.js';
import { protectionLabel, wireRows, wireTotal } from './wire-rows.js';

export interface WireLogProps {
  readonly entries: readonly WireEntry[];
  readonly omitted: Readonly<Record<string, number>>;
  readonly cursor: number;
  readonly focused: boolean;
  readonly rows: number;
}

const ATTACK_MARKS: Readonly<Record<string, { readonly mark: string; readonly color: string }>> = {
  rewritten: { mark: '✎ rewritten', color: 'red' },
  injected: { mark: '+ injected', color: 'magenta' },
  dropped: { mark: '✗ dropped', color: 'yellow' },
  forwarded: { mark: '', color: '' },
};

export function WireLog({ entries, omitted, cursor, focused, rows }: WireLogProps) {
  const all = wireRows(entries, omitted);
  const total = wireTotal(entries, omitted);
  const selectedRow = Math.max(0, all.findIndex((row) => row.kind === 'record' && row.index === cursor));
  const { start, end } = listWindow(all.length, selectedRow, Math.max(1, rows - 1));
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate-end">{`wire: ${total} record${total === 1 ? '' : 's'}${entries.length ? '  (Enter inspects the selected one)' : ''}`}</Text>
      {all.slice(start, end).map((row) => {
        if (row.kind === 'omitted') {
          return <Text key={row.text} dimColor wrap="truncate-end">{`     ${row.text}`}</Text>;
        }
        const { entry, index, number } = row;
        const selected = index === cursor;
        const attack = entry.attack ? ATTACK_MARKS[entry.attack] : undefined;
        return (
          <Text key={entry.id} wrap="truncate-end" inverse={selected && focused}>
            <Text>{`${selected ? '›' : ' '}${String(number).padStart(3)} `}</Text>
            <Text color={tint(entry.from === 'attacker' ? 'magenta' : entry.from === 'client' ? 'blue' : 'yellow')}>{entry.hop.padEnd(16)}</Text>
            <Text bold>{` ${entry.message.padEnd(20)}`}</Text>
            <Text dimColor>{` ${String(entry.size).padStart(6)} B ${protectionLabel(entry)}`}</Text>
            {attack?.mark ? <Text color={tint(attack.color)} bold>{`  ${attack.mark}`}</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}

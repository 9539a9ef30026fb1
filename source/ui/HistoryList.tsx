/**
 * The sessions kept in store/, newest first: when, which program, what was asked,
 * the attacker, how it ended, how long it took and how much moved; as many of
 * those columns as its width holds with the outcome still readable.
 */
import { Box, Text } from 'ink';
import { sessionColumns, sessionHeading, sessionLine } from '../store/session-line.js';
import type { SessionSummary } from '../store/session-store.js';
import { listWindow } from './list-window.js';
import { tint } from './theme.js';

export interface HistoryListProps {
  readonly sessions: readonly SessionSummary[];
  readonly cursor: number;
  /** False while the store is being read: the sessions are an older listing, or none. */
  readonly fresh?: boolean;
  readonly rows: number;
  readonly width?: number;
}

export function HistoryList({ sessions, cursor, fresh = true, rows, width }: HistoryListProps) {
  if (!fresh) return <Text dimColor>History: reading store/…</Text>;
  const { start, end } = listWindow(sessions.length, cursor, Math.max(1, rows - 2));
  // Two columns go to the cursor marker.
  const columns = sessionColumns(width === undefined ? undefined : width - 2);
  return (
    <Box flexDirection="column" {...(width === undefined ? {} : { width })}>
      <Text bold wrap="truncate-end">{`History: ${sessions.length} session${sessions.length === 1 ? '' : 's'} in store/ (Enter replays the selected one)`}</Text>
      <Text dimColor wrap="truncate-end">{`  ${sessionHeading(columns)}`}</Text>
      {sessions.length === 0 ? <Text dimColor>No session kept yet: fetch a file first.</Text> : null}
      {sessions.slice(start, end).map((session, offset) => {
        const selected = start + offset === cursor;
        const failed = session.outcome !== undefined && !session.outcome.ok;
        const unverified = session.outcome?.ok === true && session.meta.verify === false;
        return (
          <Text key={session.id} wrap="truncate-end" inverse={selected} color={tint(failed ? 'red' : session.complete && !unverified ? undefined : 'yellow')}>
            {`${selected ? '›' : ' '} ${sessionLine(session, columns)}`}
          </Text>
        );
      })}
    </Box>
  );
}

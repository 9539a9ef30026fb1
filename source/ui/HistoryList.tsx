/**
 * The sessions kept in store/, newest first: when, which program, what was asked,
 * the attacker, how it ended, how long it took and how much moved.
 */
import { Box, Text } from 'ink';
import { SESSION_LINE_HEADING, sessionLine } from '../store/session-line.js';
import type { SessionSummary } from '../store/session-store.js';
import { listWindow } from './list-window.js';
import { tint } from './theme.js';

export interface HistoryListProps {
  readonly sessions: readonly SessionSummary[];
  readonly cursor: number;
  readonly rows: number;
}

export function HistoryList({ sessions, cursor, rows }: HistoryListProps) {
  const { start, end } = listWindow(sessions.length, cursor, Math.max(1, rows - 2));
  return (
    <Box flexDirection="column">
      <Text bold>{`History: ${sessions.length} session${sessions.length === 1 ? '' : 's'} in store/ (Enter replays the selected one)`}</Text>
      <Text dimColor wrap="truncate-end">{`  ${SESSION_LINE_HEADING}`}</Text>
      {sessions.length === 0 ? <Text dimColor>No session kept yet: fetch a file first.</Text> : null}
      {sessions.slice(start, end).map((session, offset) => {
        const selected = start + offset === cursor;
        const failed = session.outcome !== undefined && !session.outcome.ok;
        const unverified = session.outcome?.ok === true && session.meta.verify === false;
        return (
          <Text key={session.id} wrap="truncate-end" inverse={selected} color={tint(failed ? 'red' : session.complete && !unverified ? undefined : 'yellow')}>
            {`${selected ? '›' : ' '} ${sessionLine(session)}`}
          </Text>
        );
      })}
    </Box>
  );
}

/**
 * One line under the panes: what is happening now (running, waiting for space in
 * step mode, a notice) or how the last session ended.
 */
import { Text } from 'ink';
import type { DashboardState } from './dashboard-state.js';
import { resultStatus, STATUS_COLORS, STATUS_SYMBOLS } from './symbols.js';
import { tint } from './theme.js';

export interface ResultLineProps {
  readonly state: Pick<DashboardState, 'running' | 'result' | 'held' | 'notice' | 'session'>;
}

export function ResultLine({ state }: ResultLineProps) {
  if (state.notice) return <Text wrap="truncate-end" color={tint('yellow')}>{`! ${state.notice}`}</Text>;
  if (state.held) {
    return (
      <Text wrap="truncate-end" color={tint('yellow')}>
        {`⏸ ${state.held.role} is about to send ${state.held.message}: space sends it, c lets the session run`}
      </Text>
    );
  }
  if (state.running && state.session) {
    const what = state.session.request.op === 'GET' ? `GET "${state.session.request.name}"` : 'LIST';
    return <Text wrap="truncate-end" color={tint('cyan')}>{`● session ${state.session.id}: ${what}${state.session.mode === 'off' ? '' : `, attacker ${state.session.mode}`}`}</Text>;
  }
  if (state.result) {
    const status = resultStatus(state.result);
    return (
      <Text wrap="truncate-end" color={tint(STATUS_COLORS[status])}>
        {`${STATUS_SYMBOLS[status]} ${state.result.text}`}
      </Text>
    );
  }
  return <Text wrap="truncate-end" dimColor>Pick a file and press Enter to fetch it. ? shows every key.</Text>;
}

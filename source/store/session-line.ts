/**
 * A stored session in one line, as `tls-tui history` and the dashboard's history
 * list show it: when, which program, what was asked, the attacker, how long, how
 * much, and how it ended.
 */
import { formatBytes } from '../protocol/units.js';
import type { SessionSummary } from './session-store.js';

export const SESSION_LINE_HEADING = 'started (UTC)        program   request                  attacker      duration     size  outcome';

export function sessionLine(session: SessionSummary): string {
  const { meta, outcome } = session;
  const when = meta.startedAt.replace('T', ' ').slice(0, 19);
  const what = meta.request ? (meta.request.op === 'GET' ? `GET ${meta.request.name ?? ''}` : 'LIST') : '';
  const result = outcome === undefined ? 'incomplete' : !outcome.ok ? `✘ ${outcome.reason ?? 'failed'}` : meta.verify === false ? '⚠ ok, server NOT verified' : 'ok';
  const size = outcome ? formatBytes(outcome.bytes) : '';
  const duration = outcome ? `${outcome.durationMs} ms` : '';
  return `${when}  ${meta.kind.padEnd(9)} ${what.slice(0, 24).padEnd(24)} ${meta.mode.padEnd(13)} ${duration.padStart(8)} ${size.padStart(8)}  ${result}`;
}

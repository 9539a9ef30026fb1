/**
 * The wire log as rows: each record kept, and where a long run of one message was
 * counted instead of listed, a line saying so right after the last one listed,
 * so the count sits where those records went by (before FILE_END, not after the
 * close).
 */
import { formatCount } from '../protocol/units.js';
import type { WireEntry } from './dashboard-state.js';

/** `index` among the entries kept; `number`, the record's place on the wire, counting those left out before it. */
type RecordRow = { readonly kind: 'record'; readonly entry: WireEntry; readonly index: number; readonly number: number };
type OmittedRow = { readonly kind: 'omitted'; readonly text: string; readonly count: number };
export type WireRow = RecordRow | OmittedRow;

/** The key exchanges travel in the clear, but what they carry is RSA-OAEP encrypted to this peer's key. */
export const KEY_EXCHANGE_RECIPIENT: Readonly<Record<string, 'server' | 'client'>> = { CLIENT_KEY_EXCHANGE: 'server', SERVER_KEY_EXCHANGE: 'client' };

/** How a record's content is protected, in a word for the log: a key exchange is not "plaintext". */
export function protectionLabel(entry: Pick<WireEntry, 'encrypted' | 'message'>): string {
  if (entry.encrypted) return 'encrypted';
  return KEY_EXCHANGE_RECIPIENT[entry.message] ? 'RSA-OAEP' : 'plaintext';
}

/** Records are grouped as the reducer counts them: by sender and message. */
export function wireKind(entry: Pick<WireEntry, 'from' | 'message'>): string {
  return `${entry.from} ${entry.message}`;
}

export function wireRows(entries: readonly WireEntry[], omitted: Readonly<Record<string, number>>): WireRow[] {
  const lastOfKind = new Map(entries.map((entry, index) => [wireKind(entry), index] as const));
  const after = new Map<number, OmittedRow[]>();
  const atEnd: OmittedRow[] = [];
  for (const [kind, count] of Object.entries(omitted)) {
    const row: OmittedRow = { kind: 'omitted', text: `… ${formatCount(count)} more ${kind} records, not listed`, count };
    const index = lastOfKind.get(kind);
    if (index === undefined) atEnd.push(row);
    else after.set(index, [...(after.get(index) ?? []), row]);
  }
  const rows: WireRow[] = [];
  let number = 0;
  entries.forEach((entry, index) => {
    number += 1;
    rows.push({ kind: 'record', entry, index, number });
    for (const row of after.get(index) ?? []) {
      rows.push(row);
      number += row.count;
    }
  });
  return [...rows, ...atEnd];
}

/** Every record that went by: those kept and those only counted. */
export function wireTotal(entries: readonly WireEntry[], omitted: Readonly<Record<string, number>>): number {
  return entries.length + Object.values(omitted).reduce((sum, count) => sum + count, 0);
}

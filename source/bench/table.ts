/**
 * The bench's one table: each figure beside its reference from the same run, the
 * ratio, the target and whether it is met, as a Markdown table whose columns line
 * up in a terminal and which pastes into the README as it is.
 */

export type Verdict = 'met' | 'not met' | 'no target' | 'not measured';

export interface Row {
  readonly figure: string;
  readonly measured: string;
  readonly reference: string;
  readonly ratio: string;
  readonly target: string;
  readonly verdict: Verdict;
}

const HEADINGS: Row = { figure: 'figure', measured: 'measured', reference: 'reference (same run)', ratio: 'ratio', target: 'target', verdict: 'no target' };
const COLUMNS = ['figure', 'measured', 'reference', 'ratio', 'target', 'verdict'] as const;

export function formatTable(rows: readonly Row[]): string {
  const cells = (row: Row, heading = false): string[] => COLUMNS.map((column) => (heading && column === 'verdict' ? 'result' : row[column]));
  const all = [cells(HEADINGS, true), ...rows.map((row) => cells(row))];
  const widths = COLUMNS.map((_, index) => Math.max(...all.map((line) => line[index]!.length)));
  const line = (values: readonly string[]): string => `| ${values.map((value, index) => value.padEnd(widths[index]!)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(all[0]!), rule, ...all.slice(1).map(line)].join('\n');
}

export const formatMillis = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`);
export const formatMiBps = (bytesPerSecond: number): string => `${(bytesPerSecond / 1024 / 1024).toFixed(1)} MiB/s`;
export const formatMiB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
export const formatRatio = (ratio: number): string => (Number.isFinite(ratio) ? `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×` : '—');
export const verdict = (met: boolean): Verdict => (met ? 'met' : 'not met');

/** A row for a figure that could not be measured, with the reason where the figure would be. */
export function failedRow(figure: string, target: string, error: unknown): Row {
  const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  return { figure, measured: `failed: ${reason.slice(0, 120)}`, reference: '—', ratio: '—', target, verdict: 'not measured' };
}

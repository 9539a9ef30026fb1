/**
 * The inspector's hex dump: 16 bytes a line with offsets and a printable column,
 * cut into spans so the selected field's bytes can be highlighted.
 */

export interface HexSpan {
  readonly text: string;
  readonly highlighted: boolean;
}

export interface HexLine {
  readonly offset: number;
  readonly spans: readonly HexSpan[];
  readonly ascii: string;
}

export const BYTES_PER_LINE = 16;

function printable(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
}

/** Lines `first` to `first + count - 1` of the dump of `bytes`, highlighting [start, end). */
export function hexLines(bytes: Uint8Array, highlight: { readonly start: number; readonly end: number } | undefined, first: number, count: number): HexLine[] {
  const lines: HexLine[] = [];
  const total = Math.ceil(bytes.length / BYTES_PER_LINE);
  for (let line = first; line < Math.min(total, first + count); line += 1) {
    const offset = line * BYTES_PER_LINE;
    const spans: HexSpan[] = [];
    let ascii = '';
    for (let index = offset; index < Math.min(bytes.length, offset + BYTES_PER_LINE); index += 1) {
      const byte = bytes[index]!;
      const highlighted = highlight !== undefined && index >= highlight.start && index < highlight.end;
      const text = `${byte.toString(16).padStart(2, '0')} `;
      const last = spans.at(-1);
      if (last !== undefined && last.highlighted === highlighted) spans[spans.length - 1] = { text: last.text + text, highlighted };
      else spans.push({ text, highlighted });
      ascii += printable(byte);
    }
    lines.push({ offset, spans, ascii });
  }
  return lines;
}

/** The first line to show so that `offset` is in a window of `count` lines. */
export function hexWindowStart(offset: number, count: number, byteLength: number): number {
  const total = Math.ceil(byteLength / BYTES_PER_LINE);
  const line = Math.floor(offset / BYTES_PER_LINE);
  return Math.max(0, Math.min(line - Math.floor(count / 3), total - count));
}

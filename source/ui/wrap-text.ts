/**
 * Text cut into lines for a given width, computed rather than left to the
 * terminal, so that the dashboard knows how many rows a detail or a sentence
 * takes before it lays the screen out. Lines break at spaces where they can; a
 * text longer than its lines allow ends in "…". Widths are measured in terminal
 * cells, so a line of Chinese or Japanese, two cells a character, is not cut by
 * the terminal where the dashboard thought it fitted.
 */
import { cellWidth, fittingCount, graphemes } from '../text/cells.js';

export interface WrapWidths {
  /** Columns of the first line. */
  readonly first: number;
  /** Columns of every later line. */
  readonly rest: number;
}

/** `text` in at most `maxLines` lines; none for an empty text. Widths are in terminal cells. */
export function wrapText(text: string, widths: WrapWidths | number, maxLines = Number.POSITIVE_INFINITY): string[] {
  const { first, rest } = typeof widths === 'number' ? { first: widths, rest: widths } : widths;
  const lines: string[] = [];
  let left = graphemes(text.trim());
  while (left.length > 0 && lines.length < maxLines) {
    const width = Math.max(1, lines.length === 0 ? first : rest);
    const fit = fittingCount(left, width);
    if (fit === left.length) {
      lines.push(left.join(''));
      break;
    }
    if (lines.length === maxLines - 1) {
      // The last line there is room for: as much as fits, then the ellipsis.
      lines.push(`${left.slice(0, fittingCount(left, width - 1)).join('').trimEnd()}…`);
      break;
    }
    // At the last space that fits, unless the word after it is too long for any line: moved to
    // a line of its own it would be cut anyway, and leave this one nearly empty ("✔" alone).
    const space = left.lastIndexOf(' ', fit);
    const cut = space > 0 && wordCells(left, space + 1) <= Math.max(1, rest) ? space : Math.max(1, fit);
    lines.push(left.slice(0, cut).join('').trimEnd());
    left = left.slice(cut);
    while (left[0] === ' ') left.shift();
  }
  return lines;
}

/** The cells of the word that starts at `start`, up to the next space. */
function wordCells(parts: readonly string[], start: number): number {
  const end = parts.indexOf(' ', start);
  return cellWidth(parts.slice(start, end === -1 ? undefined : end).join(''));
}

/**
 * Text cut into lines for a given width, computed rather than left to the
 * terminal, so that the dashboard knows how many rows a detail or a sentence
 * takes before it lays the screen out. Lines break at spaces where they can; a
 * text longer than its lines allow ends in "…".
 */

export interface WrapWidths {
  /** Columns of the first line. */
  readonly first: number;
  /** Columns of every later line. */
  readonly rest: number;
}

/** `text` in at most `maxLines` lines; none for an empty text. */
export function wrapText(text: string, widths: WrapWidths | number, maxLines = Number.POSITIVE_INFINITY): string[] {
  const { first, rest } = typeof widths === 'number' ? { first: widths, rest: widths } : widths;
  const lines: string[] = [];
  let left = [...text.trim()];
  while (left.length > 0 && lines.length < maxLines) {
    const width = Math.max(1, lines.length === 0 ? first : rest);
    if (left.length <= width) {
      lines.push(left.join(''));
      break;
    }
    if (lines.length === maxLines - 1) {
      // The last line there is room for: as much as fits, then the ellipsis.
      lines.push(`${left.slice(0, width - 1).join('').trimEnd()}…`);
      break;
    }
    const space = left.lastIndexOf(' ', width);
    const cut = space > 0 ? space : width;
    lines.push(left.slice(0, cut).join('').trimEnd());
    left = left.slice(cut);
    while (left[0] === ' ') left.shift();
  }
  return lines;
}

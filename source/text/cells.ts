/**
 * Text measured and cut in terminal cells, not characters: a Chinese or Japanese
 * character takes two cells, an emoji built of several code points one or two, a
 * combining accent none. A name cut or padded by characters runs over into the
 * next column, or past the edge where the terminal or Ink cuts it anywhere. Cuts
 * fall between graphemes, so no character is left half-built.
 */
import stringWidth from 'string-width';

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The terminal cells `text` takes. */
export function cellWidth(text: string): number {
  return stringWidth(text);
}

/** `text` as the characters a reader sees, each perhaps several code points. */
export function graphemes(text: string): string[] {
  return Array.from(GRAPHEMES.segment(text), ({ segment }) => segment);
}

/** How many of `parts`, from the first, fit in `cells` terminal cells. */
export function fittingCount(parts: readonly string[], cells: number): number {
  let used = 0;
  for (const [index, part] of parts.entries()) {
    used += stringWidth(part);
    if (used > cells) return index;
  }
  return parts.length;
}

/** The longest run of `parts`, taken in order, that fits in `cells`. */
function fitting(parts: readonly string[], cells: number): string[] {
  return parts.slice(0, fittingCount(parts, cells));
}

/** As much of the start of `text` as fits in `cells`. */
export function cutToCells(text: string, cells: number): string {
  if (stringWidth(text) <= cells) return text;
  return fitting(graphemes(text), cells).join('');
}

/**
 * A name in at most `width` cells, cut in the middle when it must be, so that both
 * its folder and its end (the extension, what tells files apart) stay.
 */
export function shortenMiddle(name: string, width: number): string {
  if (stringWidth(name) <= width) return name;
  if (width <= 1) return '…'.slice(0, Math.max(0, width));
  const parts = graphemes(name);
  const tailCells = Math.ceil((width - 1) * 0.6);
  const tail = fitting([...parts].reverse(), tailCells).reverse();
  const head = fitting(parts, width - 1 - stringWidth(tail.join('')));
  return `${head.join('')}…${tail.join('')}`;
}

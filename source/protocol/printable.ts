/**
 * Text that came off the wire, made safe to show. Alert reasons, requested names,
 * listings and certificate names are written by the other peer, and they end up on
 * an operator's terminal, in the dashboard and in logs: a hostile peer must not be
 * able to clear the screen, retitle the window, forge a log line with a line feed or
 * reorder text with a bidirectional override. Every such character is shown as a
 * `\uXXXX` escape instead, so what is printed is still exactly what was sent.
 */

/** C0 and C1 control characters, DEL included. */
export function isControl(codePoint: number): boolean {
  return codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f);
}

/** The embeddings, overrides and isolates that make text display out of order. */
export function isBidiControl(codePoint: number): boolean {
  return (codePoint >= 0x202a && codePoint <= 0x202e) || (codePoint >= 0x2066 && codePoint <= 0x2069);
}

/** Zero-width spaces, joiners and marks, and the byte order mark. */
export function isZeroWidth(codePoint: number): boolean {
  return (codePoint >= 0x200b && codePoint <= 0x200f) || codePoint === 0xfeff;
}

/** Line and paragraph separators, which some terminals and viewers break lines at. */
function isLineSeparator(codePoint: number): boolean {
  return codePoint === 0x2028 || codePoint === 0x2029;
}

function isUnprintable(codePoint: number): boolean {
  return isControl(codePoint) || isBidiControl(codePoint) || isZeroWidth(codePoint) || isLineSeparator(codePoint) || codePoint === 0x061c;
}

function escape(codePoint: number): string {
  return `\\u${codePoint.toString(16).padStart(4, '0')}`;
}

/** `text` with every control, bidirectional and invisible character escaped. */
export function printable(text: string): string {
  let shown = '';
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0;
    shown += isUnprintable(codePoint) ? escape(codePoint) : character;
  }
  return shown;
}

/** `text` between double quotes, printable: how a name from the wire is quoted in a sentence. */
export function quoted(text: string): string {
  return `"${printable(text)}"`;
}

/**
 * A name as a list or a title shows it: bare when it reads as what it is, quoted
 * (and printable) when it would not: empty, with spaces at either end that the eye
 * does not see, or with characters that must be escaped.
 */
export function listedName(text: string): string {
  return text !== '' && text.trim() === text && isPrintable(text) ? text : quoted(text);
}

/** True when `text` would print as it is. */
export function isPrintable(text: string): boolean {
  for (const character of text) {
    if (isUnprintable(character.codePointAt(0) ?? 0)) return false;
  }
  return true;
}

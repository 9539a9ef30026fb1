/**
 * What a text input holds after keys that arrived together. A terminal delivers
 * a held backspace or a quick run of them as one read ("\x7f\x7f\x7f"), and Ink
 * parses a read of several bytes as typed text, so ink-text-input inserts the
 * DEL characters instead of erasing. Here each backspace (DEL or BS) erases the
 * character before it, escape sequences from other keys in the same read are
 * dropped, and no other control character stays in the text.
 */
import { isControl } from '../protocol/printable.js';

const ERASERS = new Set(['\x7f', '\b']);
/** CSI sequences (arrows, function keys, bracketed paste marks) and SS3 ones. */
const ESCAPE_SEQUENCES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1bO./gu;

export function applyTyped(text: string): string {
  const kept: string[] = [];
  for (const character of text.replace(ESCAPE_SEQUENCES, '')) {
    if (ERASERS.has(character)) kept.pop();
    else if (!isControl(character.codePointAt(0)!)) kept.push(character);
  }
  return kept.join('');
}

/**
 * Every key the dashboard answers, as data: the footer shows the ones that work
 * where the focus is, the help overlay shows them all.
 */
import type { Focus, Overlay } from './dashboard-state.js';

export interface KeyHelp {
  readonly keys: string;
  readonly does: string;
  /** Where the key works; everywhere when absent. */
  readonly where?: readonly Focus[] | 'inspector';
}

export const KEY_HELP: readonly KeyHelp[] = [
  { keys: '↑↓ j k', does: 'move in the focused list (and in this help)' },
  { keys: 'Tab', does: 'focus the next pane: files, received, wire, client, server' },
  { keys: 'Enter', does: 'fetch the selected file (a new session)', where: ['files'] },
  { keys: '/', does: 'filter the files by name', where: ['files'] },
  { keys: 'n', does: 'request any name, typed verbatim (try ../keystore/server/server.key)' },
  { keys: 'L', does: 'request the listing (LIST)' },
  { keys: 'Enter', does: 'inspect the selected record down to its bytes', where: ['wire'] },
  { keys: 'Enter', does: 'explain the selected step in full, over the whole screen', where: ['client', 'server'] },
  { keys: 'Enter', does: "show or hide the selected file's whole SHA-256, to compare with sha256sum", where: ['received'] },
  { keys: '↑↓', does: 'select a field: its bytes light up in the hex dump', where: 'inspector' },
  { keys: 'PgUp PgDn', does: 'scroll the hex dump, to read the rest of a long field', where: 'inspector' },
  { keys: 'a', does: 'cycle the attacker: off, forged-key, rogue-ca, self-signed, expired, wrong-name, replay-client, bit-flip' },
  { keys: 'v', does: 'toggle certificate verification in the client' },
  { keys: 's', does: 'toggle step mode: each message waits before it leaves' },
  { keys: 'space', does: 'step mode: send the waiting message' },
  { keys: 'c', does: 'step mode: let the session run to its end, and leave step mode' },
  { keys: 'h', does: 'history: the sessions kept in store/; Enter replays one' },
  { keys: '← → Home End', does: 'replay: step back and forth through the session\'s events, or to its start or end' },
  { keys: 'Esc', does: 'close the inspector, the help, an explanation or a prompt; leave a replay' },
  { keys: '?', does: 'this help' },
  { keys: 'q  Ctrl+C', does: 'quit' },
];

/** One key in the footer: the key and, in a word or two, what it does. */
export interface FooterKey {
  readonly key: string;
  readonly does: string;
}

export interface FooterContext {
  readonly replaying?: boolean;
  /** Step mode: the keys that send and release the held record come first. */
  readonly stepMode?: boolean;
}

const keys = (...pairs: readonly (readonly [string, string])[]): FooterKey[] => pairs.map(([key, does]) => ({ key, does }));

/** The keys that work where the focus is, most useful first. */
export function footerKeys(focus: Focus, overlay: Overlay, { replaying = false, stepMode = false }: FooterContext = {}): FooterKey[] {
  if (overlay === 'history') return keys(['↑↓', 'session'], ['Enter', 'replay it'], ['Esc', 'close'], ['q', 'quit']);
  if (overlay === 'inspector') return keys(['↑↓', 'field'], ['PgUp PgDn', 'bytes'], ['Esc', 'back'], ['q', 'quit']);
  if (overlay === 'explain') return keys(['↑↓', 'step'], ['Esc', 'back'], ['q', 'quit']);
  if (replaying && overlay === 'none') return keys(['← → Home End', 'step through the session'], ['↑↓', 'move'], ['Tab', 'pane'], ['Enter', 'inspect'], ['Esc', 'back to live'], ['q', 'quit']);
  if (overlay === 'help') return keys(['↑↓', 'scroll'], ['Esc or ?', 'closes the help']);
  if (overlay === 'filter' || overlay === 'request') return keys(['Enter', 'confirm'], ['Esc', 'cancel']);
  const stepping = stepMode ? keys(['space', 'send'], ['c', 'run on'], ['s', 'step off']) : [];
  const common = keys(['Tab', 'pane'], ['a', 'attacker'], ['v', 'verify'], ...(stepMode ? [] : [['s', 'step'] as const]), ['n', 'name'], ['L', 'list'], ['h', 'history']);
  const here = {
    files: keys(['↑↓', 'pick'], ['Enter', 'fetch'], ['/', 'filter']),
    wire: keys(['↑↓', 'record'], ['Enter', 'inspect']),
    client: keys(['↑↓', 'step'], ['Enter', 'explain']),
    server: keys(['↑↓', 'step'], ['Enter', 'explain']),
    received: keys(['↑↓', 'file'], ['Enter', 'digest']),
  }[focus];
  return [...keys(['?', 'help'], ['q', 'quit']), ...stepping, ...here, ...common];
}

/** The most lines the footer takes: keys that do not fit in them are left for the help. */
export const FOOTER_MAX_LINES = 2;

/** The footer's keys in as few lines of `width` as they fit, at most `maxLines`; keys past those are left out. */
export function footerLines(footer: readonly FooterKey[], width: number, maxLines = FOOTER_MAX_LINES): string[] {
  const lines: string[] = [];
  let line = '';
  for (const { key, does } of footer) {
    const item = `${key} ${does}`;
    if (line !== '' && line.length + 2 + item.length > width) {
      lines.push(line);
      line = '';
      if (lines.length === maxLines) return lines;
    }
    line = line === '' ? item : `${line}  ${item}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

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
  { keys: '↑↓ j k', does: 'move in the focused list' },
  { keys: 'Tab', does: 'focus the next pane: files, received, wire, client, server' },
  { keys: 'Enter', does: 'fetch the selected file (a new session)', where: ['files'] },
  { keys: '/', does: 'filter the files by name', where: ['files'] },
  { keys: 'n', does: 'request any name, typed verbatim (try ../keystore/server/server.key)' },
  { keys: 'L', does: 'request the listing (LIST)' },
  { keys: 'Enter', does: 'inspect the selected record down to its bytes', where: ['wire'] },
  { keys: '↑↓', does: 'select a field: its bytes light up in the hex dump', where: 'inspector' },
  { keys: 'a', does: 'cycle the attacker: off, forged-key, rogue-ca, self-signed, expired, wrong-name, replay-client, bit-flip' },
  { keys: 'v', does: 'toggle certificate verification in the client' },
  { keys: 's', does: 'toggle step mode: each message waits before it leaves' },
  { keys: 'space', does: 'step mode: send the waiting message' },
  { keys: 'c', does: 'step mode: let the session run to its end' },
  { keys: 'h', does: 'history: the sessions kept in store/; Enter replays one' },
  { keys: '← →', does: 'replay: step back and forth through the session\'s events' },
  { keys: 'Esc', does: 'close the inspector, the help or a prompt; leave a replay' },
  { keys: '?', does: 'this help' },
  { keys: 'q  Ctrl+C', does: 'quit' },
];

export function footerKeys(focus: Focus, overlay: Overlay, replaying = false): string {
  if (overlay === 'history') return '↑↓ session  Enter replay it  Esc close  q quit';
  if (overlay === 'inspector') return '↑↓ field  Esc back  q quit';
  if (replaying && overlay === 'none') return '← → step through the session  ↑↓ move  Tab pane  Enter inspect  Esc back to live  q quit';
  if (overlay === 'help') return 'Esc or ? closes the help';
  if (overlay === 'filter' || overlay === 'request') return 'Enter confirm  Esc cancel';
  const common = 'Tab pane  a attacker  v verify  s step  n name';
  switch (focus) {
    case 'files':
      return `? help  q quit  ↑↓ pick  Enter fetch  / filter  ${common}`;
    case 'wire':
      return `? help  q quit  ↑↓ record  Enter inspect  ${common}`;
    case 'client':
    case 'server':
      return `? help  q quit  ↑↓ step, explained below  ${common}`;
    case 'received':
      return `? help  q quit  ↑↓ file  ${common}`;
  }
}

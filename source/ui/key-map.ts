/**
 * What each key does, as a pure function of the dashboard state: the reducer
 * actions to apply and the command, if any, for the engine. Keeping it pure makes
 * every key testable without a terminal, and lets several keys that arrive in one
 * read (fast typing, a paste, tmux) each act on the state the previous one left.
 */
import { type AttackMode, nextAttackMode } from '../attacker/modes.js';
import type { ClientRequest } from '../protocol/client.js';
import { type Action, type DashboardState, selectedWireEntry, visibleFiles } from './dashboard-state.js';

/** The key flags the dashboard reads; Ink's `Key` has these and more. */
export interface KeyFlags {
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly leftArrow?: boolean;
  readonly rightArrow?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly home?: boolean;
  readonly end?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly tab?: boolean;
  readonly shift?: boolean;
  readonly ctrl?: boolean;
}

export type Command =
  | { readonly type: 'quit' }
  | { readonly type: 'fetch'; readonly request: ClientRequest }
  | { readonly type: 'mode'; readonly mode: AttackMode }
  | { readonly type: 'verify'; readonly verify: boolean }
  | { readonly type: 'step-mode'; readonly on: boolean }
  | { readonly type: 'send-next' }
  | { readonly type: 'ask-name' }
  | { readonly type: 'history' }
  | { readonly type: 'replay'; readonly id: string }
  | { readonly type: 'seek'; readonly delta: number };

/** What a key's effect depends on that the state does not hold: how the screen is laid out. */
export interface KeyScreen {
  /** Lines of hex dump the inspector shows, which PgUp/PgDn move by a page of. */
  readonly dumpRows: number;
  /** Whether the terminal is too small to draw the dashboard, which says so instead. */
  readonly tooSmall?: boolean;
}

/** About the dump of an inspector at 80x24, for a caller that does not draw one. */
const NO_SCREEN: KeyScreen = { dumpRows: 8 };

export interface KeyResult {
  readonly actions: readonly Action[];
  readonly command?: Command;
}

/**
 * Splits a read that holds several plain keys ("jj\r") into one keystroke each;
 * escape sequences and single keys pass through as Ink parsed them.
 */
export function splitKeystrokes(input: string, key: KeyFlags): { readonly input: string; readonly key: KeyFlags }[] {
  if (input.length <= 1 || input.includes('\u001b') || key.ctrl) return [{ input, key }];
  return [...input].map((character) => {
    const isReturn = character === '\r' || character === '\n';
    const isTab = character === '\t';
    return { input: isReturn || isTab ? '' : character, key: { return: isReturn, tab: isTab, shift: /[A-Z]/.test(character) } };
  });
}

/**
 * The keys that followed, in the same read, one that opened a text prompt ("/hel",
 * "nnotes.txt⏎"): the prompt was not on screen yet to take them, so they are its
 * text, and an Enter among them submits it. `consumed` counts the keys used up.
 */
export function typedAhead(strokes: readonly { readonly input: string; readonly key: KeyFlags }[]): { readonly text: string; readonly submitted: boolean; readonly consumed: number } {
  let text = '';
  for (const [index, { input, key }] of strokes.entries()) {
    if (key.return) return { text, submitted: true, consumed: index + 1 };
    text += input;
  }
  return { text, submitted: false, consumed: strokes.length };
}

export function interpretKey(state: DashboardState, input: string, key: KeyFlags, screen: KeyScreen = NO_SCREEN): KeyResult {
  // Ink reports Ctrl+V as "v" with ctrl set: a chord must not do what the plain letter does.
  if (key.ctrl) return input === 'c' ? { actions: [], command: { type: 'quit' } } : { actions: [] };
  if (input === 'q') return { actions: [], command: { type: 'quit' } };
  // The screen says only that it is too small and that q quits: a key acting unseen would surprise.
  if (screen.tooSmall) return { actions: [] };
  if (key.escape) {
    if (state.overlay !== 'none') return { actions: [{ type: 'close-overlay' }] };
    if (state.filter) return { actions: [{ type: 'filter', text: '' }] };
    return { actions: [{ type: 'notice', text: undefined }] };
  }
  if (input === '?') return { actions: [state.overlay === 'help' ? { type: 'close-overlay' } : { type: 'open', overlay: 'help' }] };
  if (key.upArrow || input === 'k') return { actions: [{ type: 'move', delta: -1 }] };
  if (key.downArrow || input === 'j') return { actions: [{ type: 'move', delta: 1 }] };
  // In the inspector the pages are the hex dump's: a long field (a certificate, a file's data) is read there.
  if (state.overlay === 'inspector' && (key.pageUp || key.pageDown)) return { actions: [{ type: 'scroll-bytes', pages: key.pageUp ? -1 : 1, dumpRows: screen.dumpRows }] };
  if (key.pageUp) return { actions: [{ type: 'move', delta: -10 }] };
  if (key.pageDown) return { actions: [{ type: 'move', delta: 10 }] };
  if (key.leftArrow) return { actions: [], command: { type: 'seek', delta: -1 } };
  if (key.rightArrow) return { actions: [], command: { type: 'seek', delta: 1 } };
  // To the first or the last event: a seek as far as it goes (a replay clamps it).
  if (key.home) return { actions: [], command: { type: 'seek', delta: -Number.MAX_SAFE_INTEGER } };
  if (key.end) return { actions: [], command: { type: 'seek', delta: Number.MAX_SAFE_INTEGER } };
  if (state.overlay === 'history' && key.return) {
    const session = state.history[state.historyCursor];
    return session ? { actions: [{ type: 'close-overlay' }], command: { type: 'replay', id: session.id } } : { actions: [] };
  }
  if (state.overlay !== 'none') return { actions: [] };
  if (key.tab) return { actions: [{ type: 'focus', to: key.shift ? 'previous' : 'next' }] };
  if (key.return) return onEnter(state);
  switch (input) {
    case '/':
      return { actions: [{ type: 'focus', to: 'files' }, { type: 'open', overlay: 'filter' }] };
    case 'n':
      return { actions: [{ type: 'open', overlay: 'request' }], command: { type: 'ask-name' } };
    case 'L':
      return { actions: [], command: { type: 'fetch', request: { op: 'LIST' } } };
    case 'a':
      return { actions: [], command: { type: 'mode', mode: nextAttackMode(state.settings.mode) } };
    case 'v':
      return { actions: [], command: { type: 'verify', verify: !state.settings.verify } };
    case 's':
      return { actions: [], command: { type: 'step-mode', on: !state.settings.stepMode } };
    case ' ':
    case 'c':
      // Outside step mode nothing waits to be sent: say what the key is for rather than do nothing.
      if (!state.settings.stepMode) return { actions: [{ type: 'notice', text: `${input === ' ' ? 'space' : 'c'} works in step mode, which s turns on: each message then waits for space` }] };
      return { actions: [], command: input === ' ' ? { type: 'send-next' } : { type: 'step-mode', on: false } };
    case 'h':
      return { actions: [{ type: 'open', overlay: 'history' }], command: { type: 'history' } };
    default:
      return { actions: [] };
  }
}

function onEnter(state: DashboardState): KeyResult {
  if (state.focus === 'files') {
    const file = visibleFiles(state)[state.cursor.files];
    return file ? { actions: [], command: { type: 'fetch', request: { op: 'GET', name: file.name } } } : { actions: [] };
  }
  if (state.focus === 'wire' && selectedWireEntry(state)) return { actions: [{ type: 'open', overlay: 'inspector' }] };
  if (state.focus === 'client' || state.focus === 'server') return { actions: [{ type: 'open', overlay: 'explain' }] };
  // The whole digest under the selected file, to compare with `sha256sum`; a narrow list shows only its start.
  if (state.focus === 'received' && state.received.length > 0) return { actions: [{ type: 'toggle-digest' }] };
  return { actions: [] };
}

/** The settings a command leaves, so the next key in the same read sees them before the engine confirms. */
export function settingsAfter(state: DashboardState, command: Command): DashboardState {
  switch (command.type) {
    case 'mode':
      return { ...state, settings: { ...state.settings, mode: command.mode } };
    case 'verify':
      return { ...state, settings: { ...state.settings, verify: command.verify } };
    case 'step-mode':
      return { ...state, settings: { ...state.settings, stepMode: command.on } };
    default:
      return state;
  }
}

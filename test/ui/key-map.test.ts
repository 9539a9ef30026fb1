/**
 * What each key does, without a terminal: `interpretKey` for every entry of
 * KEY_HELP (a table below names one case per entry, and a test fails when KEY_HELP
 * gains a key the table does not cover), the overlays that swallow every key but
 * movement, Esc and help, `splitKeystrokes` for reads that hold several keys, and
 * `settingsAfter`. Last, a fast-check property (fixed seed, so a failure replays):
 * any sequence of keys, and of filter texts typed into the prompt, applied through
 * the reducer the way App applies them, never throws and leaves every cursor on
 * an item of its list.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTACK_MODES, nextAttackMode } from '../../source/attacker/modes.js';
import { stepsOf } from '../../source/protocol/steps.js';
import {
  type Action,
  dashboardReducer,
  type DashboardState,
  FOCUS_ORDER,
  type Focus,
  initialState,
  inspected,
  inspectorRows,
  selectedWireEntry,
  visibleFiles,
} from '../../source/ui/dashboard-state.js';
import { hexWindowStart } from '../../source/ui/hex.js';
import { type Command, interpretKey, type KeyFlags, type KeyResult, settingsAfter, splitKeystrokes, typedAhead } from '../../source/ui/key-map.js';
import { KEY_HELP } from '../../source/ui/keys.js';
import { type TestPki, testPki } from '../support/identities.js';
import { engineEvents, fileOf, pairSession, stateAfter } from './session-events.js';

let pki: TestPki;
/** A dashboard after one real session: files, received files and wire records to move over. */
let session: DashboardState;

const FILES = [
  { name: 'alpha.txt', size: 10 },
  { name: 'beta.bin', size: 2_000 },
  { name: 'gamma.txt', size: 30 },
];

beforeAll(async () => {
  pki = await testPki();
  const recorded = pairSession(pki, { files: new Map([['notes.txt', fileOf(3_000)]]) });
  session = stateAfter(
    [
      { type: 'files', files: FILES },
      { type: 'received', entries: [{ name: 'notes.txt', size: 3_000 }, { name: 'old.txt', size: 1 }] },
      ...engineEvents(recorded),
      { type: 'session-end', result: { ok: true, text: 'notes.txt received' } },
    ],
  );
});

const apply = (state: DashboardState, actions: readonly Action[]): DashboardState => actions.reduce(dashboardReducer, state);
const at = (focus: Focus, state = session): DashboardState => dashboardReducer(state, { type: 'focus', to: focus });
const withOverlay = (state: DashboardState, overlay: DashboardState['overlay']): DashboardState => ({ ...state, overlay });
const noEffect: KeyResult = { actions: [] };

/** One check per KEY_HELP entry, keyed by its keys and where it works. */
const CASES: Readonly<Record<string, () => void>> = {
  '↑↓ j k': () => {
    // In the help, they move through its keys, which scroll into view.
    const help = apply(session, [{ type: 'open', overlay: 'help' }]);
    expect(apply(help, interpretKey(help, 'j', {}).actions).helpCursor).toBe(1);
    expect(apply(help, interpretKey(help, '', { pageDown: true }).actions.concat(interpretKey(help, '', { pageDown: true }).actions)).helpCursor).toBe(KEY_HELP.length - 1);
    expect(apply(help, interpretKey(help, 'k', {}).actions).helpCursor).toBe(0);
    for (const [input, key] of [['k', {}], ['', { upArrow: true }]] as const) expect(interpretKey(session, input, key)).toEqual({ actions: [{ type: 'move', delta: -1 }] });
    for (const [input, key] of [['j', {}], ['', { downArrow: true }]] as const) expect(interpretKey(session, input, key)).toEqual({ actions: [{ type: 'move', delta: 1 }] });
    expect(interpretKey(session, '', { pageUp: true })).toEqual({ actions: [{ type: 'move', delta: -10 }] });
    expect(interpretKey(session, '', { pageDown: true })).toEqual({ actions: [{ type: 'move', delta: 10 }] });
    const moved = apply(session, interpretKey(session, 'j', {}).actions);
    expect(moved.cursor.files).toBe(1);
  },
  Tab: () => {
    expect(interpretKey(session, '', { tab: true })).toEqual({ actions: [{ type: 'focus', to: 'next' }] });
    expect(interpretKey(session, '', { tab: true, shift: true })).toEqual({ actions: [{ type: 'focus', to: 'previous' }] });
    expect(apply(session, interpretKey(session, '', { tab: true }).actions).focus).toBe(FOCUS_ORDER[1]);
    expect(apply(session, interpretKey(session, '', { tab: true, shift: true }).actions).focus).toBe(FOCUS_ORDER.at(-1));
  },
  'Enter files': () => {
    expect(interpretKey(session, '', { return: true })).toEqual({ actions: [], command: { type: 'fetch', request: { op: 'GET', name: 'alpha.txt' } } });
    const second = dashboardReducer(session, { type: 'move', delta: 1 });
    expect(interpretKey(second, '', { return: true }).command).toEqual({ type: 'fetch', request: { op: 'GET', name: 'beta.bin' } });
    // With a filter, the cursor counts the files the filter shows.
    const filtered = dashboardReducer(dashboardReducer(session, { type: 'filter', text: 'txt' }), { type: 'move', delta: 1 });
    expect(visibleFiles(filtered).map((file) => file.name)).toEqual(['alpha.txt', 'gamma.txt']);
    expect(interpretKey(filtered, '', { return: true }).command).toEqual({ type: 'fetch', request: { op: 'GET', name: 'gamma.txt' } });
    // Nothing to fetch when nothing matches.
    expect(interpretKey(dashboardReducer(session, { type: 'filter', text: 'zzz' }), '', { return: true })).toEqual(noEffect);
  },
  '/ files': () => {
    const result = interpretKey(at('wire'), '/', {});
    expect(result).toEqual({ actions: [{ type: 'focus', to: 'files' }, { type: 'open', overlay: 'filter' }] });
    const after = apply(at('wire'), result.actions);
    expect([after.focus, after.overlay]).toEqual(['files', 'filter']);
  },
  n: () => {
    const result = interpretKey(session, 'n', {});
    expect(result).toEqual({ actions: [{ type: 'open', overlay: 'request' }], command: { type: 'ask-name' } });
    expect(apply(session, result.actions).overlay).toBe('request');
  },
  L: () => {
    expect(interpretKey(session, 'L', { shift: true })).toEqual({ actions: [], command: { type: 'fetch', request: { op: 'LIST' } } });
    expect(interpretKey(at('wire'), 'L', {}).command).toEqual({ type: 'fetch', request: { op: 'LIST' } });
  },
  'Enter wire': () => {
    const wire = at('wire');
    expect(interpretKey(wire, '', { return: true })).toEqual({ actions: [{ type: 'open', overlay: 'inspector' }] });
    expect(apply(wire, interpretKey(wire, '', { return: true }).actions).overlay).toBe('inspector');
    // An empty wire log has nothing to inspect.
    expect(interpretKey(at('wire', initialState()), '', { return: true })).toEqual(noEffect);
  },
  'Enter client,server': () => {
    for (const focus of ['client', 'server'] as const) {
      const result = interpretKey(at(focus), '', { return: true });
      expect(result).toEqual({ actions: [{ type: 'open', overlay: 'explain' }] });
      const explained = apply(at(focus), result.actions);
      expect(explained.overlay).toBe('explain');
      // ↑↓ go on moving through the steps, each explained in full; Esc goes back.
      expect(apply(explained, interpretKey(explained, 'j', {}).actions).cursor[focus]).toBe(1);
      expect(apply(explained, interpretKey(explained, '', { escape: true }).actions).overlay).toBe('none');
    }
    // Only a checklist has a step to explain.
    expect(apply(at('files'), [{ type: 'open', overlay: 'explain' }]).overlay).toBe('none');
  },
  '↑↓ inspector': () => {
    const inspector = apply(at('wire'), [{ type: 'open', overlay: 'inspector' }]);
    const down = apply(inspector, interpretKey(inspector, '', { downArrow: true }).actions);
    expect(down.fieldCursor).toBe(1);
    expect(down.cursor.wire).toBe(0);
    expect(apply(down, interpretKey(down, 'k', {}).actions).fieldCursor).toBe(0);
  },
  'PgUp PgDn inspector': () => {
    const inspector = apply(at('wire'), [{ type: 'open', overlay: 'inspector' }]);
    const record = selectedWireEntry(inspector)!.record;
    const lastTop = Math.ceil(record.length / 16) - 8;
    const screen = { dumpRows: 8 };
    const page = (state: DashboardState, key: KeyFlags, times = 1): DashboardState => {
      for (let count = 0; count < times; count += 1) state = apply(state, interpretKey(state, '', key, screen).actions);
      return state;
    };
    // From the selected field (the record header, at 0) down a page of the eight lines shown, keeping one, and back.
    const down = page(inspector, { pageDown: true });
    expect([down.hexTop, down.fieldCursor]).toEqual([7, 0]);
    expect(page(down, { pageUp: true }).hexTop).toBe(0);
    // Every press moves a whole page until the last line shows, and the way back has no dead presses.
    const tops = [inspector];
    while (tops.length < 100) tops.push(page(tops.at(-1)!, { pageDown: true }));
    const steps = tops.slice(1).map((state, index) => state.hexTop! - (tops[index]!.hexTop ?? 0));
    expect(steps.filter((step) => step !== 0 && step !== 7)).toHaveLength(1);
    expect(tops.at(-1)!.hexTop).toBe(lastTop);
    expect(page(tops.at(-1)!, { pageUp: true }).hexTop).toBe(lastTop - 7);
    expect(page(inspector, { pageUp: true }).hexTop).toBe(0);
    // Selecting another field brings the dump back to it.
    expect(apply(down, interpretKey(down, 'j', {}).actions).hexTop).toBeUndefined();
    // From a field the dump shows a third of the way down, the page is from the lines on screen.
    const entry = selectedWireEntry(inspector)!;
    const last = inspectorRows(entry).length - 1;
    const onField = apply(inspector, [{ type: 'move', delta: last }]);
    const shown = hexWindowStart(inspected(entry, last).row!.field.offset, 8, record.length);
    expect(shown).toBeGreaterThan(0);
    expect(page(onField, { pageDown: true }).hexTop).toBe(Math.min(shown + 7, lastTop));
    // Outside the inspector the pages still move the focused list.
    expect(interpretKey(session, '', { pageDown: true })).toEqual({ actions: [{ type: 'move', delta: 10 }] });
  },
  a: () => {
    expect(interpretKey(session, 'a', {})).toEqual({ actions: [], command: { type: 'mode', mode: 'forged-key' } });
    const cycle = [session.settings.mode];
    let state = session;
    for (let index = 0; index < ATTACK_MODES.length; index += 1) {
      state = settingsAfter(state, interpretKey(state, 'a', {}).command!);
      cycle.push(state.settings.mode);
    }
    expect(cycle).toEqual([...ATTACK_MODES, 'off']);
  },
  v: () => {
    expect(interpretKey(session, 'v', {}).command).toEqual({ type: 'verify', verify: false });
    const off = { ...session, settings: { ...session.settings, verify: false } };
    expect(interpretKey(off, 'v', {}).command).toEqual({ type: 'verify', verify: true });
  },
  s: () => {
    expect(interpretKey(session, 's', {}).command).toEqual({ type: 'step-mode', on: true });
    const on = { ...session, settings: { ...session.settings, stepMode: true } };
    expect(interpretKey(on, 's', {}).command).toEqual({ type: 'step-mode', on: false });
  },
  space: () => {
    const on = { ...session, settings: { ...session.settings, stepMode: true } };
    expect(interpretKey(on, ' ', {})).toEqual({ actions: [], command: { type: 'send-next' } });
    // Outside step mode it says what it is for.
    expect(interpretKey(session, ' ', {})).toEqual({ actions: [{ type: 'notice', text: expect.stringMatching(/^space works in step mode, which s turns on/) }] });
  },
  c: () => {
    const on = { ...session, settings: { ...session.settings, stepMode: true } };
    expect(interpretKey(on, 'c', {})).toEqual({ actions: [], command: { type: 'step-mode', on: false } });
    expect(interpretKey(session, 'c', {})).toEqual({ actions: [{ type: 'notice', text: expect.stringMatching(/^c works in step mode/) }] });
  },
  'Enter received': () => {
    const received = { ...at('received'), received: [{ name: 'notes.txt', size: 3_000, sha256: 'c0'.repeat(32) }, { name: 'old.txt', size: 1 }] };
    const shown = apply(received, interpretKey(received, '', { return: true }).actions);
    expect(shown.wholeDigest).toBe(true);
    expect(apply(shown, interpretKey(shown, '', { return: true }).actions).wholeDigest).toBe(false);
    // An empty folder has no digest to show.
    expect(interpretKey({ ...received, received: [] }, '', { return: true })).toEqual(noEffect);
  },
  Esc: () => {
    // Overlays close first, then the filter clears, then the notice goes.
    const filtered = { ...dashboardReducer(session, { type: 'filter', text: 'txt' }), overlay: 'filter' as const, notice: 'hi' };
    const first = interpretKey(filtered, '', { escape: true });
    expect(first).toEqual({ actions: [{ type: 'close-overlay' }] });
    const closed = apply(filtered, first.actions);
    expect([closed.overlay, closed.filter]).toEqual(['none', 'txt']);
    const second = interpretKey(closed, '', { escape: true });
    expect(second).toEqual({ actions: [{ type: 'filter', text: '' }] });
    const cleared = apply(closed, second.actions);
    expect(cleared.filter).toBe('');
    expect(interpretKey(cleared, '', { escape: true })).toEqual({ actions: [{ type: 'notice', text: undefined }] });
    expect(apply(cleared, interpretKey(cleared, '', { escape: true }).actions).notice).toBeUndefined();
    for (const overlay of ['help', 'inspector', 'explain', 'request'] as const) {
      expect(interpretKey(withOverlay(session, overlay), '', { escape: true })).toEqual({ actions: [{ type: 'close-overlay' }] });
    }
  },
  '?': () => {
    expect(interpretKey(session, '?', {})).toEqual({ actions: [{ type: 'open', overlay: 'help' }] });
    const help = withOverlay(session, 'help');
    expect(interpretKey(help, '?', {})).toEqual({ actions: [{ type: 'close-overlay' }] });
    // From the inspector, ? shows the help in its place.
    expect(interpretKey(withOverlay(session, 'inspector'), '?', {})).toEqual({ actions: [{ type: 'open', overlay: 'help' }] });
  },
  h: () => {
    expect(interpretKey(session, 'h', {})).toEqual({ actions: [{ type: 'open', overlay: 'history' }], command: { type: 'history' } });
    const sessions = [{ id: 'first', path: '/x/first.jsonl', complete: true }, { id: 'second', path: '/x/second.jsonl', complete: false }] as unknown as DashboardState['history'];
    const history = { ...withOverlay(session, 'history'), history: sessions };
    const moved = apply(history, interpretKey(history, 'j', {}).actions);
    expect(moved.historyCursor).toBe(1);
    expect(apply(moved, interpretKey(moved, 'j', {}).actions).historyCursor).toBe(1);
    expect(interpretKey(moved, '', { return: true })).toEqual({ actions: [{ type: 'close-overlay' }], command: { type: 'replay', id: 'second' } });
    expect(interpretKey({ ...history, history: [] }, '', { return: true })).toEqual(noEffect);
  },
  '← → Home End': () => {
    expect(interpretKey(session, '', { leftArrow: true })).toEqual({ actions: [], command: { type: 'seek', delta: -1 } });
    expect(interpretKey(session, '', { rightArrow: true })).toEqual({ actions: [], command: { type: 'seek', delta: 1 } });
    expect(interpretKey(session, '', { home: true }).command).toMatchObject({ type: 'seek', delta: -Number.MAX_SAFE_INTEGER });
    expect(interpretKey(session, '', { end: true }).command).toMatchObject({ type: 'seek', delta: Number.MAX_SAFE_INTEGER });
  },
  'q  Ctrl+C': () => {
    expect(interpretKey(session, 'q', {})).toEqual({ actions: [], command: { type: 'quit' } });
    for (const overlay of ['help', 'inspector'] as const) expect(interpretKey(withOverlay(session, overlay), 'q', {}).command).toEqual({ type: 'quit' });
  },
};

const caseName = (entry: (typeof KEY_HELP)[number]): string =>
  entry.where === undefined ? entry.keys : `${entry.keys} ${entry.where === 'inspector' ? 'inspector' : entry.where.join(',')}`;

describe('interpretKey, for every key in KEY_HELP', () => {
  it('has a case for every entry, and no case for a key the help does not list', () => {
    expect(Object.keys(CASES).sort()).toEqual(KEY_HELP.map(caseName).sort());
  });

  for (const entry of KEY_HELP) {
    it(`${entry.keys}: ${entry.does}`, () => {
      const check = CASES[caseName(entry)];
      expect(check, caseName(entry)).toBeDefined();
      check!();
    });
  }

  it('does nothing for a key it does not know', () => {
    for (const input of ['x', 'Q', 'A', '1', '']) expect(interpretKey(session, input, {}), JSON.stringify(input)).toEqual(noEffect);
  });
});

describe('a terminal too small for the dashboard', () => {
  it('takes only q and Ctrl+C, as its message says, so no key acts where nobody sees it', () => {
    const small = { dumpRows: 0, tooSmall: true };
    for (const key of KEY_HELP.flatMap((entry) => entry.keys.split(' '))) {
      const input = key.length === 1 ? key : '';
      if (input === 'q') continue;
      expect(interpretKey(session, input, { return: key === 'Enter', tab: key === 'Tab', escape: key === 'Esc' }, small), key).toEqual(noEffect);
    }
    expect(interpretKey(session, 'a', {}, small)).toEqual(noEffect);
    expect(interpretKey(session, 'q', {}, small)).toEqual({ actions: [], command: { type: 'quit' } });
    expect(interpretKey(session, 'c', { ctrl: true }, small)).toEqual({ actions: [], command: { type: 'quit' } });
  });
});

describe('keys under Ctrl', () => {
  // Ink reports Ctrl+<letter> as that letter with `ctrl` set (Ctrl+V arrives as "v"); a chord is not the plain key.
  it('Ctrl+V, Ctrl+A, Ctrl+S and Ctrl+N do not act as v, a, s and n', () => {
    for (const input of ['v', 'a', 's', 'n', 'L', 'j']) {
      expect(interpretKey(session, input, { ctrl: true }), `Ctrl+${input}`).toEqual(noEffect);
    }
  });

  it('Ctrl+C quits, as the help says, even when Ink does not catch it first', () => {
    expect(interpretKey(session, 'c', { ctrl: true }).command).toEqual({ type: 'quit' });
  });

  it('Ctrl+Q is not q', () => {
    expect(interpretKey(session, 'q', { ctrl: true }).command).not.toEqual({ type: 'quit' });
  });
});

describe('while an overlay is open', () => {
  const swallowed: readonly [string, KeyFlags][] = [
    ['', { tab: true }], ['', { tab: true, shift: true }], ['', { return: true }], ['/', {}], ['n', {}], ['L', {}], ['a', {}], ['v', {}], ['s', {}], [' ', {}], ['c', {}],
  ];

  for (const overlay of ['help', 'inspector', 'filter', 'request'] as const) {
    it(`${overlay}: only movement, Esc, help and q do anything`, () => {
      const state = withOverlay(at('wire'), overlay);
      for (const [input, key] of swallowed) expect(interpretKey(state, input, key), `${JSON.stringify(input)} ${JSON.stringify(key)}`).toEqual(noEffect);
      expect(interpretKey(state, 'j', {}).actions).toEqual([{ type: 'move', delta: 1 }]);
      expect(interpretKey(state, '', { upArrow: true }).actions).toEqual([{ type: 'move', delta: -1 }]);
      expect(interpretKey(state, '', { escape: true }).actions).toEqual([{ type: 'close-overlay' }]);
      expect(interpretKey(state, '?', {}).actions).toHaveLength(1);
    });
  }
});

describe('typedAhead', () => {
  it('takes the keys after a prompt opened as its text, up to and including an Enter', () => {
    expect(typedAhead(splitKeystrokes('notes.txt\rj', {}))).toEqual({ text: 'notes.txt', submitted: true, consumed: 10 });
    expect(typedAhead(splitKeystrokes('hel', {}))).toEqual({ text: 'hel', submitted: false, consumed: 3 });
    expect(typedAhead([{ input: '', key: { return: true } }])).toEqual({ text: '', submitted: true, consumed: 1 });
    expect(typedAhead([])).toEqual({ text: '', submitted: false, consumed: 0 });
  });
});

describe('splitKeystrokes', () => {
  it('splits "jj\\r" into j, j and return', () => {
    expect(splitKeystrokes('jj\r', {})).toEqual([
      { input: 'j', key: { return: false, tab: false, shift: false } },
      { input: 'j', key: { return: false, tab: false, shift: false } },
      { input: '', key: { return: true, tab: false, shift: false } },
    ]);
  });

  it('reads tabs, newlines and capitals in a read as Tab, Enter and shifted keys', () => {
    expect(splitKeystrokes('\t\t', {}).map((stroke) => stroke.key.tab)).toEqual([true, true]);
    expect(splitKeystrokes('j\n', {}).map((stroke) => [stroke.input, stroke.key.return])).toEqual([['j', false], ['', true]]);
    expect(splitKeystrokes('aL', {}).map((stroke) => [stroke.input, stroke.key.shift])).toEqual([['a', false], ['L', true]]);
  });

  it('passes single keys, escape sequences and Ctrl chords through as Ink parsed them', () => {
    const single: readonly [string, KeyFlags][] = [['j', {}], ['', { tab: true }], ['', { tab: true, shift: true }], ['', { return: true }], ['', { escape: true }], ['', { upArrow: true }], [' ', {}]];
    for (const [input, key] of single) expect(splitKeystrokes(input, key)).toEqual([{ input, key }]);
    expect(splitKeystrokes('\u001b[A', { upArrow: true })).toEqual([{ input: '\u001b[A', key: { upArrow: true } }]);
    expect(splitKeystrokes('j\u001b[B', {})).toEqual([{ input: 'j\u001b[B', key: {} }]);
    expect(splitKeystrokes('cc', { ctrl: true })).toEqual([{ input: 'cc', key: { ctrl: true } }]);
  });

  it('lets each key of a read act on the state the previous one left, as App applies them', () => {
    // "a" twice in one read steps the attacker twice, "jj" then Enter fetches the third file.
    let state = session;
    const commands: Command[] = [];
    for (const stroke of splitKeystrokes('aajj\r', {})) {
      const { actions, command } = interpretKey(state, stroke.input, stroke.key);
      state = apply(state, actions);
      if (command) {
        commands.push(command);
        state = settingsAfter(state, command);
      }
    }
    expect(commands).toEqual([
      { type: 'mode', mode: 'forged-key' },
      { type: 'mode', mode: 'rogue-ca' },
      { type: 'fetch', request: { op: 'GET', name: 'gamma.txt' } },
    ]);
  });
});

describe('settingsAfter', () => {
  it('applies mode, verify and step-mode commands to the settings', () => {
    expect(settingsAfter(session, { type: 'mode', mode: 'expired' }).settings).toEqual({ ...session.settings, mode: 'expired' });
    expect(settingsAfter(session, { type: 'verify', verify: false }).settings).toEqual({ ...session.settings, verify: false });
    expect(settingsAfter(session, { type: 'step-mode', on: true }).settings).toEqual({ ...session.settings, stepMode: true });
  });

  it('leaves the state as it is for every other command', () => {
    for (const command of [{ type: 'quit' }, { type: 'send-next' }, { type: 'ask-name' }, { type: 'fetch', request: { op: 'LIST' } }] as const) {
      expect(settingsAfter(session, command)).toBe(session);
    }
  });

  it('agrees with nextAttackMode', () => {
    for (const mode of ATTACK_MODES) {
      const state = { ...session, settings: { ...session.settings, mode } };
      expect(interpretKey(state, 'a', {}).command).toEqual({ type: 'mode', mode: nextAttackMode(mode) });
    }
  });
});

describe('any sequence of keys', () => {
  const KEYS: readonly [string, KeyFlags][] = [
    ['j', {}], ['k', {}], ['', { upArrow: true }], ['', { downArrow: true }], ['', { pageUp: true }], ['', { pageDown: true }],
    ['', { tab: true }], ['', { tab: true, shift: true }], ['', { return: true }], ['', { escape: true }],
    ['/', {}], ['?', {}], ['n', {}], ['L', {}], ['a', {}], ['v', {}], ['s', {}], [' ', {}], ['c', {}], ['q', {}], ['x', {}], ['jj\r', {}], ['\t\t', {}],
  ];
  type Step = { readonly key: readonly [string, KeyFlags] } | { readonly filter: string };
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...KEYS).map((key) => ({ key })) },
    { weight: 1, arbitrary: fc.constantFrom('', 'a', 'txt', 'zz', 'ALPHA', '.').map((filter) => ({ filter })) },
  );

  function lengthOf(state: DashboardState, focus: Focus): number {
    switch (focus) {
      case 'files':
        return visibleFiles(state).length;
      case 'received':
        return state.received.length;
      case 'wire':
        return state.wire.length;
      default:
        return stepsOf(focus).length;
    }
  }

  function expectCursorsInRange(state: DashboardState): void {
    for (const focus of FOCUS_ORDER) {
      const length = lengthOf(state, focus);
      expect(state.cursor[focus], focus).toBeGreaterThanOrEqual(0);
      expect(state.cursor[focus], focus).toBeLessThanOrEqual(Math.max(0, length - 1));
    }
    if (state.overlay === 'inspector') {
      const entry = selectedWireEntry(state);
      expect(entry).toBeDefined();
      const fields = entry!.fields.length + (entry!.plaintextFields?.length ?? 0);
      expect(state.fieldCursor).toBeGreaterThanOrEqual(0);
      expect(state.fieldCursor).toBeLessThan(fields);
    }
    expect(FOCUS_ORDER).toContain(state.focus);
  }

  it('never throws and keeps every cursor on an item of its list', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.boolean(), (steps, empty) => {
        let state = empty ? initialState() : session;
        for (const next of steps) {
          if ('filter' in next) {
            state = dashboardReducer(state, { type: 'filter', text: next.filter });
          } else {
            for (const stroke of splitKeystrokes(next.key[0], next.key[1])) {
              const { actions, command } = interpretKey(state, stroke.input, stroke.key);
              state = apply(state, actions);
              if (command) state = settingsAfter(state, command);
            }
          }
          expectCursorsInRange(state);
        }
      }),
      { seed: 20_261_126, numRuns: 300 },
    );
  });
});

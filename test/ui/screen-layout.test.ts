/**
 * How the dashboard shares a terminal's rows, at the two sizes the end-to-end
 * test drives (120x40 and 80x24): every row is accounted for; the footer keeps
 * every key, on two lines when one is too narrow; at 120x40 the rows a short file
 * list leaves go to the steps' details and a long result, wrapped instead of cut,
 * while at 80x24 nothing grows and the list below keeps its rows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DashboardState } from '../../source/ui/dashboard-state.js';
import { footerKeys, footerLines } from '../../source/ui/keys.js';
import { MIN_BOTTOM_ROWS, screenLayout } from '../../source/ui/screen-layout.js';
import { type TestPki, testPki } from '../support/identities.js';
import { engineEvents, fileOf, pairSession, stateAfter } from './session-events.js';

let pki: TestPki;
let clean: DashboardState;
beforeAll(async () => {
  pki = await testPki();
  clean = stateAfter(engineEvents(pairSession(pki, { files: new Map([['notes.txt', fileOf(5_000)]]) })));
});

const LONG_RESULT =
  "✔ notes.txt received, 412 B: signed by the ATTACKER's key, accepted because the client did not verify the certificate, which a verifying client would have refused";

function layoutAt(columns: number, rows: number, resultText = '✔ notes.txt received', attackLine = false) {
  const footer = footerKeys('files', 'none');
  return screenLayout({ columns, rows, footer, client: clean.client, server: clean.server, resultText, attackLine });
}

/** Header, body and footer fill the terminal; panes, result, attacker line, tabs and list fill the body. */
function expectEveryRowUsed(layout: ReturnType<typeof layoutAt>, rows: number, attackLine = false): void {
  expect(1 + layout.bodyRows + layout.footer.length).toBe(rows);
  expect(layout.paneRows + layout.resultRows + (attackLine ? 1 : 0) + 1 + layout.bottomRows).toBe(layout.bodyRows);
}

describe('the footer', () => {
  it('keeps every key of the focused pane, on two lines at 80 columns and one at 120', () => {
    const footer = footerKeys('files', 'none');
    const narrow = footerLines(footer, 80);
    expect(narrow).toHaveLength(2);
    for (const line of narrow) expect(line.length).toBeLessThanOrEqual(80);
    for (const { key, does } of footer) expect(narrow.join('  ')).toContain(`${key} ${does}`);
    expect(narrow.join('  ')).toMatch(/s step.*n name/);
    expect(footerLines(footer, 120)).toHaveLength(1);
  });

  it('in step mode, puts the keys that work there first: space sends, c runs on, s turns it off', () => {
    const footer = footerKeys('files', 'none', { stepMode: true }).map(({ key, does }) => `${key} ${does}`);
    expect(footer.slice(2, 5)).toEqual(['space send', 'c run on', 's step off']);
    expect(footer).not.toContain('s step');
    expect(footerKeys('files', 'none').map(({ key }) => key)).not.toContain('space');
  });
});

describe('screenLayout', () => {
  it('at 80x24: a two-line footer, compact panes, one result row, and the rest for the list', () => {
    const layout = layoutAt(80, 24);
    expectEveryRowUsed(layout, 24);
    expect(layout.footer).toHaveLength(2);
    expect([layout.paneRows, layout.rowsPerStep, layout.resultRows]).toEqual([13, 1, 1]);
    expect(layout.bottomRows).toBe(24 - 1 - 2 - 13 - 1 - 1);
    expect(layoutAt(80, 24, LONG_RESULT).resultRows).toBe(1);
  });

  it('at 120x40: the steps’ details wrap onto the spare rows, and the list keeps its minimum', () => {
    const layout = layoutAt(120, 40);
    expectEveryRowUsed(layout, 40);
    expect(layout.footer).toHaveLength(1);
    expect(layout.rowsPerStep).toBeGreaterThan(1);
    expect(layout.paneRows).toBeGreaterThan(13);
    expect(layout.bottomRows).toBeGreaterThanOrEqual(MIN_BOTTOM_ROWS);
  });

  it('at 120x40: a long result wraps to the rows it needs', () => {
    const layout = layoutAt(120, 40, LONG_RESULT, true);
    expectEveryRowUsed(layout, 40, true);
    expect(layout.resultRows).toBe(2);
  });

  it('gives the list its rows first when the terminal is only a little taller', () => {
    const layout = layoutAt(120, 26);
    expectEveryRowUsed(layout, 26);
    expect(layout.rowsPerStep).toBe(1);
    expect(layout.bottomRows).toBe(26 - 1 - 1 - 13 - 1 - 1);
  });
});

describe('a terminal too small for the panes', () => {
  it('is told apart, with the rows it needs, rather than drawn with boxes shrunk into one another', () => {
    const fits = layoutAt(60, 22);
    expect(fits.tooSmall).toBeUndefined();
    expectEveryRowUsed(fits, 22);
    expect(layoutAt(60, 21).tooSmall).toEqual({ rowsNeeded: 22 });
    expect(layoutAt(60, 12).tooSmall).toEqual({ rowsNeeded: 22 });
    for (const [columns, rows] of [[80, 24], [120, 40]] as const) expect(layoutAt(columns, rows).tooSmall).toBeUndefined();
  });

  it('counts the attacker\'s note and the longest footer even when they are not shown, so the dashboard never vanishes mid-session', () => {
    for (const columns of [60, 80, 120]) {
      const quiet = screenLayout({ columns, rows: 21, footer: footerKeys('wire', 'help'), client: clean.client, server: clean.server, resultText: '', attackLine: false });
      const busy = screenLayout({ columns, rows: 21, footer: footerKeys('files', 'none', { replaying: false, stepMode: true }), client: clean.client, server: clean.server, resultText: LONG_RESULT, attackLine: true });
      expect([quiet.tooSmall, busy.tooSmall], `${columns} columns`).toEqual([{ rowsNeeded: 22 }, { rowsNeeded: 22 }]);
      const attacked = screenLayout({ columns, rows: 22, footer: footerKeys('files', 'none', { replaying: false, stepMode: true }), client: clean.client, server: clean.server, resultText: LONG_RESULT, attackLine: true });
      expect(attacked.tooSmall, `${columns} columns`).toBeUndefined();
      expectEveryRowUsed(attacked, 22, true);
    }
  });

  it('names the same number however small the terminal, and that number is enough', () => {
    for (const columns of [20, 30, 40, 60, 80]) {
      const needed = new Set<number>();
      for (let rows = 3; rows < 40; rows += 1) {
        const layout = layoutAt(columns, rows);
        if (layout.tooSmall) needed.add(layout.tooSmall.rowsNeeded);
      }
      expect(needed.size, `${columns} columns`).toBeLessThanOrEqual(1);
      for (const rows of needed) {
        expect(layoutAt(columns, rows).tooSmall, `${columns}x${rows}`).toBeUndefined();
        expect(layoutAt(columns, rows - 1).tooSmall, `${columns}x${rows - 1}`).toEqual({ rowsNeeded: rows });
      }
    }
  });
});

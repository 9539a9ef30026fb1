/**
 * `listWindow`, the slice of a long list that fits in a few rows: the whole list
 * when it fits, the cursor near the middle when it does not, pinned to the ends
 * at the top and bottom; and as a fast-check property (fixed seed), the window is
 * always inside the list, exactly as tall as it can be, and holds the cursor.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listWindow, listWindowByHeights } from '../../source/ui/list-window.js';

describe('listWindow', () => {
  it('shows the whole list when it fits', () => {
    expect(listWindow(0, 0, 5)).toEqual({ start: 0, end: 0 });
    expect(listWindow(3, 2, 5)).toEqual({ start: 0, end: 3 });
    expect(listWindow(5, 4, 5)).toEqual({ start: 0, end: 5 });
  });

  it('keeps the cursor near the middle of a long list', () => {
    expect(listWindow(100, 50, 10)).toEqual({ start: 45, end: 55 });
    expect(listWindow(100, 51, 11)).toEqual({ start: 46, end: 57 });
  });

  it('pins the window to the top and to the bottom', () => {
    expect(listWindow(100, 0, 10)).toEqual({ start: 0, end: 10 });
    expect(listWindow(100, 3, 10)).toEqual({ start: 0, end: 10 });
    expect(listWindow(100, 99, 10)).toEqual({ start: 90, end: 100 });
    expect(listWindow(100, 97, 10)).toEqual({ start: 90, end: 100 });
  });

  it('shows one row around the cursor when only one fits', () => {
    expect(listWindow(10, 7, 1)).toEqual({ start: 7, end: 8 });
  });

  it('stays within the list, fills the rows and shows the cursor, for any list, cursor and height', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (length, rows, where) => {
        const cursor = Math.floor(where * length);
        const { start, end } = listWindow(length, cursor, rows);
        expect(Number.isInteger(start) && Number.isInteger(end)).toBe(true);
        expect(start).toBeGreaterThanOrEqual(0);
        expect(end).toBeLessThanOrEqual(length);
        expect(end - start).toBe(Math.min(rows, length));
        expect(cursor).toBeGreaterThanOrEqual(start);
        expect(cursor).toBeLessThan(end);
      }),
      { seed: 8, numRuns: 500 },
    );
  });
});

describe('listWindowByHeights', () => {
  it('shows every item that fits, and otherwise a window that holds the cursor and as many rows as fit', () => {
    expect(listWindowByHeights([1, 2, 1], 2, 4)).toEqual({ start: 0, end: 3 });
    expect(listWindowByHeights([1, 2, 1, 1, 2, 1], 0, 4)).toEqual({ start: 0, end: 3 });
    expect(listWindowByHeights([1, 2, 1, 1, 2, 1], 5, 4)).toEqual({ start: 3, end: 6 });
    expect(listWindowByHeights([1, 1, 1, 1, 1, 1, 1, 1], 4, 4)).toEqual({ start: 2, end: 6 });
  });

  it('always holds the cursor and never more rows than it has (property, fixed seed)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 30 }), fc.nat(), fc.integer({ min: 3, max: 20 }), (heights, at, rows) => {
        const cursor = at % heights.length;
        const { start, end } = listWindowByHeights(heights, cursor, rows);
        expect(start).toBeLessThanOrEqual(cursor);
        expect(end).toBeGreaterThan(cursor);
        const used = heights.slice(start, end).reduce((sum, height) => sum + height, 0);
        if (heights.reduce((sum, height) => sum + height, 0) > rows) expect(used).toBeLessThanOrEqual(rows);
      }),
      { seed: 20_261_127, numRuns: 300 },
    );
  });
});

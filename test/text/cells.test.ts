/**
 * Text measured and cut in terminal cells: what the file picker, the received list
 * and history rely on so that a name in any script stays inside its column.
 */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { cellWidth, cutToCells, shortenMiddle } from '../../source/text/cells.js';

describe('cellWidth', () => {
  it.each([
    ['notes.txt', 9],
    ['報告書.pdf', 10],
    ['café', 4],
    ['cafe\u0301', 4],
    ['👩‍💻.txt', 6],
  ])('%s takes %i cells', (text, cells) => {
    expect(cellWidth(text)).toBe(cells);
  });
});

describe('cutToCells', () => {
  it('keeps a text that fits as it is', () => {
    expect(cutToCells('notes.txt', 9)).toBe('notes.txt');
  });

  it('stops before a wide character that would cross the edge, rather than overrun it', () => {
    expect(cutToCells('東京の夜景', 5)).toBe('東京');
  });

  it('never splits a character built of several code points', () => {
    expect(cutToCells('cafe\u0301s', 4)).toBe('cafe\u0301');
    expect(cutToCells('ab👩‍💻cd', 3)).toBe('ab');
  });
});

describe('shortenMiddle', () => {
  it('keeps a name that fits as it is', () => {
    expect(shortenMiddle('docs/report.pdf', 15)).toBe('docs/report.pdf');
  });

  it('cuts a long name in the middle, keeping its start and more of its end', () => {
    const cut = shortenMiddle('docs/a-file-name-so-long-that-it-cannot-fit-report.pdf', 21);
    expect(cut).toBe('docs/a-f…t-report.pdf');
    expect(stringWidth(cut)).toBe(21);
  });

  it('measures wide characters by their cells, so the result fits the width it is given', () => {
    const name = `資料/${'東京の夜景'.repeat(4)}.pdf`;
    for (const width of [8, 9, 10, 21, 30]) {
      const cut = shortenMiddle(name, width);
      expect(stringWidth(cut)).toBeLessThanOrEqual(width);
      expect(stringWidth(cut)).toBeGreaterThanOrEqual(width - 1);
      expect(cut).toMatch(/^資.*….*\.pdf$/);
    }
    // 12 cells of end, and of the 8 left for the start, 7: the next character would take 2.
    expect(shortenMiddle(name, 21)).toBe('資料/東…京の夜景.pdf');
  });

  it('gives just the ellipsis at one cell, and nothing at none', () => {
    expect(shortenMiddle('notes.txt', 1)).toBe('…');
    expect(shortenMiddle('notes.txt', 0)).toBe('');
  });
});

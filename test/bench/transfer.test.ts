/**
 * The bench's rate of a transfer once its first tenth has moved, read from the client's
 * lines as the bench receives them: when each arrived, in ms. Only the arithmetic on
 * given lines is checked here, never how fast anything runs.
 */
import { describe, expect, it } from 'vitest';
import { rateAfterFirstTenth } from '../../source/bench/transfer.js';
import { progressLine } from '../../source/headless/event-lines.js';

const MiB = 1024 * 1024;
const total = 100 * MiB;
const at = (line: string, ms: number) => ({ line, at: ms });

describe("the rate after a transfer's first tenth (bench)", () => {
  it('counts the bytes after the first line at a tenth or past it, to the saved line', () => {
    const lines = [
      at('  ✔ Send encrypted REQUEST: GET "transfer.bin"', 0),
      at(progressLine(10 * MiB, total), 40),
      at(progressLine(20 * MiB, total), 50),
      at('  ✔ Save to received/: transfer.bin (104.9 MB)', 130),
    ];
    // 90 MiB from 40 ms to 130 ms.
    expect(rateAfterFirstTenth(lines, total, 130) / ((90 * MiB) / 0.09)).toBeCloseTo(1, 9);
  });

  it('starts from a later line when the first one printed is already past a tenth', () => {
    const lines = [at(progressLine(5 * MiB, total), 10), at(progressLine(12.5 * MiB, total), 30), at(progressLine(30 * MiB, total), 45)];
    // "… 12%": 88 MiB from 30 ms to 110 ms.
    expect(rateAfterFirstTenth(lines, total, 110) / ((88 * MiB) / 0.08)).toBeCloseTo(1, 9);
  });

  it('is NaN without a progress line at a tenth before the save', () => {
    expect(rateAfterFirstTenth([at('  ✔ Save to received/: small.bin (1.0 kB)', 5)], 1024, 5)).toBeNaN();
    expect(rateAfterFirstTenth([at(progressLine(50 * MiB, total), 200)], total, 100)).toBeNaN();
  });
});

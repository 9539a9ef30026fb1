/**
 * The inspector's hex dump: `hexLines` cuts bytes into 16-byte lines with their
 * offsets, a printable column and spans that mark the selected field, including a
 * field that starts on one line and ends on the next; it shows only the window of
 * lines asked for. `hexWindowStart` picks the first line so the selected field's
 * start is on screen, checked by example and as a fast-check property (fixed seed).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BYTES_PER_LINE, type HexLine, hexLines, hexWindowStart } from '../../source/ui/hex.js';

const range = (length: number, from = 0) => Uint8Array.from({ length }, (_, index) => (from + index) & 0xff);
const hex = (bytes: ArrayLike<number>) => Array.from(bytes, (byte) => `${byte.toString(16).padStart(2, '0')} `).join('');
const spans = (line: HexLine) => line.spans.map((span) => [span.text, span.highlighted] as const);
const RUNS = { seed: 1_126, numRuns: 300 } as const;

describe('hexLines', () => {
  it('gives one line per 16 bytes, at offsets 0, 16, 32, the last one short', () => {
    const lines = hexLines(range(40), undefined, 0, 10);
    expect(lines.map((line) => line.offset)).toEqual([0, 16, 32]);
    expect(lines.map((line) => line.spans.map((span) => span.text).join(''))).toEqual([hex(range(16)), hex(range(16, 16)), hex(range(8, 32))]);
    expect(lines.every((line) => line.spans.length === 1 && !line.spans[0]!.highlighted)).toBe(true);
    expect(BYTES_PER_LINE).toBe(16);
  });

  it('writes each byte as two lowercase hex digits and a space', () => {
    expect(hexLines(Uint8Array.of(0x00, 0x0a, 0xff, 0xab), undefined, 0, 1)[0]!.spans[0]!.text).toBe('00 0a ff ab ');
  });

  it('shows printable ASCII (0x20 to 0x7e) as itself and everything else as a dot', () => {
    const bytes = Uint8Array.of(0x1f, 0x20, 0x41, 0x7e, 0x7f, 0x80, 0x00, 0x7a);
    expect(hexLines(bytes, undefined, 0, 1)[0]!.ascii).toBe('. A~...z');
    expect(hexLines(new TextEncoder().encode('hello, world! 0123456789'), undefined, 0, 2).map((line) => line.ascii)).toEqual(['hello, world! 01', '23456789']);
  });

  it('highlights a field inside one line as its own span', () => {
    const [line] = hexLines(range(16), { start: 3, end: 6 }, 0, 1);
    expect(spans(line!)).toEqual([[hex(range(3)), false], [hex(range(3, 3)), true], [hex(range(10, 6)), false]]);
  });

  it('highlights a field that runs across a line boundary on both lines', () => {
    const lines = hexLines(range(48), { start: 14, end: 18 }, 0, 3);
    expect(spans(lines[0]!)).toEqual([[hex(range(14)), false], [hex(range(2, 14)), true]]);
    expect(spans(lines[1]!)).toEqual([[hex(range(2, 16)), true], [hex(range(14, 18)), false]]);
    expect(spans(lines[2]!)).toEqual([[hex(range(16, 32)), false]]);
  });

  it('highlights whole lines of a field that spans several', () => {
    const lines = hexLines(range(64), { start: 16, end: 48 }, 0, 4);
    expect(lines.map((line) => line.spans.map((span) => span.highlighted))).toEqual([[false], [true], [true], [false]]);
  });

  it('highlights nothing for an empty field, and a field at the very end', () => {
    expect(hexLines(range(20), { start: 5, end: 5 }, 0, 2).flatMap((line) => line.spans).some((span) => span.highlighted)).toBe(false);
    const [, last] = hexLines(range(20), { start: 19, end: 20 }, 0, 2);
    expect(spans(last!)).toEqual([[hex(range(3, 16)), false], [hex(range(1, 19)), true]]);
  });

  it('returns only the window asked for, and nothing past the end', () => {
    const bytes = range(100);
    expect(hexLines(bytes, undefined, 2, 2).map((line) => line.offset)).toEqual([32, 48]);
    expect(hexLines(bytes, undefined, 6, 5).map((line) => line.offset)).toEqual([96]);
    expect(hexLines(bytes, undefined, 7, 5)).toEqual([]);
    expect(hexLines(bytes, undefined, 0, 0)).toEqual([]);
    expect(hexLines(new Uint8Array(0), { start: 0, end: 1 }, 0, 5)).toEqual([]);
  });

  it('covers every byte once, marking exactly the bytes in [start, end)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(220), fc.nat(60), (bytes, start, length) => {
        const lines = hexLines(bytes, { start, end: start + length }, 0, 100);
        expect(lines.map((line) => line.spans.map((span) => span.text).join('')).join('')).toBe(hex(bytes));
        expect(lines.map((line) => line.ascii).join('').length).toBe(bytes.length);
        const marked = lines.flatMap((line) => line.spans.flatMap((span) => Array.from({ length: span.text.length / 3 }, () => span.highlighted)));
        expect(marked).toEqual(Array.from(bytes, (_, index) => index >= start && index < start + length));
        for (const line of lines) {
          // Neighbouring spans always differ, or they would have been one.
          line.spans.forEach((span, index) => index > 0 && expect(span.highlighted).not.toBe(line.spans[index - 1]!.highlighted));
        }
      }),
      RUNS,
    );
  });
});

describe('hexWindowStart', () => {
  it('starts at the top while the field is in the first lines', () => {
    expect(hexWindowStart(0, 6, 1_000)).toBe(0);
    expect(hexWindowStart(16, 6, 1_000)).toBe(0);
  });

  it('puts the field a third of the way down the window', () => {
    expect(hexWindowStart(10 * 16 + 5, 6, 1_000)).toBe(8);
  });

  it('does not scroll past the last full window', () => {
    const lines = Math.ceil(1_000 / 16);
    expect(hexWindowStart(999, 6, 1_000)).toBe(lines - 6);
    expect(hexWindowStart(30, 10, 40)).toBe(0);
  });

  it('always keeps the line holding the offset on screen, and the window within the dump', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (byteLength, count, where) => {
        const offset = Math.floor(where * byteLength);
        const total = Math.ceil(byteLength / 16);
        const start = hexWindowStart(offset, count, byteLength);
        const line = Math.floor(offset / 16);
        expect(start).toBeGreaterThanOrEqual(0);
        expect(line).toBeGreaterThanOrEqual(start);
        expect(line).toBeLessThan(start + count);
        if (total >= count) expect(start + count).toBeLessThanOrEqual(total);
        // And the window really shows that line.
        expect(hexLines(range(byteLength), { start: offset, end: offset + 1 }, start, count).some((shown) => shown.offset === line * 16)).toBe(true);
      }),
      RUNS,
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeAlert, ALERT_CODES } from '../../source/protocol/alerts.js';
import { describeRecord } from '../../source/protocol/fields.js';
import { isPrintable, listedName, printable, quoted } from '../../source/protocol/printable.js';

/** What must never reach a terminal from the wire: controls, bidi controls, invisible and line-separating characters. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/u;

describe('printable', () => {
  it('leaves ordinary text alone, accents, CJK and emoji included', () => {
    for (const text of ['notes.txt', 'docs/handshake.md', 'résumé – 履歴書 🔒', '']) {
      expect(printable(text)).toBe(text);
      expect(isPrintable(text)).toBe(true);
    }
  });

  it('escapes escape sequences, bell, line breaks, C1 controls and bidirectional overrides as \\uXXXX', () => {
    expect(printable('\u001b]0;owned\u0007')).toBe('\\u001b]0;owned\\u0007');
    expect(printable('a\r\nb')).toBe('a\\u000d\\u000ab');
    expect(printable('\u009b31m')).toBe('\\u009b31m');
    expect(printable('txt.\u202eexe')).toBe('txt.\\u202eexe');
    expect(printable('a\u200bb\ufeff\u2028')).toBe('a\\u200bb\\ufeff\\u2028');
    expect(isPrintable('a\u0000')).toBe(false);
  });

  it('quotes', () => {
    expect(quoted('x\ty')).toBe('"x\\u0009y"');
  });

  it('never lets an unsafe character through, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (text) => {
        const shown = printable(text);
        expect(shown).not.toMatch(UNSAFE);
        expect(isPrintable(text)).toBe(shown === text);
      }),
      { seed: 6, numRuns: 2_000 },
    );
  });
});

describe('listedName', () => {
  it('leaves a name that reads as what it is bare, and quotes one that would not', () => {
    expect(listedName('notes.txt')).toBe('notes.txt');
    expect(listedName('my notes.txt')).toBe('my notes.txt');
    expect(listedName('日本語.txt')).toBe('日本語.txt');
    expect(listedName('hello.txt ')).toBe('"hello.txt "');
    expect(listedName(' hello.txt')).toBe('" hello.txt"');
    expect(listedName('')).toBe('""');
    expect(listedName('\u001b]0;owned\u0007.txt')).toBe('"\\u001b]0;owned\\u0007.txt"');
  });
});

describe('where wire text is shown', () => {
  const hostile = 'gone\u001b[2J\r\n\u009b31m\u202e';

  it('an alert reason', () => {
    const shown = describeAlert({ level: 'fatal', description: ALERT_CODES.file_not_found, reason: hostile });
    expect(shown).toMatch(/^file_not_found: gone/);
    expect(shown).not.toMatch(UNSAFE);
  });

  it('the inspector\'s value of an alert record', () => {
    const reason = new TextEncoder().encode(hostile);
    const body = Uint8Array.from([2, ALERT_CODES.file_not_found, 0, reason.length, ...reason]);
    const record = Uint8Array.from([21, 3, 0, 0, body.length, ...body]);
    const field = describeRecord(record, false).fields.find((candidate) => candidate.name === 'reason');
    expect(field?.value).toMatch(/^"gone/);
    expect(field?.value).not.toMatch(UNSAFE);
  });

  it('the inspector\'s lines of any certificate in a hello: safe to print, tiling its bytes, a dozen at most', () => {
    const line = fc.oneof(fc.string(), fc.constant(hostile), fc.constantFrom('subject: server', 'public-key: AAAA', 'x'.repeat(300)));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (lines, raw) => {
        const certificate = Uint8Array.from([...new TextEncoder().encode(lines.join('\n')), ...raw]);
        const body = Uint8Array.from([2, 0, (34 + certificate.length) >> 8, (34 + certificate.length) & 0xff, ...new Uint8Array(32), certificate.length >> 8, certificate.length & 0xff, ...certificate]);
        const record = Uint8Array.from([22, 3, 0, body.length >> 8, body.length & 0xff, ...body]);
        const parts = describeRecord(record, false).fields.filter((field) => field.name.startsWith('certificate ') && field.name !== 'certificate length');
        expect(parts.length).toBeLessThanOrEqual(13);
        expect(parts.reduce((sum, part) => sum + part.length, 0)).toBe(certificate.length);
        for (const part of parts) expect(part.value + part.name).not.toMatch(UNSAFE);
      }),
      { numRuns: 300 },
    );
  });
});

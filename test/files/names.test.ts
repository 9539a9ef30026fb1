import { describe, expect, it } from 'vitest';
import { ALERT_CODES, alertForError } from '../../source/protocol/alerts.js';
import { checkName, compareNames, isAcceptableName, MAX_NAME_BYTES, NameRefusal } from '../../source/files/names.js';

function refusalOf(name: string): NameRefusal {
  try {
    checkName(name);
  } catch (error) {
    if (error instanceof NameRefusal) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(name)} to be refused`);
}

// [what it tries, the name, a fragment the reason must contain]
const REFUSED: readonly (readonly [string, string, string])[] = [
  ['empty', '', 'is empty'],
  ['parent', '../x', '".."'],
  ['parent in the middle', 'a/../../b', '".."'],
  ['parent with backslash', '..\\x', 'backslash'],
  ['absolute', '/etc/passwd', 'absolute'],
  ['drive with backslashes', 'C:\\Windows\\win.ini', '":"'],
  ['drive with slash', 'C:/x', '":"'],
  ['UNC path', '\\\\server\\share\\x', 'backslash'],
  ['UNC path with slashes', '//server/share', 'absolute'],
  ['Windows device path', '\\\\.\\PhysicalDrive0', 'backslash'],
  ['alternate data stream', 'notes.txt:secret', '":"'],
  ['percent-encoded parent', '%2e%2e%2fsecret', '"%2e"'],
  ['double percent-encoding', '%252e%252e%252f', '"%25"'],
  ['overlong UTF-8 slash', '..%c0%af', '"%c0"'],
  ['upper-case percent-encoding', 'a%2Fb', '"%2F"'],
  ['escaped dots and slash', '\u002e\u002e\u002f', '".."'],
  ['escaped dots and slash then name', '\u002e\u002e\u002fetc/passwd', '".."'],
  ['full-width dots and slash', '．．／', 'U+FF0E'],
  ['dots and full-width slash', '..／', 'U+FF0F'],
  ['two-dot leader', '‥/', 'U+2025'],
  ['one-dot leaders', '\u2024\u2024/x', 'U+2024'],
  ['division slash', '..∕etc', 'U+2215'],
  ['fraction slash', '..\u2044etc', 'U+2044'],
  ['big solidus', '..\u29f8etc', 'U+29F8'],
  ['set minus as backslash', '..\u2216etc', 'U+2216'],
  ['reverse solidus operator', '..\u29f5etc', 'U+29F5'],
  ['full-width backslash', '..\uff3cetc', 'U+FF3C'],
  ['small reverse solidus', '..\ufe68etc', 'U+FE68'],
  ['ideographic full stop', '\u3002\u3002/x', 'U+3002'],
  ['combining long solidus', 'a\u0338b', 'U+0338'],
  ['commercial minus sign', 'a\u2052b', 'U+2052'],
  ['full-width letters', 'ａｂｃ.txt', 'NFKC'],
  ['decomposed letter', 'u\u0308.txt', 'normal form'],
  ['dots hiding an empty part', '....//x', 'only of dots'],
  ['NUL', 'a\u0000b', 'NUL'],
  ['newline', 'a\nb', 'U+000A'],
  ['tab', 'a\tb', 'U+0009'],
  ['DEL', 'a\u007fb', 'U+007F'],
  ['C1 control', 'a\u0085b', 'U+0085'],
  ['device', 'CON', 'device CON'],
  ['device with extension', 'nul.txt', 'device NUL'],
  ['device in lower case', 'com1', 'device COM1'],
  ['device with a long extension', 'LPT9.log', 'device LPT9'],
  ['device with a space', 'aux .txt', 'device AUX'],
  ['device in a subfolder', 'docs/prn.md', 'device PRN'],
  ['COM0', 'COM0', 'device COM0'],
  ['superscript device', 'COM¹', 'NFKC'],
  ['superscript device with extension', 'lpt³.txt', 'NFKC'],
  ['dot', '.', '"."'],
  ['dot dot', '..', '".."'],
  ['three dots', '...', 'only of dots'],
  ['hidden file', '.hidden', 'hidden'],
  ['hidden folder', 'a/.git/config', '".git"'],
  ['too many bytes', 'a'.repeat(MAX_NAME_BYTES + 1), '1025 bytes'],
  ['too many bytes but few characters', 'é'.repeat(513), '1026 bytes'],
  ['part too long', `x/${'b'.repeat(300)}`, '300 bytes'],
  ['too deep', Array.from({ length: 40 }, () => 'd').join('/'), '40 parts'],
  ['trailing slash', 'folder/', 'ends with "/"'],
  ['empty part', 'a//b', 'empty part'],
  ['right-to-left override', 'evil\u202etxt.exe', 'U+202E'],
  ['first-strong isolate', 'a\u2068b', 'U+2068'],
  ['zero-width space', 'a\u200bb', 'U+200B'],
  ['zero-width joiner', 'a\u200db', 'U+200D'],
  ['byte-order mark', '\ufeffnotes.txt', 'U+FEFF'],
  ['replacement character', '\ufffd.txt', 'U+FFFD'],
  ['lone high surrogate', 'a\ud800b', 'lone surrogate'],
  ['lone low surrogate', 'a\udc00', 'lone surrogate'],
];

describe('checkName refuses', () => {
  it('at least 40 kinds of name', () => {
    expect(REFUSED.length).toBeGreaterThanOrEqual(40);
  });

  it.each(REFUSED)('%s', (_what, name, fragment) => {
    const refusal = refusalOf(name);
    expect(refusal.alert).toBe('access_denied');
    expect(refusal.message).toContain(fragment);
    expect(refusal.message.startsWith('name ')).toBe(true);
    expect(isAcceptableName(name)).toBe(false);
  });

  it('never puts an invisible or control character into a reason', () => {
    for (const [, name] of REFUSED) {
      expect(refusalOf(name).message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u);
    }
  });

  it('explains ".." as leaving the folder', () => {
    expect(refusalOf('../x').message).toBe('name contains "..": it would leave the folder');
  });
});

describe('checkName accepts', () => {
  const exactly1024 = ['a'.repeat(255), 'a'.repeat(255), 'a'.repeat(255), 'a'.repeat(254), 'b'].join('/');

  it.each([
    ['notes.txt', ['notes.txt']],
    ['images/logo.png', ['images', 'logo.png']],
    ['a b.txt', ['a b.txt']],
    ['ünïcode.txt', ['ünïcode.txt']],
    ['file.tar.gz', ['file.tar.gz']],
    ['x..y', ['x..y']],
    ['trailing.', ['trailing.']],
    ['100%.txt', ['100%.txt']],
    ['console.txt', ['console.txt']],
    ['com10', ['com10']],
    ['日本語/テキスト.txt', ['日本語', 'テキスト.txt']],
    ['😀.txt', ['😀.txt']],
    ["it's here.md", ["it's here.md"]],
  ])('%s', (name, parts) => {
    expect(checkName(name)).toEqual(parts);
    expect(isAcceptableName(name)).toBe(true);
  });

  it('32 parts', () => {
    const name = Array.from({ length: 32 }, (_, index) => `d${index}`).join('/');
    expect(checkName(name)).toHaveLength(32);
  });

  it('a name of exactly 1024 bytes with parts of 255', () => {
    expect(new TextEncoder().encode(exactly1024).length).toBe(MAX_NAME_BYTES);
    expect(checkName(exactly1024)).toHaveLength(5);
  });

  it('returns parts that cannot be changed', () => {
    const parts = checkName('a/b');
    expect(Object.isFrozen(parts)).toBe(true);
  });
});

describe('NameRefusal', () => {
  it('is sent as its own alert, not internal_error', () => {
    const alert = alertForError(new NameRefusal('file_not_found', 'no file "x" in the public folder'));
    expect(alert.description).toBe(ALERT_CODES.file_not_found);
    expect(alert.reason).toBe('no file "x" in the public folder');
    expect(alertForError(refusalOf('../x')).description).toBe(ALERT_CODES.access_denied);
  });

  it('is an Error with a name', () => {
    const refusal = new NameRefusal('access_denied', 'why');
    expect(refusal).toBeInstanceOf(Error);
    expect(refusal.name).toBe('NameRefusal');
    expect(refusal.code).toBe(49);
  });
});

describe('compareNames', () => {
  it('orders by code point, not by UTF-16 unit', () => {
    // U+E000 sorts after the surrogates of U+1F600 in UTF-16, before it by code point.
    expect(['😀', '\ue000', 'b', 'B', 'a/b'].sort(compareNames)).toEqual(['B', 'a/b', 'b', '\ue000', '😀']);
  });
});

/**
 * Text cut into lines by the dashboard itself, so that it knows the rows a
 * detail, a result or a help entry takes: breaks at spaces, a long word split,
 * a different width for the first line, and an ellipsis where the lines run out.
 */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { wrapText } from '../../source/ui/wrap-text.js';

describe('wrapText', () => {
  it('breaks at the last space that fits, and drops the spaces at the break', () => {
    expect(wrapText('CA signature valid, subject server, expires 2027-11-26', 20)).toEqual(['CA signature valid,', 'subject server,', 'expires 2027-11-26']);
  });

  it('gives the first line its own width', () => {
    expect(wrapText('secret encrypted under the server key', { first: 10, rest: 30 })).toEqual(['secret', 'encrypted under the server key']);
  });

  it('splits a word longer than a line', () => {
    expect(wrapText('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
  });

  it('ends the last line it may use with … when text is left, filling the line', () => {
    expect(wrapText('connected to 127.0.0.1:4041 from port 5555', 16, 1)).toEqual(['connected to 12…']);
    expect(wrapText('one two three four five six', 9, 2)).toEqual(['one two', 'three fo…']);
  });

  it('measures in terminal cells: a Chinese or Japanese character takes two', () => {
    const lines = wrapText('GET "日本語のファイル名.txt": 3 B', 20);
    expect(lines).toEqual(['GET "日本語のファイ', 'ル名.txt": 3 B']);
    expect(lines.map((line) => stringWidth(line))).toEqual([19, 14]);
    expect(wrapText('日本語のファイル名', 8)).toEqual(['日本語の', 'ファイル', '名']);
    expect(wrapText('日本語のファイル名', 9, 1)).toEqual(['日本語の…']);
  });

  it('cuts a word too long for any line where the line ends, rather than leave a symbol alone before it', () => {
    const name = `${'a'.repeat(30)}.txt`;
    expect(wrapText(`✔ ${name} received`, 20)).toEqual([`✔ ${'a'.repeat(18)}`, `${'a'.repeat(12)}.txt`, 'received']);
    // A word that fits a line of its own still moves there whole.
    expect(wrapText('✔ notes.txt received', 10)).toEqual(['✔', 'notes.txt', 'received']);
  });

  it('takes no line for an empty text, and one for a text that fits', () => {
    expect(wrapText('', 10)).toEqual([]);
    expect(wrapText('fits', 10, 1)).toEqual(['fits']);
  });
});

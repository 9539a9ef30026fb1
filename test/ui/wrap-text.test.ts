/**
 * Text cut into lines by the dashboard itself, so that it knows the rows a
 * detail, a result or a help entry takes: breaks at spaces, a long word split,
 * a different width for the first line, and an ellipsis where the lines run out.
 */
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

  it('takes no line for an empty text, and one for a text that fits', () => {
    expect(wrapText('', 10)).toEqual([]);
    expect(wrapText('fits', 10, 1)).toEqual(['fits']);
  });
});

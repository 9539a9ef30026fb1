/**
 * The text prompt as a terminal feeds it: keys one read at a time, and runs of
 * backspaces (a held key, a fast typist) in one read, which must erase, not type.
 */
import { render } from 'ink-testing-library';
import { useState } from 'react';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { rebase, TextPrompt } from '../../source/ui/TextPrompt.js';
import { applyTyped } from '../../source/ui/typed-text.js';

describe('applyTyped', () => {
  it.each([
    ['notes.txt\x7f\x7f\x7f', 'notes.'],
    ['ab\b', 'a'],
    ['a\x7f\x7f\x7f', ''],
    ['x\x1b[Ay', 'xy'],
    ['x\x1bOBy', 'xy'],
    ['line\none\ttab\x00nul', 'lineonetabnul'],
    ['../keystore/\u2025\uff0e%2e', '../keystore/\u2025\uff0e%2e'],
    ['na\u200bme', 'na\u200bme'],
  ])('%j holds %j', (typed, held) => {
    expect(applyTyped(typed)).toBe(held);
  });
});

const mounted: Array<{ unmount: () => void }> = [];
afterEach(() => mounted.splice(0).forEach((instance) => instance.unmount()));

function Prompt({ onValue, onSubmit = () => {} }: { readonly onValue: (value: string) => void; readonly onSubmit?: (value: string) => void }) {
  const [value, setValue] = useState('');
  return <TextPrompt label="request name:" value={value} onChange={(next) => (setValue(next), onValue(next))} onSubmit={onSubmit} />;
}

/** Polls until `check` holds, for at most 20 s: generous, for a busy machine, never a measure of speed. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('TextPrompt', () => {
  it('shows the end of a name too long for the line, where the typing goes, and keeps its label', () => {
    const name = `${'deeply/nested/'.repeat(10)}the-end.txt`;
    const app = render(<TextPrompt label="request name:" value={name} onChange={() => {}} onSubmit={() => {}} />);
    mounted.push(app);
    const frame = stripVTControlCharacters(app.lastFrame() ?? '');
    expect(frame.split('\n')).toHaveLength(1);
    expect(frame).toMatch(/^request name: …[a-z/]+\/the-end\.txt/);
  });

  it('erases with a run of backspaces that arrives in one read', { timeout: 60_000 }, async () => {
    const values: string[] = [];
    const app = render(<Prompt onValue={(value) => values.push(value)} />);
    mounted.push(app);
    // Each key is written once the one before it is on screen, as a person types.
    const type = async (keys: string, expected: string) => {
      const before = values.length;
      app.stdin.write(keys);
      await until(() => values.length > before, `${JSON.stringify(keys)} to land`);
      expect(values.at(-1)).toBe(expected);
      await until(() => stripVTControlCharacters(app.lastFrame() ?? '').trimEnd() === `request name: ${expected}`, `the frame to show ${JSON.stringify(expected)}`);
      // And a person's pause before the next key. A burst makes the prompt start its input
      // afresh, and the new input listens from an effect that runs just after the frame
      // shows: on a loaded machine a key sent the moment the frame showed could come before it.
      await new Promise((resolve) => setTimeout(resolve, 100));
    };
    // Ink starts reading its input in an effect, just after the first frame.
    await until(() => app.stdin.listenerCount('readable') > 0, 'the prompt to listen');
    let typed = '';
    for (const key of 'secret.key') await type(key, (typed += key));
    await type('\x7f\x7f\x7f\x7f', 'secret');
    await type('\x7f', 'secre');
  });

  it('keeps every key and submits the whole name when keys come faster than Ink re-renders', { timeout: 60_000 }, async () => {
    const values: string[] = [];
    const submitted: string[] = [];
    const app = render(<Prompt onValue={(value) => values.push(value)} onSubmit={(value) => submitted.push(value)} />);
    mounted.push(app);
    await until(() => app.stdin.listenerCount('readable') > 0, 'the prompt to listen');
    // Five reads in one turn of the event loop: no render, no effect runs between them.
    for (const key of ['n', 'o', 'p', 'e', '\r']) app.stdin.write(key);
    await until(() => submitted.length > 0, 'the name to be submitted');
    expect(submitted).toEqual(['nope']);
    expect(values.at(-1)).toBe('nope');
  });

  it('puts the next key at the end after such a burst, and erases from the end', { timeout: 60_000 }, async () => {
    const values: string[] = [];
    const app = render(<Prompt onValue={(value) => values.push(value)} />);
    mounted.push(app);
    await until(() => app.stdin.listenerCount('readable') > 0, 'the prompt to listen');
    for (const key of ['n', 'o', 'p', 'e']) app.stdin.write(key);
    await until(() => stripVTControlCharacters(app.lastFrame() ?? '').trimEnd() === 'request name: nope', 'the burst on screen');
    await until(() => app.stdin.listenerCount('readable') > 0, 'the prompt to listen again');
    await new Promise((resolve) => setTimeout(resolve, 50));
    app.stdin.write('x');
    await until(() => values.at(-1) !== 'nope', 'the x');
    expect(values.at(-1)).toBe('nopex');
    await until(() => stripVTControlCharacters(app.lastFrame() ?? '').trimEnd() === 'request name: nopex', 'nopex on screen');
    await new Promise((resolve) => setTimeout(resolve, 50));
    app.stdin.write('\x7f');
    await until(() => values.at(-1) !== 'nopex', 'the backspace');
    expect(values.at(-1)).toBe('nope');
  });
});

describe('rebase', () => {
  it.each([
    ['', 'n', '', 'n'],
    ['', 'o', 'n', 'no'],
    ['nop', 'no', 'nope', 'nop'],
    ['ab', 'ab\u007f', 'abc', 'abc\u007f'],
    ['abc', 'xbc', 'abcd', 'xbc'],
  ])('%j changed to %j, applied to %j, is %j', (rendered, next, newest, expected) => {
    expect(rebase(rendered, next, newest)).toBe(expected);
  });
});


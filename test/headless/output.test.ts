/**
 * CommandOutput batches the lines of one turn of the event loop into one write, in
 * order, and sends what is pending before a problem, so stderr never overtakes it.
 * It keeps nothing for a session once it has closed.
 */
import { execFile } from 'node:child_process';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CommandOutput } from '../../source/headless/output.js';

function recorder(): { readonly writes: string[]; readonly write: (text: string) => void } {
  const writes: string[] = [];
  return { writes, write: (text: string) => writes.push(text) };
}

describe('CommandOutput', () => {
  it('sends the lines of one turn in one write, in the order they were said', async () => {
    const stdout = recorder();
    const output = new CommandOutput(false, stdout, recorder());
    output.say('one');
    output.say('two');
    expect(stdout.writes).toEqual([]);
    await nextTurn();
    expect(stdout.writes).toEqual(['one\ntwo\n']);
    output.say('three');
    await nextTurn();
    expect(stdout.writes).toEqual(['one\ntwo\n', 'three\n']);
  });

  it('sends what is pending on stdout before a problem goes to stderr', () => {
    const order: string[] = [];
    const output = new CommandOutput(false, { write: (text: string) => order.push(`out ${text}`) }, { write: (text: string) => order.push(`err ${text}`) });
    output.say('before');
    output.problem('broken');
    expect(order).toEqual(['out before\n', 'err tls-tui: broken\n']);
  });

  it('in JSON mode batches the records the same way, a problem among them in its place', async () => {
    const stdout = recorder();
    const output = new CommandOutput(true, stdout, recorder());
    output.record({ type: 'a' });
    output.problem('broken');
    output.record({ type: 'b' });
    await nextTurn();
    expect(stdout.writes.join('').trim().split('\n').map((line) => JSON.parse(line) as { type: string }).map((object) => object.type)).toEqual(['a', 'error', 'b']);
  });

  it('forgets a session\'s progress when it closes: a server that ran 100,000 sessions holds nothing for them', async () => {
    // In a fresh process with a garbage collector to call, so that the heap measured is this output's alone.
    const script = `
      const { CommandOutput } = await import(${JSON.stringify(new URL('../../dist/headless/output.js', import.meta.url).href)});
      const output = new CommandOutput(false, { write() {} }, { write() {} });
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let id = 0; id < 100000; id++) {
        const prefix = '[#' + id + '] ';
        output.event({ type: 'progress', role: 'server', done: 0, total: 1024 }, prefix);
        output.event({ type: 'progress', role: 'server', done: 1024, total: 1024 }, prefix);
        output.event({ type: 'closed', role: 'server', how: 'close_notify', ok: true, reason: '' }, prefix);
        if (id % 1000 === 0) output.flush();
      }
      output.flush();
      gc();
      console.log(process.memoryUsage().heapUsed - before);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--input-type=module', '-e', script]);
    // Kept, each session's thinner came to about 115 bytes: 11 MiB here.
    expect(Number(stdout.trim())).toBeLessThan(2 * 1024 * 1024);
  });
});

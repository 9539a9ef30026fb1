/**
 * The V8 tiering every run of the program starts with (source/v8-tiering.ts), asked
 * of V8 itself: a child process run with --allow-natives-syntax reads a function's
 * optimization status after running it a set number of times.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const TIERING = new URL('../../dist/v8-tiering.js', import.meta.url).href;

/** V8's OptimizationStatus bits that say TurboFan has the function: asked for, compiling, or done. */
const TURBOFAN = {
  optimized: 1 << 4,
  turboFanned: 1 << 6,
  marked: 1 << 8,
  markedConcurrently: 1 << 9,
  compilingConcurrently: 1 << 10,
};

type Tiering = 'V8 alone' | 'longLived' | 'oneShot';

/** Runs a small hot function `rounds` times in a fresh process with `tiering`; its optimization status. */
async function statusAfter(rounds: number, tiering: Tiering): Promise<number> {
  const script = `
    ${tiering === 'V8 alone' ? '' : `const { optimizeAfter } = await import(${JSON.stringify(TIERING)});`}
    ${tiering === 'oneShot' ? "optimizeAfter('oneShot');" : ''}
    function sum(bytes) { let total = 0; for (let i = 0; i < bytes.length; i++) total = (total + bytes[i]) | 0; return total; }
    const bytes = new Uint8Array(64);
    for (let round = 0; round < ${rounds}; round++) sum(bytes);
    console.log(%GetOptimizationStatus(sum));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script]);
  return Number(stdout.trim());
}

function withTurboFan(status: number): boolean {
  return Object.values(TURBOFAN).some((bit) => (status & bit) !== 0);
}

// The function sets off TurboFan after about 30 rounds with V8's own budget, 110 with
// three times it and 330 with ten: each case below sits well between two of these.
describe('V8 tiering', () => {
  it('keeps a function that ran 70 times from TurboFan in every process, where V8 alone has sent it there', async () => {
    const [alone, tiered] = await Promise.all([statusAfter(70, 'V8 alone'), statusAfter(70, 'longLived')]);
    expect(withTurboFan(alone), `status ${alone.toString(2)} with V8's budget`).toBe(true);
    expect(withTurboFan(tiered), `status ${tiered.toString(2)} with the program's`).toBe(false);
  });

  it('keeps it from TurboFan for longer in a one-shot command: 200 rounds', async () => {
    const [longLived, oneShot] = await Promise.all([statusAfter(200, 'longLived'), statusAfter(200, 'oneShot')]);
    expect(withTurboFan(longLived), `status ${longLived.toString(2)} in a long-lived process`).toBe(true);
    expect(withTurboFan(oneShot), `status ${oneShot.toString(2)} in a one-shot one`).toBe(false);
  });

  it('still sends a function that stays hot to TurboFan', async () => {
    const status = await statusAfter(20_000, 'oneShot');
    expect(withTurboFan(status), `status ${status.toString(2)}`).toBe(true);
  });

  it('is the first thing the program imports, before any module that runs code', async () => {
    const entry = await readFile(fileURLToPath(new URL('../../source/cli.tsx', import.meta.url)), 'utf8');
    const firstImport = entry.split('\n').find((line) => line.startsWith('import '));
    expect(firstImport).toMatch(/ from '\.\/v8-tiering\.js';$/);
  });
});

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
const BASELINE = 1 << 15;

/** Runs a small hot function `rounds` times in a fresh process, with or without the program's tiering; its status. */
async function statusAfter(rounds: number, tiering: boolean): Promise<number> {
  const script = `
    ${tiering ? `await import(${JSON.stringify(TIERING)});` : ''}
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

describe('V8 tiering', () => {
  it('leaves a function that ran 150 times in baseline code, where V8 alone has already sent it to TurboFan', async () => {
    const [alone, tiered] = await Promise.all([statusAfter(150, false), statusAfter(150, true)]);
    expect(withTurboFan(alone), `status ${alone.toString(2)} without the tiering`).toBe(true);
    expect(withTurboFan(tiered), `status ${tiered.toString(2)} with it`).toBe(false);
    expect(tiered & BASELINE).not.toBe(0);
  });

  it('still sends a function that stays hot to TurboFan', async () => {
    const status = await statusAfter(20_000, true);
    expect(withTurboFan(status), `status ${status.toString(2)}`).toBe(true);
  });

  it('is the first thing the program imports, before any module that runs code', async () => {
    const entry = await readFile(fileURLToPath(new URL('../../source/cli.tsx', import.meta.url)), 'utf8');
    const firstImport = entry.split('\n').find((line) => line.startsWith('import '));
    expect(firstImport).toBe("import './v8-tiering.js';");
  });
});

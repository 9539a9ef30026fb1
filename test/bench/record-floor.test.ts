/**
 * The bench's record-layer-alone child moves a whole file and says so only then:
 * every record opened with the keys it handed its sender, the copy saved as long as
 * the file, and then removed. Only that it finished is checked, never how fast.
 */
import { execFile } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordFloorConfig, RecordFloorResult } from '../../source/bench/record-floor.js';

const CHILD = fileURLToPath(new URL('../../dist/bench/record-floor.js', import.meta.url));

async function runFloor(config: RecordFloorConfig): Promise<RecordFloorResult> {
  const { stdout } = await promisify(execFile)(process.execPath, [CHILD, JSON.stringify(config)], { timeout: 30_000 });
  return JSON.parse(stdout.trim()) as RecordFloorResult;
}

describe('the record layer alone (bench)', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'record-floor-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  // Not a whole number of 16,383-byte records, so the last one is short.
  const bytes = 3 * 1024 * 1024 + 12_345;

  it.each(['native', 'aes-js', 'none'] as const)('moves every byte of the file and removes its copy (AES: %s)', async (aes) => {
    const file = join(root, 'file.bin');
    await writeFile(file, randomFillSync(Buffer.alloc(bytes)));
    const received = join(root, 'received');
    const result = await runFloor({ file, received, aes });
    expect(result.bytesPerSecond).toBeGreaterThan(0);
    expect(await readdir(received)).toEqual([]);
  }, 30_000);

  it('fails, rather than reporting a rate, when the copy cannot be saved', async () => {
    const file = join(root, 'file.bin');
    await writeFile(file, randomFillSync(Buffer.alloc(1024)));
    const notAFolder = join(root, 'not-a-folder');
    await writeFile(notAFolder, 'a file where the received folder should be');
    await expect(runFloor({ file, received: notAFolder, aes: 'native' })).rejects.toThrow(/not-a-folder is a file, not a folder/u);
  }, 30_000);

  it('fails, rather than waiting for ever, when the sender dies before it listens', async () => {
    await expect(runFloor({ file: join(root, 'no-such-file.bin'), received: join(root, 'received'), aes: 'native' })).rejects.toThrow(/sender exited with 1 before it listened: .*ENOENT/su);
  }, 30_000);
});

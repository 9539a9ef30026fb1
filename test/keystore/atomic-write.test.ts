import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileAtomically } from '../../source/keystore/atomic-write.js';
import { makeTempDir, removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

describe('createFileAtomically', () => {
  it('creates the file with its bytes and exactly the mode asked for, leaving no temp file', async () => {
    const dir = await makeTempDir();
    expect(await createFileAtomically(join(dir, 'secret.key'), 'key\n', 0o600)).toBe('created');
    expect(await createFileAtomically(join(dir, 'open.pub'), new Uint8Array([1, 2, 3]), 0o644)).toBe('created');
    expect(await readFile(join(dir, 'secret.key'), 'utf8')).toBe('key\n');
    expect([...(await readFile(join(dir, 'open.pub')))]).toEqual([1, 2, 3]);
    expect((await stat(join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'open.pub'))).mode & 0o777).toBe(0o644);
    expect((await readdir(dir)).sort()).toEqual(['open.pub', 'secret.key']);
  });

  it('never overwrites a file that is already there, and says so', async () => {
    const dir = await makeTempDir();
    await writeFile(join(dir, 'ca.key'), 'the first one\n');
    expect(await createFileAtomically(join(dir, 'ca.key'), 'a second one\n', 0o600)).toBe('existed');
    expect(await readFile(join(dir, 'ca.key'), 'utf8')).toBe('the first one\n');
    expect(await readdir(dir)).toEqual(['ca.key']);
  });

  it('lets exactly one of many simultaneous writers win', async () => {
    const dir = await makeTempDir();
    const writers = Array.from({ length: 8 }, (_, index) => createFileAtomically(join(dir, 'ca.cert'), `writer ${index}\n`, 0o644));
    const outcomes = await Promise.all(writers);
    expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
    const winner = outcomes.indexOf('created');
    expect(await readFile(join(dir, 'ca.cert'), 'utf8')).toBe(`writer ${winner}\n`);
    expect(await readdir(dir)).toEqual(['ca.cert']);
  });

  it('removes its temp file when writing fails part way', async () => {
    const dir = await makeTempDir();
    // Not bytes: the write after the temp file was opened throws.
    const notBytes = 42 as unknown as string;
    await expect(createFileAtomically(join(dir, 'ca.key'), notBytes, 0o600)).rejects.toThrow(TypeError);
    expect(await readdir(dir)).toEqual([]);
  });
});

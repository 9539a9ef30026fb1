/**
 * A file swapped between the checks and the open: the server checks a path with lstat,
 * then opens it, and compares the two. Here lstat is made to see another file than the
 * one that is opened, which is what a folder on the way being swapped for a link looks
 * like from inside; the open is refused and its handle closed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NameRefusal } from '../../source/files/names.js';
import { openPublicFile } from '../../source/files/public-folder.js';

// Passes through to the real lstat, unless a test says otherwise.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, lstat: vi.fn(actual.lstat) };
});

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tls-tui-swap-'));
  await writeFile(join(dir, 'notes.txt'), 'public\n');
  await writeFile(join(dir, 'other.txt'), 'another file\n');
});

afterEach(async () => {
  vi.mocked(fsPromises.lstat).mockReset();
  await rm(dir, { recursive: true, force: true });
});

describe('a file replaced between its checks and its open', () => {
  it('is served when nothing changed', async () => {
    const file = await openPublicFile(dir, 'notes.txt');
    expect(file.size).toBe(7);
    await file.handle.close();
  });

  it('is refused with access_denied when the opened file is not the one checked', async () => {
    const actual = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');
    const other = await actual.lstat(join(dir, 'other.txt'));
    vi.mocked(fsPromises.lstat).mockImplementation(async (path) => (String(path).endsWith('notes.txt') ? other : actual.lstat(path)));
    const refusal = await openPublicFile(dir, 'notes.txt').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(NameRefusal);
    expect((refusal as NameRefusal).alert).toBe('access_denied');
    expect((refusal as NameRefusal).message).toMatch(/"notes\.txt" was replaced while it was being opened/);
  });
});

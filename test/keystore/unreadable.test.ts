/**
 * A keystore file the user running tls-tui may not read: its contents may be fine,
 * so the message says to read it as its owner, never to make it, or a whole new CA,
 * again. Tests may run as root, whom no file mode stops, so the refusal the
 * system gives another user is made here: open() answers EACCES for the paths a
 * test names, as it does for a file with mode 0000.
 */
import * as fsPromises from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openKeystore } from '../../source/keystore/keystore.js';
import { copyOf, makeTempDir, refusal, removeTempDirs, snapshot } from './helpers.js';

// Passes through to the real open, unless a test denies a path.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, open: vi.fn(actual.open) };
});

let dir: string;

beforeAll(async () => {
  dir = await makeTempDir();
  await openKeystore(dir);
});

afterEach(() => {
  vi.mocked(fsPromises.open).mockReset();
});

afterAll(removeTempDirs);

/** Makes open() refuse `denied` as the system refuses a file this user may not read. */
async function deny(...denied: string[]): Promise<void> {
  const actual = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');
  vi.mocked(fsPromises.open).mockImplementation(async (path, ...rest) => {
    if (!denied.includes(String(path))) return actual.open(path, ...rest);
    throw Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), { code: 'EACCES', errno: -13, syscall: 'open', path: String(path) });
  });
}

describe('a keystore file this user may not read', () => {
  it.each(['ca/ca.key', 'server/server.key', 'client/client.cert'])('%s: is refused by name, with how to read it and nothing to make again', async (file) => {
    const copy = await copyOf(dir);
    const path = join(copy, file);
    const before = await snapshot(copy);
    await deny(path);
    const { message } = await refusal(copy);
    expect(message).toBe(
      `${path}: cannot be read: permission denied. Nothing needs making again: run tls-tui as the user that owns it, and if that user cannot read it either, \`chmod u+r ${path}\`.`,
    );
    expect(await snapshot(copy)).toEqual(before);
  });
});

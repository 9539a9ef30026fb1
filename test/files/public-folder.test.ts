import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { guardedFolders } from '../../source/files/guarded-folders.js';
import { NameRefusal } from '../../source/files/names.js';
import { listPublicFiles, openPublicFile, type OpenedPublicFile, publicFolderProblem } from '../../source/files/public-folder.js';

// Every open() goes through this spy, so a test can prove which files were opened.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, open: vi.fn(actual.open) };
});

const SECRET = 'the secret outside the public folder';

let temporaryDirs: string[] = [];
let publicDir: string;
let outsideDir: string;

async function makeTemporaryDir(): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'tls-tui-public-')));
  temporaryDirs.push(dir);
  return dir;
}

async function refusalOf(promise: Promise<OpenedPublicFile>): Promise<NameRefusal> {
  const outcome = await promise.then(
    async (opened) => {
      await opened.handle.close();
      return new Error(`expected a refusal, but "${opened.name}" was opened`);
    },
    (error: unknown) => error,
  );
  if (outcome instanceof NameRefusal) return outcome;
  throw outcome;
}

function openedPaths(): string[] {
  return vi.mocked(open).mock.calls.map(([path]) => String(path));
}

beforeEach(async () => {
  publicDir = await makeTemporaryDir();
  outsideDir = await makeTemporaryDir();
  await writeFile(join(outsideDir, 'secret.txt'), SECRET);
  await writeFile(join(publicDir, 'notes.txt'), 'hello, notes');
  await mkdir(join(publicDir, 'docs', 'guide'), { recursive: true });
  await writeFile(join(publicDir, 'docs', 'guide', 'intro.md'), '# Intro\n');
  vi.mocked(open).mockClear();
});

afterEach(async () => {
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  temporaryDirs = [];
});

describe('openPublicFile', () => {
  it('serves a regular file with its size, and the handle reads its bytes', async () => {
    const opened = await openPublicFile(publicDir, 'notes.txt');
    try {
      expect(opened.name).toBe('notes.txt');
      expect(opened.size).toBe(12);
      expect(opened.path).toBe(join(publicDir, 'notes.txt'));
      expect(openedPaths()).toEqual([join(publicDir, 'notes.txt')]); // the spy sees what the module opens
      expect((await opened.handle.readFile()).toString()).toBe('hello, notes');
    } finally {
      await opened.handle.close();
    }
  });

  it('serves a file in subfolders', async () => {
    const opened = await openPublicFile(publicDir, 'docs/guide/intro.md');
    try {
      expect(opened.size).toBe(8);
      expect((await opened.handle.readFile()).toString()).toBe('# Intro\n');
    } finally {
      await opened.handle.close();
    }
  });

  it('refuses a bad name before touching the file system', async () => {
    const refusal = await refusalOf(openPublicFile(publicDir, '../secret.txt'));
    expect(refusal.alert).toBe('access_denied');
    expect(refusal.message).toContain('".."');
    expect(openedPaths()).toEqual([]);
  });

  it('answers a missing file with file_not_found', async () => {
    const refusal = await refusalOf(openPublicFile(publicDir, 'missing.txt'));
    expect(refusal.alert).toBe('file_not_found');
    expect(refusal.message).toBe('no file "missing.txt" in the public folder');
  });

  it('answers a missing folder on the way with file_not_found', async () => {
    expect((await refusalOf(openPublicFile(publicDir, 'nowhere/missing.txt'))).alert).toBe('file_not_found');
  });

  it('answers a file used as a folder with file_not_found', async () => {
    expect((await refusalOf(openPublicFile(publicDir, 'notes.txt/inside'))).alert).toBe('file_not_found');
  });

  it('refuses a folder with access_denied', async () => {
    const refusal = await refusalOf(openPublicFile(publicDir, 'docs/guide'));
    expect(refusal.alert).toBe('access_denied');
    expect(refusal.message).toBe('"docs/guide" is a folder, not a regular file');
  });

  it('refuses a symbolic link to a file outside, without opening it', async () => {
    await symlink(join(outsideDir, 'secret.txt'), join(publicDir, 'leak.txt'));
    const refusal = await refusalOf(openPublicFile(publicDir, 'leak.txt'));
    expect(refusal.alert).toBe('access_denied');
    expect(refusal.message).toBe('"leak.txt" is a symbolic link that leads outside the public folder');
    expect(refusal.message).not.toContain(SECRET);
    expect(openedPaths().filter((path) => path.startsWith(outsideDir))).toEqual([]);
  });

  it('refuses a relative symbolic link that climbs out', async () => {
    await symlink(relative(join(publicDir, 'docs'), join(outsideDir, 'secret.txt')), join(publicDir, 'docs', 'up.txt'));
    const refusal = await refusalOf(openPublicFile(publicDir, 'docs/up.txt'));
    expect(refusal.alert).toBe('access_denied');
    expect(refusal.message).toBe('"docs/up.txt" is a symbolic link that leads outside the public folder');
    expect(openedPaths()).toEqual([]);
  });

  it('refuses a symbolically linked folder that leads outside, naming the link', async () => {
    await symlink(outsideDir, join(publicDir, 'linked'));
    const refusal = await refusalOf(openPublicFile(publicDir, 'linked/secret.txt'));
    expect(refusal.alert).toBe('access_denied');
    expect(refusal.message).toBe('"linked" in "linked/secret.txt" is a symbolic link that leads outside the public folder');
    expect(openedPaths()).toEqual([]);
  });

  it('serves a symbolic link to a file inside', async () => {
    await symlink(join('docs', 'guide', 'intro.md'), join(publicDir, 'intro-link.md'));
    const opened = await openPublicFile(publicDir, 'intro-link.md');
    try {
      expect(opened.name).toBe('intro-link.md');
      expect(opened.path).toBe(join(publicDir, 'docs', 'guide', 'intro.md'));
      expect((await opened.handle.readFile()).toString()).toBe('# Intro\n');
    } finally {
      await opened.handle.close();
    }
  });

  it('refuses a symbolic link to a hidden file inside', async () => {
    await writeFile(join(publicDir, '.env'), 'PASSWORD=1');
    await symlink('.env', join(publicDir, 'env.txt'));
    const refusal = await refusalOf(openPublicFile(publicDir, 'env.txt'));
    expect(refusal.alert).toBe('access_denied');
    expect(refusal.message).toContain('hidden files are neither listed nor served');
    expect(openedPaths()).toEqual([]);
  });

  it('refuses a symbolic link to the folder itself', async () => {
    await symlink('.', join(publicDir, 'self'));
    const refusal = await refusalOf(openPublicFile(publicDir, 'self'));
    expect(refusal.alert).toBe('access_denied');
    expect(refusal.message).toContain('public folder itself');
  });

  it('answers a dangling symbolic link with file_not_found', async () => {
    await symlink(join(publicDir, 'gone.txt'), join(publicDir, 'dangling.txt'));
    const refusal = await refusalOf(openPublicFile(publicDir, 'dangling.txt'));
    expect(refusal.alert).toBe('file_not_found');
    expect(refusal.message).toBe('no file "dangling.txt" in the public folder');
  });

  it('refuses a loop of symbolic links', async () => {
    await symlink('loop-b', join(publicDir, 'loop-a'));
    await symlink('loop-a', join(publicDir, 'loop-b'));
    const refusal = await refusalOf(openPublicFile(publicDir, 'loop-a'));
    expect(refusal.alert).toBe('access_denied');
    expect(refusal.message).toContain('loop');
  });

  it('refuses a FIFO without hanging', { timeout: 3000 }, async () => {
    execFileSync('mkfifo', [join(publicDir, 'pipe')]);
    const refusal = await refusalOf(openPublicFile(publicDir, 'pipe'));
    expect(refusal.alert).toBe('access_denied');
    expect(refusal.message).toBe('"pipe" is a named pipe (FIFO), not a regular file');
  });

  it('follows a public folder that is itself a symbolic link', async () => {
    const linkedPublic = join(outsideDir, 'public-link');
    await symlink(publicDir, linkedPublic);
    const opened = await openPublicFile(linkedPublic, 'notes.txt');
    try {
      expect(opened.size).toBe(12);
    } finally {
      await opened.handle.close();
    }
  });

  it('reports a missing public folder as an error naming it, not as a refusal', async () => {
    const missing = join(publicDir, 'no-such-folder');
    const error = await openPublicFile(missing, 'notes.txt').then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(NameRefusal);
    expect((error as Error).message).toBe(`public folder "${missing}" does not exist`);
  });
});

describe('listPublicFiles', () => {
  it('lists every regular file recursively, sorted, with sizes', async () => {
    await writeFile(join(publicDir, 'Zebra.txt'), 'z');
    await writeFile(join(publicDir, 'docs', 'a.txt'), 'abc');
    expect(await listPublicFiles(publicDir)).toEqual([
      { name: 'Zebra.txt', size: 1 },
      { name: 'docs/a.txt', size: 3 },
      { name: 'docs/guide/intro.md', size: 8 },
      { name: 'notes.txt', size: 12 },
    ]);
  });

  it('skips hidden files, odd names, links that leave and anything not a regular file', async () => {
    await writeFile(join(publicDir, '.hidden'), 'h');
    await mkdir(join(publicDir, '.git'));
    await writeFile(join(publicDir, '.git', 'config'), 'c');
    await writeFile(join(publicDir, 'back\\slash.txt'), 'b');
    await writeFile(join(publicDir, 'nul.txt'), 'n');
    await writeFile(join(publicDir, 'a%2e.txt'), 'p');
    await writeFile(join(publicDir, 'colon:name'), 'c');
    await symlink(join(outsideDir, 'secret.txt'), join(publicDir, 'leak.txt'));
    await symlink(outsideDir, join(publicDir, 'linked'));
    await symlink('docs', join(publicDir, 'docs-link'));
    await symlink('gone', join(publicDir, 'dangling'));
    await symlink('.hidden', join(publicDir, 'hidden-link'));
    execFileSync('mkfifo', [join(publicDir, 'pipe')]);
    await symlink('notes.txt', join(publicDir, 'notes-link.txt'));

    expect(await listPublicFiles(publicDir)).toEqual([
      { name: 'docs/guide/intro.md', size: 8 },
      { name: 'notes-link.txt', size: 12 },
      { name: 'notes.txt', size: 12 },
    ]);
  });

  it('stops at the depth a name may have', async () => {
    const deep = Array.from({ length: 33 }, (_, index) => `d${index}`);
    await mkdir(join(publicDir, ...deep), { recursive: true });
    await writeFile(join(publicDir, ...deep.slice(0, 31), 'ok.txt'), 'ok');
    await writeFile(join(publicDir, ...deep.slice(0, 32), 'too-deep.txt'), 'no');
    const names = (await listPublicFiles(publicDir)).map((entry) => entry.name);
    expect(names).toContain([...deep.slice(0, 31), 'ok.txt'].join('/'));
    expect(names.some((name) => name.endsWith('too-deep.txt'))).toBe(false);
  });

  it('lists an empty folder as empty', async () => {
    const empty = await makeTemporaryDir();
    expect(await listPublicFiles(empty)).toEqual([]);
  });

  it('throws an error naming a missing folder', async () => {
    const missing = join(publicDir, 'absent');
    await expect(listPublicFiles(missing)).rejects.toThrow(`public folder "${missing}" does not exist`);
  });
});

describe('publicFolderProblem', () => {
  it('refuses a public folder over the keystore or the store, even before either is made', async () => {
    const root = await makeTemporaryDir();
    const guarded = (keystore: string, store = join(root, 'store')) => guardedFolders(keystore, store);
    // Nothing exists yet: the dashboard's first run with --public ./data --keystore ./data/keystore.
    expect(await publicFolderProblem(join(root, 'data'), guarded(join(root, 'data', 'keystore')), { mustExist: false })).toMatch(/overlaps the keystore/);
    expect(await publicFolderProblem(join(root, 'keystore'), guarded(join(root, 'keystore')), { mustExist: false })).toMatch(/overlaps the keystore/);
    // Through a link to the folder the keystore will be made in.
    await mkdir(join(root, 'real'));
    await symlink(join(root, 'real'), join(root, 'link'));
    expect(await publicFolderProblem(join(root, 'link'), guarded(join(root, 'real', 'keystore')))).toMatch(/overlaps the keystore/);
    expect(await publicFolderProblem(join(root, 'real'), guarded(join(root, 'elsewhere'), join(root, 'link', 'store')))).toMatch(/overlaps the store/);
    // Apart, all is well; a missing folder is refused only where it must exist.
    expect(await publicFolderProblem(join(root, 'real'), guarded(join(root, 'keystore')))).toBeUndefined();
    expect(await publicFolderProblem(join(root, 'nothing'), guarded(join(root, 'keystore')), { mustExist: false })).toBeUndefined();
    expect(await publicFolderProblem(join(root, 'nothing'), guarded(join(root, 'keystore')))).toMatch(/does not exist or is not a folder/);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectRegularFiles, errorCode, isInsideFolder, makeFolders, nameInsideFolder, refusalOfResolvedName } from '../../source/files/folder-tree.js';

let temporaryDirs: string[] = [];

afterEach(async () => {
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  temporaryDirs = [];
});

describe('isInsideFolder', () => {
  it.each([
    ['/srv/public', '/srv/public/a.txt', true],
    ['/srv/public', '/srv/public/a/b.txt', true],
    ['/srv/public', '/srv/public', false],
    ['/srv/public', '/srv/public-other/a.txt', false],
    ['/srv/public', '/srv/a.txt', false],
    ['/', '/etc/passwd', true],
  ] as const)('%s contains %s: %s', (folder, candidate, inside) => {
    expect(isInsideFolder(folder, candidate)).toBe(inside);
  });
});

describe('nameInsideFolder and refusalOfResolvedName', () => {
  it('give the "/" name of a path and say why it may not be served', () => {
    expect(nameInsideFolder('/srv/public', '/srv/public/a/b.txt')).toBe('a/b.txt');
    expect(refusalOfResolvedName('/srv/public', '/srv/public/a/b.txt')).toBeUndefined();
    expect(refusalOfResolvedName('/srv/public', '/srv/public/.ssh/id_rsa')).toContain('".ssh"');
  });
});

describe('errorCode', () => {
  it('reads the code of a system error and nothing else', () => {
    expect(errorCode(Object.assign(new Error('gone'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(errorCode(new Error('plain'))).toBeUndefined();
    expect(errorCode({ code: 'ENOENT' })).toBeUndefined();
  });
});

describe('collectRegularFiles', () => {
  it('does not enter a symbolically linked folder, even one that loops back', async () => {
    const folder = await realpath(await mkdtemp(join(tmpdir(), 'tls-tui-tree-')));
    temporaryDirs.push(folder);
    await mkdir(join(folder, 'sub'));
    await writeFile(join(folder, 'sub', 'file.txt'), 'x');
    await symlink('..', join(folder, 'sub', 'up'));
    const files = await collectRegularFiles(folder);
    expect(files.map((file) => [file.name, file.path, file.stats.size])).toEqual([['sub/file.txt', join(folder, 'sub', 'file.txt'), 1]]);
  });
});

describe('makeFolders', () => {
  const temporaryDir = async (): Promise<string> => {
    const dir = await realpath(await mkdtemp(join(tmpdir(), 'tls-tui-folders-')));
    temporaryDirs.push(dir);
    return dir;
  };

  it('makes a folder and every missing folder above it, and leaves an existing one be', async () => {
    const root = await temporaryDir();
    const deep = join(root, 'a', 'b', 'c');
    await makeFolders(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
    await expect(makeFolders(deep)).resolves.toBeUndefined();
  });

  it('names the file that stands where a folder should be', async () => {
    const root = await temporaryDir();
    await writeFile(join(root, 'plain'), 'x');
    await expect(makeFolders(join(root, 'plain'))).rejects.toThrow(`${join(root, 'plain')} is a file, not a folder`);
    await expect(makeFolders(join(root, 'plain', 'below', 'more'))).rejects.toThrow(`${join(root, 'plain')} is a file, not a folder`);
  });

  // Node's recursive mkdir never returns on this path (Node 20): this one must, with the reason.
  it.runIf(process.platform === 'linux')('fails at once where no folder can be made, under /proc', async () => {
    await expect(makeFolders('/proc/tls-tui-no-such/x')).rejects.toThrow('cannot create the folder /proc/tls-tui-no-such: ENOENT');
  });
});

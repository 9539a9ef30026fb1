/**
 * What an interrupted run leaves in a keystore (a `kill -9` reaches no `finally`):
 * temporary copies of keystore files and the folders a regeneration builds a new set
 * in, both of which can hold private keys. Opening the keystore removes those whose
 * process is gone, or that are too old to belong to any run still going, and
 * nothing that is not named exactly like them.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keystoreWarnings, openKeystore, regenerateKeystore } from '../../source/keystore/keystore.js';
import { copyOf, KEYSTORE_FILES, listTree, makeTempDir, removeTempDirs } from './helpers.js';

const CLEAN_TREE = ['attacker/', 'ca/', 'client/', 'server/', ...KEYSTORE_FILES].sort();
const TWO_DAYS_AGO = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);

let dir: string;
/** The id of a process that has ended. */
let gone: number;
/** A process that runs until the tests are over. */
let running: ChildProcess;

beforeAll(async () => {
  dir = await makeTempDir();
  await openKeystore(dir);
  const ended = spawnSync(process.execPath, ['-e', '']);
  gone = ended.pid!;
  running = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120_000)'], { stdio: 'ignore' });
});

afterAll(async () => {
  running.kill();
  await removeTempDirs();
});

/** Writes each file (folders made on the way), then gives it and its folders below `root` the time `modified`, when given. */
async function plant(root: string, files: readonly string[], modified?: Date): Promise<void> {
  for (const file of files) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), '-----BEGIN RSA PRIVATE KEY-----\npart of a key\n', { mode: 0o600 });
  }
  if (modified === undefined) return;
  for (const file of files) {
    for (let path = file; path !== '.'; path = dirname(path)) await utimes(join(root, path), modified, modified);
  }
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 10) {
    if (waited > 5000) throw new Error('still waiting after 5 s');
    await new Promise((done) => setTimeout(done, 10));
  }
}

/** What a run with process id `pid` leaves when killed: temporary copies, and a regeneration's folder. */
const leftoversOf = (pid: number | string): string[] => [
  `server/.server.key.${pid}-0123456789ab.tmp`,
  `client/.client.pub.${pid}-abcdef012345.tmp`,
  `attacker/.wrong-name.cert.${pid}-00ff00ff00ff.tmp`,
  `.regenerate-${pid}-0123456789ab/server/server.key`,
  `.regenerate-${pid}-0123456789ab/ca/.ca.key.${pid}-0123456789ab.tmp`,
];

describe('opening a keystore after a run was killed', () => {
  it('removes its temporary copies and its regeneration folder, and generates nothing', async () => {
    const copy = await copyOf(dir);
    await plant(copy, leftoversOf(gone));
    const opened = await openKeystore(copy);
    expect(await listTree(copy)).toEqual(CLEAN_TREE);
    expect(opened.generated).toEqual([]);
    expect(opened.setAside).toEqual([]);
  });

  it.runIf(process.platform === 'linux')('removes those of a process that has ended but that its parent has not collected yet', async () => {
    // A shell that starts a short child in the background and then becomes a long sleep: the child
    // ends once the shell is gone, and the sleep, now its parent, never waits for it, so it stays a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(await new Promise<string>((done) => parent.stdout.once('data', (chunk: Buffer) => done(chunk.toString()))));
      await until(async () => (await readFile(`/proc/${zombie}/stat`, 'utf8')).includes(') Z '));
      expect(() => process.kill(zombie, 0)).not.toThrow();
      const copy = await copyOf(dir);
      await plant(copy, leftoversOf(zombie));
      await openKeystore(copy);
      expect(await listTree(copy)).toEqual(CLEAN_TREE);
    } finally {
      parent.kill();
    }
  });

  it('leaves those of a run still going, in another process or in this one', async () => {
    const copy = await copyOf(dir);
    const planted = [...leftoversOf(running.pid!), ...leftoversOf(process.pid)];
    await plant(copy, planted);
    await openKeystore(copy);
    const tree = await listTree(copy);
    for (const file of planted) expect(tree).toContain(file);
  });

  it('removes them once a day old, whatever runs under that process id now', async () => {
    const copy = await copyOf(dir);
    await plant(copy, [...leftoversOf(running.pid!), ...leftoversOf(process.pid)], TWO_DAYS_AGO);
    await openKeystore(copy);
    expect(await listTree(copy)).toEqual(CLEAN_TREE);
  });

  it('removes those named before names carried a process id, once a day old', async () => {
    const young = await copyOf(dir);
    const unnamed = ['server/.server.key.0123456789ab.tmp', '.regenerate-0123456789ab/client/client.key'];
    await plant(young, unnamed);
    await openKeystore(young);
    expect(await listTree(young)).toEqual(expect.arrayContaining(unnamed));

    const old = await copyOf(dir);
    await plant(old, unnamed, TWO_DAYS_AGO);
    await openKeystore(old);
    expect(await listTree(old)).toEqual(CLEAN_TREE);
  });

  it('keeps a regeneration folder holding the identity folders it moved aside, and says so', async () => {
    const copy = await copyOf(dir);
    const folder = `.regenerate-${gone}-0123456789ab`;
    await plant(copy, [`${folder}/previous/ca/ca.key`, `${folder}/server/server.key`], TWO_DAYS_AGO);
    const opened = await openKeystore(copy);
    expect(opened.setAside).toEqual([join(copy, folder)]);
    expect(await listTree(copy)).toContain(`${folder}/previous/ca/ca.key`);
    expect(keystoreWarnings(opened, new Date())).toEqual([expect.stringContaining(`${join(copy, folder, 'previous')} holds identity folders that an interrupted`)]);
    expect(keystoreWarnings(await openKeystore(dir), new Date())).toEqual([]);
  });

  it('leaves alone, however old, anything not named exactly like its temporaries', async () => {
    const copy = await copyOf(dir);
    const outside = await makeTempDir();
    await plant(outside, ['kept.key']);
    const strangers = [
      `server/.server.key.${gone}-0123456789AB.tmp`,
      `server/.server.key.${gone}-0123456789a.tmp`,
      `server/.server.key.${gone}-0123456789ab.tmp.bak`,
      `server/server.key.${gone}-0123456789ab.tmp`,
      `server/.notes.txt.${gone}-0123456789ab.tmp`,
      `server/.ca.key.${gone}-0123456789ab.tmp`,
      `.ca.key.${gone}-0123456789ab.tmp`,
      `notes/.server.key.${gone}-0123456789ab.tmp`,
      `.regenerate-${gone}-0123456789ab-old/server/server.key`,
      `.regenerate-x${gone}-0123456789ab/server/server.key`,
      `.regenerate-${gone}-abcdefabcdef`,
    ];
    await plant(copy, strangers, TWO_DAYS_AGO);
    await mkdir(join(copy, `client/.client.key.${gone}-0123456789ab.tmp`));
    await symlink(outside, join(copy, `.regenerate-${gone}-bbbbbbbbbbbb`));
    await openKeystore(copy);
    const tree = await listTree(copy);
    for (const file of strangers) expect(tree).toContain(file);
    expect(tree).toContain(`client/.client.key.${gone}-0123456789ab.tmp/`);
    expect(tree).toContain(`.regenerate-${gone}-bbbbbbbbbbbb`);
    expect(await listTree(outside)).toEqual(['kept.key']);
  });
});

describe('regenerating after a run was killed', () => {
  it('leaves only the fresh keystore', async () => {
    const copy = await copyOf(dir);
    await plant(copy, leftoversOf(gone));
    await regenerateKeystore(copy);
    expect(await listTree(copy)).toEqual(CLEAN_TREE);
  });
});

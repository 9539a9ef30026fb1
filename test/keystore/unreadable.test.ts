/**
 * A keystore file the user running tls-tui may not read: its contents may be fine,
 * so the message says to read it as its owner, never to make it, or a whole new CA,
 * again. A demo CA key this user may not read stops `tls-tui keys`, but not a command
 * that needs it only to make what is missing (server, client, mitm, demo, dashboard).
 * Tests may run as root, whom no file mode stops, so the refusal the system gives
 * another user is made here: open() and access() answer EACCES for the paths a test
 * names, as they do for a file with mode 0000.
 */
import * as fsPromises from 'node:fs/promises';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadKeystore } from '../../source/headless/load-keystore.js';
import { CommandOutput } from '../../source/headless/output.js';
import { type Keystore, keystoreWarnings, openKeystore } from '../../source/keystore/keystore.js';
import { copyOf, makeTempDir, refusal, removeTempDirs, snapshot } from './helpers.js';

// Passes through to the real open and access, unless a test denies a path.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, open: vi.fn(actual.open), access: vi.fn(actual.access) };
});

let dir: string;
let keystore: Keystore;

beforeAll(async () => {
  dir = await makeTempDir();
  keystore = await openKeystore(dir);
});

afterEach(() => {
  vi.mocked(fsPromises.open).mockReset();
  vi.mocked(fsPromises.access).mockReset();
});

afterAll(removeTempDirs);

/** Makes open() and access() refuse `denied` as the system refuses a file this user may not read. */
async function deny(...denied: string[]): Promise<void> {
  const actual = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');
  const refused = (path: unknown, syscall: string) =>
    Object.assign(new Error(`EACCES: permission denied, ${syscall} '${String(path)}'`), { code: 'EACCES', errno: -13, syscall, path: String(path) });
  vi.mocked(fsPromises.open).mockImplementation(async (path, ...rest) => {
    if (denied.includes(String(path))) throw refused(path, 'open');
    return actual.open(path, ...rest);
  });
  vi.mocked(fsPromises.access).mockImplementation(async (path, mode) => {
    if (denied.includes(String(path))) throw refused(path, 'access');
    return actual.access(path, mode);
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

describe("a demo CA key this user may not read, for a command that uses it only to make what is missing", () => {
  it('is left out: the keystore opens with every identity, unchanged, and says why', async () => {
    const copy = await copyOf(dir);
    const caKey = join(copy, 'ca/ca.key');
    const before = await snapshot(copy);
    await deny(caKey);
    const opened = await openKeystore(copy, { caKeyOptional: true });
    expect(opened.ca.key).toBeUndefined();
    expect(opened.caKeyUnreadable).toBe(true);
    expect(opened.notHere).toEqual([]);
    expect(opened.server.certificate.bytes).toEqual(keystore.server.certificate.bytes);
    expect(opened.client.certificate.bytes).toEqual(keystore.client.certificate.bytes);
    expect(keystoreWarnings(opened, new Date())).toEqual([
      `keystore: ${caKey} cannot be read by this user (permission denied); this command had nothing to make with the demo CA's private key ` +
        `and went on without it, but \`tls-tui keys\` needs it. Nothing needs making again: run tls-tui as the user that owns it, and if that user cannot read it either, \`chmod u+r ${caKey}\`.`,
    ]);
    expect(await snapshot(copy)).toEqual(before);
  });

  it("stops it when a certificate is missing, saying to make it as the key's owner, neither on another machine nor under a new CA", async () => {
    const copy = await copyOf(dir);
    const certificate = join(copy, 'client/client.cert');
    await rm(certificate);
    await deny(join(copy, 'ca/ca.key'));
    const error: unknown = await openKeystore(copy, { caKeyOptional: true }).catch((reason: unknown) => reason);
    expect((error as Error).message).toBe(
      `${certificate}: is missing. Making it takes the demo CA's private key, which this user may not read: ` +
        `run \`tls-tui keys --keystore ${copy}\` as the user that owns ${join(copy, 'ca/ca.key')}, which makes what is missing (remove a bad or expired copy first).`,
    );
  });

  it('renews an expired certificate the same way', async () => {
    const copy = await copyOf(dir);
    await deny(join(copy, 'ca/ca.key'));
    const opened = await openKeystore(copy, { caKeyOptional: true });
    const expired = keystoreWarnings(opened, new Date(keystore.server.certificate.notAfter.getTime() + 1000));
    expect(expired).toHaveLength(3);
    expect(expired[1]).toContain('expired at');
    expect(expired[1]).toContain(`run \`tls-tui keys --keystore ${copy}\` as the user that owns ${join(copy, 'ca/ca.key')}`);
  });

  it('is what server, client, mitm, demo and the dashboard open the keystore with, warning once', async () => {
    const copy = await copyOf(dir);
    await deny(join(copy, 'ca/ca.key'));
    const problems: string[] = [];
    const output = new CommandOutput(false, { write: () => true }, { write: (text: string) => problems.push(text) });
    const opened = await loadKeystore(copy, output, { uses: 'client' });
    expect(opened?.client.certificate.bytes).toEqual(keystore.client.certificate.bytes);
    expect(problems).toEqual([expect.stringContaining(`tls-tui: keystore: ${join(copy, 'ca/ca.key')} cannot be read by this user`)]);
  });
});

/**
 * What a refused keystore file's message tells the person to do, and that doing it
 * works: a file that can be made again from the keys kept is removed (with what was
 * made from it) and `tls-tui keys --keystore` run on that same folder, which keeps
 * the demo CA, so certificates from a copy of the keystore on another machine still
 * verify. Only the demo CA's key sends the person to a whole new keystore.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Certificate, verifyCertificate } from '../../source/crypto/certificate.js';
import { type Keystore, openKeystore } from '../../source/keystore/keystore.js';
import { copyOf, makeTempDir, refusal, removeTempDirs } from './helpers.js';

let dir: string;
/** The keystore as a copy of it on another machine holds it. */
let elsewhere: Keystore;

beforeAll(async () => {
  dir = await makeTempDir();
  elsewhere = await openKeystore(dir);
});

afterAll(removeTempDirs);

/** The files the advice says to remove, and the keystore folder it says to run `tls-tui keys` on. */
function adviceOf(message: string): { remove: string[]; keystore: string } {
  const match = /Remove (.+?) and run `tls-tui keys --keystore (\S+)`/u.exec(message);
  if (match === null) throw new Error(`no "Remove … and run" advice in: ${message}`);
  return { remove: match[1]!.split(/, | and /u), keystore: match[2]! };
}

const literally = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

function verifiesUnder(ca: Certificate, certificate: Certificate, expectedRole: 'server' | 'client'): boolean {
  return verifyCertificate(certificate.bytes, { trustedCa: ca, now: Date.now(), expectedRole }).subject === expectedRole;
}

describe('a bad file that can be made again from the keys kept', () => {
  it.each([
    ['client/client.cert', ['client/client.cert']],
    ['client/client.pub', ['client/client.pub']],
    ['server/server.cert', ['server/server.cert']],
    ['server/server.key', ['server/server.key', 'server/server.pub', 'server/server.cert']],
    ['ca/ca.cert', ['ca/ca.cert']],
    ['ca/ca.pub', ['ca/ca.pub']],
    ['attacker/expired.cert', ['attacker/expired.cert']],
    ['attacker/rogue-ca.key', ['attacker/rogue-ca.key', 'attacker/rogue-ca.pub', 'attacker/rogue-ca.cert', 'attacker/rogue-ca-server.cert']],
  ])('%s: the advice names that keystore and what to remove, and following it keeps the trust of the other machine', async (file, toRemove) => {
    const copy = await copyOf(dir);
    await writeFile(join(copy, file), randomBytes(300));
    const error = await refusal(copy);
    expect(error.message).not.toContain('--regenerate');
    const advice = adviceOf(error.message);
    expect(advice).toEqual({ remove: toRemove.map((name) => join(copy, name)), keystore: copy });

    await Promise.all(advice.remove.map((path) => rm(path)));
    const repaired = await openKeystore(advice.keystore);
    expect([...repaired.generated].sort()).toEqual([...advice.remove].sort());
    expect(repaired.ca.key?.publicKey.equals(elsewhere.ca.key!.publicKey)).toBe(true);
    expect(verifiesUnder(elsewhere.ca.certificate, repaired.server.certificate, 'server')).toBe(true);
    expect(verifiesUnder(elsewhere.ca.certificate, repaired.client.certificate, 'client')).toBe(true);
    expect(verifiesUnder(repaired.ca.certificate, elsewhere.client.certificate, 'client')).toBe(true);
  });

  it('the appended newline of the report: a certificate is issued again with the CA key in the same keystore', async () => {
    const copy = await copyOf(dir);
    const certificate = join(copy, 'client/client.cert');
    await writeFile(certificate, '\n', { flag: 'a' });
    expect((await refusal(copy)).message).toMatch(
      new RegExp(
        `^${literally(certificate)}: is not a usable certificate: .*\\. ` +
          literally(`Remove ${certificate} and run \`tls-tui keys --keystore ${copy}\` to issue it again with the key in ${join(copy, 'ca/ca.key')}.`) + '$',
        'u',
      ),
    );
  });

  it('a key that is missing while files made from it remain: remove those files', async () => {
    const copy = await copyOf(dir);
    await rm(join(copy, 'server/server.key'));
    const error = await refusal(copy);
    expect(adviceOf(error.message)).toEqual({ remove: [join(copy, 'server/server.pub'), join(copy, 'server/server.cert')], keystore: copy });
  });

  it('quotes a keystore folder whose name a shell would split', async () => {
    const spaced = join(await makeTempDir(), "Bob's keys");
    await openKeystore(spaced);
    await writeFile(join(spaced, 'server/server.cert'), 'not a certificate\n');
    expect((await refusal(spaced)).message).toContain(`run \`tls-tui keys --keystore '${spaced.replace("'", "'\\''")}'\``);
  });
});

describe("the demo CA's key", () => {
  it.each([
    ['damaged', async (copy: string) => writeFile(join(copy, 'ca/ca.key'), randomBytes(300))],
    // Without its certificate too: with the certificate, the folder is a copy for a peer's machine (peer-copy.test.ts).
    ['missing with its certificate while what it signed remains', async (copy: string) => Promise.all(['ca/ca.key', 'ca/ca.cert'].map((file) => rm(join(copy, file))))],
    ['replaced by another good key', async (copy: string) => writeFile(join(copy, 'ca/ca.key'), elsewhere.server.key.toPem())],
  ])('%s: copy it back from the other machine, or regenerate that keystore', async (_, damage) => {
    const copy = await copyOf(dir);
    await damage(copy);
    const { message } = await refusal(copy);
    expect(message).not.toContain('Remove ');
    expect(message).toContain(`copy ${join(copy, 'ca/ca.key')} back from another copy of this keystore`);
    expect(message).toContain(`run \`tls-tui keys --regenerate --keystore ${copy}\``);
  });

  it('is not blamed for a CA certificate that another took the place of: that certificate is', async () => {
    const copy = await copyOf(dir);
    const certificate = join(copy, 'ca/ca.cert');
    await writeFile(certificate, elsewhere.attacker.rogueCa.certificate.bytes);
    const error = await refusal(copy);
    expect(error.file).toBe(certificate);
    expect(adviceOf(error.message)).toEqual({ remove: [certificate], keystore: copy });
  });
});

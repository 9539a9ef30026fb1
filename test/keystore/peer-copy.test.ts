/**
 * A keystore copied to a peer's machine without the demo CA's private key, which
 * stays where the keystore was made: it opens with the CA's certificate and the
 * identities whose keys were copied, makes nothing the CA signs, and for anything
 * that only the CA can make says to make it on the machine that holds the CA.
 */
import { randomBytes } from 'node:crypto';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCertificate } from '../../source/crypto/certificate.js';
import { describeKeystore, type Keystore, keystoreAbsences, KeystoreError, openKeystore } from '../../source/keystore/keystore.js';
import { fingerprints, KEYSTORE_FILES, listFiles, makeTempDir, refusal, removeTempDirs, snapshot } from './helpers.js';

/** What each machine is given, as the README's "Server and client on two machines" says. */
const SERVER_FILES = ['ca/ca.cert', 'server/server.key', 'server/server.cert'];
const CLIENT_FILES = ['ca/ca.cert', 'client/client.key', 'client/client.cert'];
/** What the relay needs: the CA certificate, the attacker's key, and the two certificates the demo CA signed for it. */
const ATTACKER_FILES = ['ca/ca.cert', 'attacker/attacker.key', 'attacker/expired.cert', 'attacker/wrong-name.cert'];
const ALL_BUT_CA_KEY = KEYSTORE_FILES.filter((file) => file !== 'ca/ca.key');

let dir: string;
let original: Keystore;

beforeAll(async () => {
  dir = await makeTempDir();
  original = await openKeystore(dir);
});

afterAll(removeTempDirs);

/** A new folder holding only `files` of the original keystore, with their modes. */
async function copyWith(files: readonly string[]): Promise<string> {
  const copy = await makeTempDir();
  await Promise.all(files.map((file) => cp(join(dir, file), join(copy, file), { recursive: true })));
  return copy;
}

/** The advice for a file only the CA's machine can make, in the keystore `copy`. */
function fromCaMachine(copy: string, ...files: string[]): string[] {
  const names = files.length === 1 ? files[0]! : `${files.slice(0, -1).join(', ')} and ${files.at(-1)}`;
  return ["takes the demo CA's private key, which this keystore does not hold", 'the machine that holds the CA', 'run `tls-tui keys --keystore <its keystore>`', `copy ${names} from that keystore into ${copy}.`];
}

const relativeTo = (copy: string) => (files: readonly string[]) => files.map((file) => file.slice(copy.length + 1));

describe('a copy with everything but the CA key', () => {
  it('opens as it is: nothing made, the same certificates, no CA key', async () => {
    const copy = await copyWith(ALL_BUT_CA_KEY);
    const before = await snapshot(copy);
    const opened = await openKeystore(copy);
    expect(opened.generated).toEqual([]);
    expect(opened.notHere).toEqual([]);
    expect(opened.ca.key).toBeUndefined();
    expect(fingerprints(opened)).toEqual(fingerprints(original));
    expect(opened.server.key.publicKey.equals(original.server.key.publicKey)).toBe(true);
    expect(await snapshot(copy)).toEqual(before);
  });
});

describe.each([
  { peer: 'server', files: SERVER_FILES, notHere: ['client', 'attacker'] },
  { peer: 'client', files: CLIENT_FILES, notHere: ['server', 'attacker'] },
] as const)("the $peer's copy: the CA certificate and its own key and certificate", ({ peer, files, notHere }) => {
  it('opens with its identity, verified under the CA, deriving only the public keys', async () => {
    const copy = await copyWith(files);
    const opened = await openKeystore(copy);
    expect(opened.notHere).toEqual(notHere);
    expect(relativeTo(copy)(opened.generated)).toEqual(['ca/ca.pub', `${peer}/${peer}.pub`]);
    expect(opened[peer].key.publicKey.equals(original[peer].key.publicKey)).toBe(true);
    expect(verifyCertificate(opened[peer].certificate.bytes, { trustedCa: opened.ca.certificate, now: Date.now(), expectedRole: peer }).subject).toBe(peer);
    expect(await listFiles(copy)).toEqual([...files, 'ca/ca.pub', `${peer}/${peer}.pub`].sort());
  });

  it('refuses, by name, a command that reaches for an identity it does not hold', async () => {
    const opened = await openKeystore(await copyWith(files));
    const other = notHere[0];
    expect(() => opened[other].key).toThrow(KeystoreError);
    expect(() => opened[other].certificate).toThrow(`${opened[other].files.key}: is missing: this keystore, a copy for another machine, does not hold the ${other}'s identity`);
    expect(() => opened[other].key).toThrow(`copy ${other}/${other}.key and ${other}/${other}.cert from the keystore on the machine that holds the demo CA's private key into ${opened.dir}.`);
    expect(() => opened.attacker.expired).toThrow(`${opened.attacker.files.key}: is missing`);
  });

  it('is shown with what it holds, and what it leaves out by design', async () => {
    const opened = await openKeystore(await copyWith(files));
    expect(describeKeystore(opened).map((entry) => [entry.identity, entry.files.map((file) => file.slice(opened.dir.length + 1))])).toEqual([
      ['ca', ['ca/ca.pub', 'ca/ca.cert']],
      [peer, [`${peer}/${peer}.key`, `${peer}/${peer}.pub`, `${peer}/${peer}.cert`]],
    ]);
    const absences = keystoreAbsences(opened);
    expect(absences.map(({ identity, file }) => [identity, file.slice(opened.dir.length + 1)])).toEqual([
      ['ca', 'ca/ca.key'],
      ...notHere.map((name) => [name, `${name}/${name}.key`]),
    ]);
    expect(absences[0]!.note).toContain('by design');
  });
});

describe("the attacker's copy", () => {
  it("opens with the CA certificate, the attacker's key and the two certificates the demo CA signed for it, making the rest itself", async () => {
    const copy = await copyWith(ATTACKER_FILES);
    const opened = await openKeystore(copy);
    expect(opened.notHere).toEqual(['server', 'client']);
    expect(opened.attacker.expired.bytes).toEqual(original.attacker.expired.bytes);
    expect(opened.attacker.wrongName.bytes).toEqual(original.attacker.wrongName.bytes);
    expect(opened.attacker.selfSigned.publicKey.equals(original.attacker.key.publicKey)).toBe(true);
    expect(relativeTo(copy)(opened.generated).sort()).toEqual(
      ['ca/ca.pub', 'attacker/attacker.pub', 'attacker/rogue-ca.key', 'attacker/rogue-ca.pub', 'attacker/rogue-ca.cert', 'attacker/rogue-ca-server.cert', 'attacker/self-signed.cert'].sort(),
    );
  });
});

describe('what only the CA can make, in a copy without its key', () => {
  it.each([
    ['server/server.cert', ['server/server.cert']],
    ['client/client.cert', ['client/client.cert']],
    ['attacker/expired.cert', ['attacker/expired.cert']],
    ['attacker/wrong-name.cert', ['attacker/wrong-name.cert']],
  ])('a missing %s is refused: which file, that it takes the CA key, and where to make it; no CA key is made', async (file, toCopy) => {
    const copy = await copyWith(ALL_BUT_CA_KEY);
    await rm(join(copy, file));
    const before = await snapshot(copy);
    const error = await refusal(copy);
    expect(error.file).toBe(join(copy, file));
    expect(error.message).toContain(`${join(copy, file)}: is missing. Making it takes the demo CA's private key`);
    for (const part of fromCaMachine(copy, ...toCopy)) expect(error.message).toContain(part);
    expect(error.message).not.toContain('--regenerate');
    expect(await snapshot(copy)).toEqual(before);
  });

  it("making it on the CA's machine and copying it over, as the message says, works", async () => {
    const copy = await copyWith(SERVER_FILES);
    await rm(join(copy, 'server/server.cert'));
    await expect(openKeystore(copy)).rejects.toThrow(KeystoreError);
    await cp(join(dir, 'server/server.cert'), join(copy, 'server/server.cert'));
    expect((await openKeystore(copy)).server.certificate.bytes).toEqual(original.server.certificate.bytes);
  });
});

describe('a bad file in a copy without the CA key', () => {
  it.each([
    ['server/server.cert', ['server/server.cert']],
    ['ca/ca.cert', ['ca/ca.cert']],
    ['server/server.key', ['server/server.key', 'server/server.pub', 'server/server.cert']],
  ])('%s is refused by name and left as it is, to be made again on the CA machine', async (file, toCopy) => {
    const copy = await copyWith(ALL_BUT_CA_KEY);
    await writeFile(join(copy, file), randomBytes(300));
    const before = await snapshot(copy);
    const error = await refusal(copy);
    expect(error.file).toBe(join(copy, file));
    for (const part of fromCaMachine(copy, ...toCopy)) expect(error.message).toContain(part);
    expect(error.message).not.toContain('Remove ');
    expect(await snapshot(copy)).toEqual(before);
  });

  it("a CA certificate that another CA's took the place of is refused", async () => {
    const copy = await copyWith(SERVER_FILES);
    await writeFile(join(copy, 'ca/ca.cert'), original.attacker.rogueCa.certificate.bytes);
    const error = await refusal(copy);
    expect(error.file).toBe(join(copy, 'ca/ca.cert'));
    expect(error.message).toContain('ca.cert: is issued by "Mallory Root CA", expected "tls-tui Demo CA"');
    expect(new Uint8Array(await readFile(join(copy, 'ca/ca.cert')))).toEqual(original.attacker.rogueCa.certificate.bytes);
    expect(await listFiles(join(copy, 'ca'))).toEqual(['ca.cert']);
  });

  it('a certificate the CA did not sign is refused against the CA certificate', async () => {
    const copy = await copyWith(SERVER_FILES);
    await writeFile(join(copy, 'server/server.cert'), original.attacker.rogueCaServer.bytes);
    expect((await refusal(copy)).message).toContain(`${join(copy, 'server/server.cert')}: is issued by "Mallory Root CA"`);
  });

  it('a ca.pub that does not match the CA certificate can be derived again here, as the message says', async () => {
    const copy = await copyWith([...CLIENT_FILES, 'ca/ca.pub']);
    const pub = join(copy, 'ca/ca.pub');
    await writeFile(pub, original.server.key.publicKey.toPem());
    const error = await refusal(copy);
    expect(error.message).toBe(
      `${pub}: holds a public key that does not match the one in ${join(copy, 'ca/ca.cert')}. ` +
        `Remove ${pub} and run \`tls-tui keys --keystore ${copy}\` to derive it again from ${join(copy, 'ca/ca.cert')}.`,
    );
    await rm(pub);
    expect((await openKeystore(copy)).generated).toEqual([pub]);
    expect(await readFile(pub, 'utf8')).toBe(await readFile(join(dir, 'ca/ca.pub'), 'utf8'));
  });
});

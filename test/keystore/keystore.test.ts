import { execFile } from 'node:child_process';
import { access, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Certificate, CertificateError, formatCertificateTime, verifyCertificate } from '../../source/crypto/certificate.js';
import { RsaPrivateKey, RsaPublicKey } from '../../source/crypto/rsa.js';
import { DEMO_CA_NAME, type Keystore, KeystoreError, openKeystore, regenerateKeystore, ROGUE_CA_NAME } from '../../source/keystore/keystore.js';
import { copyOf, fingerprints, KEYSTORE_FILES, listFiles, listTree, makeTempDir, removeTempDirs } from './helpers.js';

const run = promisify(execFile);
/** The clock the shared keystore is generated with: a time with milliseconds, to see them dropped. */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000 + 678);
const NOW_SECONDS = new Date(Math.floor(NOW.getTime() / 1000) * 1000);

function yearsFrom(date: Date, years: number): Date {
  const shifted = new Date(date);
  shifted.setUTCFullYear(shifted.getUTCFullYear() + years);
  return shifted;
}

function verifyAsServer(keystore: Keystore, certificate: Certificate, expectedSubject = 'server'): Certificate {
  return verifyCertificate(certificate.bytes, { trustedCa: keystore.ca.certificate, now: NOW.getTime(), expectedRole: 'server', expectedSubject });
}

function alertOf(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    if (error instanceof CertificateError) return error.alert;
    throw error;
  }
  return 'accepted';
}

let dir: string;
let keystore: Keystore;

beforeAll(async () => {
  dir = join(await makeTempDir(), 'keystore');
  const started = performance.now();
  keystore = await openKeystore(dir, { now: () => NOW });
  console.log(`first run: generated ${keystore.generated.length} keystore files in ${Math.round(performance.now() - started)} ms`);
});

afterAll(removeTempDirs);

describe('a first open on a missing folder', () => {
  it('creates exactly the keystore files and reports each as generated', async () => {
    expect(await listFiles(dir)).toEqual(KEYSTORE_FILES);
    expect([...keystore.generated].map((file) => file.slice(dir.length + 1)).sort()).toEqual(KEYSTORE_FILES);
  });

  it('creates the folders with mode 0700, private keys with 0600 and everything else with 0644', async () => {
    for (const folder of ['', 'ca', 'server', 'client', 'attacker']) {
      expect((await stat(join(dir, folder))).mode & 0o777).toBe(0o700);
    }
    for (const file of KEYSTORE_FILES) {
      expect({ file, mode: (await stat(join(dir, file))).mode & 0o777 }).toEqual({ file, mode: file.endsWith('.key') ? 0o600 : 0o644 });
    }
  });

  it('issues server and client certificates that verify under the demo CA', () => {
    expect(keystore.ca.certificate).toMatchObject({ subject: DEMO_CA_NAME, issuer: DEMO_CA_NAME, role: 'ca' });
    expect(verifyAsServer(keystore, keystore.server.certificate).subject).toBe('server');
    const client = verifyCertificate(keystore.client.certificate.bytes, { trustedCa: keystore.ca.certificate, now: NOW.getTime(), expectedRole: 'client' });
    expect(client).toMatchObject({ subject: 'client', role: 'client', issuer: DEMO_CA_NAME });
  });

  it("gives each attacker certificate the failure its attack mode is caught by", () => {
    const { attacker } = keystore;
    expect(alertOf(() => verifyAsServer(keystore, attacker.expired))).toBe('certificate_expired');
    expect(alertOf(() => verifyAsServer(keystore, attacker.wrongName))).toBe('bad_certificate');
    expect(alertOf(() => verifyAsServer(keystore, attacker.wrongName, 'mallory'))).toBe('accepted');
    expect(alertOf(() => verifyAsServer(keystore, attacker.rogueCaServer))).toBe('unknown_ca');
    expect(alertOf(() => verifyAsServer(keystore, attacker.selfSigned))).toBe('unknown_ca');
    expect(attacker.rogueCa.certificate).toMatchObject({ subject: ROGUE_CA_NAME, issuer: ROGUE_CA_NAME, role: 'ca' });
    expect(attacker.rogueCaServer).toMatchObject({ subject: 'server', role: 'server', issuer: ROGUE_CA_NAME });
    expect(attacker.selfSigned).toMatchObject({ subject: 'server', role: 'server', issuer: 'server' });
    expect(attacker.wrongName).toMatchObject({ subject: 'mallory', role: 'server', issuer: DEMO_CA_NAME });
    expect(attacker.rogueCa.certificate.publicKey.verify(attacker.rogueCaServer.tbs, attacker.rogueCaServer.signature)).toBe(true);
    expect(attacker.key.publicKey.verify(attacker.selfSigned.tbs, attacker.selfSigned.signature)).toBe(true);
  });

  it("puts in every certificate and .pub the public half of the key file on disk", async () => {
    const keyOnDisk = async (path: string) => RsaPrivateKey.fromPem(await readFile(path, 'utf8')).publicKey;
    const pubOnDisk = async (path: string) => RsaPublicKey.fromPem(await readFile(path, 'utf8'));
    const { ca, server, client, attacker } = keystore;
    const pairs: Array<[string, string, Certificate[]]> = [
      [ca.files.key, ca.files.pub, [ca.certificate]],
      [server.files.key, server.files.pub, [server.certificate]],
      [client.files.key, client.files.pub, [client.certificate]],
      [attacker.files.rogueCaKey, attacker.files.rogueCaPub, [attacker.rogueCa.certificate]],
      [attacker.files.key, attacker.files.pub, [attacker.rogueCaServer, attacker.selfSigned, attacker.expired, attacker.wrongName]],
    ];
    for (const [keyPath, pubPath, certificates] of pairs) {
      const publicKey = await keyOnDisk(keyPath);
      expect(publicKey.equals(await pubOnDisk(pubPath))).toBe(true);
      for (const certificate of certificates) expect(certificate.publicKey.equals(publicKey)).toBe(true);
    }
    expect(server.certificate.publicKey.equals(client.certificate.publicKey)).toBe(false);
    expect(attacker.key.publicKey.equals(server.key.publicKey)).toBe(false);
  });

  it('stores certificates as their exact bytes', async () => {
    expect(new Uint8Array(await readFile(keystore.server.files.cert))).toEqual(keystore.server.certificate.bytes);
    expect(new Uint8Array(await readFile(keystore.attacker.files.expired))).toEqual(keystore.attacker.expired.bytes);
  });

  it('dates fresh certificates from 5 minutes before now, at seconds precision', () => {
    const skewed = new Date(NOW_SECONDS.getTime() - 5 * 60 * 1000);
    expect(keystore.ca.certificate.notBefore).toEqual(skewed);
    expect(keystore.ca.certificate.notAfter).toEqual(yearsFrom(NOW_SECONDS, 10));
    expect(keystore.attacker.rogueCa.certificate.notAfter).toEqual(yearsFrom(NOW_SECONDS, 10));
    for (const certificate of [keystore.server.certificate, keystore.client.certificate, keystore.attacker.wrongName, keystore.attacker.selfSigned]) {
      expect([certificate.notBefore, certificate.notAfter]).toEqual([skewed, yearsFrom(NOW_SECONDS, 1)]);
    }
    expect(keystore.attacker.expired.notBefore).toEqual(yearsFrom(NOW_SECONDS, -2));
    expect(keystore.attacker.expired.notAfter).toEqual(new Date(NOW_SECONDS.getTime() - 24 * 60 * 60 * 1000));
    expect(formatCertificateTime(keystore.server.certificate.notBefore)).toMatch(/:\d\dZ$/);
  });

  it('writes private keys that openssl checks as valid RSA keys', async () => {
    const keys = KEYSTORE_FILES.filter((file) => file.endsWith('.key'));
    expect(keys).toHaveLength(5);
    for (const key of keys) {
      const { stdout } = await run('openssl', ['rsa', '-in', join(dir, key), '-check', '-noout']);
      expect(stdout).toContain('RSA key ok');
    }
  });
});

describe('opening an existing keystore', () => {
  it('generates nothing and loads the same certificates and keys', async () => {
    const again = await openKeystore(dir);
    expect(again.generated).toEqual([]);
    expect(fingerprints(again)).toEqual(fingerprints(keystore));
    expect(again.server.key.publicKey.equals(keystore.server.key.publicKey)).toBe(true);
    expect(again.attacker.key.publicKey.equals(keystore.attacker.key.publicKey)).toBe(true);
  });

  it('works on a folder holding only a README, which it leaves alone', async () => {
    const folder = await makeTempDir();
    await writeFile(join(folder, 'README.md'), '# keystore\n');
    const opened = await openKeystore(folder);
    expect(opened.generated).toHaveLength(KEYSTORE_FILES.length);
    expect(await listFiles(folder)).toEqual(['README.md', ...KEYSTORE_FILES]);
    expect(await readFile(join(folder, 'README.md'), 'utf8')).toBe('# keystore\n');
  });

  it('reissues a deleted server certificate from the same server key and CA, and nothing else', async () => {
    const copy = await copyOf(dir);
    await rm(join(copy, 'server/server.cert'));
    const opened = await openKeystore(copy, { now: () => NOW });
    expect(opened.generated).toEqual([join(copy, 'server/server.cert')]);
    expect(verifyAsServer(opened, opened.server.certificate).publicKey.equals(keystore.server.key.publicKey)).toBe(true);
    expect(opened.ca.certificate.bytes).toEqual(keystore.ca.certificate.bytes);
    const [before, after] = [fingerprints(keystore), fingerprints(opened)];
    expect(after[1]).not.toBe(before[1]);
    expect(after.filter((_, index) => index !== 1)).toEqual(before.filter((_, index) => index !== 1));
  });

  it('derives a deleted .pub from its private key', async () => {
    const copy = await copyOf(dir);
    await rm(join(copy, 'server/server.pub'));
    const opened = await openKeystore(copy);
    expect(opened.generated).toEqual([join(copy, 'server/server.pub')]);
    expect(await readFile(join(copy, 'server/server.pub'), 'utf8')).toBe(await readFile(join(dir, 'server/server.pub'), 'utf8'));
  });

  it('reissues a deleted CA certificate from the CA key, under which the old server certificate still verifies', async () => {
    const copy = await copyOf(dir);
    await rm(join(copy, 'ca/ca.cert'));
    const opened = await openKeystore(copy, { now: () => NOW });
    expect(opened.generated).toEqual([join(copy, 'ca/ca.cert')]);
    expect(opened.ca.certificate.bytes).not.toEqual(keystore.ca.certificate.bytes);
    expect(verifyAsServer(opened, keystore.server.certificate).bytes).toEqual(keystore.server.certificate.bytes);
  });

  it('regenerates a deleted attacker folder without touching the demo identities', async () => {
    const copy = await copyOf(dir);
    await rm(join(copy, 'attacker'), { recursive: true });
    const opened = await openKeystore(copy, { now: () => NOW });
    expect(opened.generated.map((file) => file.slice(copy.length + 1)).sort()).toEqual(KEYSTORE_FILES.filter((file) => file.startsWith('attacker/')));
    expect(fingerprints(opened).slice(0, 3)).toEqual(fingerprints(keystore).slice(0, 3));
    expect(alertOf(() => verifyAsServer(opened, opened.attacker.expired))).toBe('certificate_expired');
  });

  it('refuses a deleted server key while its certificate is still there, and creates no key', async () => {
    const copy = await copyOf(dir);
    const keyPath = join(copy, 'server/server.key');
    await rm(keyPath);
    const opening = openKeystore(copy);
    await expect(opening).rejects.toThrow(KeystoreError);
    await expect(opening).rejects.toThrow(keyPath);
    await expect(opening).rejects.toThrow(join(copy, 'server/server.cert'));
    await expect(opening).rejects.toThrow(`and run \`tls-tui keys --keystore ${copy}\``);
    await expect(access(keyPath)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a deleted CA while certificates it signed remain', async () => {
    const copy = await copyOf(dir);
    await Promise.all(['ca/ca.key', 'ca/ca.pub', 'ca/ca.cert'].map((file) => rm(join(copy, file))));
    const opening = openKeystore(copy);
    await expect(opening).rejects.toThrow(KeystoreError);
    await expect(opening).rejects.toThrow(`${join(copy, 'ca/ca.key')}: is missing, but ${join(copy, 'server/server.cert')}`);
    expect(await listFiles(join(copy, 'ca'))).toEqual([]);
  });
});

describe('concurrent first opens', () => {
  // Twenty RSA key generations at once: on a busy two-core machine they take more than the default 5 s.
  it('agree on one set of files, each created exactly once, and leave no temp files', async () => {
    const folder = join(await makeTempDir(), 'keystore');
    const started = performance.now();
    const opened = await Promise.all([1, 2, 3, 4].map(() => openKeystore(folder)));
    console.log(`4 concurrent first opens: ${Math.round(performance.now() - started)} ms`);
    const [first, ...others] = opened.map(fingerprints);
    for (const other of others) expect(other).toEqual(first);
    for (const keystore of opened) {
      expect(verifyCertificate(keystore.server.certificate.bytes, { trustedCa: keystore.ca.certificate, now: Date.now(), expectedRole: 'server', expectedSubject: 'server' }).subject).toBe('server');
      expect(keystore.server.key.publicKey.equals(opened[0]!.server.key.publicKey)).toBe(true);
    }
    const generated = opened.flatMap((keystore) => keystore.generated).map((file) => file.slice(folder.length + 1));
    expect(generated.sort()).toEqual(KEYSTORE_FILES);
    expect(await listTree(folder)).toEqual(['attacker/', 'ca/', 'client/', 'server/', ...KEYSTORE_FILES].sort());
    const reopened = await openKeystore(folder);
    expect(fingerprints(reopened)).toEqual(first);
  }, 30_000);
});

describe('regenerating', () => {
  it('replaces every key and certificate, keeps other files, and leaves no staging folder', async () => {
    const copy = await copyOf(dir);
    await writeFile(join(copy, 'README.md'), 'not ours\n');
    const fresh = await regenerateKeystore(copy);
    const [before, after] = [fingerprints(keystore), fingerprints(fresh)];
    for (const [index, fingerprint] of after.entries()) expect(fingerprint).not.toBe(before[index]);
    expect(fresh.server.key.publicKey.equals(keystore.server.key.publicKey)).toBe(false);
    expect(fresh.generated.map((file) => file.slice(copy.length + 1)).sort()).toEqual(KEYSTORE_FILES);
    expect(await listTree(copy)).toEqual(['README.md', 'attacker/', 'ca/', 'client/', 'server/', ...KEYSTORE_FILES].sort());
    expect(await readFile(join(copy, 'README.md'), 'utf8')).toBe('not ours\n');
    expect((await stat(join(copy, 'server/server.key'))).mode & 0o777).toBe(0o600);
    expect(verifyCertificate(fresh.server.certificate.bytes, { trustedCa: fresh.ca.certificate, now: Date.now(), expectedRole: 'server' }).subject).toBe('server');
    expect(fingerprints(await openKeystore(copy))).toEqual(after);
  });

  it('repairs a keystore that no longer opens', async () => {
    const copy = await copyOf(dir);
    await writeFile(join(copy, 'ca/ca.key'), 'garbage\n');
    await expect(openKeystore(copy)).rejects.toThrow(KeystoreError);
    await regenerateKeystore(copy);
    expect((await openKeystore(copy)).generated).toEqual([]);
  });

  it('creates a keystore folder that does not exist yet', async () => {
    const folder = join(await makeTempDir(), 'nested', 'keystore');
    await mkdir(join(folder, '..'));
    const fresh = await regenerateKeystore(folder);
    expect(await listFiles(folder)).toEqual(KEYSTORE_FILES);
    expect(fresh.dir).toBe(folder);
  });
});

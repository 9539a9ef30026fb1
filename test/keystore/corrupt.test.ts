import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, generatePrimeSync, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatCertificateTime, issueCertificate, newSerial } from '../../source/crypto/certificate.js';
import { DEMO_CA_NAME, type Keystore, KeystoreError, openKeystore } from '../../source/keystore/keystore.js';
import { copyOf, makeTempDir, removeTempDirs, snapshot } from './helpers.js';

let dir: string;
let keystore: Keystore;

beforeAll(async () => {
  dir = await makeTempDir();
  keystore = await openKeystore(dir);
});

afterAll(removeTempDirs);

const rsa1024 = generateKeyPairSync('rsa', {
  modulusLength: 1024,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
});

const year = (offset: number) => new Date(Date.now() + offset * 365 * 24 * 60 * 60 * 1000);

/** A server certificate carrying a 1024-bit key, correctly signed by the demo CA: issueCertificate refuses such keys, so it is put together by hand. */
function certificateWith1024BitKey(): Uint8Array {
  const spki = createPublicKey(rsa1024.publicKey).export({ type: 'spki', format: 'der' });
  const tbs = [
    'tls-tui certificate v1',
    `serial: ${newSerial()}`,
    'subject: server',
    'role: server',
    `issuer: ${DEMO_CA_NAME}`,
    `not-before: ${formatCertificateTime(year(0))}`,
    `not-after: ${formatCertificateTime(year(1))}`,
    `public-key: ${spki.toString('base64')}`,
    '',
  ].join('\n');
  const signature = Buffer.from(keystore.ca.key!.sign(new TextEncoder().encode(tbs))).toString('base64');
  return new TextEncoder().encode(`${tbs}signature: ${signature}\n`);
}

/** A server certificate for the server's own key, under the demo CA's name, but signed by another CA's key. */
function certificateSignedByAnotherCa(): Uint8Array {
  return issueCertificate(
    { serial: newSerial(), subject: 'server', role: 'server', issuer: DEMO_CA_NAME, notBefore: year(0), notAfter: year(1), publicKey: keystore.server.key.publicKey },
    keystore.attacker.rogueCa.key,
  ).bytes;
}

/** x⁻¹ mod m, by the extended Euclidean algorithm. */
function modInverse(x: bigint, m: bigint): bigint {
  let [a, b, u, v] = [((x % m) + m) % m, m, 1n, 0n];
  while (b !== 0n) {
    const t = a / b;
    [a, b, u, v] = [b, a - t * b, v, u - t * v];
  }
  if (a !== 1n) throw new RangeError('not invertible');
  return ((u % m) + m) % m;
}

/**
 * A 2048-bit private key whose numbers all agree with each other (node-rsa checks
 * n = pq, dp, dq, the coefficient and e·dp, e·dq on import) but whose p is not a
 * prime, so it signs nothing that verifies: only a trial signature shows it.
 */
function keyWithCompositeFactor(): string {
  const e = 65537n;
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
  const prime = (bits: number) => generatePrimeSync(bits, { bigint: true });
  for (;;) {
    const p = prime(512) * prime(512);
    const q = prime(1024);
    const n = p * q;
    const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
    if (n.toString(2).length !== 2048 || gcd(e, lambda) !== 1n) continue;
    const d = modInverse(e, lambda);
    const encode = (value: bigint) => Buffer.from(value.toString(16).padStart(Math.ceil(value.toString(16).length / 2) * 2, '0'), 'hex').toString('base64url');
    const jwk = { kty: 'RSA', n: encode(n), e: encode(e), d: encode(d), p: encode(p), q: encode(q), dp: encode(d % (p - 1n)), dq: encode(d % (q - 1n)), qi: encode(modInverse(q, p)) };
    return createPrivateKey({ key: jwk, format: 'jwk' }).export({ type: 'pkcs1', format: 'pem' }) as string;
  }
}

/** A private key whose CRT numbers were altered: node-rsa refuses it on import. */
function damagedPrivateKey(original: string): string {
  const jwk = createPrivateKey(original).export({ format: 'jwk' });
  const dp = Buffer.from(jwk.dp ?? '', 'base64url');
  dp[10] = dp[10]! ^ 1;
  return createPrivateKey({ key: { ...jwk, dp: dp.toString('base64url') }, format: 'jwk' }).export({ type: 'pkcs1', format: 'pem' }) as string;
}

type Corruption = (original: Buffer) => Uint8Array | string;

const common: Record<string, Corruption> = {
  garbage: () => randomBytes(600),
  'an empty file': () => '',
  'a truncated copy': (original) => original.subarray(0, Math.floor(original.length / 2)),
  'a certificate signed by a different CA': () => certificateSignedByAnotherCa(),
};

/** What the message tells the person to run, for the keystore in `dir`: only the CA's key needs a new keystore. */
const cases: Array<{ file: string; advice: (dir: string) => string; corruptions: Record<string, Corruption> }> = [
  {
    file: 'ca/ca.key',
    advice: (dir) => `tls-tui keys --regenerate --keystore ${dir}`,
    corruptions: {
      ...common,
      'a 1024-bit key': () => rsa1024.privateKey,
      'a public key instead of a private one': () => keystore.ca.key!.publicKey.toPem(),
      'another 2048-bit key': () => keystore.attacker.key.toPem(),
      'a damaged key': (original) => damagedPrivateKey(original.toString('utf8')),
    },
  },
  {
    file: 'server/server.cert',
    advice: (dir) => `Remove ${join(dir, 'server/server.cert')} and run \`tls-tui keys --keystore ${dir}\``,
    corruptions: {
      ...common,
      'a 1024-bit key': () => certificateWith1024BitKey(),
      'one altered byte': (original) => original.toString('utf8').replace('subject: server', 'subject: servex'),
      'a certificate from the rogue CA': () => keystore.attacker.rogueCaServer.bytes,
      "the client's certificate": () => keystore.client.certificate.bytes,
      'a demo-CA certificate for another key': () => keystore.attacker.expired.bytes,
    },
  },
  {
    file: 'client/client.pub',
    advice: (dir) => `Remove ${join(dir, 'client/client.pub')} and run \`tls-tui keys --keystore ${dir}\``,
    corruptions: {
      ...common,
      'a 1024-bit key': () => rsa1024.publicKey,
      'another 2048-bit key': () => keystore.server.key.publicKey.toPem(),
      'a private key instead of a public one': () => keystore.client.key.toPem(),
    },
  },
];

describe.each(cases)('a corrupt $file', ({ file, advice, corruptions }) => {
  it.each(Object.entries(corruptions))('holding %s is refused by name with what to do, and nothing in the keystore changes', async (_, corrupt) => {
    const copy = await copyOf(dir);
    const path = join(copy, file);
    await writeFile(path, corrupt(await readFile(path)));
    const before = await snapshot(copy);

    const opening = openKeystore(copy);
    await expect(opening).rejects.toThrow(KeystoreError);
    await expect(opening).rejects.toThrow(path);
    await expect(opening).rejects.toThrow(advice(copy));
    expect(await snapshot(copy)).toEqual(before);
  });
});

describe('keystore files that are not files', () => {
  const pipes: string[] = [];

  /**
   * Were a pipe read like a file, the reader would wait in open() for a writer, on a
   * thread the test worker waits for when it exits: opening the write end and closing
   * it lets such a reader go, so that the test fails instead of the run hanging.
   */
  afterEach(async () => {
    for (const pipe of pipes.splice(0)) {
      const writer = await open(pipe, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
      await writer?.close();
    }
  });

  it('a folder where a certificate should be is refused by name', async () => {
    const copy = await copyOf(dir);
    const path = join(copy, 'server/server.cert');
    await rm(path);
    await mkdir(path);
    await expect(openKeystore(copy)).rejects.toThrow(`${path}: is a folder, not a regular file`);
  });

  it.each(['ca/ca.cert', 'server/server.key'])('a named pipe in place of %s is refused by name, not waited on', async (file) => {
    const copy = await copyOf(dir);
    const path = join(copy, file);
    await rm(path);
    execFileSync('mkfifo', [path]);
    pipes.push(path);
    await expect(openKeystore(copy)).rejects.toThrow(`${path}: is a named pipe (FIFO), not a regular file. Remove ${path}`);
  });

  it.each([
    ['the keystore folder', ''],
    ['an identity folder', 'ca'],
  ])('a named pipe in place of %s is named, not reported as "file already exists"', async (_what, folder) => {
    const root = await copyOf(dir);
    const path = folder === '' ? join(root, 'keystore') : join(root, folder);
    await rm(path, { recursive: true, force: true });
    execFileSync('mkfifo', [path]);
    pipes.push(path);
    await expect(openKeystore(folder === '' ? path : root)).rejects.toThrow(`${path} is a named pipe (FIFO), not a folder`);
  });

  it('a link to a device, which would never run out of bytes, is refused by name', async () => {
    const copy = await copyOf(dir);
    const path = join(copy, 'server/server.cert');
    await rm(path);
    await symlink('/dev/zero', path);
    await expect(openKeystore(copy)).rejects.toThrow(`${path}: is a character device, not a regular file. Remove ${path}`);
  });
});

describe('what the messages say', () => {
  it('names the key a .pub fails to match', async () => {
    const copy = await copyOf(dir);
    await writeFile(join(copy, 'client/client.pub'), keystore.server.key.publicKey.toPem());
    await expect(openKeystore(copy)).rejects.toThrow(
      `${join(copy, 'client/client.pub')}: holds a public key that does not match the private key in ${join(copy, 'client/client.key')}. Remove ${join(copy, 'client/client.pub')} and run \`tls-tui keys --keystore ${copy}\` to derive it again from ${join(copy, 'client/client.key')}.`,
    );
  });

  it('says who signed a certificate that claims the demo CA but is not signed by it', async () => {
    const copy = await copyOf(dir);
    await writeFile(join(copy, 'server/server.cert'), certificateSignedByAnotherCa());
    await expect(openKeystore(copy)).rejects.toThrow(`is not signed by the key of "${DEMO_CA_NAME}" in ${join(copy, 'ca/ca.key')}`);
  });

  it('says why a key of the wrong size is refused', async () => {
    const copy = await copyOf(dir);
    await writeFile(join(copy, 'ca/ca.key'), rsa1024.privateKey);
    await expect(openKeystore(copy)).rejects.toThrow(/ca\.key: is not a usable private key: .*1024-bit/);
  });

  it('catches a private key whose numbers fit together but do not sign', async () => {
    const copy = await copyOf(dir);
    const path = join(copy, 'server/server.key');
    await writeFile(path, keyWithCompositeFactor());
    await expect(openKeystore(copy)).rejects.toThrow(`${path}: is damaged: a signature made with this private key does not verify`);
  });

  it('says why a certificate carrying a 1024-bit key is refused', async () => {
    const copy = await copyOf(dir);
    await writeFile(join(copy, 'server/server.cert'), certificateWith1024BitKey());
    await expect(openKeystore(copy)).rejects.toThrow(/server\.cert: is not a usable certificate: .*1024-bit/);
  });

  it('does not refuse a certificate that has merely expired', async () => {
    const copy = await copyOf(dir);
    const later = new Date(Date.now() + 3 * 365 * 24 * 60 * 60 * 1000);
    const opened = await openKeystore(copy, { now: () => later });
    expect(opened.generated).toEqual([]);
    expect(opened.server.certificate.notAfter.getTime()).toBeLessThan(later.getTime());
  });
});

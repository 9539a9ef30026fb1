/**
 * What a keystore that opened still has to tell the person: a server or client
 * certificate outside its validity period, which the other peer refuses at every
 * handshake, with how to renew it from the keys kept, or, in a copy without the
 * CA's key, on the machine that holds it; and private keys other users can read.
 */
import { chmod, cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCertificateTime } from '../../source/crypto/certificate.js';
import { type Keystore, keystoreWarnings, openKeystore } from '../../source/keystore/keystore.js';
import { copyOf, makeTempDir, removeTempDirs } from './helpers.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const MADE = new Date('2026-03-01T12:00:00Z');
const daysAfterMade = (days: number) => new Date(MADE.getTime() + days * DAY_MS);

let dir: string;
let keystore: Keystore;

beforeAll(async () => {
  dir = await makeTempDir();
  keystore = await openKeystore(dir, { now: () => MADE });
});

afterAll(removeTempDirs);

describe('the server and client certificates', () => {
  it('say nothing while they are valid, though the attacker keeps an expired one on purpose', () => {
    expect(keystoreWarnings(keystore, MADE)).toEqual([]);
    expect(keystoreWarnings(keystore, daysAfterMade(364))).toEqual([]);
  });

  it('once expired, each says so, what it breaks, and how to renew it in that keystore', () => {
    const [server, client, ...others] = keystoreWarnings(keystore, daysAfterMade(366));
    expect(others).toEqual([]);
    const renew = (file: string) => `Remove ${file} and run \`tls-tui keys --keystore ${dir}\` to issue a new one, valid for a year, with the same key and CA.`;
    expect(server).toBe(
      `keystore: the server's certificate ${keystore.server.files.cert} expired at ${formatCertificateTime(keystore.server.certificate.notAfter)}: ` +
        `clients that verify it refuse every session with certificate_expired. ${renew(keystore.server.files.cert)}`,
    );
    expect(client).toBe(
      `keystore: the client's certificate ${keystore.client.files.cert} expired at ${formatCertificateTime(keystore.client.certificate.notAfter)}: ` +
        `servers refuse every session it starts with certificate_expired. ${renew(keystore.client.files.cert)}`,
    );
  });

  it('before they are valid, say so with the clock they were judged by', () => {
    const early = new Date(MADE.getTime() - DAY_MS);
    const warnings = keystoreWarnings(keystore, early);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(`${keystore.server.files.cert} is not valid until ${formatCertificateTime(keystore.server.certificate.notBefore)}`);
    expect(warnings[0]).toContain(`this machine's clock says ${formatCertificateTime(early)}`);
    expect(warnings[0]).toContain(`Remove ${keystore.server.files.cert} and run`);
  });

  it('following the advice renews them from the same CA', async () => {
    const copy = await copyOf(dir);
    const later = daysAfterMade(400);
    const expired = await openKeystore(copy, { now: () => later });
    await Promise.all([rm(expired.server.files.cert), rm(expired.client.files.cert)]);
    const renewed = await openKeystore(copy, { now: () => later });
    expect(renewed.generated).toEqual([expired.server.files.cert, expired.client.files.cert]);
    expect(renewed.ca.certificate.bytes).toEqual(keystore.ca.certificate.bytes);
    expect(keystoreWarnings(renewed, later)).toEqual([]);
  });

  it("in a copy for the server's machine, say to renew it where the CA's key is, and leave out the client's", async () => {
    const copy = await makeTempDir();
    for (const file of ['ca/ca.cert', 'server/server.key', 'server/server.cert']) await cp(join(dir, file), join(copy, file));
    const peer = await openKeystore(copy);
    expect(keystoreWarnings(peer, MADE)).toEqual([]);
    const [server, ...others] = keystoreWarnings(peer, daysAfterMade(366));
    expect(others).toEqual([]);
    expect(server).toContain(`keystore: the server's certificate ${peer.server.files.cert} expired at ${formatCertificateTime(peer.server.certificate.notAfter)}`);
    expect(server).toContain("Making it takes the demo CA's private key, which this keystore does not hold");
    expect(server).toContain(`(remove a bad or expired copy first), then copy server/server.cert from that keystore into ${copy}.`);
    expect(server).not.toContain('Remove ');
  });
});

describe('the private keys', () => {
  it('that other users can read or change are named with their modes and the chmod that makes them private', async () => {
    const copy = await copyOf(dir);
    const [ca, server] = [join(copy, 'ca/ca.key'), join(copy, 'server/server.key')];
    await chmod(ca, 0o644);
    await chmod(server, 0o620);
    expect(keystoreWarnings(await openKeystore(copy), MADE)).toEqual([
      `keystore: the private keys ${ca} (mode 0644) and ${server} (mode 0620) are open to other users of this machine. ` +
        `Run \`chmod 600 ${ca} ${server}\` so that only their owner can read them.`,
    ]);
  });

  it('say nothing once only their owner can read them, read-only or not, while certificates stay readable by all', async () => {
    const copy = await copyOf(dir);
    await chmod(join(copy, 'client/client.key'), 0o644);
    const [warning] = keystoreWarnings(await openKeystore(copy), MADE);
    expect(warning).toContain(`Run \`chmod 600 ${join(copy, 'client/client.key')}\` so that only its owner can read it.`);
    await chmod(join(copy, 'client/client.key'), 0o600);
    await chmod(join(copy, 'attacker/attacker.key'), 0o400);
    expect(keystoreWarnings(await openKeystore(copy), MADE)).toEqual([]);
  });
});

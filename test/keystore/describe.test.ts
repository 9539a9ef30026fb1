import { access } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateFingerprint } from '../../source/crypto/certificate.js';
import { DEMO_CA_NAME, describeKeystore, formatKeystore, type Keystore, type KeystoreEntry, openKeystore, ROGUE_CA_NAME } from '../../source/keystore/keystore.js';
import { makeTempDir, removeTempDirs } from './helpers.js';

const NOW = new Date('2026-03-01T12:00:00Z');

let keystore: Keystore;
let entries: KeystoreEntry[];

beforeAll(async () => {
  keystore = await openKeystore(await makeTempDir(), { now: () => NOW });
  entries = describeKeystore(keystore);
});

afterAll(removeTempDirs);

/** The block formatKeystore prints for one entry. */
function blockOf(text: string, identity: string): string {
  const block = text.split('\n\n').find((candidate) => candidate.startsWith(`${identity}: `));
  if (block === undefined) throw new Error(`no block for ${identity} in:\n${text}`);
  return block;
}

describe('describeKeystore', () => {
  it('lists every certificate, in order, with its subject, role and issuer', () => {
    expect(entries.map(({ identity, subject, role, issuer }) => [identity, subject, role, issuer])).toEqual([
      ['ca', DEMO_CA_NAME, 'ca', DEMO_CA_NAME],
      ['server', 'server', 'server', DEMO_CA_NAME],
      ['client', 'client', 'client', DEMO_CA_NAME],
      ['rogue-ca', ROGUE_CA_NAME, 'ca', ROGUE_CA_NAME],
      ['rogue-ca-server', 'server', 'server', ROGUE_CA_NAME],
      ['self-signed', 'server', 'server', 'server'],
      ['expired', 'server', 'server', DEMO_CA_NAME],
      ['wrong-name', 'mallory', 'server', DEMO_CA_NAME],
    ]);
  });

  it('gives each a 95-character SHA-256 fingerprint of its certificate', () => {
    const certificates = [keystore.ca.certificate, keystore.server.certificate, keystore.client.certificate, keystore.attacker.rogueCa.certificate];
    for (const [index, certificate] of certificates.entries()) expect(entries[index]!.fingerprint).toBe(certificateFingerprint(certificate));
    for (const entry of entries) expect(entry.fingerprint).toMatch(/^(?:[0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(new Set(entries.map((entry) => entry.fingerprint)).size).toBe(entries.length);
  });

  it('names the key and certificate files behind each, all of which exist', async () => {
    expect(entries.find((entry) => entry.identity === 'server')!.files).toEqual([keystore.server.files.key, keystore.server.files.pub, keystore.server.files.cert]);
    expect(entries.find((entry) => entry.identity === 'wrong-name')!.files).toEqual([keystore.attacker.files.key, keystore.attacker.files.pub, keystore.attacker.files.wrongName]);
    for (const entry of entries) {
      expect(entry.files).toHaveLength(3);
      for (const file of entry.files) await expect(access(file)).resolves.toBeUndefined();
    }
  });

  it('carries the validity period of each certificate', () => {
    const expired = entries.find((entry) => entry.identity === 'expired')!;
    expect([expired.notBefore, expired.notAfter]).toEqual([keystore.attacker.expired.notBefore, keystore.attacker.expired.notAfter]);
    expect(expired.notAfter.getTime()).toBeLessThan(NOW.getTime());
  });
});

describe('formatKeystore', () => {
  it('shows subject, issuer, every file and the fingerprint of each certificate', () => {
    const text = formatKeystore(entries, NOW);
    for (const entry of entries) {
      const block = blockOf(text, entry.identity);
      expect(block).toMatch(new RegExp(`^  subject +${entry.subject}$`, 'm'));
      expect(block).toMatch(new RegExp(`^  issuer +${entry.issuer}`, 'm'));
      expect(block).toMatch(new RegExp(`^  role +${entry.role}$`, 'm'));
      for (const file of entry.files) expect(block).toContain(file);
      expect(block).toContain(`  fingerprint  ${entry.fingerprint}`);
    }
  });

  it('marks the expired certificate EXPIRED and the others valid', () => {
    const text = formatKeystore(entries, NOW);
    expect(blockOf(text, 'expired')).toMatch(/^  valid +\S+Z → \S+Z {2}EXPIRED$/m);
    for (const entry of entries.filter((candidate) => candidate.identity !== 'expired')) {
      expect(blockOf(text, entry.identity)).toMatch(/^  valid +2026-03-01T11:55:00Z → 20\d\d-03-01T12:00:00Z {2}valid$/m);
    }
    expect(text.match(/EXPIRED/g)).toHaveLength(1);
  });

  it('judges validity at the time it is given', () => {
    expect(blockOf(formatKeystore(entries, new Date('2026-03-01T11:50:00Z')), 'server')).toContain('NOT YET VALID');
    expect(blockOf(formatKeystore(entries, new Date('2027-03-02T00:00:00Z')), 'server')).toContain('EXPIRED');
    expect(blockOf(formatKeystore(entries, new Date('2027-03-02T00:00:00Z')), 'ca')).toMatch(/ {2}valid$/m);
  });

  it('aligns every value in one column and says when a certificate is self-signed', () => {
    const text = formatKeystore(entries, NOW);
    const valueColumns = new Set(text.split('\n').filter((line) => line.startsWith('  ')).map((line) => line.search(/(?<=^ {2}\S*\s+)\S/)));
    expect([...valueColumns]).toEqual(['  fingerprint  '.length]);
    expect(blockOf(text, 'ca')).toContain(`${DEMO_CA_NAME} (self-signed)`);
    expect(blockOf(text, 'self-signed')).toMatch(/issuer +server \(self-signed\)/);
    expect(blockOf(text, 'server')).not.toContain('self-signed');
  });
});

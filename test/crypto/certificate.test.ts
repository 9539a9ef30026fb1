/**
 * Certificates (source/crypto/certificate.ts) against PROTOCOL.md section 3: a demo CA
 * issues itself and a server certificate; the text is exactly the nine lines the
 * protocol fixes and survives a serialise/parse round trip byte for byte. Then
 * verifyCertificate, one test per failing check, each asserting the alert and that the
 * reason names what was wrong (parse failures, unknown CA, bad signature, validity,
 * role, subject), and that the checks run in the protocol's order. The openssl command
 * line proves the signature recipe outside tools use (head -n 8, base64 -d, RSA-PSS
 * with SHA-256, MGF1-SHA-256 and a 32-byte salt), and the fingerprint is SHA-256 of the
 * bytes as colon-separated uppercase hex.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../source/crypto/bytes.js';
import {
  type Certificate, CertificateError, type CertificateFields, certificateFingerprint, formatCertificateTime,
  issueCertificate, newSerial, parseCertificate, type VerifyOptions, verifyCertificate, withSwappedPublicKey,
} from '../../source/crypto/certificate.js';
import { RsaPrivateKey } from '../../source/crypto/rsa.js';

const CA_NAME = 'tls-tui Demo CA';
const NOT_BEFORE = new Date('2026-11-26T16:00:00Z');
const NOT_AFTER = new Date('2027-11-26T16:00:00Z');
const DURING = Date.parse('2027-01-01T00:00:00Z');
const AFTER = Date.parse('2028-01-01T00:00:00Z');

let caKey: RsaPrivateKey;
let serverKey: RsaPrivateKey;
let malloryKey: RsaPrivateKey;
let otherKey: RsaPrivateKey;
let ca: Certificate;
let server: Certificate;
let tempDir: string;

function issue(fields: Partial<CertificateFields>, issuerKey: RsaPrivateKey = caKey): Certificate {
  const defaults = { serial: newSerial(), subject: 'server', role: 'server', issuer: CA_NAME, notBefore: NOT_BEFORE, notAfter: NOT_AFTER } as const;
  return issueCertificate({ ...defaults, publicKey: serverKey.publicKey, ...fields }, issuerKey);
}

beforeAll(async () => {
  const generate = () => RsaPrivateKey.generate();
  [caKey, serverKey, malloryKey, otherKey] = await Promise.all([generate(), generate(), generate(), generate()]);
  ca = issue({ subject: CA_NAME, role: 'ca', publicKey: caKey.publicKey });
  server = issue({});
  tempDir = await mkdtemp(join(tmpdir(), 'tls-tui-cert-'));
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
/** The nine lines of a certificate, without their newlines. */
const linesOf = (certificate: Certificate): string[] => Buffer.from(certificate.bytes).toString('utf8').split('\n').slice(0, -1);
const joined = (lines: readonly string[]): Uint8Array => utf8(`${lines.join('\n')}\n`);
const options = (overrides: Partial<VerifyOptions> = {}): VerifyOptions => ({ trustedCa: ca, now: DURING, expectedRole: 'server', expectedSubject: 'server', ...overrides });

function verifyFailure(bytes: Uint8Array, overrides: Partial<VerifyOptions> = {}): CertificateError {
  try {
    verifyCertificate(bytes, options(overrides));
  } catch (error) {
    expect(error).toBeInstanceOf(CertificateError);
    return error as CertificateError;
  }
  throw new Error('expected verifyCertificate to fail');
}

describe('issuing and serialising', () => {
  it('issues a self-signed CA certificate', () => {
    expect(ca.subject).toBe(CA_NAME);
    expect(ca.issuer).toBe(CA_NAME);
    expect(ca.role).toBe('ca');
    expect(ca.publicKey.equals(caKey.publicKey)).toBe(true);
    expect(caKey.publicKey.verify(ca.tbs, ca.signature)).toBe(true);
  });

  it('writes exactly the nine lines of PROTOCOL.md section 3, times at seconds precision', () => {
    const certificate = issue({ notBefore: new Date('2026-11-26T16:00:00.789Z'), notAfter: new Date('2027-11-26T16:00:00.001Z') });
    const text = Buffer.from(certificate.bytes).toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    const lines = linesOf(certificate);
    expect(lines).toHaveLength(9);
    expect(lines[0]).toBe('tls-tui certificate v1');
    expect(lines[1]).toMatch(/^serial: [0-9a-f]{32}$/);
    expect(lines[1]).toBe(`serial: ${certificate.serial}`);
    expect(lines[2]).toBe('subject: server');
    expect(lines[3]).toBe('role: server');
    expect(lines[4]).toBe(`issuer: ${CA_NAME}`);
    expect(lines[5]).toBe('not-before: 2026-11-26T16:00:00Z');
    expect(lines[6]).toBe('not-after: 2027-11-26T16:00:00Z');
    const spki = createPublicKey(serverKey.publicKey.toPem()).export({ type: 'spki', format: 'der' });
    expect(lines[7]).toBe(`public-key: ${spki.toString('base64')}`);
    expect(lines[8]).toBe(`signature: ${base64(certificate.signature)}`);
    expect(certificate.signature).toHaveLength(256);
    expect(Buffer.from(certificate.tbs).toString('utf8')).toBe(`${lines.slice(0, 8).join('\n')}\n`);
    expect(formatCertificateTime(new Date('2026-11-26T16:00:00.999Z'))).toBe('2026-11-26T16:00:00Z');
  });

  it('gives each certificate a fresh serial of 32 lowercase hex digits', () => {
    expect(newSerial()).toMatch(/^[0-9a-f]{32}$/);
    expect(newSerial()).not.toBe(newSerial());
    expect(issue({}).serial).not.toBe(server.serial);
  });

  it('parses back to identical bytes and fields', () => {
    const parsed = parseCertificate(server.bytes);
    expect(toHex(parsed.bytes)).toBe(toHex(server.bytes));
    expect(toHex(parsed.tbs)).toBe(toHex(server.tbs));
    expect(toHex(parsed.signature)).toBe(toHex(server.signature));
    expect([parsed.serial, parsed.subject, parsed.role, parsed.issuer]).toEqual([server.serial, 'server', 'server', CA_NAME]);
    expect(parsed.notBefore.getTime()).toBe(NOT_BEFORE.getTime());
    expect(parsed.notAfter.getTime()).toBe(NOT_AFTER.getTime());
    expect(parsed.publicKey.equals(serverKey.publicKey)).toBe(true);
  });

  it('refuses to issue a malformed serial or a name that would break the line format', () => {
    expect(() => issue({ serial: 'ABCDEF'.padEnd(32, '0') })).toThrow(TypeError);
    for (const subject of ['', ' server', 'server\nrole: ca', 'x'.repeat(129)]) {
      expect(() => issue({ subject }), JSON.stringify(subject)).toThrow(/"subject" expected 1 to 128 printable characters/);
    }
    expect(() => issue({ issuer: 'CA\r' })).toThrow(/"issuer" expected/);
  });
});

describe('verifyCertificate accepts', () => {
  it('a server certificate issued by the trusted CA, within its validity', () => {
    expect(verifyCertificate(server.bytes, options()).serial).toBe(server.serial);
    expect(verifyCertificate(server.bytes, options({ expectedSubject: undefined })).subject).toBe('server');
    const client = issue({ subject: 'alice', role: 'client' });
    expect(verifyCertificate(client.bytes, options({ expectedRole: 'client', expectedSubject: undefined })).subject).toBe('alice');
  });

  it('at the instants not-before and not-after themselves', () => {
    expect(verifyCertificate(server.bytes, options({ now: NOT_BEFORE.getTime() })).serial).toBe(server.serial);
    expect(verifyCertificate(server.bytes, options({ now: NOT_AFTER.getTime() })).serial).toBe(server.serial);
  });
});

describe('a certificate that does not parse: decode_error', () => {
  const replaced = (index: number, line: string) => (lines: string[]) => joined(lines.map((old, at) => (at === index ? line : old)));
  const cases: readonly { name: string; make: (lines: string[]) => Uint8Array; reason: RegExp }[] = [
    { name: 'a missing line', make: (lines) => joined(lines.filter((_, at) => at !== 3)), reason: /8 lines, expected 9/ },
    { name: 'lines out of order', make: (lines) => joined([...lines.slice(0, 2), ...lines.slice(3, 4), ...lines.slice(2, 3), ...lines.slice(4)]), reason: /line 3 is not "subject: …"/ },
    { name: 'an extra line', make: (lines) => joined([...lines.slice(0, 4), 'comment: hello', ...lines.slice(4)]), reason: /10 lines, expected 9/ },
    { name: 'CRLF line endings', make: (lines) => utf8(`${lines.join('\r\n')}\r\n`), reason: /the first line is not "tls-tui certificate v1"/ },
    { name: 'a CR before one newline', make: (lines) => joined(lines.map((line, at) => (at === 8 ? `${line}\r` : line))), reason: /signature is not canonical base64/ },
    { name: 'no newline after the last line', make: (lines) => utf8(lines.join('\n')), reason: /the last line does not end in a newline/ },
    { name: 'another first line', make: replaced(0, 'tls-tui certificate v2'), reason: /the first line is not "tls-tui certificate v1"/ },
    { name: 'bad base64 in public-key', make: (lines) => joined(lines.map((line, at) => (at === 7 ? `${line.slice(0, -4)}!!!!` : line))), reason: /public-key is not canonical base64/ },
    { name: 'unpadded base64 in signature', make: (lines) => joined(lines.map((line, at) => (at === 8 ? line.replace(/=+$/, '') : line))), reason: /signature is not canonical base64/ },
    { name: 'a time with milliseconds', make: replaced(5, 'not-before: 2026-11-26T16:00:00.000Z'), reason: /not-before "2026-11-26T16:00:00.000Z" is not a UTC time like 2026-11-26T16:00:00Z/ },
    { name: 'a time with an offset', make: replaced(6, 'not-after: 2027-11-26T17:00:00+01:00'), reason: /not-after "2027-11-26T17:00:00\+01:00" is not a UTC time/ },
    { name: 'a date that does not exist', make: replaced(5, 'not-before: 2026-02-30T16:00:00Z'), reason: /not-before "2026-02-30T16:00:00Z" is not a UTC time/ },
    { name: 'an uppercase serial', make: replaced(1, `serial: ${'AB'.repeat(16)}`), reason: /serial is not 32 lowercase hex digits/ },
    { name: 'an unknown role', make: replaced(3, 'role: admin'), reason: /role "admin" is not server, client or ca/ },
    { name: 'an empty subject', make: replaced(2, 'subject: '), reason: /subject is not a printable name/ },
    { name: 'a C1 control (CSI) in the subject', make: replaced(2, 'subject: server\u009b2J'), reason: /subject is not a printable name/ },
    { name: 'a right-to-left override in the issuer', make: replaced(4, 'issuer: \u202eAC omed'), reason: /issuer is not a printable name/ },
    {
      name: 'invalid UTF-8',
      make: (lines) => {
        const bytes = joined(lines);
        bytes[Buffer.byteLength(`${lines.slice(0, 2).join('\n')}\nsubject: `)] = 0xff;
        return bytes;
      },
      reason: /not valid UTF-8/,
    },
    {
      name: 'a 1024-bit key in public-key',
      make: (lines) => {
        const small = generateKeyPairSync('rsa', { modulusLength: 1024, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } });
        return replaced(7, `public-key: ${small.publicKey.toString('base64')}`)(lines);
      },
      reason: /1024-bit key .*expected 2048 bits/,
    },
  ];

  for (const { name, make, reason } of cases) {
    it(name, () => {
      const error = verifyFailure(make(linesOf(server)));
      expect(error.alert).toBe('decode_error');
      expect(error.message).toMatch(/^certificate does not parse: /);
      expect(error.message).toMatch(reason);
    });
  }

  it('refuses more than 8 KiB for its size, but not exactly 8 KiB', () => {
    const padded = (length: number) => utf8(Buffer.from(server.bytes).toString('utf8').padEnd(length, '\n'));
    expect(verifyFailure(padded(8193)).message).toMatch(/8193 bytes, more than the 8192-byte limit/);
    const atLimit = verifyFailure(padded(8192));
    expect(atLimit.alert).toBe('decode_error');
    expect(atLimit.message).not.toMatch(/limit/);
  });
});

describe('a certificate that does not verify', () => {
  it('from another CA: unknown_ca, naming both CAs', () => {
    const forged = issue({ issuer: 'Mallory Root CA' }, malloryKey);
    const error = verifyFailure(forged.bytes);
    expect(error.alert).toBe('unknown_ca');
    expect(error.message).toBe(`certificate signed by "Mallory Root CA", not by the trusted "${CA_NAME}"`);
  });

  it('with its public key swapped: bad_certificate', () => {
    const error = verifyFailure(withSwappedPublicKey(server, otherKey.publicKey).bytes);
    expect(error.alert).toBe('bad_certificate');
    expect(error.message).toMatch(new RegExp(`signature does not verify under the public key of "${CA_NAME}"`));
  });

  it('with a flipped byte in the subject: bad_certificate', () => {
    const bytes = server.bytes.slice();
    const at = Buffer.from(bytes).indexOf('subject: server') + 'subject: '.length;
    bytes[at] = (bytes[at] ?? 0) ^ 0x01;
    expect(Buffer.from(bytes).toString('utf8')).toContain('subject: rerver\n');
    const error = verifyFailure(bytes, { expectedSubject: undefined });
    expect(error.alert).toBe('bad_certificate');
    expect(error.message).toMatch(/signature does not verify/);
  });

  it('naming the trusted CA but signed by another key: bad_certificate', () => {
    const error = verifyFailure(issue({}, malloryKey).bytes);
    expect(error.alert).toBe('bad_certificate');
    expect(error.message).toMatch(/signature does not verify/);
  });

  it('before not-before: certificate_expired', () => {
    const error = verifyFailure(server.bytes, { now: NOT_BEFORE.getTime() - 1 });
    expect(error.alert).toBe('certificate_expired');
    expect(error.message).toBe('certificate not valid until 2026-11-26T16:00:00Z');
  });

  it('after not-after: certificate_expired', () => {
    const error = verifyFailure(server.bytes, { now: NOT_AFTER.getTime() + 1 });
    expect(error.alert).toBe('certificate_expired');
    expect(error.message).toBe('certificate expired at 2027-11-26T16:00:00Z');
  });

  it('for the wrong role: bad_certificate', () => {
    const asClient = verifyFailure(server.bytes, { expectedRole: 'client', expectedSubject: undefined });
    expect(asClient.alert).toBe('bad_certificate');
    expect(asClient.message).toBe('certificate is for a server, expected a client');
    const caAsServer = verifyFailure(ca.bytes, { expectedSubject: undefined });
    expect(caAsServer.alert).toBe('bad_certificate');
    expect(caAsServer.message).toBe('certificate is for a ca, expected a server');
  });

  it('for the wrong subject: bad_certificate', () => {
    const error = verifyFailure(server.bytes, { expectedSubject: 'files.example' });
    expect(error.alert).toBe('bad_certificate');
    expect(error.message).toBe('certificate is for "server", expected "files.example"');
  });
});

describe('the order of the checks', () => {
  const expired = { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') };

  it('a malformed certificate from an unknown CA reports decode_error', () => {
    const lines = linesOf(issue({ issuer: 'Mallory Root CA' }, malloryKey));
    expect(verifyFailure(utf8(lines.join('\n'))).alert).toBe('decode_error');
  });

  it('an expired certificate from an unknown CA reports unknown_ca', () => {
    expect(verifyFailure(issue({ ...expired, issuer: 'Mallory Root CA' }, malloryKey).bytes).alert).toBe('unknown_ca');
  });

  it('an expired, badly signed certificate reports bad_certificate', () => {
    const error = verifyFailure(withSwappedPublicKey(issue(expired), otherKey.publicKey).bytes);
    expect(error.alert).toBe('bad_certificate');
    expect(error.message).toMatch(/signature does not verify/);
  });

  it('an expired certificate for the wrong role reports certificate_expired', () => {
    expect(verifyFailure(server.bytes, { now: AFTER, expectedRole: 'client' }).alert).toBe('certificate_expired');
  });
});

describe('outside tools', () => {
  // The recipe for checking a certificate by hand: the to-be-signed part is the first
  // eight lines, the signature the base64 on the ninth.
  const recipe =
    'head -n 8 "$CERT" > tbs && sed -n "s/^signature: //p" "$CERT" | base64 -d > sig && ' +
    'openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sigopt rsa_mgf1_md:sha256 -verify ca.pub -signature sig tbs';

  async function runRecipe(bytes: Uint8Array): Promise<{ status: number; stdout: string }> {
    const dir = await mkdtemp(join(tempDir, 'recipe-'));
    await writeFile(join(dir, 'ca.pub'), ca.publicKey.toPem());
    await writeFile(join(dir, 'peer.cert'), bytes);
    try {
      const stdout = execFileSync('sh', ['-c', recipe], { cwd: dir, encoding: 'utf8', env: { ...process.env, CERT: 'peer.cert' }, stdio: 'pipe' });
      return { status: 0, stdout };
    } catch (error) {
      const failed = error as { status: number; stdout: string };
      return { status: failed.status, stdout: failed.stdout };
    }
  }

  it('openssl verifies the signature with the CA public key', async () => {
    const result = await runRecipe(server.bytes);
    expect(result.stdout.trim()).toBe('Verified OK');
    expect(result.status).toBe(0);
  });

  it('openssl refuses a tampered certificate', async () => {
    const tampered = utf8(Buffer.from(server.bytes).toString('utf8').replace('role: server', 'role: client'));
    const result = await runRecipe(tampered);
    expect(result.stdout).toMatch(/Verification failure/);
    expect(result.status).not.toBe(0);
  });

  it('the fingerprint is SHA-256 of the bytes as 32 colon-separated uppercase hex bytes', () => {
    const fingerprint = certificateFingerprint(server);
    expect(fingerprint).toMatch(/^[0-9A-F]{2}(?::[0-9A-F]{2}){31}$/);
    expect(fingerprint.replaceAll(':', '').toLowerCase()).toBe(createHash('sha256').update(server.bytes).digest('hex'));
    expect(certificateFingerprint(ca)).not.toBe(fingerprint);
  });
});

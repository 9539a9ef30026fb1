/**
 * A small demo PKI for tests, made once per test file: the CA, server and client
 * identities, plus a few of the attacker's, issued with the project's own code.
 */
import { type Certificate, issueCertificate, newSerial } from '../../source/crypto/certificate.js';
import { RsaPrivateKey } from '../../source/crypto/rsa.js';

export interface TestIdentity {
  readonly key: RsaPrivateKey;
  readonly certificate: Certificate;
}

export interface TestPki {
  readonly ca: TestIdentity;
  readonly server: TestIdentity;
  readonly client: TestIdentity;
  readonly rogueCa: TestIdentity;
  /** A key no certificate of the demo CA names. */
  readonly stranger: RsaPrivateKey;
}

export const NOW = Date.parse('2026-11-26T16:00:00Z');
const DAY = 24 * 3600 * 1000;

export function issue(
  key: RsaPrivateKey,
  fields: { subject: string; role: 'server' | 'client' | 'ca'; issuer: TestIdentity | 'self'; from?: number; to?: number },
): Certificate {
  const issuerKey = fields.issuer === 'self' ? key : fields.issuer.key;
  const issuerName = fields.issuer === 'self' ? fields.subject : fields.issuer.certificate.subject;
  return issueCertificate(
    {
      serial: newSerial(),
      subject: fields.subject,
      role: fields.role,
      issuer: issuerName,
      notBefore: new Date(fields.from ?? NOW - DAY),
      notAfter: new Date(fields.to ?? NOW + 365 * DAY),
      publicKey: key.publicKey,
    },
    issuerKey,
  );
}

let pki: Promise<TestPki> | undefined;

export function testPki(): Promise<TestPki> {
  pki ??= (async () => {
    const [caKey, serverKey, clientKey, rogueKey, stranger] = await Promise.all([1, 2, 3, 4, 5].map(() => RsaPrivateKey.generate()));
    const ca = { key: caKey!, certificate: issue(caKey!, { subject: 'tls-tui Demo CA', role: 'ca', issuer: 'self' }) };
    const rogueCa = { key: rogueKey!, certificate: issue(rogueKey!, { subject: 'Mallory Root CA', role: 'ca', issuer: 'self' }) };
    return {
      ca,
      rogueCa,
      server: { key: serverKey!, certificate: issue(serverKey!, { subject: 'server', role: 'server', issuer: ca }) },
      client: { key: clientKey!, certificate: issue(clientKey!, { subject: 'client', role: 'client', issuer: ca }) },
      stranger: stranger!,
    };
  })();
  return pki;
}

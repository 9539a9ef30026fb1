/**
 * What `tls-tui keys` shows: one entry per certificate in the keystore, saying
 * whose it is, what the attacker uses it for, who signed it, when it is valid,
 * which files hold it and its fingerprint (to compare the copies on two machines),
 * and a plain-text rendering of those entries. A copy made for a peer's machine
 * shows what it holds, and names what it leaves out by design.
 */
import { type Certificate, type CertificateRole, certificateFingerprint, formatCertificateTime } from '../crypto/certificate.js';
import type { Keystore } from './keystore.js';
import { PEER_IDENTITIES, type PeerIdentity } from './layout.js';

export interface KeystoreEntry {
  /** ca, server, client, rogue-ca, rogue-ca-server, self-signed, expired or wrong-name. */
  readonly identity: string;
  /** What the certificate is for, in a few words. */
  readonly description: string;
  readonly subject: string;
  readonly role: CertificateRole;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The private key, public key and certificate files behind this certificate. */
  readonly files: readonly string[];
  /** SHA-256 of the certificate bytes, colon-separated uppercase hex (95 characters). */
  readonly fingerprint: string;
}

function entry(identity: string, description: string, certificate: Certificate, files: readonly string[]): KeystoreEntry {
  const { subject, role, issuer, notBefore, notAfter } = certificate;
  return { identity, description, subject, role, issuer, notBefore, notAfter, files, fingerprint: certificateFingerprint(certificate) };
}

/** The keystore's certificates: ca, server, client, then the attacker's, each only where this copy holds it. */
export function describeKeystore(keystore: Keystore): KeystoreEntry[] {
  const { ca, server, client, attacker } = keystore;
  // Thunks: a copy for a peer's machine has stand-ins for the identities it leaves out, which refuse to be read.
  const peers: Readonly<Record<PeerIdentity, () => KeystoreEntry[]>> = {
    server: () => [entry('server', "the server's identity", server.certificate, [server.files.key, server.files.pub, server.files.cert])],
    client: () => [entry('client', "the client's identity", client.certificate, [client.files.key, client.files.pub, client.files.cert])],
    attacker: () => {
      const attackerKey = [attacker.files.key, attacker.files.pub];
      return [
        entry('rogue-ca', "the attacker's own CA, trusted by no one", attacker.rogueCa.certificate, [attacker.files.rogueCaKey, attacker.files.rogueCaPub, attacker.files.rogueCaCert]),
        entry('rogue-ca-server', 'attack rogue-ca: a server certificate from the attacker\'s CA', attacker.rogueCaServer, [...attackerKey, attacker.files.rogueCaServer]),
        entry('self-signed', 'attack self-signed: a server certificate signed by its own key', attacker.selfSigned, [...attackerKey, attacker.files.selfSigned]),
        entry('expired', 'attack expired: a demo-CA server certificate whose validity has ended', attacker.expired, [...attackerKey, attacker.files.expired]),
        entry('wrong-name', 'attack wrong-name: a demo-CA certificate for another subject', attacker.wrongName, [...attackerKey, attacker.files.wrongName]),
      ];
    },
  };
  const caFiles = ca.key === undefined ? [ca.files.pub, ca.files.cert] : [ca.files.key, ca.files.pub, ca.files.cert];
  return [
    entry('ca', 'the demo CA, the trust anchor both peers load', ca.certificate, caFiles),
    ...PEER_IDENTITIES.filter((name) => !keystore.notHere.includes(name)).flatMap((name) => peers[name]()),
  ];
}

/** Something a copy for a peer's machine does not hold, and why that is so. */
export interface KeystoreAbsence {
  /** ca (its private key), server, client or attacker. */
  readonly identity: 'ca' | PeerIdentity;
  /** The private key that is not here. */
  readonly file: string;
  readonly note: string;
}

/** What this keystore leaves out: nothing where the CA's key is. */
export function keystoreAbsences(keystore: Keystore): KeystoreAbsence[] {
  const { ca, notHere } = keystore;
  if (ca.key !== undefined) return [];
  const caKey: KeystoreAbsence = {
    identity: 'ca',
    file: ca.files.key,
    note: "the demo CA's private key: by design, as a copy for a peer's machine leaves it on the machine that holds the CA, where certificates are made",
  };
  return [caKey, ...notHere.map((name) => ({ identity: name, file: keystore[name].files.key, note: `the ${name}'s identity, which this copy was not made for` }))];
}

export type Validity = 'valid' | 'expired' | 'not yet valid';

/** Where `now` falls in a certificate's validity period, judged as verification judges it. */
export function validityAt(period: { readonly notBefore: Date; readonly notAfter: Date }, now: Date): Validity {
  if (now.getTime() > period.notAfter.getTime()) return 'expired';
  if (now.getTime() < period.notBefore.getTime()) return 'not yet valid';
  return 'valid';
}

function validityStatus(entry: KeystoreEntry, now: Date): string {
  const validity = validityAt(entry, now);
  return validity === 'valid' ? validity : validity.toUpperCase();
}

const LABEL_WIDTH = 'fingerprint'.length + 2;

function field(label: string, values: readonly string[]): string[] {
  return values.map((value, index) => `  ${(index === 0 ? label : '').padEnd(LABEL_WIDTH)}${value}`);
}

/** Plain text, one block per entry, with validity judged at `now`. */
export function formatKeystore(entries: readonly KeystoreEntry[], now: Date): string {
  const blocks = entries.map((entry) => [
    `${entry.identity}: ${entry.description}`,
    ...field('subject', [entry.subject]),
    ...field('role', [entry.role]),
    ...field('issuer', [entry.issuer === entry.subject ? `${entry.issuer} (self-signed)` : entry.issuer]),
    ...field('valid', [`${formatCertificateTime(entry.notBefore)} → ${formatCertificateTime(entry.notAfter)}  ${validityStatus(entry, now)}`]),
    ...field('files', entry.files),
    ...field('fingerprint', [entry.fingerprint]),
  ].join('\n'));
  return `${blocks.join('\n\n')}\n`;
}

/**
 * Certificates (PROTOCOL.md section 3): a small signed text document binding a
 * subject, a role and a validity period to an RSA public key. This module issues,
 * serialises, parses and verifies them, with the verification checks in the order
 * the protocol fixes, each failing with its own alert and a reason for people.
 */
import type { AlertName } from '../protocol/alerts.js';
import { isPrintable } from '../protocol/printable.js';
import { concatBytes, toHex, utf8 } from './bytes.js';
import { randomBytes, sha256 } from './hash.js';
import { type RsaPrivateKey, RsaKeyError, RsaPublicKey } from './rsa.js';

export type CertificateRole = 'server' | 'client' | 'ca';

/** The most bytes a certificate may have (PROTOCOL.md section 7). */
export const MAX_CERTIFICATE_BYTES = 8 * 1024;

const FIRST_LINE = 'tls-tui certificate v1';
const FIELD_ORDER = ['serial', 'subject', 'role', 'issuer', 'not-before', 'not-after', 'public-key', 'signature'] as const;
const ROLES: readonly string[] = ['server', 'client', 'ca'];

export interface CertificateFields {
  readonly serial: string;
  readonly subject: string;
  readonly role: CertificateRole;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: RsaPublicKey;
}

export interface Certificate extends CertificateFields {
  readonly signature: Uint8Array;
  /** The exact to-be-signed bytes: every line but the signature. */
  readonly tbs: Uint8Array;
  /** The whole certificate as it travels and as it lies in keystore/. */
  readonly bytes: Uint8Array;
}

/** A certificate that does not parse or does not verify, with the alert that says so. */
export class CertificateError extends Error {
  override readonly name = 'CertificateError';
  readonly alert: AlertName;

  constructor(alert: AlertName, reason: string) {
    super(reason);
    this.alert = alert;
  }
}

/** ISO 8601 UTC at seconds precision: 2026-11-26T16:00:00Z. */
export function formatCertificateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

export function newSerial(): string {
  return toHex(randomBytes(16));
}

function toBeSigned(fields: CertificateFields): string {
  return [
    FIRST_LINE,
    `serial: ${fields.serial}`,
    `subject: ${fields.subject}`,
    `role: ${fields.role}`,
    `issuer: ${fields.issuer}`,
    `not-before: ${formatCertificateTime(fields.notBefore)}`,
    `not-after: ${formatCertificateTime(fields.notAfter)}`,
    `public-key: ${Buffer.from(fields.publicKey.toSpkiDer()).toString('base64')}`,
    '',
  ].join('\n');
}

/** Signs `fields` with the issuer's private key. `fields.issuer` names that issuer. */
export function issueCertificate(fields: CertificateFields, issuerKey: RsaPrivateKey): Certificate {
  checkName('subject', fields.subject);
  checkName('issuer', fields.issuer);
  if (!/^[0-9a-f]{32}$/.test(fields.serial)) throw new TypeError(`"serial" expected 32 lowercase hex digits, got "${fields.serial}"`);
  // The text carries whole seconds, so the object must too, or it would not match its own bytes.
  const exact = { ...fields, notBefore: wholeSeconds(fields.notBefore), notAfter: wholeSeconds(fields.notAfter) };
  const tbs = utf8(toBeSigned(exact));
  const signature = issuerKey.sign(tbs);
  const bytes = concatBytes(tbs, utf8(`signature: ${Buffer.from(signature).toString('base64')}\n`));
  return Object.freeze({ ...exact, signature, tbs, bytes });
}

/**
 * Issues a certificate whose public key is swapped for another, keeping every
 * other byte (and so the issuer's signature) as it was: what a forger does.
 */
export function withSwappedPublicKey(certificate: Certificate, publicKey: RsaPublicKey): Certificate {
  const tbs = utf8(toBeSigned({ ...certificate, publicKey }));
  const bytes = concatBytes(tbs, utf8(`signature: ${Buffer.from(certificate.signature).toString('base64')}\n`));
  return Object.freeze({ ...certificate, publicKey, tbs, bytes });
}

function checkName(field: string, name: string): void {
  if (!isWellFormedName(name)) throw new TypeError(`"${field}" expected 1 to 128 printable characters without surrounding spaces, got ${JSON.stringify(name)}`);
}

function isWellFormedName(name: string): boolean {
  return name.length >= 1 && name.length <= 128 && name.trim() === name && isPrintable(name);
}

function malformed(reason: string): CertificateError {
  return new CertificateError('decode_error', `certificate does not parse: ${reason}`);
}

function parseTime(field: string, value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value) || Number.isNaN(date.getTime()) || formatCertificateTime(date) !== value) {
    throw malformed(`${field} "${value}" is not a UTC time like 2026-11-26T16:00:00Z`);
  }
  return date;
}

function parseBase64(field: string, value: string): Uint8Array {
  const bytes = Buffer.from(value, 'base64');
  if (value.length === 0 || bytes.toString('base64') !== value) throw malformed(`${field} is not canonical base64`);
  return new Uint8Array(bytes);
}

/** Parses a certificate's bytes. Every line must be present, in order, and well formed. */
export function parseCertificate(bytes: Uint8Array): Certificate {
  if (bytes.length > MAX_CERTIFICATE_BYTES) throw malformed(`${bytes.length} bytes, more than the ${MAX_CERTIFICATE_BYTES}-byte limit`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw malformed('not valid UTF-8');
  }
  if (!text.endsWith('\n')) throw malformed('the last line does not end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== FIRST_LINE) throw malformed(`the first line is not "${FIRST_LINE}"`);
  if (lines.length !== FIELD_ORDER.length + 1) throw malformed(`${lines.length} lines, expected ${FIELD_ORDER.length + 1}`);

  const values = new Map<string, string>();
  FIELD_ORDER.forEach((field, index) => {
    const line = lines[index + 1] ?? '';
    const prefix = `${field}: `;
    if (!line.startsWith(prefix)) throw malformed(`line ${index + 2} is not "${field}: …"`);
    values.set(field, line.slice(prefix.length));
  });
  const value = (field: (typeof FIELD_ORDER)[number]): string => values.get(field) ?? '';

  const serial = value('serial');
  if (!/^[0-9a-f]{32}$/.test(serial)) throw malformed('serial is not 32 lowercase hex digits');
  const subject = value('subject');
  const issuer = value('issuer');
  if (!isWellFormedName(subject)) throw malformed('subject is not a printable name of 1 to 128 characters');
  if (!isWellFormedName(issuer)) throw malformed('issuer is not a printable name of 1 to 128 characters');
  const role = value('role');
  if (!ROLES.includes(role)) throw malformed(`role "${role}" is not server, client or ca`);
  const notBefore = parseTime('not-before', value('not-before'));
  const notAfter = parseTime('not-after', value('not-after'));
  let publicKey: RsaPublicKey;
  try {
    publicKey = RsaPublicKey.fromSpkiDer(parseBase64('public-key', value('public-key')));
  } catch (error) {
    if (error instanceof CertificateError) throw error;
    throw malformed(error instanceof RsaKeyError ? error.message : 'public-key is not an RSA SubjectPublicKeyInfo');
  }
  const signature = parseBase64('signature', value('signature'));
  const signatureLineStart = text.lastIndexOf('\nsignature: ') + 1;
  const tbs = bytes.slice(0, Buffer.byteLength(text.slice(0, signatureLineStart)));

  return Object.freeze({
    serial, subject, role: role as CertificateRole, issuer, notBefore, notAfter, publicKey, signature, tbs, bytes: bytes.slice(),
  });
}

export interface VerifyOptions {
  /** The trust anchor: the demo CA's own certificate. */
  readonly trustedCa: Certificate;
  /** Milliseconds since the epoch; the protocol core is handed the time. */
  readonly now: number;
  readonly expectedRole: 'server' | 'client';
  /** On the client, the server name it expects (`server` unless the user names another). */
  readonly expectedSubject?: string;
}

/**
 * Parses and verifies a peer's certificate, checking in the order PROTOCOL.md fixes
 * and stopping at the first failure: parse, issuer, signature, validity, role and name.
 */
export function verifyCertificate(bytes: Uint8Array, options: VerifyOptions): Certificate {
  const certificate = parseCertificate(bytes);
  const { trustedCa, now } = options;
  if (certificate.issuer !== trustedCa.subject) {
    throw new CertificateError('unknown_ca', `certificate signed by "${certificate.issuer}", not by the trusted "${trustedCa.subject}"`);
  }
  if (!trustedCa.publicKey.verify(certificate.tbs, certificate.signature)) {
    // Every keystore's CA has the same name: two machines with keystores made apart meet here too.
    throw new CertificateError(
      'bad_certificate',
      `the signature does not verify under the public key of "${trustedCa.subject}": the certificate was altered or forged, or the two sides have different keystores (compare the CA fingerprints that tls-tui keys shows on each)`,
    );
  }
  if (now < certificate.notBefore.getTime()) {
    throw new CertificateError('certificate_expired', `certificate not valid until ${formatCertificateTime(certificate.notBefore)}`);
  }
  if (now > certificate.notAfter.getTime()) {
    throw new CertificateError('certificate_expired', `certificate expired at ${formatCertificateTime(certificate.notAfter)}`);
  }
  if (certificate.role !== options.expectedRole) {
    throw new CertificateError('bad_certificate', `certificate is for a ${certificate.role}, expected a ${options.expectedRole}`);
  }
  if (options.expectedSubject !== undefined && certificate.subject !== options.expectedSubject) {
    throw new CertificateError('bad_certificate', `certificate is for "${certificate.subject}", expected "${options.expectedSubject}"`);
  }
  return certificate;
}

/** SHA-256 of the certificate bytes, as colon-separated uppercase hex. */
export function certificateFingerprint(certificate: Certificate): string {
  return toHex(sha256(certificate.bytes)).toUpperCase().match(/../g)!.join(':');
}

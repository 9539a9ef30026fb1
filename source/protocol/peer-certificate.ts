/**
 * A peer's certificate as the state machines meet it: a certificate that does
 * not parse or verify is the peer's fault, so its check's alert becomes a
 * `RemoteProtocolError`; one that verifies is summed up for the checklist.
 */
import { type Certificate, CertificateError, formatCertificateTime, parseCertificate, verifyCertificate, type VerifyOptions } from '../crypto/certificate.js';
import { RemoteProtocolError } from './alerts.js';

function asRemote<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof CertificateError) throw new RemoteProtocolError(error.alert, error.message);
    throw error;
  }
}

export function verifyPeerCertificate(bytes: Uint8Array, options: VerifyOptions): Certificate {
  return asRemote(() => verifyCertificate(bytes, options));
}

/** Parses without verifying, for a client told not to verify. */
export function parsePeerCertificate(bytes: Uint8Array): Certificate {
  return asRemote(() => parseCertificate(bytes));
}

export function verifiedDetail(certificate: Certificate): string {
  return `CA signature valid, subject ${certificate.subject}, expires ${formatCertificateTime(certificate.notAfter).slice(0, 10)}`;
}

/**
 * Settling one keystore file: reading it when it is there, creating it when it is
 * missing, and in both cases checking what ends up on disk against the files it
 * depends on. A settled file is always the one read back from disk, never the copy
 * this process just made, so processes that start at once on an empty folder all
 * end up using whichever copy was linked first. Anything present but wrong is a
 * `KeystoreError`; nothing present is ever replaced.
 */
import { lstat, readFile } from 'node:fs/promises';
import { type Certificate, type CertificateRole, issueCertificate, newSerial, parseCertificate } from '../crypto/certificate.js';
import { RsaPrivateKey, RsaPublicKey } from '../crypto/rsa.js';
import { createFileAtomically } from './atomic-write.js';
import { KeystoreError } from './keystore-error.js';

const PRIVATE_MODE = 0o600;
const PUBLIC_MODE = 0o644;
const SELF_TEST_MESSAGE = new TextEncoder().encode('tls-tui keystore self-test');

/** A private key together with the file it came from, for messages that name it. */
export interface SettledKey {
  readonly key: RsaPrivateKey;
  readonly path: string;
}

export interface CertificatePlan {
  readonly path: string;
  readonly subject: string;
  readonly role: CertificateRole;
  readonly subjectKey: SettledKey;
  readonly issuer: { readonly name: string; readonly key: SettledKey };
  readonly notBefore: Date;
  readonly notAfter: Date;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The file's bytes, or undefined when there is no file. */
async function readIfPresent(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    if (errorCode(error) === 'EISDIR') throw new KeystoreError(path, 'is a folder, not a file');
    throw new KeystoreError(path, `cannot be read (${reasonOf(error)})`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    return true;
  }
}

export class Settler {
  readonly #created: string[] = [];

  /** The files this settler created, in the order it created them. */
  get created(): readonly string[] {
    return this.#created;
  }

  async #create(path: string, data: string | Uint8Array, mode: number): Promise<Buffer> {
    if ((await createFileAtomically(path, data, mode)) === 'created') this.#created.push(path);
    const written = await readIfPresent(path);
    if (written === undefined) throw new KeystoreError(path, 'disappeared right after it was written');
    return written;
  }

  /**
   * A private key, generated when missing. `madeFrom` lists the files derived from
   * or signed by this key: a key missing while one of them exists is an error, as
   * a new key would no longer match them. They are looked at before the key, because
   * whoever writes them writes the key first; a key that appears in between is read.
   */
  async key(path: string, madeFrom: readonly string[]): Promise<SettledKey> {
    const present = await Promise.all(madeFrom.map(exists));
    const orphans = madeFrom.filter((_, index) => present[index]);
    let pem = await readIfPresent(path);
    if (pem === undefined) {
      if (orphans.length > 0) {
        throw new KeystoreError(path, `is missing, but ${orphans.join(', ')} ${orphans.length === 1 ? 'was' : 'were'} made from it and would not match a new key`);
      }
      pem = await this.#create(path, (await RsaPrivateKey.generate()).toPem(), PRIVATE_MODE);
    }
    let key: RsaPrivateKey;
    try {
      key = RsaPrivateKey.fromPem(pem.toString('utf8'));
    } catch (error) {
      throw new KeystoreError(path, `is not a usable private key: ${reasonOf(error)}`);
    }
    if (!selfTest(key)) throw new KeystoreError(path, 'is damaged: a signature made with this private key does not verify under its own public key');
    return { key, path };
  }

  /** The public key file of a settled private key, derived from it when missing. */
  async publicKey(path: string, privateKey: SettledKey): Promise<RsaPublicKey> {
    const pem = (await readIfPresent(path)) ?? (await this.#create(path, privateKey.key.publicKey.toPem(), PUBLIC_MODE));
    let publicKey: RsaPublicKey;
    try {
      publicKey = RsaPublicKey.fromPem(pem.toString('utf8'));
    } catch (error) {
      throw new KeystoreError(path, `is not a usable public key: ${reasonOf(error)}`);
    }
    if (!publicKey.equals(privateKey.key.publicKey)) {
      throw new KeystoreError(path, `holds a public key that does not match the private key in ${privateKey.path}`);
    }
    return publicKey;
  }

  /** A certificate, issued from the settled subject and issuer keys when missing. */
  async certificate(plan: CertificatePlan): Promise<Certificate> {
    const { path, subject, role, subjectKey, issuer } = plan;
    let bytes = await readIfPresent(path);
    if (bytes === undefined) {
      const fresh = issueCertificate(
        { serial: newSerial(), subject, role, issuer: issuer.name, notBefore: plan.notBefore, notAfter: plan.notAfter, publicKey: subjectKey.key.publicKey },
        issuer.key.key,
      );
      bytes = await this.#create(path, fresh.bytes, PUBLIC_MODE);
    }
    let certificate: Certificate;
    try {
      certificate = parseCertificate(new Uint8Array(bytes));
    } catch (error) {
      throw new KeystoreError(path, `is not a usable certificate: ${reasonOf(error)}`);
    }
    if (certificate.issuer !== issuer.name) {
      throw new KeystoreError(path, `is issued by "${certificate.issuer}", expected "${issuer.name}"`);
    }
    if (!issuer.key.key.publicKey.verify(certificate.tbs, certificate.signature)) {
      throw new KeystoreError(path, `is not signed by the key of "${issuer.name}" in ${issuer.key.path}`);
    }
    if (certificate.subject !== subject || certificate.role !== role) {
      throw new KeystoreError(path, `is for ${certificate.role} "${certificate.subject}", expected ${role} "${subject}"`);
    }
    if (!certificate.publicKey.equals(subjectKey.key.publicKey)) {
      throw new KeystoreError(path, `holds a public key that does not match the private key in ${subjectKey.path}`);
    }
    return certificate;
  }
}

/** Catches a private key whose numbers were altered but still parse. */
function selfTest(key: RsaPrivateKey): boolean {
  try {
    return key.publicKey.verify(SELF_TEST_MESSAGE, key.sign(SELF_TEST_MESSAGE));
  } catch {
    return false;
  }
}

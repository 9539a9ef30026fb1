/**
 * Settling one keystore file: reading it when it is there, creating it when it is
 * missing, and in both cases checking what ends up on disk against the files it
 * depends on. A settled file is always the one read back from disk, never the copy
 * this process just made, so processes that start at once on an empty folder all
 * end up using whichever copy was linked first. Anything present but wrong is a
 * `KeystoreError` that says which files to remove for `tls-tui keys` to make them
 * again; nothing present is ever replaced.
 */
import { lstat, readFile } from 'node:fs/promises';
import { type Certificate, type CertificateRole, issueCertificate, newSerial, parseCertificate } from '../crypto/certificate.js';
import { RsaPrivateKey, RsaPublicKey } from '../crypto/rsa.js';
import { createFileAtomically } from './atomic-write.js';
import { KeystoreError } from './keystore-error.js';
import { newCaAdvice, remakeAdvice } from './repair-advice.js';

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

/** The file's bytes, or undefined when there is no file; `remedy` is what a refusal advises. */
async function readIfPresent(path: string, remedy: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    if (errorCode(error) === 'EISDIR') throw new KeystoreError(path, 'is a folder, not a file', remedy);
    throw new KeystoreError(path, `cannot be read (${reasonOf(error)})`, remedy);
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

/**
 * Whether a file made from a key agrees with it; undefined when the file is absent,
 * unreadable or does not parse, which settling that file reports on its own.
 */
async function agreement(path: string, agrees: (bytes: Buffer) => boolean): Promise<boolean | undefined> {
  try {
    return agrees(await readFile(path));
  } catch {
    return undefined;
  }
}

export class Settler {
  /** The keystore folder, for the command a refusal advises. */
  readonly #dir: string;
  readonly #created: string[] = [];

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** The files this settler created, in the order it created them. */
  get created(): readonly string[] {
    return this.#created;
  }

  async #create(path: string, data: string | Uint8Array, mode: number, remedy: string): Promise<Buffer> {
    if ((await createFileAtomically(path, data, mode)) === 'created') this.#created.push(path);
    const written = await readIfPresent(path, remedy);
    if (written === undefined) throw new KeystoreError(path, 'disappeared right after it was written', remedy);
    return written;
  }

  /**
   * A private key, generated when missing. `madeFrom` lists the files derived from
   * or signed by this key: a key missing while one of them exists is an error, as
   * a new key would no longer match them. They are looked at before the key, because
   * whoever writes them writes the key first; a key that appears in between is read.
   */
  key(path: string, madeFrom: readonly string[]): Promise<SettledKey> {
    return this.#key(path, madeFrom, (files) => remakeAdvice(this.#dir, files, 'make a new key and make them again from it'));
  }

  /**
   * The demo CA's key, from which `pub` is derived and with which `signed` were
   * signed. Every copy of the keystore trusts what it signed, so the advice is to
   * restore it or to start a new keystore. When another key has taken its place,
   * the files made from it all disagree with it, and the key is refused: refusing
   * them one at a time would lead the person, a file at a time, to a new CA that
   * no other copy of the keystore trusts.
   */
  async anchorKey(path: string, pub: string, signed: readonly string[]): Promise<SettledKey> {
    const advice = () => newCaAdvice(this.#dir, path);
    const settled = await this.#key(path, [pub, ...signed], advice);
    const { publicKey } = settled.key;
    const verdicts = await Promise.all([
      agreement(pub, (bytes) => RsaPublicKey.fromPem(bytes.toString('utf8')).equals(publicKey)),
      ...signed.map((file) =>
        agreement(file, (bytes) => {
          const certificate = parseCertificate(new Uint8Array(bytes));
          return publicKey.verify(certificate.tbs, certificate.signature);
        }),
      ),
    ]);
    const disagreeing = [pub, ...signed].filter((_, index) => verdicts[index] === false);
    if (disagreeing.length > 0 && !verdicts.includes(true)) {
      throw new KeystoreError(path, `is not the key the rest of this keystore was made with: ${disagreeing.join(', ')} ${disagreeing.length === 1 ? 'does' : 'do'} not match it`, advice());
    }
    return settled;
  }

  async #key(path: string, madeFrom: readonly string[], advice: (toRemove: readonly string[]) => string): Promise<SettledKey> {
    const present = await Promise.all(madeFrom.map(exists));
    const orphans = madeFrom.filter((_, index) => present[index]);
    const remedy = advice([path, ...madeFrom]);
    let pem = await readIfPresent(path, remedy);
    if (pem === undefined) {
      if (orphans.length > 0) {
        const problem = `is missing, but ${orphans.join(', ')} ${orphans.length === 1 ? 'was' : 'were'} made from it and would not match a new key`;
        throw new KeystoreError(path, problem, advice(orphans));
      }
      pem = await this.#create(path, (await RsaPrivateKey.generate()).toPem(), PRIVATE_MODE, remedy);
    }
    let key: RsaPrivateKey;
    try {
      key = RsaPrivateKey.fromPem(pem.toString('utf8'));
    } catch (error) {
      throw new KeystoreError(path, `is not a usable private key: ${reasonOf(error)}`, remedy);
    }
    if (!selfTest(key)) throw new KeystoreError(path, 'is damaged: a signature made with this private key does not verify under its own public key', remedy);
    return { key, path };
  }

  /** The public key file of a settled private key, derived from it when missing. */
  async publicKey(path: string, privateKey: SettledKey): Promise<RsaPublicKey> {
    const remedy = remakeAdvice(this.#dir, [path], `derive it again from ${privateKey.path}`);
    const pem = (await readIfPresent(path, remedy)) ?? (await this.#create(path, privateKey.key.publicKey.toPem(), PUBLIC_MODE, remedy));
    let publicKey: RsaPublicKey;
    try {
      publicKey = RsaPublicKey.fromPem(pem.toString('utf8'));
    } catch (error) {
      throw new KeystoreError(path, `is not a usable public key: ${reasonOf(error)}`, remedy);
    }
    if (!publicKey.equals(privateKey.key.publicKey)) {
      throw new KeystoreError(path, `holds a public key that does not match the private key in ${privateKey.path}`, remedy);
    }
    return publicKey;
  }

  /** A certificate, issued from the settled subject and issuer keys when missing. */
  async certificate(plan: CertificatePlan): Promise<Certificate> {
    const { path, subject, role, subjectKey, issuer } = plan;
    const remedy = remakeAdvice(this.#dir, [path], `issue it again with the key in ${issuer.key.path}`);
    let bytes = await readIfPresent(path, remedy);
    if (bytes === undefined) {
      const fresh = issueCertificate(
        { serial: newSerial(), subject, role, issuer: issuer.name, notBefore: plan.notBefore, notAfter: plan.notAfter, publicKey: subjectKey.key.publicKey },
        issuer.key.key,
      );
      bytes = await this.#create(path, fresh.bytes, PUBLIC_MODE, remedy);
    }
    let certificate: Certificate;
    try {
      certificate = parseCertificate(new Uint8Array(bytes));
    } catch (error) {
      throw new KeystoreError(path, `is not a usable certificate: ${reasonOf(error)}`, remedy);
    }
    if (certificate.issuer !== issuer.name) {
      throw new KeystoreError(path, `is issued by "${certificate.issuer}", expected "${issuer.name}"`, remedy);
    }
    if (!issuer.key.key.publicKey.verify(certificate.tbs, certificate.signature)) {
      throw new KeystoreError(path, `is not signed by the key of "${issuer.name}" in ${issuer.key.path}`, remedy);
    }
    if (certificate.subject !== subject || certificate.role !== role) {
      throw new KeystoreError(path, `is for ${certificate.role} "${certificate.subject}", expected ${role} "${subject}"`, remedy);
    }
    if (!certificate.publicKey.equals(subjectKey.key.publicKey)) {
      throw new KeystoreError(path, `holds a public key that does not match the private key in ${subjectKey.path}`, remedy);
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

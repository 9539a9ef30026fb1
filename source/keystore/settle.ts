/**
 * Settling one keystore file: reading it when it is there, creating it when it is
 * missing, and in both cases checking what ends up on disk against the files it
 * depends on. A settled file is always the one read back from disk, never the copy
 * this process just made, so processes that start at once on an empty folder all
 * end up using whichever copy was linked first. Anything present but wrong is a
 * `KeystoreError` that says which files to remove for `tls-tui keys` to make them
 * again; nothing present is ever replaced. A keystore without the demo CA's key
 * (a copy for a peer's machine) checks what that CA signed against its certificate,
 * and sends whatever only that key can make to the machine that holds it.
 */
import { constants } from 'node:fs';
import { access, lstat } from 'node:fs/promises';
import { type Certificate, type CertificateRole, issueCertificate, newSerial, parseCertificate } from '../crypto/certificate.js';
import { RsaPrivateKey, RsaPublicKey } from '../crypto/rsa.js';
import { createFileAtomically } from './atomic-write.js';
import { KeystoreError } from './keystore-error.js';
import { errorCode } from '../files/folder-tree.js';
import { NotRegularFile, readRegularFile, type RegularFile } from '../files/read-regular-file.js';
import { newCaAdvice, permissionAdvice, remakeAdvice } from './repair-advice.js';

const PRIVATE_MODE = 0o600;
/** The permission bits that let users other than the owner read or change a file. */
const OTHERS_MODE = 0o077;
const PUBLIC_MODE = 0o644;
const SELF_TEST_MESSAGE = new TextEncoder().encode('tls-tui keystore self-test');

/** A public key together with the file it came from (a private key or a certificate), for messages that name it. */
export interface PublicKeySource {
  readonly publicKey: RsaPublicKey;
  readonly path: string;
}

/** A private key together with the file it came from. */
export interface SettledKey extends PublicKeySource {
  readonly key: RsaPrivateKey;
}

/**
 * Who signs a certificate: with its private key, or, in a keystore that does not
 * hold that key, only its public key, which checks what it signed but issues nothing.
 */
export interface Issuer {
  readonly name: string;
  readonly key: SettledKey | PublicKeySource;
}

export interface CertificatePlan {
  readonly path: string;
  readonly subject: string;
  readonly role: CertificateRole;
  readonly subjectKey: PublicKeySource;
  readonly issuer: Issuer;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

function isPrivate(key: SettledKey | PublicKeySource): key is SettledKey {
  return 'key' in key;
}

/** Whether the system refused this user access to a file, as opposed to the file being wrong. */
function isPermissionError(error: unknown): boolean {
  return errorCode(error) === 'EACCES' || errorCode(error) === 'EPERM';
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The file's bytes and mode, or undefined when there is no file; `remedy` is what a refusal
 * advises, except for a file this user may not read, which is not to be made again.
 */
async function readIfPresent(path: string, remedy: string): Promise<RegularFile | undefined> {
  try {
    return await readRegularFile(path);
  } catch (error) {
    if (error instanceof NotRegularFile) throw new KeystoreError(path, error.message, remedy);
    if (isPermissionError(error)) throw new KeystoreError(path, 'cannot be read: permission denied', permissionAdvice(path));
    throw new KeystoreError(path, `cannot be read (${reasonOf(error)})`, remedy);
  }
}

/** Whether `path` is there but this user may not read it; anything else wrong with it is for reading it to report. */
export async function isDenied(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return false;
  } catch (error) {
    return isPermissionError(error);
  }
}

/** Whether there is anything at `path`; an entry that cannot be looked at counts, for reading it to report. */
export async function exists(path: string): Promise<boolean> {
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
    const file = await readRegularFile(path);
    return file === undefined ? undefined : agrees(file.bytes);
  } catch {
    return undefined;
  }
}

/** The demo CA key a keystore opens without: the files only it can make, and how to have them made. */
export interface AbsentCaKey {
  readonly madeByIt: readonly string[];
  readonly advice: (files: readonly string[]) => string;
}

export class Settler {
  /** The keystore folder, for the command a refusal advises. */
  readonly #dir: string;
  /** Undefined when the keystore holds the demo CA's key. */
  readonly #absentCaKey: AbsentCaKey | undefined;
  readonly #created: string[] = [];
  readonly #exposedKeys = new Map<string, number>();

  constructor(dir: string, absentCaKey?: AbsentCaKey) {
    this.#dir = dir;
    this.#absentCaKey = absentCaKey;
  }

  /** How to make `files` again: here with `tls-tui keys`, to `outcome`, unless one of them needs the CA key this keystore lacks. */
  #remake(files: readonly string[], outcome: string): string {
    const absent = this.#absentCaKey;
    if (absent !== undefined && files.some((file) => absent.madeByIt.includes(file))) return absent.advice(files);
    return remakeAdvice(this.#dir, files, outcome);
  }

  /** The files this settler created, in the order it created them. */
  get created(): readonly string[] {
    return this.#created;
  }

  /**
   * The mode of each private key it read that users other than its owner may read or
   * change. Windows has no such bits (every file reports 0666 or 0444), so none there.
   */
  get exposedKeys(): ReadonlyMap<string, number> {
    return this.#exposedKeys;
  }

  async #create(path: string, data: string | Uint8Array, mode: number, remedy: string): Promise<RegularFile> {
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
    return this.#key(path, madeFrom, (files) => this.#remake(files, 'make a new key and make them again from it'));
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
    let file = await readIfPresent(path, remedy);
    if (file === undefined) {
      if (orphans.length > 0) {
        const problem = `is missing, but ${orphans.join(', ')} ${orphans.length === 1 ? 'was' : 'were'} made from it and would not match a new key`;
        throw new KeystoreError(path, problem, advice(orphans));
      }
      file = await this.#create(path, (await RsaPrivateKey.generate()).toPem(), PRIVATE_MODE, remedy);
    }
    if ((file.mode & OTHERS_MODE) !== 0 && process.platform !== 'win32') this.#exposedKeys.set(path, file.mode);
    let key: RsaPrivateKey;
    try {
      key = RsaPrivateKey.fromPem(file.bytes.toString('utf8'));
    } catch (error) {
      throw new KeystoreError(path, `is not a usable private key: ${reasonOf(error)}`, remedy);
    }
    if (!selfTest(key)) throw new KeystoreError(path, 'is damaged: a signature made with this private key does not verify under its own public key', remedy);
    return { key, publicKey: key.publicKey, path };
  }

  /** The public key file of a settled private key (or of a certificate), derived from it when missing. */
  async publicKey(path: string, source: SettledKey | PublicKeySource): Promise<RsaPublicKey> {
    const remedy = this.#remake([path], `derive it again from ${source.path}`);
    const file = (await readIfPresent(path, remedy)) ?? (await this.#create(path, source.publicKey.toPem(), PUBLIC_MODE, remedy));
    let publicKey: RsaPublicKey;
    try {
      publicKey = RsaPublicKey.fromPem(file.bytes.toString('utf8'));
    } catch (error) {
      throw new KeystoreError(path, `is not a usable public key: ${reasonOf(error)}`, remedy);
    }
    if (!publicKey.equals(source.publicKey)) {
      throw new KeystoreError(path, `holds a public key that does not match ${isPrivate(source) ? 'the private key' : 'the one'} in ${source.path}`, remedy);
    }
    return publicKey;
  }

  /** A certificate, issued from the settled subject and issuer keys when missing, if the issuer's private key is here. */
  async certificate(plan: CertificatePlan): Promise<Certificate> {
    const { path, subject, role, subjectKey, issuer } = plan;
    const remedy = this.#remake([path], `issue it again with the key in ${issuer.key.path}`);
    let file = await readIfPresent(path, remedy);
    if (file === undefined) {
      if (!isPrivate(issuer.key)) throw new KeystoreError(path, 'is missing', remedy);
      const fresh = issueCertificate(
        { serial: newSerial(), subject, role, issuer: issuer.name, notBefore: plan.notBefore, notAfter: plan.notAfter, publicKey: subjectKey.publicKey },
        issuer.key.key,
      );
      file = await this.#create(path, fresh.bytes, PUBLIC_MODE, remedy);
    }
    return checked(parsed(path, file.bytes, remedy), plan, remedy);
  }

  /**
   * The self-signed certificate of a CA whose private key this keystore does not
   * hold: the trust anchor as it was copied here, checked against its own key,
   * and never made here.
   */
  async anchorCertificate(path: string, name: string): Promise<Certificate> {
    const remedy = this.#remake([path], 'issue it again');
    const file = await readIfPresent(path, remedy);
    if (file === undefined) throw new KeystoreError(path, 'is missing', remedy);
    const certificate = parsed(path, file.bytes, remedy);
    const own = { publicKey: certificate.publicKey, path };
    return checked(certificate, { path, subject: name, role: 'ca', subjectKey: own, issuer: { name, key: own } }, remedy);
  }
}

/** What a certificate must be, made here or copied: from its issuer, signed with its key, for its subject, role and key. */
function checked(certificate: Certificate, expected: Omit<CertificatePlan, 'notBefore' | 'notAfter'>, remedy: string): Certificate {
  const { path, subject, role, subjectKey, issuer } = expected;
  if (certificate.issuer !== issuer.name) {
    throw new KeystoreError(path, `is issued by "${certificate.issuer}", expected "${issuer.name}"`, remedy);
  }
  if (!issuer.key.publicKey.verify(certificate.tbs, certificate.signature)) {
    throw new KeystoreError(path, `is not signed by the key of "${issuer.name}" in ${issuer.key.path}`, remedy);
  }
  if (certificate.subject !== subject || certificate.role !== role) {
    throw new KeystoreError(path, `is for ${certificate.role} "${certificate.subject}", expected ${role} "${subject}"`, remedy);
  }
  if (!certificate.publicKey.equals(subjectKey.publicKey)) {
    throw new KeystoreError(path, `holds a public key that does not match the private key in ${subjectKey.path}`, remedy);
  }
  return certificate;
}

function parsed(path: string, bytes: Buffer, remedy: string): Certificate {
  try {
    return parseCertificate(new Uint8Array(bytes));
  } catch (error) {
    throw new KeystoreError(path, `is not a usable certificate: ${reasonOf(error)}`, remedy);
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

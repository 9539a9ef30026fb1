/**
 * The demo PKI that both peers and the attacker load: the demo CA, the server's
 * and the client's identities, and the attacker's material (its key pair, its own
 * CA and the forged, self-signed, expired and wrong-name certificates the attack
 * modes show). It lives in a folder (default `./keystore`, layout in layout.ts);
 * opening it generates whatever is missing, in parallel where nothing depends on
 * it, and refuses anything present but wrong with a `KeystoreError` that says how
 * to make it again.
 * A folder with the demo CA's certificate but not its private key is a copy made
 * for a peer's machine (README, "Server and client on two machines"): the CA's key
 * stays where the keystore was made. Such a copy holds the identities whose private
 * keys were copied into it, checked against the CA's certificate, and makes only
 * what needs no CA key; a certificate it lacks is to be made where the CA is.
 * A command that uses the CA's key only to make what is missing opens a keystore
 * whose CA key this user may not read in the same way, rather than stop for it.
 * Regenerating builds a complete new set beside the old one and swaps it in.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Certificate, CertificateRole } from '../crypto/certificate.js';
import type { RsaPrivateKey } from '../crypto/rsa.js';
import { errorCode, makeFolders } from '../files/folder-tree.js';
import { type AttackerPaths, IDENTITY_FOLDERS, type IdentityPaths, keystoreLayout, layoutFiles, PEER_IDENTITIES, type PeerIdentity } from './layout.js';
import { MOVED_ASIDE, removeLeftovers, stagingFolderName } from './leftovers.js';
import { attackerNotHere, identityNotHere } from './not-here.js';
import { caMachineAdvice, unreadableCaKeyAdvice } from './repair-advice.js';
import { type AbsentCaKey, type CertificatePlan, exists, isDenied, type Issuer, type SettledKey, Settler } from './settle.js';

export { KeystoreError } from './keystore-error.js';
export { describeKeystore, formatKeystore, keystoreAbsences, type KeystoreAbsence, type KeystoreEntry } from './describe.js';
export { keystoreLayout, type PeerIdentity } from './layout.js';
export { keystoreWarnings } from './warnings.js';

export const DEMO_CA_NAME = 'tls-tui Demo CA';
export const ROGUE_CA_NAME = 'Mallory Root CA';
export const SERVER_NAME = 'server';
export const CLIENT_NAME = 'client';
/** The subject of the attacker's wrong-name certificate. */
export const WRONG_NAME = 'mallory';

/** Fresh certificates start this long before now, for clocks that differ between two machines. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const FOLDER_MODE = 0o700;

/**
 * Makes a keystore folder and those above it, for this user only. Where something
 * that is no folder stands in the way, the error says what and where ("… is a named
 * pipe (FIFO), not a folder"), not mkdir's "file already exists".
 */
async function makeKeystoreFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: FOLDER_MODE }).catch(async (error: unknown) => {
    if (errorCode(error) === 'EEXIST' || errorCode(error) === 'ENOTDIR') await makeFolders(path);
    throw error;
  });
}

export interface Identity {
  readonly key: RsaPrivateKey;
  readonly certificate: Certificate;
  readonly files: IdentityPaths;
}

/** The demo CA, whose private key is undefined in a copy made for a peer's machine, or where this user may not read it. */
export interface CertificateAuthority {
  readonly key: RsaPrivateKey | undefined;
  readonly certificate: Certificate;
  readonly files: IdentityPaths;
}

export interface AttackerMaterial {
  /** The attacker's own key pair, behind every certificate it shows. */
  readonly key: RsaPrivateKey;
  readonly rogueCa: Identity;
  readonly rogueCaServer: Certificate;
  readonly selfSigned: Certificate;
  readonly expired: Certificate;
  readonly wrongName: Certificate;
  readonly files: AttackerPaths;
}

/** A private key that users other than its owner may read or change. */
export interface ExposedKey {
  readonly path: string;
  /** Its permission bits when it was read, such as 0o644. */
  readonly mode: number;
}

export interface Keystore {
  readonly dir: string;
  readonly ca: CertificateAuthority;
  readonly server: Identity;
  readonly client: Identity;
  readonly attacker: AttackerMaterial;
  /**
   * The identities this copy does not hold, as their private keys were not copied
   * into it; always empty where the CA's key is. The commands take a whole Keystore
   * though each uses its own identity only, so one left out is kept as a stand-in
   * that refuses, naming its key, a command run on a copy made for another machine.
   */
  readonly notHere: readonly PeerIdentity[];
  /** The files this call created, in layout order. */
  readonly generated: readonly string[];
  /**
   * Folders an interrupted regeneration left holding the identity folders it had
   * moved aside: kept, for the person to put back or remove (leftovers.ts).
   */
  readonly setAside: readonly string[];
  /** The private keys read here that other users may read or change, in layout order. */
  readonly exposedKeys: readonly ExposedKey[];
  /**
   * Whether the demo CA's key is there but this user may not read it, so the keystore
   * opened without it, as a copy for a peer's machine does (only with `caKeyOptional`).
   */
  readonly caKeyUnreadable: boolean;
}

export interface KeystoreOptions {
  /** The clock for new certificates' validity; defaults to the system clock. */
  readonly now?: () => Date;
  /**
   * Set by a command that uses the demo CA's private key only to make what is
   * missing, where a CA key this user may not read is to stop it only when something
   * is. `tls-tui keys`, which shows and makes the whole keystore, leaves it unset.
   */
  readonly caKeyOptional?: boolean;
}

interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

function addYears(date: Date, years: number): Date {
  const shifted = new Date(date);
  shifted.setUTCFullYear(shifted.getUTCFullYear() + years);
  return shifted;
}

/** The validity periods of fresh certificates, at the seconds precision certificates carry. */
function validityPeriods(clock: Date): { ca: Validity; leaf: Validity; expired: Validity } {
  const now = new Date(Math.floor(clock.getTime() / 1000) * 1000);
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  return {
    ca: { notBefore, notAfter: addYears(now, 10) },
    leaf: { notBefore, notAfter: addYears(now, 1) },
    expired: { notBefore: addYears(now, -2), notAfter: new Date(now.getTime() - DAY_MS) },
  };
}

/**
 * Waits for every piece of work, even after one has failed, so that nothing is
 * still writing when the caller hears back; then throws the first failure in the
 * order the work is listed.
 */
async function settleAll<T extends Record<string, Promise<unknown>>>(work: T): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  const names = Object.keys(work);
  const results = await Promise.allSettled(Object.values(work));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  return Object.fromEntries(names.map((name, index) => [name, (results[index] as PromiseFulfilledResult<unknown>).value])) as { [K in keyof T]: Awaited<T[K]> };
}

/**
 * Whether the keystore in this folder is a copy for a peer's machine: the demo CA's
 * certificate without its key. The certificate is looked at first: whoever makes a
 * fresh keystore writes the key before it, so a key that appears in between is seen.
 */
async function isPeerCopy(ca: IdentityPaths): Promise<boolean> {
  return (await exists(ca.cert)) && !(await exists(ca.key));
}

/** A CA or an identity it signed, as the issuer of the certificates it signs. */
function issuerOf(identity: Identity): Issuer {
  const { key, certificate, files } = identity;
  return { name: certificate.subject, key: { key, publicKey: key.publicKey, path: files.key } };
}

/** A certificate to issue, once its subject's key and its issuer are known. */
type Unsigned = Omit<CertificatePlan, 'subjectKey' | 'issuer'>;

/**
 * Opens the keystore in `dir`, creating the folder (mode 0700), removing what
 * interrupted runs left there and generating any missing file that this keystore
 * can make. Work is ordered so that concurrent openers agree: each key is
 * settled before its public key and certificates are derived from it, and each CA
 * (key and certificate) before anything it signs is issued.
 */
export async function openKeystore(dir: string, options: KeystoreOptions = {}): Promise<Keystore> {
  const layout = keystoreLayout(dir);
  const { ca, server, client, rogueCa, attacker } = layout;
  const times = validityPeriods(options.now?.() ?? new Date());
  await makeKeystoreFolder(dir);
  await Promise.all(IDENTITY_FOLDERS.map((name) => makeKeystoreFolder(join(dir, name))));
  const setAside = await removeLeftovers(dir);
  const signedByDemoCa = [server.cert, client.cert, attacker.expired, attacker.wrongName];
  const peerCopy = await isPeerCopy(ca);
  const caKeyUnreadable = !peerCopy && options.caKeyOptional === true && (await isDenied(ca.key));
  const madeByCaKey = [ca.cert, ...signedByDemoCa];
  const absentCaKey: AbsentCaKey | undefined = peerCopy
    ? { madeByIt: madeByCaKey, advice: (files) => caMachineAdvice(dir, files) }
    : caKeyUnreadable
      ? { madeByIt: madeByCaKey, advice: (files) => unreadableCaKeyAdvice(dir, ca.key, files) }
      : undefined;
  const settler = new Settler(dir, absentCaKey);

  // Every promise gets its handlers when it is made, so that a failure is never reported as unhandled before the one that awaits it.
  const issue = (certificate: Unsigned, subjectKey: Promise<SettledKey>, issuer: Promise<Issuer>) =>
    Promise.all([subjectKey, issuer]).then(([subject, by]) => settler.certificate({ ...certificate, subjectKey: subject, issuer: by }));
  /** Settles an identity: its key, the public key derived from it, and its certificate. */
  const identity = async (files: IdentityPaths, key: Promise<SettledKey>, certificate: Promise<Certificate>): Promise<Identity> => {
    const pub = key.then((subject) => settler.publicKey(files.pub, subject));
    const settled = await settleAll({ key, pub, certificate });
    return { key: settled.key.key, certificate: settled.certificate, files };
  };
  const selfSignedCa = (files: IdentityPaths, subject: string, key: Promise<SettledKey>) =>
    identity(files, key, issue({ path: files.cert, subject, role: 'ca', ...times.ca }, key, key.then((own) => ({ name: subject, key: own }))));

  const demoCa = absentCaKey !== undefined
    ? demoCaFromCertificate(settler, ca)
    : selfSignedCa(ca, DEMO_CA_NAME, settler.anchorKey(ca.key, ca.pub, madeByCaKey)).then((opened) => ({ authority: opened, issuer: issuerOf(opened) }));
  const demoIssuer = () => demoCa.then((opened) => opened.issuer);
  /** Where the CA's key is, everything missing is made; a copy for a peer holds an identity only when its private key was copied. */
  const ifHeld = <T>(key: string, open: () => Promise<T>): Promise<T | undefined> =>
    peerCopy ? exists(key).then((here) => (here ? open() : undefined)) : open();
  const leaf = (files: IdentityPaths, subject: string, role: CertificateRole) =>
    ifHeld(files.key, () => {
      const key = settler.key(files.key, [files.pub, files.cert]);
      return identity(files, key, issue({ path: files.cert, subject, role, ...times.leaf }, key, demoIssuer()));
    });

  const openAttacker = async (): Promise<AttackerMaterial> => {
    const key = settler.key(attacker.key, [attacker.pub, attacker.rogueCaServer, attacker.selfSigned, attacker.expired, attacker.wrongName]);
    const rogue = selfSignedCa(rogueCa, ROGUE_CA_NAME, settler.key(rogueCa.key, [rogueCa.pub, rogueCa.cert, attacker.rogueCaServer]));
    const asServer = (path: string, issuer: Promise<Issuer>, plan: Partial<Unsigned> = {}) =>
      issue({ path, subject: SERVER_NAME, role: 'server', ...times.leaf, ...plan }, key, issuer);
    const { rogueCaServer, selfSigned, expired, wrongName, ...settled } = await settleAll({
      key,
      pub: key.then((subject) => settler.publicKey(attacker.pub, subject)),
      rogueCa: rogue,
      rogueCaServer: asServer(attacker.rogueCaServer, rogue.then(issuerOf)),
      selfSigned: asServer(attacker.selfSigned, key.then((own) => ({ name: SERVER_NAME, key: own }))),
      expired: asServer(attacker.expired, demoIssuer(), times.expired),
      wrongName: asServer(attacker.wrongName, demoIssuer(), { subject: WRONG_NAME }),
    });
    return { key: settled.key.key, rogueCa: settled.rogueCa, rogueCaServer, selfSigned, expired, wrongName, files: attacker };
  };

  const opened = await settleAll({
    demoCa,
    server: leaf(server, SERVER_NAME, 'server'),
    client: leaf(client, CLIENT_NAME, 'client'),
    attacker: ifHeld(attacker.key, openAttacker),
  });
  const notHere = PEER_IDENTITIES.filter((name) => opened[name] === undefined);
  const created = new Set(settler.created);
  const files = layoutFiles(layout);
  return {
    dir,
    ca: opened.demoCa.authority,
    server: opened.server ?? identityNotHere(dir, "server's", server),
    client: opened.client ?? identityNotHere(dir, "client's", client),
    attacker: opened.attacker ?? attackerNotHere(dir, attacker),
    notHere,
    generated: files.filter((file) => created.has(file)),
    setAside,
    exposedKeys: files.flatMap((path) => {
      const mode = settler.exposedKeys.get(path);
      return mode === undefined ? [] : [{ path, mode }];
    }),
    caKeyUnreadable,
  };
}

/** The demo CA in a copy for a peer's machine: its certificate, which checks what the CA signed but can issue nothing. */
async function demoCaFromCertificate(settler: Settler, files: IdentityPaths): Promise<{ authority: CertificateAuthority; issuer: Issuer }> {
  const certificate = await settler.anchorCertificate(files.cert, DEMO_CA_NAME);
  const key = { publicKey: certificate.publicKey, path: files.cert };
  await settler.publicKey(files.pub, key);
  return { authority: { key: undefined, certificate, files }, issuer: { name: DEMO_CA_NAME, key } };
}

/** The old identity folders could not be put back after a failed swap; they are kept, not deleted. */
class StrandedFoldersError extends Error {
  override readonly name = 'StrandedFoldersError';
}

/**
 * Replaces every key and certificate with a fresh set. The new set is generated
 * complete in `<dir>/.regenerate-<pid>-<random>/` first, so a failure part way leaves
 * the old keystore in place; then each identity folder is swapped in. Files in
 * `dir` that are not identity folders (a README) are kept. Not meant to run while
 * another process is opening the same keystore.
 */
export async function regenerateKeystore(dir: string, options: KeystoreOptions = {}): Promise<Keystore> {
  await makeKeystoreFolder(dir);
  const staging = join(dir, stagingFolderName());
  let keepStaging = false;
  try {
    await mkdir(staging, { mode: FOLDER_MODE });
    await openKeystore(staging, options);
    await swapIdentityFolders(dir, staging);
  } catch (error) {
    keepStaging = error instanceof StrandedFoldersError;
    throw error;
  } finally {
    if (!keepStaging) await rm(staging, { recursive: true, force: true });
  }
  const keystore = await openKeystore(dir, options);
  return { ...keystore, generated: layoutFiles(keystoreLayout(dir)) };
}

/**
 * Moves each identity folder from `staging` into `dir`, the old one aside into
 * `staging/previous`. On failure it moves the new folders back out and the old
 * ones back in, so the keystore is never left half old and half new, and
 * rethrows; if even that fails, it says where the old folders are.
 */
async function swapIdentityFolders(dir: string, staging: string): Promise<void> {
  const previous = join(staging, MOVED_ASIDE);
  await mkdir(previous, { mode: FOLDER_MODE });
  const movedAside = new Set<string>();
  const movedIn = new Set<string>();
  try {
    for (const name of IDENTITY_FOLDERS) {
      try {
        await rename(join(dir, name), join(previous, name));
        movedAside.add(name);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      await rename(join(staging, name), join(dir, name));
      movedIn.add(name);
    }
  } catch (error) {
    const stranded: string[] = [];
    for (const name of IDENTITY_FOLDERS) {
      try {
        if (movedIn.has(name)) await rename(join(dir, name), join(staging, name));
        if (movedAside.has(name)) await rename(join(previous, name), join(dir, name));
      } catch {
        stranded.push(name);
      }
    }
    if (stranded.length === 0) throw error;
    throw new StrandedFoldersError(`regenerating ${dir} failed (${(error as Error).message}) and the old ${stranded.join(', ')} folders could not be put back: they are in ${previous}`);
  }
}

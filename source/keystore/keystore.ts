/**
 * The demo PKI that both peers and the attacker load: the demo CA, the server's
 * and the client's identities, and the attacker's material (its key pair, its own
 * CA and the forged, self-signed, expired and wrong-name certificates the attack
 * modes show). It lives in a folder (default `./keystore`, layout in layout.ts);
 * opening it generates whatever is missing, in parallel where nothing depends on
 * it, and refuses anything present but wrong with a `KeystoreError` that says how
 * to make it again.
 * Regenerating builds a complete new set beside the old one and swaps it in.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Certificate } from '../crypto/certificate.js';
import type { RsaPrivateKey } from '../crypto/rsa.js';
import { type AttackerPaths, IDENTITY_FOLDERS, type IdentityPaths, keystoreLayout, layoutFiles } from './layout.js';
import { MOVED_ASIDE, removeLeftovers, stagingFolderName } from './leftovers.js';
import { type CertificatePlan, type SettledKey, Settler } from './settle.js';

export { KeystoreError } from './keystore-error.js';
export { describeKeystore, formatKeystore, type KeystoreEntry } from './describe.js';
export { keystoreLayout } from './layout.js';
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

export interface Identity {
  readonly key: RsaPrivateKey;
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

export interface Keystore {
  readonly dir: string;
  readonly ca: Identity;
  readonly server: Identity;
  readonly client: Identity;
  readonly attacker: AttackerMaterial;
  /** The files this call created, in layout order. */
  readonly generated: readonly string[];
  /**
   * Folders an interrupted regeneration left holding the identity folders it had
   * moved aside: kept, for the person to put back or remove (leftovers.ts).
   */
  readonly setAside: readonly string[];
}

export interface KeystoreOptions {
  /** The clock for new certificates' validity; defaults to the system clock. */
  readonly now?: () => Date;
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
 * Opens the keystore in `dir`, creating the folder (mode 0700), removing what
 * interrupted runs left there and generating any missing file. Work is ordered so that concurrent openers agree: each key is
 * settled before its public key and certificates are derived from it, and each CA
 * (key and certificate) before anything it signs is issued.
 */
export async function openKeystore(dir: string, options: KeystoreOptions = {}): Promise<Keystore> {
  const layout = keystoreLayout(dir);
  const { ca, server, client, rogueCa, attacker } = layout;
  const times = validityPeriods(options.now?.() ?? new Date());
  await mkdir(dir, { recursive: true, mode: FOLDER_MODE });
  await Promise.all(IDENTITY_FOLDERS.map((name) => mkdir(join(dir, name), { recursive: true, mode: FOLDER_MODE })));
  const setAside = await removeLeftovers(dir);
  const settler = new Settler(dir);

  const caKey = settler.anchorKey(ca.key, ca.pub, [ca.cert, server.cert, client.cert, attacker.expired, attacker.wrongName]);
  const serverKey = settler.key(server.key, [server.pub, server.cert]);
  const clientKey = settler.key(client.key, [client.pub, client.cert]);
  const attackerKey = settler.key(attacker.key, [attacker.pub, attacker.rogueCaServer, attacker.selfSigned, attacker.expired, attacker.wrongName]);
  const rogueCaKey = settler.key(rogueCa.key, [rogueCa.pub, rogueCa.cert, attacker.rogueCaServer]);

  const publicKey = (path: string, key: Promise<SettledKey>) => key.then((settled) => settler.publicKey(path, settled));
  const selfSignedCa = (path: string, name: string, key: Promise<SettledKey>) =>
    key.then((settled) => settler.certificate({ path, subject: name, role: 'ca', subjectKey: settled, issuer: { name, key: settled }, ...times.ca }));
  const caCert = selfSignedCa(ca.cert, DEMO_CA_NAME, caKey);
  const rogueCaCert = selfSignedCa(rogueCa.cert, ROGUE_CA_NAME, rogueCaKey);

  type LeafPlan = Omit<CertificatePlan, 'subjectKey' | 'issuer'>;
  const issued = (plan: LeafPlan, subjectKey: Promise<SettledKey>, issuerCert: Promise<Certificate>, issuerKey: Promise<SettledKey>) =>
    Promise.all([subjectKey, issuerCert, issuerKey]).then(([subject, issuerCertificate, issuer]) =>
      settler.certificate({ ...plan, subjectKey: subject, issuer: { name: issuerCertificate.subject, key: issuer } }),
    );
  const serverForAYear: Omit<LeafPlan, 'path'> = { subject: SERVER_NAME, role: 'server', ...times.leaf };

  const selfSigned = attackerKey.then((key) => settler.certificate({ path: attacker.selfSigned, ...serverForAYear, subjectKey: key, issuer: { name: SERVER_NAME, key } }));

  const settled = await settleAll({
    caKey, serverKey, clientKey, attackerKey, rogueCaKey,
    caPub: publicKey(ca.pub, caKey),
    serverPub: publicKey(server.pub, serverKey),
    clientPub: publicKey(client.pub, clientKey),
    attackerPub: publicKey(attacker.pub, attackerKey),
    rogueCaPub: publicKey(rogueCa.pub, rogueCaKey),
    caCert,
    rogueCaCert,
    serverCert: issued({ path: server.cert, ...serverForAYear }, serverKey, caCert, caKey),
    clientCert: issued({ path: client.cert, subject: CLIENT_NAME, role: 'client', ...times.leaf }, clientKey, caCert, caKey),
    rogueCaServer: issued({ path: attacker.rogueCaServer, ...serverForAYear }, attackerKey, rogueCaCert, rogueCaKey),
    selfSigned,
    expired: issued({ path: attacker.expired, subject: SERVER_NAME, role: 'server', ...times.expired }, attackerKey, caCert, caKey),
    wrongName: issued({ path: attacker.wrongName, ...serverForAYear, subject: WRONG_NAME }, attackerKey, caCert, caKey),
  });

  const created = new Set(settler.created);
  return {
    dir,
    ca: { key: settled.caKey.key, certificate: settled.caCert, files: ca },
    server: { key: settled.serverKey.key, certificate: settled.serverCert, files: server },
    client: { key: settled.clientKey.key, certificate: settled.clientCert, files: client },
    attacker: {
      key: settled.attackerKey.key,
      rogueCa: { key: settled.rogueCaKey.key, certificate: settled.rogueCaCert, files: rogueCa },
      rogueCaServer: settled.rogueCaServer,
      selfSigned: settled.selfSigned,
      expired: settled.expired,
      wrongName: settled.wrongName,
      files: attacker,
    },
    generated: layoutFiles(layout).filter((file) => created.has(file)),
    setAside,
  };
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
  await mkdir(dir, { recursive: true, mode: FOLDER_MODE });
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

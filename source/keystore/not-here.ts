/**
 * Stand-ins for the identities a copy made for a peer's machine does not hold.
 * The commands take a whole `Keystore` though each uses its own identity only, so
 * a server's copy has a stand-in for the client and the attacker. A command run on
 * a copy made for another machine reaches for one, and is refused by name: which
 * private key is missing, and which files to copy in from the CA's machine.
 */
import type { AttackerMaterial, Identity } from './keystore.js';
import { KeystoreError } from './keystore-error.js';
import type { AttackerPaths, IdentityPaths } from './layout.js';
import { notHereAdvice } from './repair-advice.js';

/** Refuses a command that reaches for an identity this copy does not hold, naming the files to copy in. */
function refuseNotHere(dir: string, whose: string, key: string, toCopy: readonly string[]): never {
  throw new KeystoreError(key, `is missing: this keystore, a copy for another machine, does not hold the ${whose} identity`, notHereAdvice(dir, toCopy));
}

/**
 * An object with the identity's `files` and, in place of each of `fields`, a
 * getter that refuses. The cast is sound as long as `fields` names every other
 * field of T, which the two callers below list.
 */
function standIn<T extends { readonly files: unknown }>(files: T['files'], fields: readonly Exclude<keyof T, 'files'>[], refuse: () => never): T {
  const object = { files };
  for (const field of fields) Object.defineProperty(object, field, { get: refuse, enumerable: true });
  return object as unknown as T;
}

export function identityNotHere(dir: string, whose: string, files: IdentityPaths): Identity {
  return standIn<Identity>(files, ['key', 'certificate'], () => refuseNotHere(dir, whose, files.key, [files.key, files.cert]));
}

export function attackerNotHere(dir: string, files: AttackerPaths): AttackerMaterial {
  const refuse = () => refuseNotHere(dir, "attacker's", files.key, [files.key, files.expired, files.wrongName]);
  return standIn<AttackerMaterial>(files, ['key', 'rogueCa', 'rogueCaServer', 'selfSigned', 'expired', 'wrongName'], refuse);
}

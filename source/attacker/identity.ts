/**
 * The attacker's identity as the interceptor needs it, taken from the keystore's
 * `attacker/` folder and the demo CA's public certificate.
 */
import type { Keystore } from '../keystore/keystore.js';
import type { AttackerIdentity } from './interceptor.js';

export function attackerIdentity(keystore: Keystore): AttackerIdentity {
  const { attacker } = keystore;
  return {
    key: attacker.key,
    rogueCaServer: attacker.rogueCaServer,
    selfSigned: attacker.selfSigned,
    expired: attacker.expired,
    wrongName: attacker.wrongName,
    trustedCa: keystore.ca.certificate,
  };
}

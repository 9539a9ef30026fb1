/**
 * What the person should hear about a keystore that opened: things that do not
 * stop a command but that they would otherwise find out about the hard way, each
 * in one line that says what to do about it.
 *
 * A server or client certificate outside its validity period is one: the peer it
 * is shown to refuses every handshake with certificate_expired. It is a warning,
 * not a refusal to start: the peer judges validity by its own clock, which may
 * differ from this one; a client run with --insecure (or the dashboard with
 * verification off) still completes sessions; and the same keystore serves
 * commands that do not present these certificates (mitm, replaying sessions in
 * the dashboard). The CA's own validity is left out, as verification does not
 * check it, and so is the attacker's expired certificate, which is expired on purpose.
 * A copy for a peer's machine cannot issue a new certificate: it is told where to.
 *
 * A private key that other users of the machine can read or change is another. It
 * is warned about, not refused: these are demo keys, and a copy whose modes were lost
 * on the way (an archive, a shared drive) should still run, but whoever runs it
 * should know, and be given the `chmod` that puts the README's mode 0600 back.
 * So is a demo CA key this user may not read, which a command with nothing to make
 * went on without: `tls-tui keys` would stop at it.
 */
import { join } from 'node:path';
import { formatCertificateTime as time } from '../crypto/certificate.js';
import { validityAt } from './describe.js';
import type { ExposedKey, Identity, Keystore } from './keystore.js';
import { MOVED_ASIDE } from './leftovers.js';
import { caMachineAdvice, listed, ownerOnlyAdvice, permissionAdvice, remakeAdvice, unreadableCaKeyAdvice } from './repair-advice.js';

export function keystoreWarnings(keystore: Keystore, now: Date): string[] {
  const setAside = keystore.setAside.map(
    (folder) =>
      `keystore: ${join(folder, MOVED_ASIDE)} holds identity folders that an interrupted \`tls-tui keys --regenerate\` moved aside; ` +
      `the keystore opened without them. Move back any you need, then remove ${folder}.`,
  );
  const renew = (files: readonly string[]): string => {
    if (keystore.caKeyUnreadable) return unreadableCaKeyAdvice(keystore.dir, keystore.ca.files.key, files);
    return keystore.ca.key === undefined ? caMachineAdvice(keystore.dir, files) : remakeAdvice(keystore.dir, files, 'issue a new one, valid for a year, with the same key and CA');
  };
  const held = (name: 'server' | 'client') => !keystore.notHere.includes(name);
  const found = [
    keystore.caKeyUnreadable ? unreadableCaKeyWarning(keystore.ca.files.key) : undefined,
    held('server') ? outOfDateWarning("server's", keystore.server, 'clients that verify it refuse every session', renew, now) : undefined,
    held('client') ? outOfDateWarning("client's", keystore.client, 'servers refuse every session it starts', renew, now) : undefined,
    exposedKeysWarning(keystore.exposedKeys),
  ];
  return [...setAside, ...found.filter((warning) => warning !== undefined)];
}

function unreadableCaKeyWarning(caKey: string): string {
  return (
    `keystore: ${caKey} cannot be read by this user (permission denied); this command had nothing to make with the demo CA's private key ` +
    `and went on without it, but \`tls-tui keys\` needs it. ${permissionAdvice(caKey)}`
  );
}

function exposedKeysWarning(keys: readonly ExposedKey[]): string | undefined {
  if (keys.length === 0) return undefined;
  const named = listed(keys.map(({ path, mode }) => `${path} (mode 0${mode.toString(8).padStart(3, '0')})`));
  const subject = keys.length === 1 ? `the private key ${named} is` : `the private keys ${named} are`;
  return `keystore: ${subject} open to other users of this machine. ${ownerOnlyAdvice(keys.map(({ path }) => path))}`;
}

function outOfDateWarning(whose: string, identity: Identity, refusal: string, advice: (files: readonly string[]) => string, now: Date): string | undefined {
  const { certificate, files } = identity;
  const validity = validityAt(certificate, now);
  if (validity === 'valid') return undefined;
  const renew = advice([files.cert]);
  const what = `keystore: the ${whose} certificate ${files.cert}`;
  if (validity === 'expired') return `${what} expired at ${time(certificate.notAfter)}: ${refusal} with certificate_expired. ${renew}`;
  return `${what} is not valid until ${time(certificate.notBefore)}, and this machine's clock says ${time(now)}: ${refusal} with certificate_expired until then. Check the clock. ${renew}`;
}

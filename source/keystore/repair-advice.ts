/**
 * What the message about a refused keystore file tells the person to do. Almost
 * every file can be made again from keys the keystore keeps: a public key from its
 * private key, a certificate from its issuer's key, and any key but the demo CA's
 * together with the files made from it. Removing those and running `tls-tui keys`
 * on the same folder keeps the demo CA, so a machine holding a copy of this
 * keystore still trusts what is made. Only the demo CA's own key cannot be made
 * again without a new CA, which every copy of the keystore would then need.
 * A copy made for a peer's machine holds no CA key at all: what needs that key is
 * made on the machine that holds it and copied over. A file this user may not read
 * is not to be made again at all, only made readable.
 * The keystore folder is always named, in full: the advice may be followed from
 * another folder, and `./keystore` may be another keystore.
 */

import { relative } from 'node:path';

/** A word a POSIX shell reads back unchanged: as it is when that is safe, else in single quotes. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/u.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** `a`, `a and b`, `a, b and c`. */
export function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function keysCommand(dir: string, ...flags: string[]): string {
  return ['tls-tui keys', ...flags, '--keystore', shellWord(dir)].join(' ');
}

/** For files `tls-tui keys` makes again once they are gone; `outcome` says what it then does, after "to". */
export function remakeAdvice(dir: string, files: readonly string[], outcome: string): string {
  return `Remove ${listed(files)} and run \`${keysCommand(dir)}\` to ${outcome}.`;
}

/** For the demo CA's key, which everything the two peers trust was signed with. */
export function newCaAdvice(dir: string, caKey: string): string {
  return (
    `This is the demo CA's key, which signed what the peers trust: copy ${caKey} back from another copy of this keystore, ` +
    `or run \`${keysCommand(dir, '--regenerate')}\` to replace the whole keystore with one under a new CA, then copy the other machine's files from it again.`
  );
}

/** For a file the user running tls-tui may not read: whatever is in it may be fine. */
export function permissionAdvice(file: string): string {
  return `Nothing needs making again: run tls-tui as the user that owns it, and if that user cannot read it either, \`chmod u+r ${shellWord(file)}\`.`;
}

/** For private keys whose mode lets other users read or change them. */
export function ownerOnlyAdvice(keys: readonly string[]): string {
  return `Run \`chmod 600 ${keys.map(shellWord).join(' ')}\` so that only ${keys.length === 1 ? 'its owner can read it' : 'their owner can read them'}.`;
}

/** The keystore on the machine that holds the demo CA has the same layout, so a file is named as it is in any keystore. */
function copyIn(dir: string, files: readonly string[], from: string): string {
  return `copy ${listed(files.map((file) => relative(dir, file)))} from ${from} into ${dir}`;
}

/** For files a keystore without the demo CA's key cannot make: a certificate the CA signs, or a key whose certificate it would have to sign. */
export function caMachineAdvice(dir: string, files: readonly string[]): string {
  return (
    `Making ${files.length === 1 ? 'it' : 'them'} takes the demo CA's private key, which this keystore does not hold: a copy for a peer's machine leaves it on the machine that holds the CA. ` +
    `There, run \`tls-tui keys --keystore <its keystore>\`, which makes what is missing (remove a bad or expired copy first), then ${copyIn(dir, files, 'that keystore')}.`
  );
}

/** For files that take the demo CA's key, where it is but this user may not read it. */
export function unreadableCaKeyAdvice(dir: string, caKey: string, files: readonly string[]): string {
  return (
    `Making ${files.length === 1 ? 'it' : 'them'} takes the demo CA's private key, which this user may not read: ` +
    `run \`${keysCommand(dir)}\` as the user that owns ${caKey}, which makes what is missing (remove a bad or expired copy first).`
  );
}

/** For an identity a copy made for another peer's machine does not hold. */
export function notHereAdvice(dir: string, files: readonly string[]): string {
  return `Run this command with the keystore made for that identity's machine, or ${copyIn(dir, files, "the keystore on the machine that holds the demo CA's private key")}.`;
}

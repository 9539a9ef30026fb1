/**
 * What the message about a refused keystore file tells the person to do. Almost
 * every file can be made again from keys the keystore keeps: a public key from its
 * private key, a certificate from its issuer's key, and any key but the demo CA's
 * together with the files made from it. Removing those and running `tls-tui keys`
 * on the same folder keeps the demo CA, so a machine holding a copy of this
 * keystore still trusts what is made. Only the demo CA's own key cannot be made
 * again without a new CA, which every copy of the keystore would then need.
 * The keystore folder is always named, in full: the advice may be followed from
 * another folder, and `./keystore` may be another keystore.
 */

/** A word a POSIX shell reads back unchanged: as it is when that is safe, else in single quotes. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/u.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
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
    `or run \`${keysCommand(dir, '--regenerate')}\` to replace the whole keystore with one under a new CA, then copy it to the other machine again.`
  );
}

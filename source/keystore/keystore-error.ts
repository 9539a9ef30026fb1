/**
 * The one error the keystore raises for a file it will not use: present but
 * unreadable, corrupt, or no longer matching the files made from it. The message
 * is written for the person at the terminal: it names the file, says what is
 * wrong with it, and gives the command that makes a fresh, consistent keystore,
 * because a keystore file is never replaced silently.
 */

export const REGENERATE_COMMAND = 'tls-tui keys --regenerate';

export class KeystoreError extends Error {
  override readonly name = 'KeystoreError';
  /** The file (or folder) at fault, as the caller's keystore path spells it. */
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}. Run \`${REGENERATE_COMMAND}\` to replace the whole keystore with a fresh one.`);
    this.file = file;
  }
}

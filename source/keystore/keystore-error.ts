/**
 * The one error the keystore raises for a file it will not use: present but
 * unreadable, corrupt, or no longer matching the files made from it. The message
 * is written for the person at the terminal: it names the file, says what is
 * wrong with it, and says how to make it again (repair-advice.ts), because a
 * keystore file is never replaced silently.
 */

export class KeystoreError extends Error {
  override readonly name = 'KeystoreError';
  /** The file (or folder) at fault, as the caller's keystore path spells it. */
  readonly file: string;

  /** `remedy` is one or more whole sentences. */
  constructor(file: string, problem: string, remedy: string) {
    super(`${file}: ${problem}. ${remedy}`);
    this.file = file;
  }
}

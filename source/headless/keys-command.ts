/**
 * `tls-tui keys`: shows each identity in the keystore (subject, role, issuer,
 * validity, files, fingerprint), generating what is missing, or with
 * `--regenerate` makes a fresh set.
 */
import { describeKeystore, formatKeystore, KeystoreError, keystoreWarnings, openKeystore, regenerateKeystore } from '../keystore/keystore.js';
import { EXIT } from './exit-codes.js';
import type { CommandOutput } from './output.js';

export async function runKeysCommand(options: { readonly keystore: string; readonly regenerate: boolean }, output: CommandOutput): Promise<number> {
  try {
    const keystore = options.regenerate ? await regenerateKeystore(options.keystore) : await openKeystore(options.keystore);
    const entries = describeKeystore(keystore);
    if (options.regenerate) output.say(`made a fresh keystore in ${options.keystore}: copy it to the other machine again`);
    else if (keystore.generated.length > 0) output.say(`generated ${keystore.generated.length} missing files in ${options.keystore}`);
    output.say(formatKeystore(entries, new Date()));
    for (const entry of entries) output.record({ type: 'identity', ...entry });
    for (const warning of keystoreWarnings(keystore, new Date())) output.problem(warning);
    return EXIT.ok;
  } catch (error) {
    output.problem(error instanceof KeystoreError ? error.message : `cannot open the keystore in ${options.keystore}: ${(error as Error).message}`);
    return EXIT.local;
  }
}

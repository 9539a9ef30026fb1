/**
 * `tls-tui keys`: shows each identity in the keystore (subject, role, issuer,
 * validity, files, fingerprint), generating what is missing, or with
 * `--regenerate` makes a fresh set. A copy made for a peer's machine is shown
 * with what it leaves out, the demo CA's private key first.
 */
import { describeKeystore, formatKeystore, keystoreAbsences, KeystoreError, keystoreWarnings, openKeystore, regenerateKeystore } from '../keystore/keystore.js';
import { EXIT } from './exit-codes.js';
import type { CommandOutput } from './output.js';

export async function runKeysCommand(options: { readonly keystore: string; readonly regenerate: boolean }, output: CommandOutput): Promise<number> {
  try {
    const keystore = options.regenerate ? await regenerateKeystore(options.keystore) : await openKeystore(options.keystore);
    const entries = describeKeystore(keystore);
    if (options.regenerate) output.say(`made a fresh keystore, under a new CA, in ${options.keystore}: give the other machine its files from it again`);
    else if (keystore.generated.length > 0) output.say(`generated ${keystore.generated.length} missing file${keystore.generated.length === 1 ? '' : 's'} in ${options.keystore}`);
    const absences = keystoreAbsences(keystore);
    if (absences.length > 0) {
      output.say(`${options.keystore} is a copy for a peer's machine; not here:`);
      for (const absence of absences) output.say(`  ${absence.file}: ${absence.note}`);
      output.say('');
    }
    output.say(formatKeystore(entries, new Date()));
    for (const absence of absences) output.record({ type: 'not-here', ...absence });
    for (const entry of entries) output.record({ type: 'identity', ...entry });
    for (const warning of keystoreWarnings(keystore, new Date())) output.problem(warning);
    return EXIT.ok;
  } catch (error) {
    output.problem(error instanceof KeystoreError ? error.message : `cannot open the keystore in ${options.keystore}: ${(error as Error).message}`);
    return EXIT.local;
  }
}

/**
 * Opens the keystore for a command, turning a corrupt file into a clear message
 * (which names the file and how to regenerate it) and the local-failure exit code.
 */
import { type Keystore, KeystoreError, openKeystore } from '../keystore/keystore.js';
import type { CommandOutput } from './output.js';

export async function loadKeystore(dir: string, output: CommandOutput): Promise<Keystore | undefined> {
  try {
    const keystore = await openKeystore(dir);
    if (keystore.generated.length > 0) output.say(`keystore: generated ${keystore.generated.length} files in ${dir}`);
    return keystore;
  } catch (error) {
    if (error instanceof KeystoreError) {
      output.problem(error.message);
      return undefined;
    }
    output.problem(`cannot open the keystore in ${dir}: ${(error as Error).message}`);
    return undefined;
  }
}

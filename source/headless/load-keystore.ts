/**
 * Opens the keystore for a command, turning a corrupt file into a clear message
 * (which names the file and how to make it again) and the local-failure exit code,
 * and passing on what the person should know about a keystore that opened.
 */
import { type Keystore, KeystoreError, keystoreWarnings, openKeystore } from '../keystore/keystore.js';
import type { CommandOutput } from './output.js';

export interface LoadOptions {
  /** The command talks to a peer that may use another keystore (server, client, mitm), not to itself. */
  readonly peerElsewhere?: boolean;
}

export async function loadKeystore(dir: string, output: CommandOutput, options: LoadOptions = {}): Promise<Keystore | undefined> {
  try {
    const keystore = await openKeystore(dir);
    if (keystore.generated.length > 0) output.say(`keystore: generated ${keystore.generated.length} files in ${dir}`);
    // A fresh CA is a new root of trust: a peer whose keystore was made elsewhere refuses everything it signed.
    if (options.peerElsewhere && keystore.generated.includes(keystore.ca.files.cert)) {
      output.say('keystore: this is a new CA, so only peers using this same keystore will trust it; for another machine, copy one keystore to both (README, "Server and client on two machines")');
    }
    for (const warning of keystoreWarnings(keystore, new Date())) output.problem(warning);
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

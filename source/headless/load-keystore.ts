/**
 * Opens the keystore for a command, turning a corrupt file into a clear message
 * (which names the file and how to make it again) and the local-failure exit code,
 * and passing on what the person should know about a keystore that opened.
 */
import { type Keystore, KeystoreError, keystoreWarnings, openKeystore } from '../keystore/keystore.js';
import type { PeerIdentity } from '../keystore/layout.js';
import type { CommandOutput } from './output.js';

export interface LoadOptions {
  /**
   * The one identity the command runs as (server, client, mitm's attacker), talking to
   * a peer that may use another keystore: a copy made for this machine need hold no
   * other. Without it (demo, dashboard), every identity runs here and must be there.
   */
  readonly uses?: PeerIdentity;
}

export async function loadKeystore(dir: string, output: CommandOutput, options: LoadOptions = {}): Promise<Keystore | undefined> {
  try {
    // These commands issue a certificate only to make a missing one, so only then does a CA key this user may not read stop them.
    const keystore = await openKeystore(dir, { caKeyOptional: true });
    const { uses } = options;
    if (uses !== undefined && keystore.notHere.includes(uses)) {
      output.problem(
        `the keystore in ${dir} is a copy for another machine, without ${keystore[uses].files.key}: this command runs the ${uses}, ` +
          `so it needs the ${uses}'s own files (README, "Server and client on two machines").`,
      );
      return undefined;
    }
    if (uses === undefined && keystore.notHere.length > 0) {
      const missing = keystore.notHere.map((name) => keystore[name].files.key).join(', ');
      output.problem(
        `the keystore in ${dir} is a copy for one peer's machine, without ${missing}: this command runs the server, the client and the attacker here, ` +
          "so it needs a keystore that holds them all, such as the one on the machine that holds the demo CA's key.",
      );
      return undefined;
    }
    if (keystore.generated.length > 0) output.say(`keystore: generated ${keystore.generated.length} files in ${dir}`);
    // A fresh CA is a new root of trust: a peer whose keystore was made elsewhere refuses everything it signed.
    if (uses !== undefined && keystore.generated.includes(keystore.ca.files.cert)) {
      output.say('keystore: this is a new CA, so only peers using this same keystore will trust it; for a peer on another machine, give both their files from one keystore (README, "Server and client on two machines")');
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

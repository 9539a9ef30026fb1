/**
 * What the person should hear about a keystore that opened: things that do not
 * stop a command but that they would otherwise find out about the hard way.
 * Each is one line that says what to do about it.
 */
import { join } from 'node:path';
import type { Keystore } from './keystore.js';
import { MOVED_ASIDE } from './leftovers.js';

export function keystoreWarnings(keystore: Keystore): string[] {
  return keystore.setAside.map(
    (folder) =>
      `keystore: ${join(folder, MOVED_ASIDE)} holds identity folders that an interrupted \`tls-tui keys --regenerate\` moved aside; ` +
      `the keystore opened without them. Move back any you need, then remove ${folder}.`,
  );
}

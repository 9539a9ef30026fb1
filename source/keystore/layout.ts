/**
 * Where every keystore file lives under the keystore folder (DESIGN.md, "Folders
 * at run time"): one folder per identity, holding its private key, public key and
 * certificates. Kept apart so opening, regenerating and describing the keystore
 * all agree on the same names.
 */
import { join } from 'node:path';

/** The folders the keystore owns; anything else in the keystore folder is left alone. */
export const IDENTITY_FOLDERS = ['ca', 'server', 'client', 'attacker'] as const;

/** The identities besides the demo CA, which a copy made for a peer's machine may leave out. */
export const PEER_IDENTITIES = ['server', 'client', 'attacker'] as const;
export type PeerIdentity = (typeof PEER_IDENTITIES)[number];

export interface IdentityPaths {
  readonly key: string;
  readonly pub: string;
  readonly cert: string;
}

export interface AttackerPaths {
  readonly key: string;
  readonly pub: string;
  readonly rogueCaKey: string;
  readonly rogueCaPub: string;
  readonly rogueCaCert: string;
  readonly rogueCaServer: string;
  readonly selfSigned: string;
  readonly expired: string;
  readonly wrongName: string;
}

export interface KeystoreLayout {
  readonly ca: IdentityPaths;
  readonly server: IdentityPaths;
  readonly client: IdentityPaths;
  readonly rogueCa: IdentityPaths;
  readonly attacker: AttackerPaths;
}

function identityPaths(folder: string, name: string): IdentityPaths {
  return { key: join(folder, `${name}.key`), pub: join(folder, `${name}.pub`), cert: join(folder, `${name}.cert`) };
}

export function keystoreLayout(dir: string): KeystoreLayout {
  const attacker = join(dir, 'attacker');
  const rogueCa = identityPaths(attacker, 'rogue-ca');
  return {
    ca: identityPaths(join(dir, 'ca'), 'ca'),
    server: identityPaths(join(dir, 'server'), 'server'),
    client: identityPaths(join(dir, 'client'), 'client'),
    rogueCa,
    attacker: {
      key: join(attacker, 'attacker.key'),
      pub: join(attacker, 'attacker.pub'),
      rogueCaKey: rogueCa.key,
      rogueCaPub: rogueCa.pub,
      rogueCaCert: rogueCa.cert,
      rogueCaServer: join(attacker, 'rogue-ca-server.cert'),
      selfSigned: join(attacker, 'self-signed.cert'),
      expired: join(attacker, 'expired.cert'),
      wrongName: join(attacker, 'wrong-name.cert'),
    },
  };
}

/** Every file of a complete keystore, in a fixed order. */
export function layoutFiles(layout: KeystoreLayout): string[] {
  const { ca, server, client, attacker } = layout;
  return [ca.key, ca.pub, ca.cert, server.key, server.pub, server.cert, client.key, client.pub, client.cert, ...Object.values(attacker)];
}

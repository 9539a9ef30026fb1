/**
 * The attacker's modes (DESIGN.md, "The attacker"): what the relay does in each,
 * and where an honest peer that verifies catches it. Data, so the dashboard, the
 * CLI and the tests all read the same table.
 */
import type { AlertName } from '../protocol/alerts.js';

export const ATTACK_MODES = ['off', 'forged-key', 'rogue-ca', 'self-signed', 'expired', 'wrong-name', 'replay-client', 'bit-flip'] as const;
export type AttackMode = (typeof ATTACK_MODES)[number];

export interface AttackModeInfo {
  readonly mode: AttackMode;
  /** What the relay does, in a sentence. */
  readonly does: string;
  /** Who catches it, at which step, with which alert; undefined for `off`. */
  readonly caught?: { readonly by: 'client' | 'server'; readonly step: string; readonly alert: AlertName };
  /** Whether the relay poses as the server to the client (and so wins when the client does not verify). */
  readonly impersonatesServer: boolean;
}

export const ATTACK_MODE_INFO: Readonly<Record<AttackMode, AttackModeInfo>> = {
  off: { mode: 'off', does: 'relays every byte untouched', impersonatesServer: false },
  'forged-key': {
    mode: 'forged-key',
    does: "keeps the genuine server certificate's text but swaps in the attacker's public key",
    caught: { by: 'client', step: 'verify-server-certificate', alert: 'bad_certificate' },
    impersonatesServer: true,
  },
  'rogue-ca': {
    mode: 'rogue-ca',
    does: 'shows a server certificate signed by its own CA, "Mallory Root CA"',
    caught: { by: 'client', step: 'verify-server-certificate', alert: 'unknown_ca' },
    impersonatesServer: true,
  },
  'self-signed': {
    mode: 'self-signed',
    does: 'shows a server certificate signed by its own key',
    caught: { by: 'client', step: 'verify-server-certificate', alert: 'unknown_ca' },
    impersonatesServer: true,
  },
  expired: {
    mode: 'expired',
    does: 'shows a CA-signed server certificate whose validity has ended',
    caught: { by: 'client', step: 'verify-server-certificate', alert: 'certificate_expired' },
    impersonatesServer: true,
  },
  'wrong-name': {
    mode: 'wrong-name',
    does: 'shows a CA-signed certificate, but for another subject ("mallory")',
    caught: { by: 'client', step: 'verify-server-certificate', alert: 'bad_certificate' },
    impersonatesServer: true,
  },
  'replay-client': {
    mode: 'replay-client',
    does: "connects to the server itself with the client's public certificate, but without the client's private key",
    caught: { by: 'server', step: 'key-exchange', alert: 'decrypt_error' },
    impersonatesServer: false,
  },
  'bit-flip': {
    mode: 'bit-flip',
    does: 'relays the handshake honestly, then flips one bit of the encrypted REQUEST',
    caught: { by: 'server', step: 'resolve-request', alert: 'bad_record_mac' },
    impersonatesServer: false,
  },
};

/** The next mode in the cycle, for a key that steps through them. */
export function nextAttackMode(mode: AttackMode): AttackMode {
  return ATTACK_MODES[(ATTACK_MODES.indexOf(mode) + 1) % ATTACK_MODES.length]!;
}

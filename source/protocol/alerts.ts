/**
 * Alerts (PROTOCOL.md section 6) and the errors that carry them. A peer that
 * misbehaves raises a `RemoteProtocolError`; a caller that misuses the API raises
 * a `LocalProtocolError` (the split h11 makes). Both carry the alert to send and a
 * sentence for a person, and `alertForError` maps anything thrown to an alert.
 */
import { printable } from './printable.js';

export const ALERT_CODES = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  certificate_expired: 45,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  internal_error: 80,
  timeout: 90,
  file_not_found: 200,
} as const;

export type AlertName = keyof typeof ALERT_CODES;

export const ALERT_LEVEL = { warning: 1, fatal: 2 } as const;
export type AlertLevel = keyof typeof ALERT_LEVEL;

const NAMES_BY_CODE = new Map<number, AlertName>(Object.entries(ALERT_CODES).map(([name, code]) => [code, name as AlertName]));

/** The name of an alert code, or `unknown(N)` for a code this protocol does not define. */
export function alertName(code: number): string {
  return NAMES_BY_CODE.get(code) ?? `unknown(${code})`;
}

/** An alert as it travels: level, description and a reason for people. */
export interface Alert {
  readonly level: AlertLevel;
  readonly description: number;
  readonly reason: string;
}

/** The alert as a sentence: its name and, made printable, the reason the peer gave. */
export function describeAlert(alert: Alert): string {
  const name = alertName(alert.description);
  return alert.reason ? `${name}: ${printable(alert.reason)}` : name;
}

export abstract class ProtocolError extends Error {
  readonly alert: AlertName;

  constructor(alert: AlertName, reason: string) {
    super(reason);
    this.alert = alert;
  }

  get code(): number {
    return ALERT_CODES[this.alert];
  }
}

/** The peer sent something this protocol does not allow. */
export class RemoteProtocolError extends ProtocolError {
  override readonly name = 'RemoteProtocolError';
}

/** The code driving a peer asked for something the protocol does not allow. */
export class LocalProtocolError extends ProtocolError {
  override readonly name = 'LocalProtocolError';
}

/** The alert a peer sends for any error: a protocol error's own, or internal_error. */
export function alertForError(error: unknown): Alert {
  if (error instanceof ProtocolError) return { level: 'fatal', description: error.code, reason: error.message };
  const reason = error instanceof Error ? error.message : String(error);
  return { level: 'fatal', description: ALERT_CODES.internal_error, reason };
}

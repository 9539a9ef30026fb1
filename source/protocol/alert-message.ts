/**
 * The alert message (PROTOCOL.md section 6): `level (1) | description (1) |
 * reason<u16>`, the reason being UTF-8 for people.
 */
import { ALERT_CODES, ALERT_LEVEL, type Alert, type AlertName, RemoteProtocolError } from './alerts.js';
import { ByteReader, ByteWriter } from './codec.js';
import { CONTENT_TYPE, encodeRecord } from './record.js';

/** Reasons are for people; a long one is cut so that an alert always fits a record. */
const MAX_REASON_BYTES = 1024;

export function encodeAlert(alert: Alert): Uint8Array {
  let reason = new TextEncoder().encode(alert.reason);
  if (reason.length > MAX_REASON_BYTES) reason = new TextEncoder().encode(`${alert.reason.slice(0, MAX_REASON_BYTES / 4)}…`);
  return new ByteWriter().u8(ALERT_LEVEL[alert.level]).u8(alert.description).vector16(reason, 'reason').finish();
}

export function decodeAlert(payload: Uint8Array): Alert {
  const reader = new ByteReader(payload, 'alert');
  const levelCode = reader.u8('level');
  const description = reader.u8('description');
  const reasonBytes = reader.vector16('reason');
  reader.end();
  const level = levelCode === ALERT_LEVEL.warning ? 'warning' : levelCode === ALERT_LEVEL.fatal ? 'fatal' : undefined;
  if (level === undefined) throw new RemoteProtocolError('decode_error', `alert level ${levelCode} is neither 1 (warning) nor 2 (fatal)`);
  // A reason is only for display, so bytes that are not UTF-8 are shown replaced rather than refused.
  const reason = new TextDecoder('utf-8').decode(reasonBytes);
  return { level, description, reason };
}

/**
 * A whole plaintext record carrying a fatal alert, for a transport that must turn
 * a connection away before any session exists (a server at its connection cap).
 */
export function fatalAlertRecord(alert: AlertName, reason: string): Uint8Array {
  return encodeRecord(CONTENT_TYPE.alert, encodeAlert({ level: 'fatal', description: ALERT_CODES[alert], reason }));
}

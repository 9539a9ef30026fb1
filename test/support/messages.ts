/**
 * Builders for the messages a test plays the attacker with: handshake, application
 * and alert payloads as PROTOCOL.md lays them out, and the same payload cut short or
 * padded by one byte. For a handshake message the 3-byte length is rewritten to match,
 * so the framing holds and it is the body that is malformed.
 */
import { ALERT_CODES, type AlertLevel, type AlertName } from '../../source/protocol/alerts.js';
import { encodeAlert } from '../../source/protocol/alert-message.js';
import { type ApplicationMessage, encodeApplication } from '../../source/protocol/application-messages.js';
import { encodeHandshake, type HandshakeMessage } from '../../source/protocol/handshake-messages.js';
import { CONTENT_TYPE, type ContentType } from '../../source/protocol/record.js';

export const HANDSHAKE = CONTENT_TYPE.handshake;
export const APPLICATION = CONTENT_TYPE.application_data;
export const ALERT = CONTENT_TYPE.alert;

export function handshake(message: HandshakeMessage): Uint8Array {
  return encodeHandshake(message);
}

export function application(message: ApplicationMessage): Uint8Array {
  return encodeApplication(message);
}

export function alertPayload(level: AlertLevel, name: AlertName, reason = ''): Uint8Array {
  return encodeAlert({ level, description: ALERT_CODES[name], reason });
}

export const CLOSE_NOTIFY = alertPayload('warning', 'close_notify');

export function bytesOf(length: number, fill = 0x5a): Uint8Array {
  return new Uint8Array(length).fill(fill);
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The payload less its last byte. */
export function truncated(contentType: ContentType, payload: Uint8Array): Uint8Array {
  return withHandshakeLength(contentType, payload.slice(0, -1));
}

/** The payload with one zero byte more. */
export function padded(contentType: ContentType, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 1);
  out.set(payload);
  return withHandshakeLength(contentType, out);
}

function withHandshakeLength(contentType: ContentType, payload: Uint8Array): Uint8Array {
  if (contentType !== CONTENT_TYPE.handshake) return payload;
  const length = payload.length - 4;
  payload[1] = (length >> 16) & 0xff;
  payload[2] = (length >> 8) & 0xff;
  payload[3] = length & 0xff;
  return payload;
}

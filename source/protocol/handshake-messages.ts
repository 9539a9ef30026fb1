/**
 * Handshake messages (PROTOCOL.md section 2): `msg_type (1) | length (3) | body`,
 * one per handshake record. Decoding checks the framing and every field, so a
 * state machine only ever sees well-formed messages.
 */
import { RemoteProtocolError } from './alerts.js';
import { ByteReader, ByteWriter } from './codec.js';

export const HANDSHAKE_TYPE = {
  CLIENT_HELLO: 1,
  SERVER_HELLO: 2,
  SERVER_KEY_EXCHANGE: 12,
  CERTIFICATE_VERIFY: 15,
  CLIENT_KEY_EXCHANGE: 16,
  FINISHED: 20,
} as const;

export type HandshakeName = keyof typeof HANDSHAKE_TYPE;

export const RANDOM_BYTES = 32;
export const VERIFY_DATA_BYTES = 32;
export const HANDSHAKE_HEADER_BYTES = 4;
/** A certificate's limit (PROTOCOL.md section 7). */
export const MAX_CERTIFICATE_FIELD_BYTES = 8 * 1024;

export type HandshakeMessage =
  | { readonly name: 'CLIENT_HELLO' | 'SERVER_HELLO'; readonly random: Uint8Array; readonly certificate: Uint8Array }
  | { readonly name: 'CLIENT_KEY_EXCHANGE' | 'SERVER_KEY_EXCHANGE'; readonly encryptedSecret: Uint8Array }
  | { readonly name: 'CERTIFICATE_VERIFY'; readonly signature: Uint8Array }
  | { readonly name: 'FINISHED'; readonly verifyData: Uint8Array };

export type HandshakeOf<N extends HandshakeName> = Extract<HandshakeMessage, { name: N }>;

const NAME_BY_TYPE = new Map<number, HandshakeName>(Object.entries(HANDSHAKE_TYPE).map(([name, type]) => [type, name as HandshakeName]));

export function handshakeName(type: number): string {
  return NAME_BY_TYPE.get(type) ?? `unknown handshake type ${type}`;
}

export function encodeHandshake(message: HandshakeMessage): Uint8Array {
  const body = new ByteWriter();
  switch (message.name) {
    case 'CLIENT_HELLO':
    case 'SERVER_HELLO':
      body.bytes(expectBytes('random', message.random, RANDOM_BYTES)).vector16(message.certificate, 'certificate');
      break;
    case 'CLIENT_KEY_EXCHANGE':
    case 'SERVER_KEY_EXCHANGE':
      body.vector16(message.encryptedSecret, 'encrypted_secret');
      break;
    case 'CERTIFICATE_VERIFY':
      body.vector16(message.signature, 'signature');
      break;
    case 'FINISHED':
      body.bytes(expectBytes('verify_data', message.verifyData, VERIFY_DATA_BYTES));
      break;
  }
  return new ByteWriter().u8(HANDSHAKE_TYPE[message.name]).u24(body.length).bytes(body.finish()).finish();
}

/** Decodes one handshake message that fills `payload` exactly. */
export function decodeHandshake(payload: Uint8Array): HandshakeMessage {
  const header = new ByteReader(payload, 'handshake message');
  const type = header.u8('msg_type');
  const length = header.u24('length');
  if (length !== header.remaining) {
    throw new RemoteProtocolError('decode_error', `handshake length field says ${length} bytes, but ${header.remaining} follow`);
  }
  const name = NAME_BY_TYPE.get(type);
  if (name === undefined) throw new RemoteProtocolError('unexpected_message', `unknown handshake message type ${type}`);
  const body = new ByteReader(header.rest(), name);
  let message: HandshakeMessage;
  switch (name) {
    case 'CLIENT_HELLO':
    case 'SERVER_HELLO': {
      const random = body.bytes(RANDOM_BYTES, `${name.toLowerCase()}.random`);
      const certificate = body.vector16('certificate');
      if (certificate.length > MAX_CERTIFICATE_FIELD_BYTES) {
        throw new RemoteProtocolError('decode_error', `${name} carries a ${certificate.length}-byte certificate, over the ${MAX_CERTIFICATE_FIELD_BYTES}-byte limit`);
      }
      message = { name, random, certificate };
      break;
    }
    case 'CLIENT_KEY_EXCHANGE':
    case 'SERVER_KEY_EXCHANGE':
      message = { name, encryptedSecret: body.vector16('encrypted_secret') };
      break;
    case 'CERTIFICATE_VERIFY':
      message = { name, signature: body.vector16('signature') };
      break;
    case 'FINISHED':
      message = { name, verifyData: body.bytes(VERIFY_DATA_BYTES, 'verify_data') };
      break;
  }
  body.end();
  return message;
}

function expectBytes(field: string, bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length !== length) throw new RangeError(`"${field}" expected ${length} bytes, got ${bytes.length}`);
  return bytes;
}

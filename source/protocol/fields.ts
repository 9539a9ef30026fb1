/**
 * The field breakdown of a record for the wire inspector: offset, length, name and
 * a readable value for every field, following the layouts of PROTOCOL.md. It
 * never throws: bytes that do not parse are shown as what they are.
 */
import { toHex } from '../crypto/bytes.js';
import { alertName } from './alerts.js';
import { APPLICATION_KIND, applicationName, REQUEST_OP } from './application-messages.js';
import { HANDSHAKE_TYPE, handshakeName } from './handshake-messages.js';
import { printable } from './printable.js';
import { CONTENT_TYPE, contentTypeName, HEADER_BYTES, MAC_BYTES } from './record.js';

export interface WireField {
  readonly name: string;
  readonly offset: number;
  readonly length: number;
  readonly value: string;
}

export interface RecordDescription {
  readonly message: string;
  readonly fields: readonly WireField[];
  readonly plaintextFields?: readonly WireField[];
}

const PREVIEW_BYTES = 16;
/** Lines of a text (a certificate) listed one field each before the rest is taken whole. */
const MAX_TEXT_LINES = 12;

function hexPreview(bytes: Uint8Array): string {
  const head = toHex(bytes.subarray(0, PREVIEW_BYTES));
  return bytes.length > PREVIEW_BYTES ? `${head}… (${bytes.length} bytes)` : head || '(empty)';
}

/** Quoted UTF-8: JSON escapes the C0 controls, `printable` the rest. */
function text(bytes: Uint8Array): string {
  return printable(JSON.stringify(new TextDecoder('utf-8').decode(bytes)));
}

/** Reads fields off a byte string, stopping quietly where the bytes run out. */
class FieldCursor {
  readonly fields: WireField[] = [];
  #offset: number;
  readonly #bytes: Uint8Array;
  readonly #base: number;
  ok = true;

  constructor(bytes: Uint8Array, offset: number, base: number) {
    this.#bytes = bytes;
    this.#offset = offset;
    this.#base = base;
  }

  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  take(name: string, length: number, show: (bytes: Uint8Array) => string = hexPreview): Uint8Array | undefined {
    if (!this.ok || length > this.remaining) {
      this.ok = false;
      return undefined;
    }
    const bytes = this.#bytes.subarray(this.#offset, this.#offset + length);
    this.fields.push({ name, offset: this.#base + this.#offset, length, value: show(bytes) });
    this.#offset += length;
    return bytes;
  }

  uint(name: string, length: number, show: (value: number) => string = String): number | undefined {
    const bytes = this.take(name, length, (raw) => show(readUint(raw)));
    return bytes === undefined ? undefined : readUint(bytes);
  }

  vector16(name: string, show?: (bytes: Uint8Array) => string): Uint8Array | undefined {
    const length = this.uint(`${name} length`, 2);
    return length === undefined ? undefined : this.take(name, length, show);
  }

  /**
   * A text of `length` bytes as one field per line (its newline included): "`name` key"
   * with the value after "key: ", or "`name` line N" for a line without one. A text of
   * many lines lists the first few and takes the rest as one field.
   */
  lines(name: string, length: number): void {
    if (!this.ok || length > this.remaining) {
      this.ok = false;
      return;
    }
    const end = this.#offset + length;
    for (let number = 1; this.#offset < end; number += 1) {
      if (number > MAX_TEXT_LINES) {
        this.take(`${name} (the rest)`, end - this.#offset, text);
        return;
      }
      const newline = this.#bytes.indexOf(0x0a, this.#offset);
      const lineEnd = newline === -1 || newline >= end ? end : newline + 1;
      const line = new TextDecoder('utf-8').decode(this.#bytes.subarray(this.#offset, lineEnd)).replace(/\n$/, '');
      const key = /^([a-z][a-z-]{0,19}): /.exec(line)?.[1];
      const value = key === undefined ? line : line.slice(key.length + 2);
      this.take(key === undefined ? `${name} line ${number}` : `${name} ${key}`, lineEnd - this.#offset, () => printable(JSON.stringify(value)));
    }
  }

  rest(name: string): void {
    if (this.ok && this.remaining > 0) this.take(name, this.remaining);
  }
}

function readUint(bytes: Uint8Array): number {
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return value;
}

/** Describes a whole record; `plaintext` is the decrypted payload of an encrypted one. */
export function describeRecord(record: Uint8Array, encrypted: boolean, plaintext?: Uint8Array): RecordDescription {
  const header = new FieldCursor(record, 0, 0);
  const contentType = header.uint('content type', 1, (value) => `${value} (${contentTypeName(value)})`) ?? -1;
  header.uint('version', 2, (value) => `0x${value.toString(16).padStart(4, '0')}`);
  header.uint('length', 2);
  if (!encrypted) {
    const message = describePayload(header, contentType);
    return { message, fields: header.fields };
  }
  const ciphertextLength = Math.max(0, record.length - HEADER_BYTES - MAC_BYTES);
  header.take('ciphertext', ciphertextLength);
  header.take('mac (HMAC-SHA256)', MAC_BYTES);
  if (plaintext === undefined) return { message: `encrypted ${contentTypeName(contentType)}`, fields: header.fields };
  const inner = new FieldCursor(plaintext, 0, 0);
  const message = describePayload(inner, contentType);
  return { message, fields: header.fields, plaintextFields: inner.fields };
}

/**
 * A record's name alone, as `describeRecord` gives it. A file moves as thousands of
 * FILE_DATA records, and the kind byte alone names one, so their breakdowns are built
 * only where one is kept: the dashboard's wire log, a transcript.
 */
export function recordMessage(record: Uint8Array, encrypted: boolean, plaintext?: Uint8Array): string {
  if (encrypted && record[0] === CONTENT_TYPE.application_data && plaintext?.[0] === APPLICATION_KIND.FILE_DATA) return applicationName(APPLICATION_KIND.FILE_DATA);
  return describeRecord(record, encrypted, plaintext).message;
}

function describePayload(cursor: FieldCursor, contentType: number): string {
  switch (contentType) {
    case CONTENT_TYPE.handshake:
      return describeHandshake(cursor);
    case CONTENT_TYPE.alert:
      return describeAlert(cursor);
    case CONTENT_TYPE.application_data:
      return describeApplication(cursor);
    default:
      cursor.rest('payload');
      return contentTypeName(contentType);
  }
}

function describeHandshake(cursor: FieldCursor): string {
  const type = cursor.uint('msg_type', 1, (value) => `${value} (${handshakeName(value)})`);
  cursor.uint('length', 3);
  switch (type) {
    case HANDSHAKE_TYPE.CLIENT_HELLO:
    case HANDSHAKE_TYPE.SERVER_HELLO: {
      cursor.take('random', 32);
      // The certificate line by line, so that the inspector shows which line an attacker changed.
      const length = cursor.uint('certificate length', 2);
      if (length !== undefined) cursor.lines('certificate', length);
      break;
    }
    case HANDSHAKE_TYPE.CLIENT_KEY_EXCHANGE:
    case HANDSHAKE_TYPE.SERVER_KEY_EXCHANGE:
      cursor.vector16('encrypted_secret (RSA-OAEP)');
      break;
    case HANDSHAKE_TYPE.CERTIFICATE_VERIFY:
      cursor.vector16('signature (RSA-PSS)');
      break;
    case HANDSHAKE_TYPE.FINISHED:
      cursor.take('verify_data', 32);
      break;
  }
  cursor.rest(cursor.ok ? 'trailing bytes' : 'unparsed bytes');
  return type === undefined ? 'handshake (truncated)' : handshakeName(type);
}

function describeAlert(cursor: FieldCursor): string {
  const level = cursor.uint('level', 1, (value) => `${value} (${value === 1 ? 'warning' : value === 2 ? 'fatal' : 'invalid'})`);
  const description = cursor.uint('description', 1, (value) => `${value} (${alertName(value)})`);
  cursor.vector16('reason', text);
  cursor.rest('trailing bytes');
  return level === undefined || description === undefined ? 'alert (truncated)' : `alert ${alertName(description)}`;
}

function describeApplication(cursor: FieldCursor): string {
  const kind = cursor.uint('kind', 1, (value) => `${value} (${applicationName(value)})`);
  switch (kind) {
    case APPLICATION_KIND.REQUEST: {
      const op = cursor.uint('op', 1, (value) => `${value} (${value === REQUEST_OP.LIST ? 'LIST' : value === REQUEST_OP.GET ? 'GET' : 'invalid'})`);
      cursor.vector16('name', text);
      cursor.rest('trailing bytes');
      return op === REQUEST_OP.LIST ? 'REQUEST LIST' : 'REQUEST GET';
    }
    case APPLICATION_KIND.FILE_HEADER:
      cursor.vector16('name', text);
      cursor.uint('size', 8);
      break;
    case APPLICATION_KIND.FILE_DATA:
      cursor.rest('file bytes');
      break;
    case APPLICATION_KIND.FILE_END:
      cursor.take('sha256', 32);
      cursor.vector16('signature (RSA-PSS)');
      break;
    case APPLICATION_KIND.LIST_RESPONSE: {
      cursor.uint('more', 1);
      const count = cursor.uint('count', 2) ?? 0;
      for (let index = 0; index < count && cursor.ok; index += 1) {
        cursor.vector16(`entry ${index} name`, text);
        cursor.uint(`entry ${index} size`, 8);
      }
      break;
    }
  }
  cursor.rest(cursor.ok ? 'trailing bytes' : 'unparsed bytes');
  return kind === undefined ? 'application data (empty)' : applicationName(kind);
}

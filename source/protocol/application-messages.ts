/**
 * Application messages (PROTOCOL.md section 5), carried inside encrypted
 * application-data records as `kind (1) | body`: the client's REQUEST and the
 * server's FILE_HEADER, FILE_DATA, FILE_END and LIST_RESPONSE.
 */
import { RemoteProtocolError } from './alerts.js';
import { ByteReader, ByteWriter } from './codec.js';
import { MAX_PLAINTEXT_BYTES } from './record.js';

export const APPLICATION_KIND = { REQUEST: 1, FILE_HEADER: 2, FILE_DATA: 3, FILE_END: 4, LIST_RESPONSE: 5 } as const;
export type ApplicationName = keyof typeof APPLICATION_KIND;

export const REQUEST_OP = { LIST: 1, GET: 2 } as const;
/** File bytes per FILE_DATA record: a record's plaintext less the kind byte. */
export const MAX_FILE_DATA_BYTES = MAX_PLAINTEXT_BYTES - 1;
export const SHA256_BYTES = 32;

export interface ListEntry {
  readonly name: string;
  readonly size: number;
}

/**
 * A name travels as bytes; REQUEST keeps them raw so that a name which is not
 * valid UTF-8 can be refused with access_denied, like any other unacceptable name.
 */
export type ApplicationMessage =
  | { readonly name: 'REQUEST'; readonly op: 'LIST' | 'GET'; readonly fileName: Uint8Array }
  | { readonly name: 'FILE_HEADER'; readonly fileName: string; readonly size: number }
  | { readonly name: 'FILE_DATA'; readonly data: Uint8Array }
  | { readonly name: 'FILE_END'; readonly sha256: Uint8Array; readonly signature: Uint8Array }
  | { readonly name: 'LIST_RESPONSE'; readonly more: boolean; readonly entries: readonly ListEntry[] };

export type ApplicationOf<N extends ApplicationName> = Extract<ApplicationMessage, { name: N }>;

const NAME_BY_KIND = new Map<number, ApplicationName>(Object.entries(APPLICATION_KIND).map(([name, kind]) => [kind, name as ApplicationName]));

export function applicationName(kind: number): string {
  return NAME_BY_KIND.get(kind) ?? `unknown application kind ${kind}`;
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function encodeApplication(message: ApplicationMessage): Uint8Array {
  const writer = new ByteWriter().u8(APPLICATION_KIND[message.name]);
  switch (message.name) {
    case 'REQUEST':
      writer.u8(REQUEST_OP[message.op]).vector16(message.fileName, 'name');
      break;
    case 'FILE_HEADER':
      writer.vector16(encoder.encode(message.fileName), 'name').u64(message.size);
      break;
    case 'FILE_DATA':
      writer.bytes(message.data);
      break;
    case 'FILE_END':
      if (message.sha256.length !== SHA256_BYTES) throw new RangeError(`"sha256" expected 32 bytes, got ${message.sha256.length}`);
      writer.bytes(message.sha256).vector16(message.signature, 'signature');
      break;
    case 'LIST_RESPONSE':
      writer.u8(message.more ? 1 : 0).u16(message.entries.length);
      for (const entry of message.entries) writer.vector16(encoder.encode(entry.name), 'name').u64(entry.size);
      break;
  }
  if (writer.length > MAX_PLAINTEXT_BYTES) throw new RangeError(`${message.name} of ${writer.length} bytes exceeds one record`);
  return writer.finish();
}

/** Decodes one application message that fills `plaintext` exactly. */
export function decodeApplication(plaintext: Uint8Array): ApplicationMessage {
  const header = new ByteReader(plaintext, 'application message');
  const kind = header.u8('kind');
  const name = NAME_BY_KIND.get(kind);
  if (name === undefined) throw new RemoteProtocolError('unexpected_message', `unknown application message kind ${kind}`);
  const body = new ByteReader(header.rest(), name);
  let message: ApplicationMessage;
  switch (name) {
    case 'REQUEST': {
      const opCode = body.u8('op');
      const op = opCode === REQUEST_OP.LIST ? 'LIST' : opCode === REQUEST_OP.GET ? 'GET' : undefined;
      if (op === undefined) throw new RemoteProtocolError('decode_error', `REQUEST op ${opCode} is neither 1 (LIST) nor 2 (GET)`);
      const fileName = body.vector16('name');
      if (op === 'LIST' && fileName.length !== 0) throw new RemoteProtocolError('decode_error', 'a LIST REQUEST must carry an empty name');
      message = { name, op, fileName };
      break;
    }
    case 'FILE_HEADER':
      message = { name, fileName: decodeName(body.vector16('name'), name), size: body.u64('size') };
      break;
    case 'FILE_DATA':
      message = { name, data: body.rest() };
      break;
    case 'FILE_END':
      message = { name, sha256: body.bytes(SHA256_BYTES, 'sha256'), signature: body.vector16('signature') };
      break;
    case 'LIST_RESPONSE': {
      const moreFlag = body.u8('more');
      if (moreFlag > 1) throw new RemoteProtocolError('decode_error', `LIST_RESPONSE more flag is ${moreFlag}, expected 0 or 1`);
      const count = body.u16('count');
      const entries: ListEntry[] = [];
      for (let index = 0; index < count; index += 1) {
        entries.push({ name: decodeName(body.vector16(`entry ${index} name`), name), size: body.u64(`entry ${index} size`) });
      }
      message = { name, more: moreFlag === 1, entries };
      break;
    }
  }
  body.end();
  return message;
}

/** Decodes a name a server sent, which must be UTF-8. */
function decodeName(bytes: Uint8Array, where: string): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw new RemoteProtocolError('decode_error', `${where} carries a name that is not valid UTF-8`);
  }
}

/** Decodes a requested name, or undefined when the bytes are not UTF-8. */
export function decodeRequestedName(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export function encodeName(name: string): Uint8Array {
  return encoder.encode(name);
}

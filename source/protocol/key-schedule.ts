/**
 * What the handshake computes from its secrets (PROTOCOL.md sections 2, 4, 5):
 * the session keys, the transcript hash, the inputs that CERTIFICATE_VERIFY and
 * FILE_END sign, and FINISHED's verify_data.
 */
import { concatBytes, utf8 } from '../crypto/bytes.js';
import { hkdfSha256, hmacSha256, sha256 } from '../crypto/hash.js';
import { ByteWriter } from './codec.js';

export const SECRET_BYTES = 32;

export interface SessionKeys {
  readonly clientWriteKey: Uint8Array;
  readonly serverWriteKey: Uint8Array;
  readonly clientWriteIv: Uint8Array;
  readonly serverWriteIv: Uint8Array;
  readonly clientMacKey: Uint8Array;
  readonly serverMacKey: Uint8Array;
  readonly finishedKey: Uint8Array;
}

const KEY_EXPANSION = utf8('tls-tui key expansion');
const CERTIFICATE_VERIFY_LABEL = utf8('tls-tui certificate verify');
const FILE_SIGNATURE_LABEL = utf8('tls-tui file v1');

export function deriveSessionKeys(secret: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): SessionKeys {
  const block = hkdfSha256(secret, concatBytes(clientRandom, serverRandom), KEY_EXPANSION, 208);
  let offset = 0;
  const cut = (length: number): Uint8Array => block.slice(offset, (offset += length));
  return Object.freeze({
    clientWriteKey: cut(32),
    serverWriteKey: cut(32),
    clientWriteIv: cut(16),
    serverWriteIv: cut(16),
    clientMacKey: cut(32),
    serverMacKey: cut(32),
    finishedKey: cut(32),
  });
}

/** The handshake messages as they travelled (`msg_type | length | body`), in order. */
export class Transcript {
  readonly #messages: Uint8Array[] = [];

  add(message: Uint8Array): void {
    this.#messages.push(message);
  }

  hash(): Uint8Array {
    return sha256(...this.#messages);
  }
}

export function certificateVerifyInput(transcriptHash: Uint8Array): Uint8Array {
  return concatBytes(CERTIFICATE_VERIFY_LABEL, new Uint8Array([0]), transcriptHash);
}

export function finishedVerifyData(finishedKey: Uint8Array, sender: 'client' | 'server', transcriptHash: Uint8Array): Uint8Array {
  return hmacSha256(finishedKey, utf8(`${sender} finished`), transcriptHash);
}

export interface SignedFile {
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly name: Uint8Array;
  readonly size: number;
  readonly sha256: Uint8Array;
}

/** What FILE_END's signature covers: the file's digest, bound to this session. */
export function fileSignatureInput(file: SignedFile): Uint8Array {
  return new ByteWriter()
    .bytes(FILE_SIGNATURE_LABEL)
    .bytes(file.clientRandom)
    .bytes(file.serverRandom)
    .vector16(file.name, 'name')
    .u64(file.size)
    .bytes(file.sha256)
    .finish();
}

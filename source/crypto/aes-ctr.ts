/**
 * AES-256-CTR as one continuous keystream per direction (PROTOCOL.md section 0).
 * aes-js keeps its position between calls, so a stream split into records of any
 * size encrypts exactly as one piece: no keystream byte is ever used twice.
 */
import aesjs from 'aes-js';
import { expectLength } from './bytes.js';

export interface CtrStream {
  /** Encrypts or decrypts (the same operation in CTR mode) the next bytes of the stream. */
  update(bytes: Uint8Array): Uint8Array;
}

export function createAesCtrStream(key: Uint8Array, iv: Uint8Array): CtrStream {
  expectLength('aesKey', key, 32);
  expectLength('iv', iv, 16);
  const mode = new aesjs.ModeOfOperation.ctr(key, new aesjs.Counter(iv));
  return {
    update(bytes) {
      return bytes.length === 0 ? new Uint8Array(0) : mode.encrypt(bytes);
    },
  };
}

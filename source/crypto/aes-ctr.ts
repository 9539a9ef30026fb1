/**
 * AES-256-CTR as one continuous keystream per direction (PROTOCOL.md section 0).
 * Both implementations keep their position between calls, so a stream split into
 * records of any size encrypts exactly as one piece: no keystream byte is ever used
 * twice. aes-js (pure JavaScript, the project's choice) is the default; node:crypto's
 * OpenSSL cipher is the `--aes native` fast path, byte for byte the same stream: the
 * same 128-bit big-endian counter, starting at the IV.
 */
import { createCipheriv } from 'node:crypto';
import aesjs from 'aes-js';
import { expectLength } from './bytes.js';

export interface CtrStream {
  /** Encrypts or decrypts (the same operation in CTR mode) the next bytes of the stream. */
  update(bytes: Uint8Array): Uint8Array;
}

export type AesImplementation = 'aes-js' | 'native';
export const AES_IMPLEMENTATIONS: readonly AesImplementation[] = ['aes-js', 'native'];

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

/** The same stream from node:crypto (OpenSSL, with AES-NI where the CPU has it). */
export function createNativeAesCtrStream(key: Uint8Array, iv: Uint8Array): CtrStream {
  expectLength('aesKey', key, 32);
  expectLength('iv', iv, 16);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  return {
    update(bytes) {
      if (bytes.length === 0) return new Uint8Array(0);
      const out = cipher.update(bytes);
      // CTR is a stream cipher: OpenSSL hands back exactly as many bytes as it was given.
      if (out.length !== bytes.length) throw new Error(`aes-256-ctr returned ${out.length} bytes for ${bytes.length}`);
      // A fresh buffer each call, seen as a plain Uint8Array (no copy), like aes-js's result.
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    },
  };
}

/** The stream factory for an implementation name, as `PeerOptions.createCtrStream` takes it. */
export function ctrStreamFactory(implementation: AesImplementation): (key: Uint8Array, iv: Uint8Array) => CtrStream {
  switch (implementation) {
    case 'aes-js':
      return createAesCtrStream;
    case 'native':
      return createNativeAesCtrStream;
  }
}

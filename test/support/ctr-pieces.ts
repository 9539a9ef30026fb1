import { concatBytes } from '../../source/crypto/bytes.js';
import type { CtrStream } from '../../source/crypto/aes-ctr.js';

/** Runs `data` through `stream` cut at the given lengths (the rest in a last piece), as a socket would deliver it. */
export function inPieces(stream: CtrStream, data: Uint8Array, lengths: readonly number[]): Uint8Array {
  const out: Uint8Array[] = [];
  let offset = 0;
  for (const length of lengths) {
    const end = Math.min(offset + length, data.length);
    out.push(stream.update(data.subarray(offset, end)));
    offset = end;
  }
  out.push(stream.update(data.subarray(offset)));
  return concatBytes(...out);
}

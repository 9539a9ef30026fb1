/**
 * Events as JSON and back without losing their bytes: every Uint8Array becomes
 * `{"$b64": "..."}` on the way out and a Uint8Array again on the way in.
 */

interface EncodedBytes {
  readonly $b64: string;
}

function isEncodedBytes(value: unknown): value is EncodedBytes {
  return typeof value === 'object' && value !== null && typeof (value as EncodedBytes).$b64 === 'string' && Object.keys(value).length === 1;
}

/** A JSON.stringify replacer for byte strings. */
export function bytesReplacer(_key: string, value: unknown): unknown {
  if (!(value instanceof Uint8Array)) return value;
  return { $b64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
}

/** A JSON.parse reviver that turns `{"$b64"}` objects back into bytes. */
export function bytesReviver(_key: string, value: unknown): unknown {
  return isEncodedBytes(value) ? new Uint8Array(Buffer.from(value.$b64, 'base64')) : value;
}

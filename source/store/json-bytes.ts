/**
 * Events as JSON and back without losing their bytes: every Uint8Array becomes
 * `{"$b64": "..."}` on the way out and a Uint8Array again on the way in.
 *
 * A Buffer is a Uint8Array with a `toJSON` of its own, and JSON.stringify calls
 * `toJSON` before the replacer sees the value; so the replacer looks at the
 * holder's own property, the value as it was. Transcripts written before it did
 * hold such bytes as `{"type": "Buffer", "data": [...]}`, and the reviver reads
 * that form too, so they still replay.
 */

interface EncodedBytes {
  readonly $b64: string;
}

interface BufferJson {
  readonly type: 'Buffer';
  readonly data: readonly number[];
}

function isEncodedBytes(value: unknown): value is EncodedBytes {
  return typeof value === 'object' && value !== null && typeof (value as EncodedBytes).$b64 === 'string' && Object.keys(value).length === 1;
}

function isBufferJson(value: unknown): value is BufferJson {
  if (typeof value !== 'object' || value === null || Object.keys(value).length !== 2) return false;
  const { type, data } = value as BufferJson;
  return type === 'Buffer' && Array.isArray(data) && data.every((byte) => Number.isInteger(byte) && byte >= 0 && byte <= 255);
}

/** A JSON.stringify replacer for byte strings, Buffers included. */
export function bytesReplacer(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  const bytes = original instanceof Uint8Array ? original : value;
  if (!(bytes instanceof Uint8Array)) return value;
  return { $b64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
}

/** A JSON.parse reviver that turns `{"$b64"}` objects (and older Buffer JSON) back into bytes. */
export function bytesReviver(_key: string, value: unknown): unknown {
  if (isEncodedBytes(value)) return new Uint8Array(Buffer.from(value.$b64, 'base64'));
  if (isBufferJson(value)) return Uint8Array.from(value.data);
  return value;
}

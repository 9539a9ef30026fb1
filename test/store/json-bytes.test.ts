/**
 * Bytes in transcripts: whatever kind of byte string an event holds, it comes
 * back from JSON as the same bytes, and transcripts written with Buffers in the
 * older form still read.
 */
import { describe, expect, it } from 'vitest';
import { bytesReplacer, bytesReviver } from '../../source/store/json-bytes.js';

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value, bytesReplacer), bytesReviver);

describe('bytes through JSON', () => {
  it('a Uint8Array, a Buffer and a Buffer slice each come back as a Uint8Array of the same bytes', () => {
    const backing = Buffer.from('0123456789abcdef');
    const event = { plain: new Uint8Array([0, 1, 254, 255]), buffer: Buffer.from([9, 8, 7]), slice: backing.subarray(4, 8), nested: [{ original: Buffer.from('hi') }] };
    const text = JSON.stringify(event, bytesReplacer);
    expect(text).not.toContain('"type":"Buffer"');
    const back = roundTrip(event) as Record<string, unknown>;
    expect(back.plain).toEqual(new Uint8Array([0, 1, 254, 255]));
    expect(back.buffer).toEqual(new Uint8Array([9, 8, 7]));
    expect(back.slice).toEqual(new Uint8Array(Buffer.from('4567')));
    expect((back.nested as Array<{ original: unknown }>)[0]!.original).toEqual(new Uint8Array(Buffer.from('hi')));
    expect(back.buffer).toBeInstanceOf(Uint8Array);
  });

  it('a Buffer at the top level too', () => {
    expect(roundTrip(Buffer.from([1, 2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('reads the Buffer JSON that older transcripts hold, and leaves look-alikes alone', () => {
    const old = JSON.parse('{"original":{"type":"Buffer","data":[22,3,1]}}', bytesReviver) as { original: unknown };
    expect(old.original).toEqual(new Uint8Array([22, 3, 1]));
    const notBytes = { type: 'Buffer', data: [1, 300] };
    expect(JSON.parse(JSON.stringify(notBytes), bytesReviver)).toEqual(notBytes);
    const extra = { type: 'Buffer', data: [1], more: true };
    expect(JSON.parse(JSON.stringify(extra), bytesReviver)).toEqual(extra);
  });
});

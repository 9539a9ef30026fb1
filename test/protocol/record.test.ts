/**
 * The record layer (PROTOCOL.md section 1): `encodeRecord` frames a payload as type,
 * version 0x0300 and a 2-byte length, and `RecordReader` parses records back from a byte
 * stream that may be cut anywhere. The streams of a real session (every record each peer
 * wrote, from a ConnectionPair) are fed to fresh readers split at every single offset and
 * in 1-byte pieces and must give back the same records; a read may also hold many. A bad
 * header is refused as soon as its five bytes are in: an unknown type or version with
 * decode_error, a length over the limit with record_overflow before a payload byte is
 * supplied (16,384 before the keys, 16,384 + 32 after).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RemoteProtocolError } from '../../source/protocol/alerts.js';
import {
  CONTENT_TYPE, encodeRecord, HEADER_BYTES, MAX_CIPHERTEXT_BYTES, MAX_PLAINTEXT_BYTES, type RawRecord, RecordReader,
} from '../../source/protocol/record.js';
import { testPki } from '../support/identities.js';
import { ConnectionPair } from '../support/pair.js';

function records(reader: RecordReader): RawRecord[] {
  const out: RawRecord[] = [];
  for (let record = reader.next(); record !== undefined; record = reader.next()) out.push(record);
  return out;
}

function readAll(pieces: readonly Uint8Array[], maxPayload = MAX_CIPHERTEXT_BYTES): { records: RawRecord[]; left: number } {
  const reader = new RecordReader();
  reader.maxPayload = maxPayload;
  const out: RawRecord[] = [];
  for (const piece of pieces) {
    reader.push(piece);
    out.push(...records(reader));
  }
  return { records: out, left: reader.buffered };
}

/** Why `parsed` differs from the records as they were sent, or undefined when it does not. */
function difference(parsed: { records: readonly RawRecord[]; left: number }, sent: readonly Uint8Array[]): string | undefined {
  if (parsed.left !== 0) return `${parsed.left} bytes left over`;
  if (parsed.records.length !== sent.length) return `${parsed.records.length} records instead of ${sent.length}`;
  for (const [index, record] of parsed.records.entries()) {
    if (!Buffer.from(record.bytes).equals(sent[index]!)) return `record ${index} differs`;
    if (record.contentType !== record.bytes[0] || !Buffer.from(record.payload).equals(record.bytes.subarray(HEADER_BYTES))) return `record ${index} is misframed`;
  }
  return undefined;
}

function splitEverywhere(stream: readonly Uint8Array[]): string[] {
  const whole = Buffer.concat(stream);
  const problems: string[] = [];
  for (let offset = 0; offset <= whole.length; offset += 1) {
    const problem = difference(readAll([whole.subarray(0, offset), whole.subarray(offset)]), stream);
    if (problem !== undefined) problems.push(`split at ${offset}: ${problem}`);
  }
  return problems;
}

function failure(action: () => unknown): RemoteProtocolError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(RemoteProtocolError);
    return error as RemoteProtocolError;
  }
  throw new Error('expected a RemoteProtocolError, but nothing was thrown');
}

describe('encodeRecord', () => {
  it('writes type, version 0x0300 and the big-endian payload length before the payload', () => {
    const payload = new Uint8Array(0x1234).fill(9);
    const record = encodeRecord(CONTENT_TYPE.application_data, payload);
    expect([...record.subarray(0, HEADER_BYTES)]).toEqual([23, 0x03, 0x00, 0x12, 0x34]);
    expect(record.subarray(HEADER_BYTES)).toEqual(payload);
    expect([...encodeRecord(CONTENT_TYPE.alert, new Uint8Array([2, 0, 0, 0]))]).toEqual([21, 3, 0, 0, 4, 2, 0, 0, 0]);
  });

  it('refuses a payload longer than a ciphertext may be', () => {
    expect(encodeRecord(CONTENT_TYPE.handshake, new Uint8Array(MAX_CIPHERTEXT_BYTES)).length).toBe(HEADER_BYTES + MAX_CIPHERTEXT_BYTES);
    expect(() => encodeRecord(CONTENT_TYPE.handshake, new Uint8Array(MAX_CIPHERTEXT_BYTES + 1))).toThrow(RangeError);
  });
});

describe('RecordReader on the streams of a real session', () => {
  let clientStream: Uint8Array[];
  let serverStream: Uint8Array[];
  let bigServerStream: Uint8Array[];

  beforeAll(async () => {
    const pki = await testPki();
    const small = new ConnectionPair(pki, { files: new Map([['notes.txt', new Uint8Array(700).fill(1)]]) }).run();
    expect(small.client.stateName).toBe('Closed');
    clientStream = small.sent['client->server'];
    serverStream = small.sent['server->client'];
    const big = new ConnectionPair(pki, { files: new Map([['notes.txt', new Uint8Array(40_000).fill(2)]]) }).run();
    expect(big.client.stateName).toBe('Closed');
    bigServerStream = big.sent['server->client'];
  });

  it('gives back every record of the client->server stream split at every single offset', () => {
    expect(clientStream.length).toBeGreaterThanOrEqual(6);
    expect(splitEverywhere(clientStream)).toEqual([]);
  });

  it('gives back every record of the server->client streams (700 B and 40 kB files) split at every single offset', () => {
    expect(serverStream.length).toBe(7);
    expect(splitEverywhere(serverStream)).toEqual([]);
    expect(splitEverywhere(bigServerStream)).toEqual([]);
  });

  it('gives back every record when both streams arrive one byte at a time', () => {
    for (const stream of [clientStream, bigServerStream]) {
      const whole = Buffer.concat(stream);
      expect(difference(readAll([...whole].map((byte) => new Uint8Array([byte]))), stream)).toBeUndefined();
    }
  });

  it('gives back many records from a single read, full-size encrypted ones included', () => {
    expect(Math.max(...bigServerStream.map((record) => record.length))).toBe(HEADER_BYTES + MAX_CIPHERTEXT_BYTES);
    expect(difference(readAll([Buffer.concat(bigServerStream)]), bigServerStream)).toBeUndefined();
    expect(difference(readAll([Buffer.concat(bigServerStream)]), bigServerStream.slice(1))).toBe(`${bigServerStream.length} records instead of ${bigServerStream.length - 1}`);
  });

  it('keeps a partial record buffered until its last byte arrives', () => {
    const reader = new RecordReader();
    const record = clientStream[0]!;
    reader.push(record.subarray(0, record.length - 1));
    expect(reader.next()).toBeUndefined();
    expect(reader.buffered).toBe(record.length - 1);
    reader.push(record.subarray(record.length - 1));
    expect(reader.next()?.bytes).toEqual(record);
    expect(reader.next()).toBeUndefined();
  });
});

describe('RecordReader refusing bad headers as soon as they are in', () => {
  it.each([0, 20, 24, 255])('content type %i → decode_error at the fifth header byte', (type) => {
    const reader = new RecordReader();
    const header = [type, 3, 0, 0, 1];
    reader.push(new Uint8Array(header.slice(0, 4)));
    expect(reader.next()).toBeUndefined();
    reader.push(new Uint8Array(header.slice(4)));
    expect(failure(() => reader.next()).alert).toBe('decode_error');
  });

  it.each([[3, 1], [3, 3], [0, 3], [2, 0], [0xfe, 0xfd]])('version %i.%i → decode_error at the fifth header byte', (major, minor) => {
    const reader = new RecordReader();
    reader.push(new Uint8Array([22, major, minor, 0]));
    expect(reader.next()).toBeUndefined();
    reader.push(new Uint8Array([1]));
    const error = failure(() => reader.next());
    expect(error.alert).toBe('decode_error');
    expect(error.message).toMatch(/version/);
  });

  it('accepts 16,384 payload bytes before the keys and refuses 16,385 with record_overflow before any payload byte', () => {
    const reader = new RecordReader();
    expect(reader.maxPayload).toBe(MAX_PLAINTEXT_BYTES);
    reader.push(new Uint8Array([22, 3, 0, 0x40, 0x00]));
    expect(reader.next()).toBeUndefined();
    reader.push(new Uint8Array(MAX_PLAINTEXT_BYTES));
    expect(reader.next()?.payload.length).toBe(MAX_PLAINTEXT_BYTES);

    const over = new RecordReader();
    over.push(new Uint8Array([22, 3, 0, 0x40, 0x01]));
    const error = failure(() => over.next());
    expect(error.alert).toBe('record_overflow');
    expect(over.buffered).toBe(HEADER_BYTES);
  });

  it('after the keys (maxPayload 16,416) accepts 16,416 and refuses 16,417 before any payload byte', () => {
    const reader = new RecordReader();
    reader.maxPayload = MAX_CIPHERTEXT_BYTES;
    expect(MAX_CIPHERTEXT_BYTES).toBe(16_416);
    reader.push(new Uint8Array([23, 3, 0, 0x40, 0x20]));
    expect(reader.next()).toBeUndefined();
    reader.push(new Uint8Array(16_416));
    expect(reader.next()?.payload.length).toBe(16_416);

    const over = new RecordReader();
    over.maxPayload = MAX_CIPHERTEXT_BYTES;
    over.push(new Uint8Array([23, 3, 0, 0x40, 0x21]));
    expect(failure(() => over.next()).alert).toBe('record_overflow');
  });

  it('checks a header that arrives right behind a good record in the same read', () => {
    const reader = new RecordReader();
    reader.push(Buffer.concat([encodeRecord(CONTENT_TYPE.alert, new Uint8Array([1, 0, 0, 0])), new Uint8Array([99, 3, 0, 0, 0])]));
    expect(reader.next()?.contentType).toBe(CONTENT_TYPE.alert);
    expect(failure(() => reader.next()).alert).toBe('decode_error');
  });
});

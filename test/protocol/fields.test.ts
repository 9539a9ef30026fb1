/**
 * A record's name without its breakdown (what a live wire event carries) is the name
 * the full description gives, for any record at all: the shortcut for FILE_DATA must
 * never name a record differently from the inspector.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APPLICATION_KIND } from '../../source/protocol/application-messages.js';
import { describeRecord, recordMessage } from '../../source/protocol/fields.js';
import { CONTENT_TYPE, encodeRecord } from '../../source/protocol/record.js';

const contentType = fc.constantFrom(CONTENT_TYPE.alert, CONTENT_TYPE.handshake, CONTENT_TYPE.application_data);
// Payloads that start with each application kind, FILE_DATA among them, or with anything.
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.tuple(fc.constantFrom(...Object.values(APPLICATION_KIND)), fc.uint8Array({ maxLength: 64 })).map(([kind, rest]) => Uint8Array.of(kind, ...rest)),
);

describe('recordMessage', () => {
  it('names every record as describeRecord does, encrypted or not, with or without its plaintext', () => {
    fc.assert(
      fc.property(contentType, payload, fc.boolean(), fc.boolean(), (type, plaintext, encrypted, readable) => {
        const record = encodeRecord(type, plaintext);
        const shown = encrypted && readable ? plaintext : undefined;
        expect(recordMessage(record, encrypted, shown)).toBe(describeRecord(record, encrypted, shown).message);
      }),
      { numRuns: 2000 },
    );
  });

  it('takes FILE_DATA from the kind byte alone', () => {
    const plaintext = Uint8Array.of(APPLICATION_KIND.FILE_DATA, 1, 2, 3);
    expect(recordMessage(encodeRecord(CONTENT_TYPE.application_data, plaintext), true, plaintext)).toBe('FILE_DATA');
  });
});

/**
 * A peer can be fed a large read and asked to handle one record at a time, as
 * PeerSocket does so that each record's buffers are gone before the next is
 * decrypted. One record per call must change nothing but the pacing: the same
 * events (a driver may act between two records), the same file, the same failures,
 * with nothing left unread.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PeerEvent } from '../../source/protocol/events.js';
import { type TestPki, testPki } from '../support/identities.js';
import { ConnectionPair } from '../support/pair.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

// Several FILE_DATA records, the last one short.
const FILE = Uint8Array.from({ length: 5 * 16_383 + 100 }, (_, index) => (index * 7) & 0xff);
const files = new Map([['notes.txt', FILE]]);

const shape = (events: readonly PeerEvent[]): string[] => events.map((event) => (event.type === 'wire' ? `wire ${event.action} ${event.message}` : event.type === 'step' ? `step ${event.step} ${event.status}` : event.type));

describe('receive, one record at a time', () => {
  it('reads every record of a joined flight, one per call, and ends the session as reading all at once does', () => {
    const whole = new ConnectionPair(pki, { files, joinWrites: true }).run();
    const paced = new ConnectionPair(pki, { files, joinWrites: true, recordsPerReceive: 1 }).run();
    expect(Math.max(...whole.recordsPerOutput)).toBeGreaterThan(1);
    expect(Math.max(...paced.recordsPerOutput)).toBe(1);
    expect(Buffer.compare(paced.receivedBytes(), FILE)).toBe(0);
    // The same events; only their order may differ where the driver acts between two records
    // (here the client saves before it reads the server's close_notify, not after).
    expect(shape(paced.clientEvents).sort()).toEqual(shape(whole.clientEvents).sort());
    expect(shape(paced.serverEvents).sort()).toEqual(shape(whole.serverEvents).sort());
    expect(paced.client.stateName).toBe('Closed');
    expect(paced.client.moreToRead).toBe(false);
  });

  it('still fails at the first altered record, and says nothing more is to be read', () => {
    let bigRecords = 0;
    const paced = new ConnectionPair(pki, {
      files,
      joinWrites: true,
      recordsPerReceive: 1,
      tamper: (bytes, direction) => {
        if (direction !== 'server->client' || bytes.length < 16_000 || ++bigRecords !== 2) return [bytes];
        // The second FILE_DATA record's last byte (its MAC), inside a flight of many.
        const copy = Uint8Array.from(bytes);
        copy[copy.length - 1]! ^= 1;
        return [copy];
      },
    }).run();
    expect(Math.max(...paced.recordsPerOutput)).toBe(1);
    expect(paced.client.failure?.alert?.description).toBe(20);
    // The first FILE_DATA record was handed over before the second was read, and nothing after it.
    expect(paced.receivedBytes().length).toBe(16_383);
    expect(paced.client.moreToRead).toBe(false);
  });
});

/**
 * Tampering with encrypted records (PROTOCOL.md section 4), as tlsfuzzer does it: for each
 * encrypted record a peer receives (both FINISHED messages, the REQUEST, FILE_HEADER,
 * FILE_DATA, FILE_END and LIST_RESPONSE), every single bit of its last 42 bytes is
 * flipped in turn, each flip in a fresh session driven to the moment that record is due.
 * Every one is answered with bad_record_mac, encrypted, and nothing of the tampered record
 * reaches the application: no request, file header, file bytes, verification or listing
 * is reported, and the wire event carries no decrypted bytes (the MAC is checked before a
 * byte is decrypted). A property then corrupts any bytes anywhere in the payload of any
 * of those records, with the same outcome. The records chosen all carry at least 42 bytes
 * of ciphertext and MAC, so every flipped bit is one the MAC covers; the header's own
 * fields are fuzzed elsewhere (record-reader, state-machines).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerEvent } from '../../source/protocol/events.js';
import { HEADER_BYTES } from '../../source/protocol/record.js';
import type { Role } from '../../source/protocol/steps.js';
import { fuzzParameters, fuzzTimeout } from '../support/fuzz.js';
import { type TestPki, testPki } from '../support/identities.js';
import { expectFatalAlert } from '../support/outcomes.js';
import { Relay, type RelayOptions } from '../support/relay.js';
import { memoizeRsa, sameRandomness } from '../support/rsa-memo.js';

const FLIPPED_BYTES = 42;
const FILES = new Map([['notes.txt', new Uint8Array(100).fill(0x6e)]]);
/** What a peer hands its application: none of it may come from a tampered record. */
const APPLICATION_EVENTS = new Set<PeerEvent['type']>(['request', 'file-header', 'file-data', 'file-verified', 'list']);

interface Target {
  readonly record: string;
  readonly to: Role;
  readonly options: Omit<RelayOptions, 'client' | 'server'>;
  /** Drives a started relay until `record` is the next record queued for `to`. */
  readonly reach: (relay: Relay) => void;
}

const TARGETS: readonly Target[] = [
  { record: 'client FINISHED', to: 'server', options: { files: FILES }, reach: (relay) => relay.runUntil('server', 'ExpectFinished').runUntil('client', 'ExpectFinished') },
  { record: 'REQUEST', to: 'server', options: { files: FILES }, reach: (relay) => relay.runUntil('server', 'ExpectRequest').runUntil('client', 'ExpectFileHeader') },
  { record: 'server FINISHED', to: 'client', options: { files: FILES }, reach: (relay) => relay.runUntil('client', 'ExpectFinished').runUntil('server', 'ExpectRequest') },
  {
    record: 'FILE_HEADER', to: 'client', options: { files: FILES, respond: false },
    reach: (relay) => {
      relay.runUntil('server', 'Responding');
      relay.act('server', relay.server.sendFileHeader(FILES.get('notes.txt')!.length, relay.now));
    },
  },
  { record: 'FILE_DATA', to: 'client', options: { files: FILES }, reach: (relay) => relay.runUntil('client', 'ExpectFileData') },
  { record: 'FILE_END', to: 'client', options: { files: FILES }, reach: (relay) => relay.runUntil('client', 'ExpectFileEnd') },
  { record: 'LIST_RESPONSE', to: 'client', options: { request: { op: 'LIST' }, files: FILES }, reach: (relay) => relay.runUntil('server', 'ExpectCloseNotify') },
];

let pki: TestPki;
let restoreRsa: () => void;
beforeAll(async () => {
  pki = await testPki();
  restoreRsa = memoizeRsa();
}, 60_000);
afterAll(() => restoreRsa());

function reached(target: Target): { relay: Relay; record: Uint8Array } {
  const relay = new Relay(pki, { ...target.options, client: { random: sameRandomness(3) }, server: { random: sameRandomness(4) } }).start();
  target.reach(relay);
  const next = relay.take(target.to);
  expect(next.encrypted).toBe(true);
  expect(next.record.length - HEADER_BYTES).toBeGreaterThanOrEqual(FLIPPED_BYTES);
  return { relay, record: next.record };
}

/** Feeds the tampered record and checks the refusal and that the application saw nothing. */
function expectRefused(target: Target, relay: Relay, tampered: Uint8Array): void {
  const before = relay.events[target.to].length;
  const output = relay.inject(target.to, tampered);
  expect(expectFatalAlert(relay, target.to, output, 'bad_record_mac').reason).toMatch(/MAC check/);
  expect(relay.sentBy(target.to).at(-1)?.encrypted).toBe(true);
  const after = relay.events[target.to].slice(before);
  expect(after.filter((event) => APPLICATION_EVENTS.has(event.type))).toEqual([]);
  const received = after.filter((event) => event.type === 'wire' && event.action === 'received');
  expect(received).toHaveLength(1);
  expect(received[0]).not.toHaveProperty('plaintext');
}

describe('every single-bit flip in the last 42 bytes of an encrypted record', () => {
  it.each(TARGETS.map((target) => [target.record, target.to, target] as const))('of the %s (to the %s): all 336 → bad_record_mac, nothing delivered', (_record, _to, target) => {
    let flips = 0;
    for (let back = 1; back <= FLIPPED_BYTES; back += 1) {
      for (let bit = 0; bit < 8; bit += 1) {
        const { relay, record } = reached(target);
        const tampered = record.slice();
        tampered[record.length - back]! ^= 1 << bit;
        expectRefused(target, relay, tampered);
        flips += 1;
      }
    }
    expect(flips).toBe(FLIPPED_BYTES * 8);
  }, fuzzTimeout(10_000));

  it('while each genuine record, delivered untouched, is accepted and reaches the application (FINISHED aside)', () => {
    for (const target of TARGETS) {
      const { relay, record } = reached(target);
      const before = relay.events[target.to].length;
      relay.inject(target.to, record);
      expect(relay.peer(target.to).isFailed, target.record).toBe(false);
      const delivered = relay.events[target.to].slice(before).some((event) => APPLICATION_EVENTS.has(event.type));
      expect(delivered, target.record).toBe(!target.record.endsWith('FINISHED'));
    }
  });
});

describe('any corruption of the payload of an encrypted record', () => {
  it('is bad_record_mac, with nothing delivered (property over records, positions and masks)', () => {
    const corruption = fc.record({
      target: fc.constantFrom(...TARGETS),
      changes: fc.array(fc.record({ at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 6 }),
    });
    fc.assert(
      fc.property(corruption, ({ target, changes }) => {
        const { relay, record } = reached(target);
        const tampered = record.slice();
        for (const { at, mask } of changes) tampered[HEADER_BYTES + (at % (record.length - HEADER_BYTES))]! ^= mask;
        fc.pre(!Buffer.from(tampered).equals(record));
        expectRefused(target, relay, tampered);
      }),
      fuzzParameters(500),
    );
  }, fuzzTimeout(5_000));
});

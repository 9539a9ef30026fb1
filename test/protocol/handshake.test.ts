/**
 * Whole sessions that go right, through the in-memory ConnectionPair (PROTOCOL.md
 * sections 1 to 6): GET of files at and around the FILE_DATA and record boundaries
 * (0, 1, 16,382 to 16,385 and 100,000 bytes) arrives byte-identical and both peers end
 * Closed, every checklist step done in order, every event frozen, progress ending at
 * done == total; LIST with 0, 1 and 3,000 entries, the last cut into several
 * LIST_RESPONSE records chained by `more`; a session whose bytes travel one at a time.
 * The wire events tell the same story on both sides: every record one peer sent is a
 * received wire event on the other with identical bytes, the messages come in the
 * order of section 2, and encryption starts with FINISHED.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeApplication } from '../../source/protocol/application-messages.js';
import type { FileVerifiedEvent, KeysEvent, ListEvent, PeerEvent, ProgressEvent, StepEvent, WireEvent } from '../../source/protocol/events.js';
import { MAX_PLAINTEXT_BYTES } from '../../source/protocol/record.js';
import { CLIENT_STEPS, SERVER_STEPS } from '../../source/protocol/steps.js';
import { formatBytes } from '../../source/protocol/units.js';
import { type TestPki, testPki } from '../support/identities.js';
import { ConnectionPair, type PairOptions } from '../support/pair.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

const fileOf = (size: number) => Uint8Array.from({ length: size }, (_, index) => (index * 7 + (index >> 8)) & 0xff);

/** Runs a pair after marking the steps the network drivers mark (connect, listen, accept). */
function session(options: PairOptions): ConnectionPair {
  const pair = new ConnectionPair(pki, options);
  pair.clientEvents.push(...pair.client.markStep('connect', 'done', 'in memory').events);
  pair.serverEvents.push(...pair.server.markStep('listen', 'done', 'in memory').events, ...pair.server.markStep('accept', 'done', 'in memory').events);
  return pair.run();
}

const wires = (events: readonly PeerEvent[], action?: 'sent' | 'received') =>
  events.filter((event): event is WireEvent => event.type === 'wire' && (action === undefined || event.action === action));
const progress = (events: readonly PeerEvent[]) => events.filter((event): event is ProgressEvent => event.type === 'progress');

function expectCleanEnd(pair: ConnectionPair): void {
  for (const [peer, events, steps] of [[pair.client, pair.clientEvents, CLIENT_STEPS], [pair.server, pair.serverEvents, SERVER_STEPS]] as const) {
    expect(peer.stateName).toBe('Closed');
    expect(peer.failure).toBeUndefined();
    expect(events.filter((event) => event.type === 'closed')).toEqual([expect.objectContaining({ how: 'close_notify', ok: true })]);
    for (const event of events) expect(Object.isFrozen(event)).toBe(true);
    const stepEvents = events.filter((event): event is StepEvent => event.type === 'step');
    expect(stepEvents.filter((event) => event.status === 'failed')).toEqual([]);
    const firstDone = [...new Set(stepEvents.filter((event) => event.status === 'done' || event.status === 'skipped').map((event) => event.step))];
    expect(firstDone).toEqual(steps.map((step) => step.id));
    expect(peer.nextDeadline()).toBeUndefined();
  }
}

describe('GET', () => {
  it.each([0, 1, 16_382, 16_383, 16_384, 16_385, 100_000])('a file of %i bytes arrives byte-identical and the session closes cleanly', (size) => {
    const file = fileOf(size);
    const pair = session({ files: new Map([['notes.txt', file]]) });
    expectCleanEnd(pair);
    expect(new Uint8Array(pair.receivedBytes())).toEqual(file);
    for (const step of CLIENT_STEPS) expect(pair.client.stepStatus(step.id), step.id).toBe('done');
    for (const step of SERVER_STEPS) expect(pair.server.stepStatus(step.id), step.id).toBe('done');

    const dataRecords = wires(pair.serverEvents, 'sent').filter((event) => event.message === 'FILE_DATA');
    expect(dataRecords).toHaveLength(Math.ceil(size / 16_383));
    for (const record of wires(pair.serverEvents, 'sent')) expect(record.plaintext?.length ?? 0).toBeLessThanOrEqual(MAX_PLAINTEXT_BYTES);

    const verified = pair.clientEvents.find((event): event is FileVerifiedEvent => event.type === 'file-verified');
    expect(verified).toMatchObject({ name: 'notes.txt', size });
    expect(Buffer.from(verified!.sha256).toString('hex')).toBe(createHash('sha256').update(file).digest('hex'));

    for (const events of [pair.clientEvents, pair.serverEvents]) {
      const updates = progress(events);
      expect(updates.at(-1)).toMatchObject({ done: size, total: size });
      expect(updates.every((update, index) => update.total === size && (index === 0 || update.done >= updates[index - 1]!.done))).toBe(true);
    }
  });
});

describe('LIST', () => {
  it.each([0, 1, 3000])('a listing of %i entries arrives whole, in as many LIST_RESPONSE records as it needs', (count) => {
    const files = new Map(Array.from({ length: count }, (_, index) => [`folder-${index % 17}/file-${String(index).padStart(5, '0')}.txt`, new Uint8Array(index % 5)] as const));
    const pair = session({ request: { op: 'LIST' }, files });
    expectCleanEnd(pair);

    const listed = pair.clientEvents.find((event): event is ListEvent => event.type === 'list');
    expect(listed?.entries).toEqual([...files].map(([name, data]) => ({ name, size: data.length })));
    expect(pair.client.stepStatus('verify-file')).toBe('skipped');
    expect(pair.client.stepStatus('save')).toBe('skipped');
    expect(pair.server.stepStatus('sign')).toBe('skipped');

    const responses = wires(pair.serverEvents, 'sent')
      .filter((event) => event.message === 'LIST_RESPONSE')
      .map((event) => ({ size: event.plaintext!.length, message: decodeApplication(event.plaintext!) }));
    expect(responses.length > 1).toBe(count === 3000);
    // Each record but the last is full: the next entry would not have fitted in it.
    for (const [index, { size, message }] of responses.slice(0, -1).entries()) {
      const next = responses[index + 1]!.message;
      const nextEntry = next.name === 'LIST_RESPONSE' ? next.entries[0]! : { name: '' };
      expect(message.name === 'LIST_RESPONSE' && message.entries.length).toBeGreaterThan(0);
      expect(size + 2 + Buffer.byteLength(nextEntry.name) + 8).toBeGreaterThan(MAX_PLAINTEXT_BYTES);
    }
    expect(responses.map(({ message }) => message.name === 'LIST_RESPONSE' && message.more)).toEqual(responses.map((_, index) => index < responses.length - 1));
    expect(responses.reduce((total, { message }) => total + (message.name === 'LIST_RESPONSE' ? message.entries.length : 0), 0)).toBe(count);
    for (const { size } of responses) expect(size).toBeLessThanOrEqual(MAX_PLAINTEXT_BYTES);
  });
});

describe('the wire, as both peers report it', () => {
  const file = fileOf(40_000);
  let pair: ConnectionPair;
  beforeAll(() => {
    pair = session({ files: new Map([['notes.txt', file]]) });
  });

  it('every record one peer sent is a received wire event on the other, with identical bytes, in order', () => {
    const hex = (events: readonly WireEvent[]) => events.map((event) => Buffer.from(event.record).toString('hex'));
    expect(hex(wires(pair.serverEvents, 'received'))).toEqual(hex(wires(pair.clientEvents, 'sent')));
    expect(hex(wires(pair.clientEvents, 'received'))).toEqual(hex(wires(pair.serverEvents, 'sent')));
    expect(hex(wires(pair.clientEvents, 'sent'))).toEqual(pair.sent['client->server'].map((record) => Buffer.from(record).toString('hex')));
    for (const event of wires(pair.clientEvents)) expect(event.direction).toBe(event.action === 'sent' ? 'client->server' : 'server->client');
    for (const event of wires(pair.serverEvents)) expect(event.direction).toBe(event.action === 'sent' ? 'server->client' : 'client->server');
  });

  it('the messages travel in the order of section 2, encrypted from FINISHED on', () => {
    const events = wires(pair.serverEvents);
    const dataRecords = Math.ceil(file.length / 16_383);
    expect(events.map((event) => event.message)).toEqual([
      'CLIENT_HELLO', 'SERVER_HELLO', 'CLIENT_KEY_EXCHANGE', 'CERTIFICATE_VERIFY', 'SERVER_KEY_EXCHANGE', 'FINISHED', 'FINISHED',
      'REQUEST GET', 'FILE_HEADER', ...Array<string>(dataRecords).fill('FILE_DATA'), 'FILE_END', 'alert close_notify', 'alert close_notify',
    ]);
    expect(events.map((event) => event.encrypted)).toEqual(events.map((_, index) => index >= 5));
    expect(events.map((event) => event.action).slice(0, 7)).toEqual(['received', 'sent', 'received', 'received', 'sent', 'received', 'sent']);
    for (const event of events) {
      expect(event.contentType).toBe(event.record[0]);
      expect(event.plaintext !== undefined).toBe(event.encrypted);
    }
    expect(wires(pair.clientEvents).map((event) => event.message)).toEqual(events.map((event) => event.message));
  });

  it("the server says the client's FINISHED matched before its own FINISHED leaves (step mode holds it there)", () => {
    const events = pair.serverEvents;
    const matched = events.findIndex((event) => event.type === 'step' && event.step === 'finished' && event.status === 'active' && /client FINISHED matches/.test(event.detail));
    const sent = events.findIndex((event) => event.type === 'wire' && event.action === 'sent' && event.message === 'FINISHED');
    const received = events.findIndex((event) => event.type === 'wire' && event.action === 'received' && event.message === 'FINISHED');
    expect([received < matched, matched < sent]).toEqual([true, true]);
  });

  it('while the file moves, the step details name the whole size and the progress events count the bytes', () => {
    const active = (events: readonly PeerEvent[], step: string) => events.filter((event): event is StepEvent => event.type === 'step' && event.step === step && event.status === 'active');
    const size = formatBytes(file.length);
    // A count in a detail would stand still while the progress bar moves.
    expect(active(pair.serverEvents, 'stream').map((event) => event.detail)).toEqual([`sending ${size} in FILE_DATA records`]);
    expect(active(pair.clientEvents, 'receive').map((event) => event.detail).at(-1)).toBe(`notes.txt: ${size}`);
    expect(progress(pair.serverEvents).at(-1)).toMatchObject({ done: file.length, total: file.length });
  });

  it('both peers report the same keys, randoms and secret', () => {
    const keys = (events: readonly PeerEvent[]) => events.filter((event): event is KeysEvent => event.type === 'keys');
    const [client] = keys(pair.clientEvents);
    const [server] = keys(pair.serverEvents);
    expect(keys(pair.clientEvents)).toHaveLength(1);
    expect(keys(pair.serverEvents)).toHaveLength(1);
    expect({ ...client, role: 'either' }).toEqual({ ...server, role: 'either' });
    expect(client?.secret.length).toBe(32);
  });
});

describe('a session whose bytes travel one at a time', () => {
  it('completes with the file byte-identical and the same records on both sides', () => {
    const file = fileOf(20_000);
    const pair = session({ files: new Map([['notes.txt', file]]), chunkSize: 1 });
    expectCleanEnd(pair);
    expect(new Uint8Array(pair.receivedBytes())).toEqual(file);
    expect(wires(pair.serverEvents, 'received').map((event) => Buffer.from(event.record).toString('hex'))).toEqual(
      pair.sent['client->server'].map((record) => Buffer.from(record).toString('hex')),
    );
    expect(wires(pair.clientEvents, 'received')).toHaveLength(pair.sent['server->client'].length);
  });
});

/**
 * The property version of the per-state tables (test/protocol/client-states and
 * server-states): for every state of both machines, fast-check draws the attack's details
 * and a fresh in-memory session is driven to that state (test/support/relay.ts) and fed
 * one of: a well-formed message of any type the state does not accept; a duplicate of any
 * earlier message it was sent, or the awaited one twice; any genuine later message (skipped
 * ahead; after the last one, a message of a new session); the message it
 * waits for truncated by any number of bytes or padded with any bytes; or that message
 * with one length field (the record's, the handshake's, a vector's or a count) set to 0,
 * one less, one more or the maximum. Each is answered with the alert PROTOCOL.md
 * specifies, plaintext before the keys and encrypted after, the peer ends Failed for good
 * and the other side is told why; and a normal session with the same setup passes
 * before and after. Randomness is fixed and RSA results are cached (rsa-memo.ts) so a
 * session costs about a millisecond.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertName } from '../../source/protocol/alerts.js';
import { applicationName } from '../../source/protocol/application-messages.js';
import type { ClosedEvent } from '../../source/protocol/events.js';
import { describeRecord } from '../../source/protocol/fields.js';
import { handshakeName } from '../../source/protocol/handshake-messages.js';
import { CONTENT_TYPE, type ContentType, encodeRecord } from '../../source/protocol/record.js';
import type { Role } from '../../source/protocol/steps.js';
import { concat, fuzzParameters, fuzzTimeout } from '../support/fuzz.js';
import { type TestPki, testPki } from '../support/identities.js';
import { applicationMessage, changedLength, handshakeMessage, lengthChange, readLength, writeLength } from '../support/message-arbitraries.js';
import { application, CLOSE_NOTIFY, handshake, utf8 } from '../support/messages.js';
import { expectClosedEarly, expectFatalAlert } from '../support/outcomes.js';
import { ConnectionPair } from '../support/pair.js';
import { type Flight, otherRole, Relay, type RelayOptions } from '../support/relay.js';
import { memoizeRsa, sameRandomness } from '../support/rsa-memo.js';

/** Runs of each (state, attack) property in CI. */
const RUNS = 12;
const FILES = new Map([['notes.txt', utf8('x')]]);
const LISTED = new Map([['a.txt', utf8('aa')], ['b/c.txt', utf8('ccc')]]);

type Expected = AlertName | 'closed early';
interface Message { readonly contentType: ContentType; readonly plaintext: Uint8Array }

interface StateSpec {
  readonly state: string;
  readonly title?: string;
  readonly options: Omit<RelayOptions, 'client' | 'server'>;
  readonly reach: (relay: Relay) => void;
  /** What the state takes: message names, or close_notify. */
  readonly accepts: readonly string[];
  /** The genuine message the state waits for (or, where it waits for none, close_notify). */
  readonly next: (relay: Relay) => Message;
}

const queued = (to: Role) => (relay: Relay): Message => relay.nextTo(to);
const closeNotify = (): Message => ({ contentType: CONTENT_TYPE.alert, plaintext: CLOSE_NOTIFY });
const toResponseComplete = (relay: Relay) => relay.runUntil('client', 'ResponseComplete');

const SPECS: Record<Role, readonly StateSpec[]> = {
  client: [
    {
      state: 'ExpectServerHello', options: { files: FILES }, accepts: ['SERVER_HELLO'], next: queued('client'),
      reach: (relay) => relay.runUntil('server', 'ExpectClientKeyExchange'),
    },
    { state: 'ExpectServerKeyExchange', options: { files: FILES }, reach: (relay) => relay.runUntil('server', 'ExpectFinished'), accepts: ['SERVER_KEY_EXCHANGE'], next: queued('client') },
    {
      state: 'ExpectFinished', options: { files: FILES }, accepts: ['FINISHED'], next: queued('client'),
      reach: (relay) => relay.runUntil('client', 'ExpectFinished').runUntil('server', 'ExpectRequest'),
    },
    {
      state: 'ExpectFileHeader', options: { files: FILES, respond: false }, accepts: ['FILE_HEADER'], next: queued('client'),
      reach: (relay) => {
        relay.runUntil('server', 'Responding');
        relay.act('server', relay.server.sendFileHeader(1, relay.now));
      },
    },
    { state: 'ExpectFileData', options: { files: FILES }, reach: (relay) => relay.runUntil('client', 'ExpectFileData'), accepts: ['FILE_DATA'], next: queued('client') },
    { state: 'ExpectFileEnd', options: { files: FILES }, reach: (relay) => relay.runUntil('client', 'ExpectFileEnd'), accepts: ['FILE_END'], next: queued('client') },
    {
      state: 'ExpectListResponse', options: { request: { op: 'LIST' }, files: LISTED }, accepts: ['LIST_RESPONSE'], next: queued('client'),
      reach: (relay) => relay.runUntil('server', 'ExpectCloseNotify'),
    },
    { state: 'ResponseComplete', options: { files: FILES, closeWhenComplete: false }, reach: toResponseComplete, accepts: ['close_notify'], next: queued('client') },
    {
      state: 'ExpectCloseNotify', options: { files: FILES, closeWhenComplete: false }, accepts: ['close_notify'], next: queued('client'),
      reach: (relay) => {
        toResponseComplete(relay);
        relay.act('client', relay.client.close(relay.now));
      },
    },
  ],
  server: [
    { state: 'ExpectClientHello', options: { files: FILES }, reach: () => undefined, accepts: ['CLIENT_HELLO'], next: queued('server') },
    { state: 'ExpectClientKeyExchange', options: { files: FILES }, reach: (relay) => relay.runUntil('client', 'ExpectServerKeyExchange'), accepts: ['CLIENT_KEY_EXCHANGE'], next: queued('server') },
    { state: 'ExpectCertificateVerify', options: { files: FILES }, reach: (relay) => relay.runUntil('server', 'ExpectCertificateVerify'), accepts: ['CERTIFICATE_VERIFY'], next: queued('server') },
    {
      state: 'ExpectFinished', options: { files: FILES }, accepts: ['FINISHED'], next: queued('server'),
      reach: (relay) => relay.runUntil('server', 'ExpectFinished').runUntil('client', 'ExpectFinished'),
    },
    {
      state: 'ExpectRequest', options: { files: FILES }, accepts: ['REQUEST'], next: queued('server'),
      reach: (relay) => relay.runUntil('server', 'ExpectRequest').runUntil('client', 'ExpectFileHeader'),
    },
    { state: 'Responding', options: { files: FILES, respond: false }, reach: (relay) => relay.runUntil('server', 'Responding'), accepts: [], next: closeNotify },
    {
      state: 'SendingFile', options: { files: FILES, respond: false }, accepts: [], next: closeNotify,
      reach: (relay) => {
        relay.runUntil('server', 'Responding');
        relay.act('server', relay.server.sendFileHeader(1, relay.now));
      },
    },
    { state: 'ExpectCloseNotify', options: { files: FILES }, reach: (relay) => relay.runUntil('server', 'ExpectCloseNotify'), accepts: ['close_notify'], next: closeNotify },
  ],
};

let pki: TestPki;
let restoreRsa: () => void;
beforeAll(async () => {
  pki = await testPki();
  restoreRsa = memoizeRsa();
}, 60_000);
afterAll(() => restoreRsa());

function relayOptions(spec: StateSpec): RelayOptions {
  return { ...spec.options, client: { random: sameRandomness(1) }, server: { random: sameRandomness(2) } };
}

function reached(role: Role, spec: StateSpec): Relay {
  const relay = new Relay(pki, relayOptions(spec)).start();
  spec.reach(relay);
  expect(relay.peer(role).stateName).toBe(spec.state);
  return relay;
}

function nameOf(message: Message): string {
  if (message.contentType === CONTENT_TYPE.alert) return message.plaintext[1] === 0 ? 'close_notify' : 'alert';
  const first = message.plaintext[0] ?? -1;
  return message.contentType === CONTENT_TYPE.handshake ? handshakeName(first) : applicationName(first);
}

/** A payload as sent: a handshake message keeps its 3-byte length in step, so the body is what is malformed. */
function framed(contentType: ContentType, payload: Uint8Array): Uint8Array {
  if (contentType === CONTENT_TYPE.handshake && payload.length >= 4) writeLength(payload, 1, 3, payload.length - 4);
  return payload;
}

/** The outcome PROTOCOL.md gives a message the state does not take. */
const outOfTurn = (message: Message): Expected => (nameOf(message) === 'close_notify' ? 'closed early' : 'unexpected_message');

/** Feeds the attack and checks the peer's answer, the end of the session and what the other side learns. */
function expectAnswer(role: Role, relay: Relay, bytes: Uint8Array, expected: Expected): void {
  const encrypted = relay.peer(role).isEncrypted;
  const output = relay.inject(role, bytes);
  if (expected === 'closed early') {
    expectClosedEarly(relay, role, output);
    return;
  }
  const alert = expectFatalAlert(relay, role, output, expected);
  expect(relay.sentBy(role).at(-1)?.encrypted).toBe(encrypted);
  const other = otherRole(role);
  relay.run();
  const closed = relay.events[other].find((event): event is ClosedEvent => event.type === 'closed');
  if (closed?.how !== 'close_notify') expect(closed).toMatchObject({ how: 'alert_received', alert });
}

type Attack = (role: Role, spec: StateSpec) => void;

/** Runs one (state, attack) property with the suite's seed and runs. */
function check<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>): void {
  fc.assert(property, fuzzParameters(RUNS));
}

/** The earlier or later genuine messages a state does not take. */
function candidates(flights: readonly Flight[], spec: StateSpec, closeNotifyToo: boolean): Flight[] {
  return flights.filter((flight) => {
    const name = nameOf(flight);
    return !spec.accepts.includes(name) && (closeNotifyToo ? name !== 'alert' : flight.contentType !== CONTENT_TYPE.alert);
  });
}

const references = new Map<StateSpec, Flight[]>();
function reference(spec: StateSpec): Flight[] {
  let flights = references.get(spec);
  if (flights === undefined) {
    flights = new Relay(pki, { ...relayOptions(spec), respond: true, closeWhenComplete: true }).start().run().flights;
    references.set(spec, flights);
  }
  return flights;
}

const ATTACKS: Record<string, Attack> = {
  'a well-formed message of a type the state does not take → unexpected_message': (role, spec) =>
    check(fc.property(
      fc.oneof(
        handshakeMessage.map((message) => ({ contentType: CONTENT_TYPE.handshake as ContentType, plaintext: handshake(message) })),
        applicationMessage.map((message) => ({ contentType: CONTENT_TYPE.application_data as ContentType, plaintext: application(message) })),
      ).filter((message) => !spec.accepts.includes(nameOf(message))),
      (message) => {
        const relay = reached(role, spec);
        expectAnswer(role, relay, relay.forge(role, message.contentType, message.plaintext), 'unexpected_message');
      },
    )),
  'a duplicate of an earlier message, or the awaited one twice → unexpected_message': (role, spec) =>
    check(fc.property(fc.nat(), (pick) => {
      const relay = reached(role, spec);
      const earlier = candidates(relay.delivered[role], spec, false);
      const awaited = spec.next(relay);
      const twice = awaited.contentType !== CONTENT_TYPE.alert && spec.accepts.includes(nameOf(awaited));
      expect(earlier.length + (twice ? 1 : 0)).toBeGreaterThan(0);
      if (pick % (earlier.length + (twice ? 1 : 0)) === earlier.length) {
        relay.inject(role, relay.forge(role, awaited.contentType, awaited.plaintext));
        expect(relay.peer(role).isFailed).toBe(false);
        expectAnswer(role, relay, relay.forge(role, awaited.contentType, awaited.plaintext), 'unexpected_message');
        return;
      }
      const flight = earlier[pick % earlier.length]!;
      expectAnswer(role, relay, relay.forge(role, flight.contentType, flight.plaintext), 'unexpected_message');
    })),
  'a genuine later message skipped ahead, or one of a new session → unexpected_message (close_notify: closed early)': (role, spec) =>
    check(fc.property(fc.nat(), (pick) => {
      const relay = reached(role, spec);
      const toPeer = reference(spec).filter((flight) => flight.from !== role);
      const later = candidates(toPeer.slice(relay.delivered[role].length), spec, true);
      const pool = later.length > 0 ? later : candidates(toPeer, spec, false);
      expect(pool.length).toBeGreaterThan(0);
      const flight = pool[pick % pool.length]!;
      expectAnswer(role, relay, relay.forge(role, flight.contentType, flight.plaintext), outOfTurn(flight));
    })),
  'the awaited message truncated by 1 to n-1 bytes → decode_error': (role, spec) =>
    check(fc.property(fc.nat(), (cut) => {
      const relay = reached(role, spec);
      const { contentType, plaintext } = spec.next(relay);
      const kept = plaintext.slice(0, 1 + (cut % (plaintext.length - 1)));
      expectAnswer(role, relay, relay.forge(role, contentType, framed(contentType, kept)), 'decode_error');
    })),
  'the awaited message padded with 1 to 8 bytes → decode_error': (role, spec) =>
    check(fc.property(fc.uint8Array({ minLength: 1, maxLength: 8 }), (extra) => {
      const relay = reached(role, spec);
      const { contentType, plaintext } = spec.next(relay);
      expectAnswer(role, relay, relay.forge(role, contentType, framed(contentType, concat([plaintext, extra]))), 'decode_error');
    })),
  'a length field of the awaited message set to 0, -1, +1 or the maximum → the alert of its layer': (role, spec) =>
    check(fc.property(fc.nat(), lengthChange, (pick, change) => {
      const relay = reached(role, spec);
      const { contentType, plaintext } = spec.next(relay);
      const fields = describeRecord(encodeRecord(contentType, plaintext), false).fields
        .filter((field) => /(^|\s)length$|^count$/.test(field.name) && (field.length === 2 || field.length === 3));
      const field = fields[pick % fields.length]!;
      const width = field.length as 2 | 3;
      if (field.offset === 3) {
        // The record header's own length: framing, before any decoder runs.
        const record = relay.forge(role, contentType, plaintext);
        const value = changedLength(readLength(record, 3, 2), 2, change);
        writeLength(record, 3, 2, value);
        const bytes = change === 'plus one' ? concat([record, new Uint8Array(1)]) : record;
        const expected: AlertName = change === 'max' ? 'record_overflow' : relay.peer(role).isEncrypted ? 'bad_record_mac' : 'decode_error';
        expectAnswer(role, relay, bytes, expected);
        return;
      }
      const edited = plaintext.slice();
      const at = field.offset - 5;
      const value = changedLength(readLength(edited, at, width), width, change);
      if (value === readLength(edited, at, width)) return;
      writeLength(edited, at, width, value);
      expectAnswer(role, relay, relay.forge(role, contentType, edited), 'decode_error');
    })),
};

describe.each(['client', 'server'] as const)('the %s state machine, fuzzed state by state', (role) => {
  for (const spec of SPECS[role]) {
    describe(`${role} in ${spec.state}${spec.title ? ` (${spec.title})` : ''}`, () => {
      const normalSession = () => {
        const { request, files } = spec.options;
        const pair = new ConnectionPair(pki, { request, files: files ?? FILES }).run();
        expect([pair.client.stateName, pair.server.stateName]).toEqual(['Closed', 'Closed']);
      };
      it('a normal session with this setup passes first', normalSession);
      for (const [label, attack] of Object.entries(ATTACKS)) {
        it(label, () => attack(role, spec), fuzzTimeout(5_000));
      }
      it('and a normal session with this setup still passes after', normalSession);
    });
  }
});

/**
 * The client's state machine (PROTOCOL.md sections 2, 5 and 6), one state at a time: a
 * real session is driven until the client waits in that state, with the server's next
 * records held back, and the client is fed what a broken or hostile server could send
 * instead: a message of the wrong type, a duplicate of the one before, one that skips
 * ahead, the expected one truncated and padded by a byte (sealed with the session's real
 * keys once the state is encrypted). Each must end the session with the exact alert,
 * sent in plaintext before the keys and encrypted after, leave the client Failed with the
 * failing step marked and the rest skipped, and refuse any further input.
 */
import { encodeRecord } from '../../source/protocol/record.js';
import { application, APPLICATION, bytesOf, CLOSE_NOTIFY, handshake, HANDSHAKE, utf8 } from '../support/messages.js';
import type { Relay } from '../support/relay.js';
import { type Attack, describeStateAttacks, resend, send, type StateCase, truncatedAndPadded } from '../support/state-attacks.js';

const FILES = new Map([['notes.txt', utf8('x')]]);
const LISTED = new Map([['a.txt', utf8('aa')], ['b/c.txt', utf8('ccc')]]);

const lastDelivered = (relay: Relay) => relay.delivered.client.at(-1)!;
const next = (relay: Relay) => relay.nextTo('client');
const queuedForClient = (relay: Relay, index: number) => relay.pending.filter((flight) => flight.from === 'server')[index]!;

const fileHeader = () => application({ name: 'FILE_HEADER', fileName: 'notes.txt', size: 1 });
const fileData = () => application({ name: 'FILE_DATA', data: utf8('x') });
const request = () => application({ name: 'REQUEST', op: 'GET', fileName: utf8('notes.txt') });
const serverHello = (relay: Relay) => handshake({ name: 'SERVER_HELLO', random: bytesOf(32, 7), certificate: relay.pki.server.certificate.bytes });

const wrongType = (what: string, contentType: typeof HANDSHAKE | typeof APPLICATION, payload: (relay: Relay) => Uint8Array): Attack =>
  send('client', `wrong type: ${what}`, contentType, payload, 'unexpected_message');

const toResponseComplete = (relay: Relay) => relay.runUntil('client', 'ResponseComplete');

const CASES: StateCase[] = [
  {
    state: 'ExpectServerHello',
    reach: () => undefined,
    attacks: [
      wrongType('CERTIFICATE_VERIFY', HANDSHAKE, () => handshake({ name: 'CERTIFICATE_VERIFY', signature: bytesOf(256) })),
      { label: 'duplicate: its own CLIENT_HELLO reflected', bytes: (relay) => relay.sentBy('client')[0]!.record, expect: 'unexpected_message' },
      send('client', 'skipped ahead: SERVER_KEY_EXCHANGE', HANDSHAKE, () => handshake({ name: 'SERVER_KEY_EXCHANGE', encryptedSecret: bytesOf(256) }), 'unexpected_message'),
      ...truncatedAndPadded('client', 'SERVER_HELLO', (relay) => ({ contentType: HANDSHAKE, plaintext: serverHello(relay) })),
      wrongType('application data before the keys', APPLICATION, fileHeader),
    ],
  },
  {
    state: 'ExpectServerKeyExchange',
    reach: (relay) => relay.runUntil('server', 'ExpectFinished'),
    attacks: [
      wrongType('CLIENT_KEY_EXCHANGE', HANDSHAKE, () => handshake({ name: 'CLIENT_KEY_EXCHANGE', encryptedSecret: bytesOf(256) })),
      resend('client', 'duplicate: SERVER_HELLO again', lastDelivered, 'unexpected_message'),
      send('client', 'skipped ahead: FINISHED in plaintext', HANDSHAKE, () => handshake({ name: 'FINISHED', verifyData: bytesOf(32) }), 'unexpected_message'),
      ...truncatedAndPadded('client', 'SERVER_KEY_EXCHANGE', next),
    ],
  },
  {
    state: 'ExpectFinished',
    reach: (relay) => relay.runUntil('client', 'ExpectFinished').runUntil('server', 'ExpectRequest'),
    attacks: [
      wrongType('REQUEST', APPLICATION, request),
      resend('client', 'duplicate: SERVER_KEY_EXCHANGE again, sealed', lastDelivered, 'unexpected_message'),
      send('client', 'skipped ahead: FILE_HEADER', APPLICATION, fileHeader, 'unexpected_message'),
      ...truncatedAndPadded('client', 'FINISHED', next),
      { label: 'the genuine FINISHED left unsealed', bytes: (relay) => encodeRecord(HANDSHAKE, next(relay).plaintext), expect: 'bad_record_mac' },
    ],
  },
  {
    state: 'ExpectFileHeader',
    options: { files: FILES, respond: false },
    reach: (relay) => {
      relay.runUntil('server', 'Responding');
      relay.act('server', relay.server.sendFileHeader(1, relay.now));
    },
    attacks: [
      wrongType('REQUEST', APPLICATION, request),
      resend('client', 'duplicate: the server FINISHED again', lastDelivered, 'unexpected_message'),
      send('client', 'skipped ahead: FILE_DATA', APPLICATION, fileData, 'unexpected_message'),
      ...truncatedAndPadded('client', 'FILE_HEADER', next),
    ],
  },
  {
    state: 'ExpectFileData',
    options: { files: FILES },
    reach: (relay) => relay.runUntil('client', 'ExpectFileData'),
    attacks: [
      wrongType('LIST_RESPONSE', APPLICATION, () => application({ name: 'LIST_RESPONSE', more: false, entries: [] })),
      resend('client', 'duplicate: FILE_HEADER again', lastDelivered, 'unexpected_message'),
      resend('client', 'skipped ahead: the genuine FILE_END', (relay) => queuedForClient(relay, 1), 'unexpected_message'),
      ...truncatedAndPadded('client', 'FILE_DATA (no byte / one byte past the size)', next),
    ],
  },
  {
    state: 'ExpectFileEnd',
    options: { files: FILES },
    reach: (relay) => relay.runUntil('client', 'ExpectFileEnd'),
    attacks: [
      wrongType('REQUEST', APPLICATION, request),
      resend('client', 'duplicate: FILE_DATA again', lastDelivered, 'unexpected_message'),
      resend('client', "skipped ahead: the server's close_notify", (relay) => queuedForClient(relay, 1), 'closed early'),
      ...truncatedAndPadded('client', 'FILE_END', next),
    ],
  },
  {
    state: 'ExpectListResponse',
    options: { request: { op: 'LIST' }, files: LISTED },
    reach: (relay) => relay.runUntil('server', 'ExpectCloseNotify'),
    attacks: [
      wrongType('FILE_HEADER', APPLICATION, fileHeader),
      resend('client', 'duplicate: the server FINISHED again', lastDelivered, 'unexpected_message'),
      resend('client', "skipped ahead: the server's close_notify", (relay) => queuedForClient(relay, 1), 'closed early'),
      ...truncatedAndPadded('client', 'LIST_RESPONSE', next),
      // Empty and promising more, a listing could go on for ever without reaching its cap on entries.
      send('client', 'an empty LIST_RESPONSE that says more follow', APPLICATION, () => application({ name: 'LIST_RESPONSE', more: true, entries: [] }), 'decode_error'),
    ],
  },
  {
    state: 'ResponseComplete',
    options: { files: FILES, closeWhenComplete: false },
    reach: toResponseComplete,
    attacks: [
      wrongType('FILE_DATA', APPLICATION, fileData),
      resend('client', 'duplicate: FILE_END again', lastDelivered, 'unexpected_message'),
      {
        label: "skipped ahead: FILE_DATA after the server's close_notify",
        bytes: (relay) => Buffer.concat([relay.forge('client', next(relay).contentType, CLOSE_NOTIFY), relay.forge('client', APPLICATION, fileData())]),
        expect: 'unexpected_message',
      },
      ...truncatedAndPadded('client', 'close_notify', next),
    ],
  },
  {
    state: 'ResponseComplete',
    title: 'after a LIST',
    options: { request: { op: 'LIST' }, files: LISTED, closeWhenComplete: false },
    reach: toResponseComplete,
    attacks: [wrongType('FILE_DATA', APPLICATION, fileData)],
  },
  {
    state: 'ExpectCloseNotify',
    options: { files: FILES, closeWhenComplete: false },
    reach: (relay) => {
      toResponseComplete(relay);
      relay.act('client', relay.client.close(relay.now));
    },
    attacks: [
      wrongType('FILE_DATA', APPLICATION, fileData),
      resend('client', 'duplicate: FILE_END again', lastDelivered, 'unexpected_message'),
      send('client', 'skipped ahead: a new SERVER_HELLO', HANDSHAKE, serverHello, 'unexpected_message'),
      ...truncatedAndPadded('client', 'close_notify', next),
    ],
  },
];

describeStateAttacks('client', CASES);

/**
 * The server's state machine (PROTOCOL.md sections 2, 5 and 6), one state at a time: a
 * real session is driven until the server waits in that state, with the client's next
 * records held back (or, for Responding and SendingFile, with the driver pausing between
 * calls), and the server is fed what a broken or hostile client could send instead: a
 * message of the wrong type, a duplicate of the one before, one that skips ahead, and the
 * expected one truncated and padded by a byte (sealed with the session's real keys once
 * the state is encrypted). Each must end the session with the exact alert, leave the
 * server Failed with the failing step marked and the rest skipped, and refuse any further
 * input; a fresh session afterwards still completes.
 */
import { encodeRecord } from '../../source/protocol/record.js';
import { ALERT, application, APPLICATION, bytesOf, CLOSE_NOTIFY, handshake, HANDSHAKE, utf8 } from '../support/messages.js';
import type { Relay } from '../support/relay.js';
import { type Attack, describeStateAttacks, resend, send, type StateCase, truncatedAndPadded } from '../support/state-attacks.js';

const FILES = new Map([['notes.txt', utf8('x')]]);

const lastDelivered = (relay: Relay) => relay.delivered.server.at(-1)!;
const next = (relay: Relay) => relay.nextTo('server');
const queuedForServer = (relay: Relay, index: number) => relay.pending.filter((flight) => flight.from === 'client')[index]!;

const request = () => application({ name: 'REQUEST', op: 'GET', fileName: utf8('notes.txt') });
const clientHello = (relay: Relay) => handshake({ name: 'CLIENT_HELLO', random: bytesOf(32, 3), certificate: relay.pki.client.certificate.bytes });
const closeNotify = () => ({ contentType: ALERT, plaintext: CLOSE_NOTIFY });

const wrongType = (what: string, contentType: typeof HANDSHAKE | typeof APPLICATION, payload: (relay: Relay) => Uint8Array): Attack =>
  send('server', `wrong type: ${what}`, contentType, payload, 'unexpected_message');
const closeNotifyEarly = send('server', "skipped ahead: the client's close_notify", ALERT, () => CLOSE_NOTIFY, 'closed early');

/** While the driver works on the response, anything from the client is out of turn. */
const whileResponding: Attack[] = [
  wrongType('FILE_DATA', APPLICATION, () => application({ name: 'FILE_DATA', data: utf8('x') })),
  resend('server', 'duplicate: REQUEST again', lastDelivered, 'unexpected_message'),
  closeNotifyEarly,
  ...truncatedAndPadded('server', 'close_notify', closeNotify),
];

const CASES: StateCase[] = [
  {
    state: 'ExpectClientHello',
    options: { files: FILES },
    reach: () => undefined,
    attacks: [
      wrongType('SERVER_HELLO', HANDSHAKE, (relay) => handshake({ name: 'SERVER_HELLO', random: bytesOf(32), certificate: relay.pki.server.certificate.bytes })),
      { label: 'duplicate: CLIENT_HELLO twice in one read', bytes: (relay) => Buffer.concat([next(relay).record, next(relay).record]), expect: 'unexpected_message' },
      send('server', 'skipped ahead: CLIENT_KEY_EXCHANGE', HANDSHAKE, () => handshake({ name: 'CLIENT_KEY_EXCHANGE', encryptedSecret: bytesOf(256) }), 'unexpected_message'),
      ...truncatedAndPadded('server', 'CLIENT_HELLO', next),
      wrongType('application data before the keys', APPLICATION, request),
    ],
  },
  {
    state: 'ExpectClientKeyExchange',
    options: { files: FILES },
    reach: (relay) => relay.runUntil('client', 'ExpectServerKeyExchange'),
    attacks: [
      wrongType('SERVER_KEY_EXCHANGE', HANDSHAKE, () => handshake({ name: 'SERVER_KEY_EXCHANGE', encryptedSecret: bytesOf(256) })),
      resend('server', 'duplicate: CLIENT_HELLO again', lastDelivered, 'unexpected_message'),
      resend('server', 'skipped ahead: the genuine CERTIFICATE_VERIFY', (relay) => queuedForServer(relay, 1), 'unexpected_message'),
      ...truncatedAndPadded('server', 'CLIENT_KEY_EXCHANGE', next),
    ],
  },
  {
    state: 'ExpectCertificateVerify',
    options: { files: FILES },
    reach: (relay) => relay.runUntil('server', 'ExpectCertificateVerify'),
    attacks: [
      wrongType('SERVER_HELLO', HANDSHAKE, (relay) => handshake({ name: 'SERVER_HELLO', random: bytesOf(32), certificate: relay.pki.server.certificate.bytes })),
      resend('server', 'duplicate: CLIENT_KEY_EXCHANGE again', lastDelivered, 'unexpected_message'),
      send('server', 'skipped ahead: FINISHED in plaintext', HANDSHAKE, () => handshake({ name: 'FINISHED', verifyData: bytesOf(32) }), 'unexpected_message'),
      ...truncatedAndPadded('server', 'CERTIFICATE_VERIFY', next),
    ],
  },
  {
    state: 'ExpectFinished',
    options: { files: FILES },
    reach: (relay) => relay.runUntil('server', 'ExpectFinished').runUntil('client', 'ExpectFinished'),
    attacks: [
      wrongType('a SERVER_HELLO, sealed', HANDSHAKE, (relay) => handshake({ name: 'SERVER_HELLO', random: bytesOf(32), certificate: relay.pki.server.certificate.bytes })),
      resend('server', 'duplicate: CERTIFICATE_VERIFY again, sealed', lastDelivered, 'unexpected_message'),
      send('server', 'skipped ahead: REQUEST', APPLICATION, request, 'unexpected_message'),
      ...truncatedAndPadded('server', 'FINISHED', next),
      { label: 'the genuine FINISHED left unsealed', bytes: (relay) => encodeRecord(HANDSHAKE, next(relay).plaintext), expect: 'bad_record_mac' },
    ],
  },
  {
    state: 'ExpectRequest',
    options: { files: FILES },
    reach: (relay) => relay.runUntil('server', 'ExpectRequest').runUntil('client', 'ExpectFileHeader'),
    attacks: [
      wrongType('FILE_HEADER', APPLICATION, () => application({ name: 'FILE_HEADER', fileName: 'notes.txt', size: 1 })),
      resend('server', 'duplicate: the client FINISHED again', lastDelivered, 'unexpected_message'),
      closeNotifyEarly,
      ...truncatedAndPadded('server', 'REQUEST', next),
    ],
  },
  {
    state: 'Responding',
    options: { files: FILES, respond: false },
    reach: (relay) => relay.runUntil('server', 'Responding'),
    attacks: whileResponding,
  },
  {
    state: 'SendingFile',
    options: { files: FILES, respond: false },
    reach: (relay) => {
      relay.runUntil('server', 'Responding');
      relay.act('server', relay.server.sendFileHeader(1, relay.now));
    },
    attacks: whileResponding,
  },
  {
    state: 'ExpectCloseNotify',
    options: { files: FILES },
    reach: (relay) => relay.runUntil('server', 'ExpectCloseNotify'),
    attacks: [
      wrongType('FILE_HEADER', APPLICATION, () => application({ name: 'FILE_HEADER', fileName: 'notes.txt', size: 1 })),
      resend('server', 'duplicate: REQUEST again', lastDelivered, 'unexpected_message'),
      send('server', 'skipped ahead: a new CLIENT_HELLO', HANDSHAKE, clientHello, 'unexpected_message'),
      ...truncatedAndPadded('server', 'close_notify', closeNotify),
    ],
  },
];

describeStateAttacks('server', CASES);

/**
 * Both state machines fed hostile bytes, as a socket would feed them (PROTOCOL.md sections
 * 1, 2 and 6): a started server and a client that has sent its CLIENT_HELLO are given any
 * bytes up to 20 KB, or streams of plaintext records carrying mutated handshake messages
 * (with the genuine certificates now and then, so the key exchange is reached), application
 * messages before the keys, alerts of every level and code and empty records, cut into
 * pieces at any points. `receive` never throws; a peer that fails sends exactly one record
 * more, a fatal plaintext alert whose code is one a remote peer can cause (never
 * internal_error: no TypeError or RangeError turned into an alert); a peer still waiting has
 * sent no alert and keeps a deadline; and however the bytes were cut, the outcome is the same.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CODES } from '../../source/protocol/alerts.js';
import { decodeAlert, encodeAlert } from '../../source/protocol/alert-message.js';
import { encodeApplication } from '../../source/protocol/application-messages.js';
import { ClientConnection } from '../../source/protocol/client.js';
import type { ClosedEvent } from '../../source/protocol/events.js';
import { encodeHandshake } from '../../source/protocol/handshake-messages.js';
import type { Output } from '../../source/protocol/peer.js';
import { ServerConnection } from '../../source/protocol/server.js';
import { anyBytes, CI_PARSER_RUNS, concat, fuzzParameters, fuzzRuns, fuzzTimeout, MAX_FUZZ_BYTES, type SplitPlan, splitBytes, splitPlan } from '../support/fuzz.js';
import { NOW, type TestPki, testPki } from '../support/identities.js';
import { alertMessage, applicationMessage, handshakeMessage, mutate, mutations } from '../support/message-arbitraries.js';

/** The alerts a remote peer can draw from a peer before any request is answered. */
const REMOTE_ALERTS: ReadonlySet<number> = new Set(
  (['unexpected_message', 'bad_record_mac', 'record_overflow', 'handshake_failure', 'bad_certificate', 'certificate_expired', 'unknown_ca', 'decode_error', 'decrypt_error'] as const)
    .map((name) => ALERT_CODES[name]),
);

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
}, 60_000);

/** A record header over any payload, even one too long for `encodeRecord`. */
function frame(type: number, payload: Uint8Array): Uint8Array {
  const length = payload.length & 0xffff;
  return concat([Uint8Array.from([type, 3, 0, length >> 8, length & 0xff]), payload]);
}

type Payload = { readonly type: number; readonly bytes: (pki: TestPki) => Uint8Array };

const maybeMutated = (bytes: fc.Arbitrary<Uint8Array>) =>
  fc.oneof({ weight: 2, arbitrary: bytes }, { weight: 1, arbitrary: fc.tuple(bytes, mutations).map(([valid, changes]) => mutate(valid, changes)) });

const payload: fc.Arbitrary<Payload> = fc.oneof(
  { weight: 4, arbitrary: maybeMutated(handshakeMessage.map(encodeHandshake)).map((bytes) => ({ type: 22, bytes: () => bytes })) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constantFrom('CLIENT_HELLO' as const, 'SERVER_HELLO' as const), fc.option(mutations, { freq: 3 })).map(
      ([random, name, changes]) => ({
        type: 22,
        bytes: (keys: TestPki) => {
          const certificate = (name === 'CLIENT_HELLO' ? keys.client : keys.server).certificate.bytes;
          const hello = encodeHandshake({ name, random, certificate });
          return changes === null ? hello : mutate(hello, changes);
        },
      }),
    ),
  },
  { weight: 1, arbitrary: applicationMessage.map(encodeApplication).map((bytes) => ({ type: 23, bytes: () => bytes })) },
  { weight: 2, arbitrary: maybeMutated(alertMessage.map(encodeAlert)).map((bytes) => ({ type: 21, bytes: () => bytes })) },
  { weight: 1, arbitrary: fc.constantFrom(21, 22, 23).map((type) => ({ type, bytes: () => new Uint8Array(0) })) },
);

const recordStream = fc.array(payload, { minLength: 1, maxLength: 8 });

type Input = { readonly kind: 'bytes'; readonly bytes: Uint8Array } | { readonly kind: 'records'; readonly records: readonly Payload[] };

const input: fc.Arbitrary<Input> = fc.oneof(
  { weight: 1, arbitrary: anyBytes().map((bytes) => ({ kind: 'bytes' as const, bytes })) },
  { weight: 3, arbitrary: recordStream.map((records) => ({ kind: 'records' as const, records })) },
);

function streamOf(value: Input): Uint8Array {
  if (value.kind === 'bytes') return value.bytes;
  return concat(value.records.map((record) => frame(record.type, record.bytes(pki)))).subarray(0, MAX_FUZZ_BYTES);
}

type Role = 'client' | 'server';

function startedPeer(role: Role): { peer: ClientConnection | ServerConnection; first: Output } {
  if (role === 'server') {
    const server = new ServerConnection({ key: pki.server.key, certificate: pki.server.certificate, trustedCa: pki.ca.certificate });
    return { peer: server, first: server.start(NOW) };
  }
  const client = new ClientConnection({ key: pki.client.key, certificate: pki.client.certificate, trustedCa: pki.ca.certificate, request: { op: 'GET', name: 'notes.txt' } });
  return { peer: client, first: client.start(NOW) };
}

interface Summary {
  readonly state: string;
  /** Content type and first payload byte of every record the peer wrote after starting. */
  readonly sent: readonly string[];
  readonly closed?: Pick<ClosedEvent, 'how' | 'ok'> & { readonly alert?: number };
}

/** Feeds the pieces until the peer finishes, checking each answer; returns what happened. */
function run(role: Role, pieces: readonly Uint8Array[]): Summary {
  const { peer } = startedPeer(role);
  const sent: Uint8Array[] = [];
  const closed: ClosedEvent[] = [];
  for (const piece of pieces) {
    if (peer.isFinished) break;
    const output = peer.receive(piece, NOW);
    sent.push(...output.send);
    closed.push(...output.events.filter((event): event is ClosedEvent => event.type === 'closed'));
    // Any alert is the last record of the output that carries it.
    output.send.slice(0, -1).forEach((record) => expect(record[0]).not.toBe(21));
  }
  expect(closed.length).toBe(peer.isFinished ? 1 : 0);
  const alerts = sent.filter((record) => record[0] === 21);
  if (!peer.isFinished) {
    expect(alerts).toEqual([]);
    expect(peer.nextDeadline()).toBeDefined();
  } else if (closed[0]!.how === 'alert_sent') {
    expect(alerts).toHaveLength(1);
    expect(sent.at(-1)).toBe(alerts[0]);
    const alert = decodeAlert(alerts[0]!.subarray(5));
    expect(alert.level).toBe('fatal');
    expect(REMOTE_ALERTS.has(alert.description), `alert ${alert.description}: ${alert.reason}`).toBe(true);
  } else {
    // The other side's fatal alert draws nothing; its close_notify draws close_notify.
    expect(alerts.map((record) => [...record.subarray(5)])).toEqual(closed[0]!.alert?.level === 'warning' ? [[1, 0, 0, 0]] : []);
  }
  const last = closed[0];
  return {
    state: peer.stateName,
    sent: sent.map((record) => `${record[0]}/${record[0] === 21 ? record[6] : record[5]}`),
    ...(last ? { closed: { how: last.how, ok: last.ok, ...(last.alert ? { alert: last.alert.description } : {}) } } : {}),
  };
}

const outcomes = new Map<string, number>();

describe.each(['server', 'client'] as const)('the %s fed hostile bytes', (role) => {
  it(`answers only with a fatal alert a remote peer may cause, whatever it is fed and however it is cut (${fuzzRuns(CI_PARSER_RUNS)} inputs)`, () => {
    fc.assert(
      fc.property(input, splitPlan, (value, plan: SplitPlan) => {
        const bytes = streamOf(value);
        const whole = run(role, [bytes]);
        const split = run(role, splitBytes(bytes, plan));
        expect(split).toEqual(whole);
        const key = `${role} ${whole.state} ${whole.closed?.alert ?? ''}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }),
      fuzzParameters(CI_PARSER_RUNS),
    );
  }, fuzzTimeout(30_000));
});

describe('the fuzzed streams reach past the first message', () => {
  it('the server answered a genuine CLIENT_HELLO, the client sent its key exchange, and both refused much else', () => {
    const states = [...outcomes.keys()].join('\n');
    expect(states).toMatch(/^server ExpectClientKeyExchange/m);
    expect(states).toMatch(/^client ExpectServerKeyExchange/m);
    for (const alert of [ALERT_CODES.decode_error, ALERT_CODES.unexpected_message, ALERT_CODES.decrypt_error, ALERT_CODES.record_overflow]) {
      expect(states).toMatch(new RegExp(`^server Failed ${alert}$`, 'm'));
    }
  });
});

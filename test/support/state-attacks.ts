/**
 * The table-driven shape of the per-state tests: for each state of one peer, a way to
 * drive a real session there and the records to feed it (wrong type, duplicate, skipped
 * ahead, truncated, padded…), each with the outcome PROTOCOL.md demands. Each attack
 * gets a fresh session; after them a fresh pair with the same setup must still finish.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertName } from '../../source/protocol/alerts.js';
import type { ClosedEvent } from '../../source/protocol/events.js';
import type { ContentType } from '../../source/protocol/record.js';
import type { Role } from '../../source/protocol/steps.js';
import { type TestPki, testPki } from './identities.js';
import { expectClosedEarly, expectFatalAlert } from './outcomes.js';
import { ConnectionPair } from './pair.js';
import { padded, truncated } from './messages.js';
import { type Flight, otherRole, Relay, type RelayOptions } from './relay.js';

export interface Attack {
  readonly label: string;
  /** The bytes to feed the peer, built in its state (sealed when the state is encrypted). */
  readonly bytes: (relay: Relay) => Uint8Array;
  readonly expect: AlertName | 'closed early';
}

export interface StateCase {
  readonly state: string;
  /** Tells apart two cases of one state. */
  readonly title?: string;
  readonly options?: RelayOptions;
  /** Drives a started relay until the peer is in `state`, holding back what would move it on. */
  readonly reach: (relay: Relay) => void;
  readonly attacks: readonly Attack[];
}

/** Re-sends a record the peer already saw (or sent), sealed anew when the state is encrypted. */
export function resend(to: Role, label: string, pick: (relay: Relay) => Flight, expected: Attack['expect']): Attack {
  return {
    label,
    expect: expected,
    bytes: (relay) => {
      const flight = pick(relay);
      return relay.forge(to, flight.contentType, flight.plaintext);
    },
  };
}

/** Sends a message built for the occasion. */
export function send(to: Role, label: string, contentType: ContentType, payload: (relay: Relay) => Uint8Array, expected: Attack['expect']): Attack {
  return { label, expect: expected, bytes: (relay) => relay.forge(to, contentType, payload(relay)) };
}

/** The message the state waits for, cut short by one byte and padded by one: both decode_error. */
export function truncatedAndPadded(to: Role, what: string, pick: (relay: Relay) => { contentType: ContentType; plaintext: Uint8Array }): Attack[] {
  const build = (change: typeof truncated) => (relay: Relay) => {
    const { contentType, plaintext } = pick(relay);
    return relay.forge(to, contentType, change(contentType, plaintext));
  };
  return [
    { label: `truncated ${what}`, expect: 'decode_error', bytes: build(truncated) },
    { label: `padded ${what}`, expect: 'decode_error', bytes: build(padded) },
  ];
}

export function describeStateAttacks(role: Role, cases: readonly StateCase[]): void {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await testPki();
  });

  for (const testCase of cases) {
    describe(`${role} in ${testCase.state}${testCase.title ? ` (${testCase.title})` : ''}`, () => {
      for (const attack of testCase.attacks) {
        it(`${attack.label} → ${attack.expect}`, () => {
          const relay = new Relay(pki, testCase.options).start();
          testCase.reach(relay);
          expect(relay.peer(role).stateName).toBe(testCase.state);
          const encrypted = relay.peer(role).isEncrypted;
          const output = relay.inject(role, attack.bytes(relay));
          if (attack.expect === 'closed early') {
            expectClosedEarly(relay, role, output);
          } else {
            const alert = expectFatalAlert(relay, role, output, attack.expect);
            expect(relay.sentBy(role).at(-1)?.encrypted).toBe(encrypted);
            // The other side learns why: it ends on exactly that alert, unless it had closed cleanly first.
            const other = otherRole(role);
            relay.run();
            const closed = relay.events[other].find((event): event is ClosedEvent => event.type === 'closed');
            if (closed?.how !== 'close_notify') expect(closed).toMatchObject({ how: 'alert_received', alert });
          }
        });
      }

      it('a fresh pair with the same setup still completes the session', () => {
        const { request, files, client, server } = testCase.options ?? {};
        const pair = new ConnectionPair(pki, { request, files: files ?? new Map([['notes.txt', new Uint8Array([1, 2, 3])]]), client, server }).run();
        expect(pair.client.stateName).toBe('Closed');
        expect(pair.server.stateName).toBe('Closed');
      });
    });
  }
}

/**
 * Every attack mode played in memory between a real client and a real server:
 * with verification on, each is caught at the step and with the alert DESIGN.md
 * names and the client keeps nothing; with the client's verification off, the
 * impersonations win, the attacker reads the request and the client keeps the
 * attacker's content; `off` relays every byte untouched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { attackerContent, Interceptor } from '../../source/attacker/interceptor.js';
import { ATTACK_MODE_INFO, ATTACK_MODES, type AttackMode } from '../../source/attacker/modes.js';
import { ALERT_CODES } from '../../source/protocol/alerts.js';
import { CONTENT_TYPE, encodeRecord } from '../../source/protocol/record.js';
import type { ClosedEvent, PeerEvent, StepEvent } from '../../source/protocol/events.js';
import { testPki, type TestPki } from '../support/identities.js';
import { handshake, utf8 } from '../support/messages.js';
import { MitmTrio, testAttackerIdentity } from '../support/mitm-pair.js';

const NAME = 'notes.txt';
const DATA = new Uint8Array(40_000).map((_, index) => (index * 7) % 256);
let pki: TestPki;

beforeAll(async () => {
  pki = await testPki();
});

const trio = (mode: AttackMode, verify = true) => new MitmTrio(pki, mode, { files: new Map([[NAME, DATA]]), client: { verifyServerCertificate: verify } }).run();
const failedStep = (events: readonly PeerEvent[]) => events.find((event): event is StepEvent => event.type === 'step' && event.status === 'failed');
const stoppedStep = (events: readonly PeerEvent[]) => events.find((event): event is StepEvent => event.type === 'step' && event.status === 'stopped');
const closed = (events: readonly PeerEvent[]) => events.find((event): event is ClosedEvent => event.type === 'closed');
const joined = (parts: readonly Uint8Array[]) => Buffer.concat(parts);

describe('the attacker in the middle', () => {
  it('off: relays every record untouched and the transfer succeeds byte-identical', () => {
    const run = trio('off');
    expect(joined(run.received).equals(Buffer.from(DATA))).toBe(true);
    expect(closed(run.clientEvents)?.ok).toBe(true);
    expect(closed(run.serverEvents)?.ok).toBe(true);
    expect(run.attackEvents.filter((event) => event.kind === 'rewritten' || event.kind === 'injected')).toEqual([]);
    expect(run.interceptor.outcome).toBeUndefined();
    const sentByClient = run.clientEvents.flatMap((event) => (event.type === 'wire' && event.action === 'sent' ? [Buffer.from(event.record)] : []));
    const receivedByServer = run.serverEvents.flatMap((event) => (event.type === 'wire' && event.action === 'received' ? [Buffer.from(event.record)] : []));
    expect(Buffer.concat(receivedByServer).equals(Buffer.concat(sentByClient))).toBe(true);
  });

  const caughtModes = ATTACK_MODES.filter((mode) => mode !== 'off');
  it.each(caughtModes)('%s: caught where DESIGN.md says, with its alert, and the client keeps nothing', (mode) => {
    const caught = ATTACK_MODE_INFO[mode].caught!;
    const run = trio(mode);
    const catcher = caught.by === 'client' ? run.clientEvents : run.serverEvents;
    const step = failedStep(catcher);
    expect(step?.step).toBe(caught.step);
    expect(step?.detail.startsWith(`${caught.alert}: `)).toBe(true);
    expect(closed(catcher)).toMatchObject({ ok: false, how: 'alert_sent', alert: { description: ALERT_CODES[caught.alert] } });
    expect(run.clientEvents.some((event) => event.type === 'file-verified')).toBe(false);
    expect(run.received).toEqual([]);
    expect(closed(run.clientEvents)?.ok).toBe(false);
    // The other side is told too, so both panes say where and why.
    const other = caught.by === 'client' ? run.serverEvents : run.clientEvents;
    expect(closed(other)?.ok).toBe(false);
    // The attacker knows it was caught, and by whom.
    expect(run.interceptor.outcome).toMatchObject({ ok: false, reason: expect.stringMatching(/^caught: the (client|server) /) });
    expect(run.interceptor.outcome!.reason).toContain(mode === 'bit-flip' ? 'the server answered the altered REQUEST with an alert' : `the ${caught.by} sent ${caught.alert}: `);
  });

  it.each([
    ['forged-key', 'the signature does not verify'],
    ['rogue-ca', 'certificate signed by "Mallory Root CA", not by the trusted "tls-tui Demo CA"'],
    ['self-signed', 'certificate signed by "server"'],
    ['expired', 'certificate expired at'],
    ['wrong-name', 'certificate is for "mallory", expected "server"'],
  ] as const)('%s: the reason names what was wrong', (mode, reason) => {
    expect(failedStep(trio(mode).clientEvents)?.detail).toContain(reason);
  });

  it('forged-key shows the genuine certificate text with only the public key changed', () => {
    const run = trio('forged-key');
    const rewrite = run.attackEvents.find((event) => event.kind === 'rewritten');
    const original = Buffer.from(rewrite!.original!).toString('latin1');
    const forged = Buffer.from(rewrite!.record!).toString('latin1');
    const line = (text: string, field: string) => new RegExp(`${field}: [^\\n]*`).exec(text)?.[0];
    for (const field of ['serial', 'subject', 'issuer', 'not-after', 'signature']) expect(line(forged, field)).toBe(line(original, field));
    expect(line(forged, 'public-key')).not.toBe(line(original, 'public-key'));
  });

  it('bit-flip: the server rejects the REQUEST before decrypting it, and the client hears why', () => {
    const run = trio('bit-flip');
    expect(run.serverEvents.some((event) => event.type === 'request')).toBe(false);
    expect(failedStep(run.serverEvents)?.detail).toContain('bad_record_mac');
    expect(stoppedStep(run.clientEvents)?.detail).toMatch(/^stopped: server sent bad_record_mac/);
    expect(run.attackEvents.filter((event) => event.kind === 'rewritten')).toHaveLength(1);
  });

  it.each(['forged-key', 'rogue-ca', 'self-signed', 'expired', 'wrong-name'] as const)(
    '%s without verification: the attacker reads the request and the client keeps its content',
    (mode) => {
      const run = trio(mode, false);
      expect(joined(run.received).toString()).toBe(Buffer.from(attackerContent(mode, NAME)).toString());
      expect(closed(run.clientEvents)?.ok).toBe(true);
      expect(run.clientEvents.find((event) => event.type === 'step' && event.step === 'verify-server-certificate' && event.status === 'warning')).toMatchObject({ detail: expect.stringContaining('NOT VERIFIED') });
      // Everything from the key exchange on went to the attacker: no step may read as protected, or as "the server's".
      for (const step of ['key-exchange', 'key-confirmation', 'finished', 'request', 'receive']) {
        const final = run.clientEvents.filter((event): event is StepEvent => event.type === 'step' && event.step === step).at(-1);
        expect(final).toMatchObject({ status: 'warning', detail: expect.stringMatching(/NOT verified|UNVERIFIED/) });
        expect(final?.detail).not.toContain("the server's key");
      }
      expect(run.attackEvents.some((event) => event.kind === 'read' && event.detail.includes(`"${NAME}"`))).toBe(true);
      expect(run.serverEvents.some((event) => event.type === 'request')).toBe(false);
      expect(run.interceptor.outcome).toEqual({ ok: true, reason: "the client accepted the attacker's content as the server's" });
    },
  );

  it('replay-client and bit-flip gain nothing without verification either: the server checks what they attack', () => {
    for (const mode of ['replay-client', 'bit-flip'] as const) {
      const run = trio(mode, false);
      expect(run.received).toEqual([]);
      expect(closed(run.serverEvents)?.ok).toBe(false);
    }
  });
});

describe('hellos whose certificates do not parse', () => {
  const random = new Uint8Array(32).fill(7);
  const hello = (name: 'CLIENT_HELLO' | 'SERVER_HELLO') => encodeRecord(CONTENT_TYPE.handshake, handshake({ name, random, certificate: utf8('not a certificate') }));

  it('replay-client passes a CLIENT_HELLO it cannot copy on untouched, for the server to refuse', () => {
    const interceptor = new Interceptor('replay-client', testAttackerIdentity(pki));
    const record = hello('CLIENT_HELLO');
    const output = interceptor.fromClient(record, 0);
    expect(output.toServer).toEqual([record]);
    expect(output.closeClient || output.closeServer).toBe(false);
    expect(output.events.some((event) => event.kind === 'note' && /client's certificate does not parse/.test(event.detail))).toBe(true);
  });

  it.each(['forged-key', 'rogue-ca'] as const)('%s relays a SERVER_HELLO it cannot impersonate, and everything after it', (mode) => {
    const interceptor = new Interceptor(mode, testAttackerIdentity(pki));
    const clientHello = hello('CLIENT_HELLO');
    expect(interceptor.fromClient(clientHello, 0).toServer).toEqual([clientHello]);
    const serverHello = hello('SERVER_HELLO');
    const output = interceptor.fromServer(serverHello, 0);
    expect(output.toClient).toEqual([serverHello]);
    expect(output.events.some((event) => event.kind === 'note' && /server's certificate does not parse/.test(event.detail))).toBe(true);
    const next = encodeRecord(CONTENT_TYPE.alert, Uint8Array.from([2, 42, 0, 0]));
    expect(interceptor.fromClient(next, 0).toServer).toEqual([next]);
  });
});

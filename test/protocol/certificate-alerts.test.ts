/**
 * Certificate checks in a live handshake (PROTOCOL.md section 3): each peer verifies the
 * certificate in the other's hello, in the protocol's order, and answers the first failure
 * with its alert in plaintext (no keys exist yet): unknown_ca for a rogue or self-signed
 * issuer, bad_certificate for a forged key, a wrong role or (on the client) a wrong
 * subject, certificate_expired when `now` lies outside the validity, decode_error for
 * bytes that do not parse. The checking peer fails at its verify step with a reason that
 * names the problem; the other receives the alert, fails and sends nothing back.
 * Insecure mode (`verifyServerCertificate: false`) accepts a rogue-CA server certificate
 * and says NOT VERIFIED.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Certificate } from '../../source/crypto/certificate.js';
import { withSwappedPublicKey } from '../../source/crypto/certificate.js';
import type { AlertName } from '../../source/protocol/alerts.js';
import type { StepEvent } from '../../source/protocol/events.js';
import { issue, NOW, type TestIdentity, type TestPki, testPki } from '../support/identities.js';
import { utf8 } from '../support/messages.js';
import { expectAlertReceived, expectFatalAlert } from '../support/outcomes.js';
import { Relay, type RelayOptions } from '../support/relay.js';

const DAY = 24 * 3600 * 1000;
const FILES = new Map([['notes.txt', utf8('hello')]]);

let pki: TestPki;
let rogueServer: Certificate;
let selfSignedServer: Certificate;
let wrongSubject: Certificate;
let expiredServer: Certificate;
let futureServer: Certificate;
let rogueClient: Certificate;

beforeAll(async () => {
  pki = await testPki();
  const server: TestIdentity = pki.server;
  rogueServer = issue(server.key, { subject: 'server', role: 'server', issuer: pki.rogueCa });
  selfSignedServer = issue(server.key, { subject: 'server', role: 'server', issuer: 'self' });
  wrongSubject = issue(server.key, { subject: 'mallory', role: 'server', issuer: pki.ca });
  expiredServer = issue(server.key, { subject: 'server', role: 'server', issuer: pki.ca, from: NOW - 30 * DAY, to: NOW - 1000 });
  futureServer = issue(server.key, { subject: 'server', role: 'server', issuer: pki.ca, from: NOW + DAY, to: NOW + 30 * DAY });
  rogueClient = issue(pki.client.key, { subject: 'client', role: 'client', issuer: pki.rogueCa });
});

const failedStep = (events: readonly { type: string }[]) => events.find((event): event is StepEvent => event.type === 'step' && (event as StepEvent).status === 'failed');
const garbage = (certificate: Certificate): Certificate => ({ ...certificate, bytes: utf8('tls-tui certificate v1\nthis is not one\n') });

/** The client checks SERVER_HELLO's certificate and refuses it with `alert`; the server learns it. */
function clientRefuses(options: RelayOptions, alert: AlertName, reason: RegExp): void {
  const relay = new Relay(pki, { files: FILES, ...options }).start();
  relay.deliverTo('server');
  const output = relay.deliverTo('client');
  expect(expectFatalAlert(relay, 'client', output, alert).reason).toMatch(reason);
  expect(relay.sentBy('client').at(-1)?.encrypted).toBe(false);
  expect(failedStep(output.events)?.step).toBe('verify-server-certificate');
  expect(relay.client.stepStatus('client-hello')).toBe('done');
  expectAlertReceived(relay.server, relay.deliverTo('server'), alert, relay.now);
}

/** The server checks CLIENT_HELLO's certificate and refuses it with `alert`; the client learns it. */
function serverRefuses(options: RelayOptions, alert: AlertName, reason: RegExp): void {
  const relay = new Relay(pki, { files: FILES, ...options }).start();
  const output = relay.deliverTo('server');
  expect(expectFatalAlert(relay, 'server', output, alert).reason).toMatch(reason);
  expect(relay.sentBy('server')).toHaveLength(1);
  expect(failedStep(output.events)?.step).toBe('verify-client-certificate');
  expectAlertReceived(relay.client, relay.deliverTo('client'), alert, relay.now);
}

describe('the client refuses the server certificate', () => {
  it('issued by a rogue CA → unknown_ca naming both CAs', () => {
    clientRefuses({ server: { certificate: rogueServer } }, 'unknown_ca', /"Mallory Root CA", not by the trusted "tls-tui Demo CA"/);
  });

  it('self-signed → unknown_ca', () => {
    clientRefuses({ server: { certificate: selfSignedServer } }, 'unknown_ca', /signed by "server"/);
  });

  it('with its public key swapped for the attacker\'s (signature kept) → bad_certificate', () => {
    const forged = withSwappedPublicKey(pki.server.certificate, pki.stranger.publicKey);
    // Forgery, or keystores made apart: both are named, with how to tell them apart.
    clientRefuses({ server: { certificate: forged, key: pki.stranger } }, 'bad_certificate', /altered or forged, or the two sides have different keystores \(compare the CA fingerprints/);
  });

  it('of the wrong role (a client certificate) → bad_certificate', () => {
    clientRefuses({ server: { certificate: pki.client.certificate, key: pki.client.key } }, 'bad_certificate', /for a client, expected a server/);
  });

  it('for another subject → bad_certificate', () => {
    clientRefuses({ server: { certificate: wrongSubject } }, 'bad_certificate', /for "mallory", expected "server"/);
  });

  it('for "server" when the user asked for another name → bad_certificate', () => {
    clientRefuses({ client: { serverName: 'files.example.org' } }, 'bad_certificate', /expected "files.example.org"/);
  });

  it('expired → certificate_expired', () => {
    clientRefuses({ server: { certificate: expiredServer } }, 'certificate_expired', /expired at/);
  });

  it('not yet valid → certificate_expired', () => {
    clientRefuses({ server: { certificate: futureServer } }, 'certificate_expired', /not valid until/);
  });

  it('that does not parse → decode_error', () => {
    clientRefuses({ server: { certificate: garbage(pki.server.certificate) } }, 'decode_error', /does not parse/);
  });
});

describe('the server refuses the client certificate', () => {
  it('issued by a rogue CA → unknown_ca', () => {
    serverRefuses({ client: { certificate: rogueClient } }, 'unknown_ca', /Mallory Root CA/);
  });

  it('of the wrong role (the server certificate) → bad_certificate', () => {
    serverRefuses({ client: { certificate: pki.server.certificate, key: pki.server.key } }, 'bad_certificate', /for a server, expected a client/);
  });

  it("with its public key swapped for the attacker's → bad_certificate", () => {
    serverRefuses({ client: { certificate: withSwappedPublicKey(pki.client.certificate, pki.stranger.publicKey), key: pki.stranger } }, 'bad_certificate', /forged/);
  });

  it('when the session runs after both certificates expired (the server checks first) → certificate_expired', () => {
    serverRefuses({ now: NOW + 400 * DAY }, 'certificate_expired', /expired at/);
  });

  it('when the session runs before both certificates are valid → certificate_expired', () => {
    serverRefuses({ now: NOW - 2 * DAY }, 'certificate_expired', /not valid until/);
  });

  it('that does not parse → decode_error', () => {
    serverRefuses({ client: { certificate: garbage(pki.client.certificate) } }, 'decode_error', /does not parse/);
  });
});

describe('insecure mode (verifyServerCertificate: false)', () => {
  it('accepts a rogue-CA server certificate, completes, and warns at the certificate and the signature: NOT VERIFIED', () => {
    const relay = new Relay(pki, { files: FILES, server: { certificate: rogueServer }, client: { verifyServerCertificate: false } }).start().run();
    expect(relay.client.stateName).toBe('Closed');
    expect(relay.server.stateName).toBe('Closed');
    expect(relay.events.client.some((event) => event.type === 'file-verified')).toBe(true);
    const steps = relay.events.client.filter((event): event is StepEvent => event.type === 'step');
    const step = steps.find((event) => event.step === 'verify-server-certificate' && event.status !== 'active');
    expect(step?.status).toBe('warning');
    expect(step?.detail).toMatch(/^NOT VERIFIED/);
    expect(step?.detail).toContain('Mallory Root CA');
    const file = steps.find((event) => event.step === 'verify-file' && event.status !== 'active');
    expect(file).toMatchObject({ status: 'warning', detail: expect.stringContaining('the sender is not authenticated') });
    expect(relay.client.stepStatus('verify-server-certificate')).toBe('warning');
  });

  it('marks both checks done, without a warning, when it verifies', () => {
    const relay = new Relay(pki, { files: FILES }).start().run();
    expect(relay.client.stepStatus('verify-server-certificate')).toBe('done');
    expect(relay.client.stepStatus('verify-file')).toBe('done');
    expect(relay.events.client.some((event) => event.type === 'step' && event.status === 'warning')).toBe(false);
  });

  it('still refuses a certificate that does not parse → decode_error', () => {
    clientRefuses({ server: { certificate: garbage(pki.server.certificate) }, client: { verifyServerCertificate: false } }, 'decode_error', /does not parse/);
  });

  it('while the same certificate is refused in normal mode', () => {
    const relay = new Relay(pki, { files: FILES, server: { certificate: rogueServer } }).start().run();
    expect(relay.client.failure?.alert?.description).toBe(48);
  });
});

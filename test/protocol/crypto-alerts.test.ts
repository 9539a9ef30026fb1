/**
 * The cryptographic checks of a live session (PROTOCOL.md sections 2 and 5), each caught
 * by a real peer playing against a relay that rewrites one message with the session's own
 * keys: SERVER_KEY_EXCHANGE carrying another secret (handshake_failure: the key
 * confirmation); the replay-client attack, a client showing the genuine client
 * certificate without its key (decrypt_error at CERTIFICATE_VERIFY); every malformed
 * CLIENT_KEY_EXCHANGE answered with one and the same decrypt_error, word for word, so
 * the answer is no padding oracle; a wrong FINISHED either way; a FILE_END whose digest or
 * signature is wrong, or that was signed for another session (decrypt_error, and no file
 * reported verified).
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeApplication } from '../../source/protocol/application-messages.js';
import { fileSignatureInput } from '../../source/protocol/key-schedule.js';
import { CONTENT_TYPE, encodeRecord } from '../../source/protocol/record.js';
import { type TestPki, testPki } from '../support/identities.js';
import { application, APPLICATION, handshake, HANDSHAKE, utf8 } from '../support/messages.js';
import { expectAlertReceived, expectFatalAlert } from '../support/outcomes.js';
import { type Flight, Relay } from '../support/relay.js';

const FILE = new Uint8Array(3000).fill(0x61);
const FILES = new Map([['notes.txt', FILE]]);

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
});

const failedStep = (relay: Relay, role: 'client' | 'server') =>
  relay.events[role].find((event) => event.type === 'step' && event.status === 'failed');

function fileEnd(flight: Flight) {
  const message = decodeApplication(flight.plaintext);
  if (message.name !== 'FILE_END') throw new Error(`expected FILE_END, got ${message.name}`);
  return message;
}

describe('key confirmation (SERVER_KEY_EXCHANGE)', () => {
  /** A relay where the server's SKE was taken off the wire before the client saw it. */
  function withoutServerKeyExchange(): Relay {
    const relay = new Relay(pki, { files: FILES }).start().runUntil('server', 'ExpectFinished');
    expect(relay.take('client').plaintext[0]).toBe(12);
    return relay;
  }

  it.each([
    ['another 32-byte secret', 32],
    ['a 31-byte secret', 31],
    ['a 33-byte secret', 33],
  ])('%s encrypted under the client key → handshake_failure, and no keys', (_, length) => {
    const relay = withoutServerKeyExchange();
    const forged = handshake({ name: 'SERVER_KEY_EXCHANGE', encryptedSecret: pki.client.key.publicKey.encrypt(new Uint8Array(randomBytes(length))) });
    const output = relay.inject('client', encodeRecord(HANDSHAKE, forged));
    expect(expectFatalAlert(relay, 'client', output, 'handshake_failure').reason).toMatch(/differs from the one sent/);
    expect(failedStep(relay, 'client')).toMatchObject({ step: 'key-confirmation' });
    expect(relay.events.client.some((event) => event.type === 'keys')).toBe(false);
  });

  it("the server learns the client's refusal: it reads the plaintext alert (the client has no keys) rather than calling it a bad MAC", () => {
    const relay = withoutServerKeyExchange();
    const forged = handshake({ name: 'SERVER_KEY_EXCHANGE', encryptedSecret: pki.client.key.publicKey.encrypt(new Uint8Array(randomBytes(32))) });
    relay.inject('client', encodeRecord(HANDSHAKE, forged));
    expect(relay.sentBy('client').at(-1)?.encrypted).toBe(false);
    expectAlertReceived(relay.server, relay.deliverTo('server'), 'handshake_failure', relay.now);
  });

  it('a secret that does not decrypt under the client key → decrypt_error', () => {
    const relay = withoutServerKeyExchange();
    const forged = handshake({ name: 'SERVER_KEY_EXCHANGE', encryptedSecret: pki.server.key.publicKey.encrypt(new Uint8Array(32)) });
    expectFatalAlert(relay, 'client', relay.inject('client', encodeRecord(HANDSHAKE, forged)), 'decrypt_error');
  });
});

describe('CERTIFICATE_VERIFY: the replay-client attack', () => {
  it("a client with the genuine client certificate but another key → decrypt_error at the server's key-exchange step", () => {
    const relay = new Relay(pki, { files: FILES, client: { key: pki.stranger } }).start().runUntil('server', 'ExpectCertificateVerify');
    const output = relay.deliverTo('server');
    expect(expectFatalAlert(relay, 'server', output, 'decrypt_error').reason).toMatch(/whoever sent it does not hold that certificate's private key/);
    expect(failedStep(relay, 'server')).toMatchObject({ step: 'key-exchange' });
    // SERVER_HELLO, then the alert: no SERVER_KEY_EXCHANGE ever went out.
    expect(relay.sentBy('server').map((flight) => flight.contentType)).toEqual([22, 21]);
    expectAlertReceived(relay.client, relay.deliverTo('client'), 'decrypt_error', relay.now);
  });
});

describe('CLIENT_KEY_EXCHANGE: no padding oracle', () => {
  it('garbage, too short, too long, empty, the wrong length inside valid OAEP and the wrong key all get the same decrypt_error', () => {
    const serverKey = pki.server.key.publicKey;
    const secrets: Record<string, Uint8Array> = {
      garbage: new Uint8Array(randomBytes(256)),
      'too short': new Uint8Array(randomBytes(100)),
      'one byte short': new Uint8Array(randomBytes(255)),
      'too long': new Uint8Array(randomBytes(300)),
      empty: new Uint8Array(0),
      'valid OAEP of 31 bytes': serverKey.encrypt(new Uint8Array(31).fill(1)),
      'valid OAEP of 33 bytes': serverKey.encrypt(new Uint8Array(33).fill(1)),
      'valid OAEP of 0 bytes': serverKey.encrypt(new Uint8Array(0)),
      'under another key': pki.stranger.publicKey.encrypt(new Uint8Array(32).fill(1)),
    };
    const reasons = new Set<string>();
    for (const [what, encryptedSecret] of Object.entries(secrets)) {
      const relay = new Relay(pki, { files: FILES }).start().runUntil('server', 'ExpectClientKeyExchange');
      const output = relay.keyExchange(encryptedSecret);
      const alert = expectFatalAlert(relay, 'server', output, 'decrypt_error');
      expect(failedStep(relay, 'server'), what).toMatchObject({ step: 'key-exchange' });
      reasons.add(alert.reason);
    }
    expect([...reasons]).toEqual(["CLIENT_KEY_EXCHANGE does not hold a secret that decrypts under the server's key"]);
  });

  it('while a valid OAEP encryption of a 32-byte secret is accepted', () => {
    const relay = new Relay(pki, { files: FILES }).start().runUntil('server', 'ExpectClientKeyExchange');
    const encryptedSecret = pki.server.key.publicKey.encrypt(new Uint8Array(32).fill(1));
    const output = relay.keyExchange(encryptedSecret);
    expect(output.send).toHaveLength(1);
    expect(relay.server.stateName).toBe('ExpectFinished');
  });

  it('is judged only after CERTIFICATE_VERIFY: a client without its key hears the same, whatever the ciphertext', () => {
    const answers = [pki.server.key.publicKey.encrypt(new Uint8Array(32).fill(1)), new Uint8Array(randomBytes(256))].map((encryptedSecret) => {
      const relay = new Relay(pki, { files: FILES }).start().runUntil('server', 'ExpectClientKeyExchange');
      const reason = expectFatalAlert(relay, 'server', relay.keyExchange(encryptedSecret, pki.stranger), 'decrypt_error').reason;
      expect(relay.sentBy('server').map((flight) => flight.contentType), 'SERVER_HELLO, then only the alert').toEqual([HANDSHAKE, CONTENT_TYPE.alert]);
      return reason;
    });
    expect(answers[0]).toMatch(/^CERTIFICATE_VERIFY does not verify/);
    expect(answers[1]).toBe(answers[0]);
  });
});

describe('FINISHED', () => {
  it('a server FINISHED with one bit changed → decrypt_error on the client', () => {
    const relay = new Relay(pki, { files: FILES }).start().runUntil('client', 'ExpectFinished').runUntil('server', 'ExpectRequest');
    const verifyData = relay.take('client').plaintext.slice(4);
    verifyData[31]! ^= 1;
    const output = relay.inject('client', relay.forge('client', HANDSHAKE, handshake({ name: 'FINISHED', verifyData })));
    expect(expectFatalAlert(relay, 'client', output, 'decrypt_error').reason).toMatch(/server FINISHED does not match/);
    expect(failedStep(relay, 'client')).toMatchObject({ step: 'finished' });
  });

  it("the client's own FINISHED reflected back → decrypt_error (the labels differ)", () => {
    const relay = new Relay(pki, { files: FILES }).start().runUntil('client', 'ExpectFinished').runUntil('server', 'ExpectRequest');
    relay.take('client');
    const own = relay.sentBy('client').find((flight) => flight.encrypted && flight.plaintext[0] === 20)!;
    expectFatalAlert(relay, 'client', relay.inject('client', relay.forge('client', HANDSHAKE, own.plaintext)), 'decrypt_error');
  });

  it('a client FINISHED with one bit changed → decrypt_error on the server', () => {
    const relay = new Relay(pki, { files: FILES }).start().runUntil('server', 'ExpectFinished').runUntil('client', 'ExpectFinished');
    const verifyData = relay.take('server').plaintext.slice(4);
    verifyData[0]! ^= 0x80;
    const output = relay.inject('server', relay.forge('server', HANDSHAKE, handshake({ name: 'FINISHED', verifyData })));
    expect(expectFatalAlert(relay, 'server', output, 'decrypt_error').reason).toMatch(/client FINISHED does not match/);
    expect(failedStep(relay, 'server')).toMatchObject({ step: 'finished' });
    expectAlertReceived(relay.client, relay.deliverTo('client'), 'decrypt_error', relay.now);
  });
});

describe('FILE_END', () => {
  /** A relay whose client has every file byte, with the genuine FILE_END taken off the wire. */
  function withoutFileEnd(): { relay: Relay; genuine: ReturnType<typeof fileEnd> } {
    const relay = new Relay(pki, { files: FILES }).start().runUntil('client', 'ExpectFileEnd');
    return { relay, genuine: fileEnd(relay.take('client')) };
  }

  function expectRefused(relay: Relay, sha256: Uint8Array, signature: Uint8Array, reason: RegExp): void {
    const output = relay.inject('client', relay.forge('client', APPLICATION, application({ name: 'FILE_END', sha256, signature })));
    expect(expectFatalAlert(relay, 'client', output, 'decrypt_error').reason).toMatch(reason);
    expect(failedStep(relay, 'client')).toMatchObject({ step: 'verify-file' });
    expect(relay.events.client.some((event) => event.type === 'file-verified')).toBe(false);
    expect(relay.client.stepStatus('save')).toBe('skipped');
  }

  it('with the genuine signature but another digest → decrypt_error', () => {
    const { relay, genuine } = withoutFileEnd();
    const digest = genuine.sha256.slice();
    digest[5]! ^= 4;
    expectRefused(relay, digest, genuine.signature, /SHA-256/);
  });

  it('with the right digest signed by another key → decrypt_error', () => {
    const { relay, genuine } = withoutFileEnd();
    const keys = relay.keysEvent!;
    const signed = fileSignatureInput({ clientRandom: keys.clientRandom, serverRandom: keys.serverRandom, name: utf8('notes.txt'), size: FILE.length, sha256: genuine.sha256 });
    expectRefused(relay, genuine.sha256, pki.stranger.sign(signed), /signature does not verify/);
  });

  it('replayed from another session with the same file (right digest, right key) → decrypt_error', () => {
    const earlier = new Relay(pki, { files: FILES }).start().run();
    const replayed = fileEnd(earlier.sentBy('server').find((flight) => flight.encrypted && flight.plaintext[0] === 4)!);
    const { relay, genuine } = withoutFileEnd();
    expect(replayed.sha256).toEqual(genuine.sha256);
    expectRefused(relay, replayed.sha256, replayed.signature, /signature does not verify/);
  });

  it('while the genuine one, delivered, verifies', () => {
    const relay = new Relay(pki, { files: FILES }).start().run();
    expect(relay.events.client.some((event) => event.type === 'file-verified')).toBe(true);
    expect(relay.client.stateName).toBe('Closed');
  });
});

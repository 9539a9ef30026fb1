/**
 * The key schedule (PROTOCOL.md sections 2, 4 and 5), recomputed independently with
 * node:crypto: deriveSessionKeys cuts HKDF-SHA256(secret, client_random | server_random,
 * "tls-tui key expansion", 208) into the seven keys in the documented order;
 * verify_data is HMAC(finished_key, label | SHA-256(transcript)); and the inputs that
 * CERTIFICATE_VERIFY and FILE_END sign have the exact byte layouts of the tables. A real
 * session is then checked against the same recipes from its wire bytes alone: the
 * secret decrypts from CLIENT_KEY_EXCHANGE with node:crypto's OAEP-SHA256, the
 * signatures verify with node:crypto's PSS (32-byte salt), both FINISHED match.
 */
import { constants, createHash, createHmac, hkdfSync, privateDecrypt, verify } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeApplication } from '../../source/protocol/application-messages.js';
import type { KeysEvent } from '../../source/protocol/events.js';
import { decodeHandshake } from '../../source/protocol/handshake-messages.js';
import { certificateVerifyInput, deriveSessionKeys, fileSignatureInput, finishedVerifyData, Transcript } from '../../source/protocol/key-schedule.js';
import { type TestPki, testPki } from '../support/identities.js';
import { Relay } from '../support/relay.js';

const sha256 = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());
const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'ascii'));
const pattern = (length: number, seed: number) => Uint8Array.from({ length }, (_, index) => (seed + index * 7) & 0xff);

describe('deriveSessionKeys', () => {
  it.each([1, 2, 3])('cuts the 208 bytes of HKDF in the order of section 4 (case %i)', (seed) => {
    const secret = pattern(32, seed);
    const clientRandom = pattern(32, seed * 11);
    const serverRandom = pattern(32, seed * 13);
    const block = new Uint8Array(hkdfSync('sha256', secret, Buffer.concat([clientRandom, serverRandom]), ascii('tls-tui key expansion'), 208));
    const keys = deriveSessionKeys(secret, clientRandom, serverRandom);
    expect(keys).toEqual({
      clientWriteKey: block.slice(0, 32),
      serverWriteKey: block.slice(32, 64),
      clientWriteIv: block.slice(64, 80),
      serverWriteIv: block.slice(80, 96),
      clientMacKey: block.slice(96, 128),
      serverMacKey: block.slice(128, 160),
      finishedKey: block.slice(160, 192),
    });
    expect(Object.isFrozen(keys)).toBe(true);
  });

  it('depends on the order of the randoms and on every input', () => {
    const secret = pattern(32, 1);
    const a = pattern(32, 2);
    const b = pattern(32, 3);
    const base = deriveSessionKeys(secret, a, b);
    expect(deriveSessionKeys(secret, b, a).clientWriteKey).not.toEqual(base.clientWriteKey);
    expect(deriveSessionKeys(pattern(32, 9), a, b).finishedKey).not.toEqual(base.finishedKey);
  });
});

describe('the signed and MACed inputs', () => {
  it('verify_data = HMAC-SHA256(finished_key, "<sender> finished" | SHA-256(transcript))', () => {
    const finishedKey = pattern(32, 5);
    const transcript = [pattern(40, 1), pattern(300, 2), pattern(7, 3)];
    const hash = sha256(...transcript);
    const recorded = new Transcript();
    for (const message of transcript) recorded.add(message);
    expect(recorded.hash()).toEqual(hash);
    for (const sender of ['client', 'server'] as const) {
      const expected = createHmac('sha256', finishedKey).update(`${sender} finished`).update(hash).digest();
      expect(Buffer.from(finishedVerifyData(finishedKey, sender, hash))).toEqual(expected);
    }
    expect(finishedVerifyData(finishedKey, 'client', hash)).not.toEqual(finishedVerifyData(finishedKey, 'server', hash));
  });

  it('CERTIFICATE_VERIFY signs "tls-tui certificate verify" | 0x00 | SHA-256(transcript)', () => {
    const hash = pattern(32, 77);
    expect([...certificateVerifyInput(hash)]).toEqual([...ascii('tls-tui certificate verify'), 0, ...hash]);
  });

  it('FILE_END signs "tls-tui file v1" | client_random | server_random | name<u16> | size u64 | sha256', () => {
    const clientRandom = pattern(32, 1);
    const serverRandom = pattern(32, 2);
    const digest = pattern(32, 3);
    const name = new Uint8Array(Buffer.from('docs/ä.txt'));
    const input = fileSignatureInput({ clientRandom, serverRandom, name, size: 0x01_0000_0002, sha256: digest });
    expect([...input]).toEqual([
      ...ascii('tls-tui file v1'), ...clientRandom, ...serverRandom, 0, name.length, ...name, 0, 0, 0, 1, 0, 0, 0, 2, ...digest,
    ]);
  });
});

describe('a real session, checked from its wire bytes with node:crypto', () => {
  let pki: TestPki;
  let relay: Relay;
  const file = new Uint8Array(5000).fill(0x42);

  beforeAll(async () => {
    pki = await testPki();
    relay = new Relay(pki, { files: new Map([['notes.txt', file]]) }).start().run();
    expect(relay.client.stateName).toBe('Closed');
  });

  const handshakeFlights = () => relay.flights.filter((flight) => flight.contentType === 22);
  const pem = (key: { toPem(): string }) => key.toPem();

  it('both peers derived the keys HKDF gives from the secret in CLIENT_KEY_EXCHANGE and the randoms in the hellos', () => {
    const [hello, serverHello, keyExchange] = handshakeFlights().map((flight) => decodeHandshake(flight.plaintext));
    if (hello?.name !== 'CLIENT_HELLO' || serverHello?.name !== 'SERVER_HELLO' || keyExchange?.name !== 'CLIENT_KEY_EXCHANGE') throw new Error('unexpected order');
    const secret = privateDecrypt({ key: pem(pki.server.key), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, keyExchange.encryptedSecret);
    expect(secret.length).toBe(32);
    const keyEvents = [...relay.events.client, ...relay.events.server].filter((event): event is KeysEvent => event.type === 'keys');
    expect(keyEvents.map((event) => event.role)).toEqual(['client', 'server']);
    for (const event of keyEvents) {
      expect(Buffer.from(event.secret)).toEqual(secret);
      expect(event.keys).toEqual(deriveSessionKeys(secret, hello.random, serverHello.random));
    }
  });

  it('SERVER_KEY_EXCHANGE holds the same secret under the client key, and CERTIFICATE_VERIFY is PSS-SHA256 with a 32-byte salt', () => {
    const messages = handshakeFlights().map((flight) => flight.plaintext);
    const [, , keyExchange, certificateVerify, serverKeyExchange] = messages.map((bytes) => decodeHandshake(bytes));
    if (keyExchange?.name !== 'CLIENT_KEY_EXCHANGE' || certificateVerify?.name !== 'CERTIFICATE_VERIFY' || serverKeyExchange?.name !== 'SERVER_KEY_EXCHANGE') {
      throw new Error('unexpected order');
    }
    const oaep = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
    expect(privateDecrypt({ key: pem(pki.client.key), ...oaep }, serverKeyExchange.encryptedSecret)).toEqual(
      privateDecrypt({ key: pem(pki.server.key), ...oaep }, keyExchange.encryptedSecret),
    );
    const signed = certificateVerifyInput(sha256(...messages.slice(0, 3)));
    const pss = { key: pki.client.key.publicKey.toPem(), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    expect(verify('sha256', signed, pss, certificateVerify.signature)).toBe(true);
    expect(verify('sha256', certificateVerifyInput(sha256(...messages.slice(0, 2))), pss, certificateVerify.signature)).toBe(false);
  });

  it('each FINISHED is HMAC(finished_key, label | SHA-256(every handshake message before it))', () => {
    const messages = handshakeFlights().map((flight) => flight.plaintext);
    expect(messages.map((bytes) => bytes[0])).toEqual([1, 2, 16, 15, 12, 20, 20]);
    const { finishedKey } = relay.keys;
    expect(messages[5]!.subarray(4)).toEqual(finishedVerifyData(finishedKey, 'client', sha256(...messages.slice(0, 5))));
    expect(messages[6]!.subarray(4)).toEqual(finishedVerifyData(finishedKey, 'server', sha256(...messages.slice(0, 6))));
  });

  it("FILE_END's signature covers this session's randoms, the name, the size and the file's SHA-256", () => {
    const [hello, serverHello] = handshakeFlights().map((flight) => decodeHandshake(flight.plaintext));
    const end = relay.sentBy('server').map((flight) => flight.contentType === 23 && decodeApplication(flight.plaintext)).find((message) => message && message.name === 'FILE_END');
    if (!end || end.name !== 'FILE_END' || hello?.name !== 'CLIENT_HELLO' || serverHello?.name !== 'SERVER_HELLO') throw new Error('no FILE_END');
    expect(end.sha256).toEqual(sha256(file));
    const signed = fileSignatureInput({ clientRandom: hello.random, serverRandom: serverHello.random, name: ascii('notes.txt'), size: file.length, sha256: end.sha256 });
    const pss = { key: pki.server.key.publicKey.toPem(), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    expect(verify('sha256', signed, pss, end.signature)).toBe(true);
  });
});

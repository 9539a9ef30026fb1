/**
 * The `--aes native` fast path (source/crypto/aes-ctr.ts): node:crypto's AES-256-CTR
 * must be the very stream aes-js makes (PROTOCOL.md sections 0 and 4), so the two
 * interoperate and the wire cannot tell them apart. Checked against NIST SP 800-38A,
 * against aes-js for any key, IV and data cut anywhere on either side (counters that
 * carry across 64 and 128 bits included), in whole sessions whose records must be
 * byte for byte the same whichever side uses which, over real TCP in both pairings,
 * and through the command line's `--aes` option.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AES_IMPLEMENTATIONS, type AesImplementation, createAesCtrStream, createNativeAesCtrStream, ctrStreamFactory } from '../../source/crypto/aes-ctr.js';
import { fromHex, toHex } from '../../source/crypto/bytes.js';
import type { PeerEvent, WireEvent } from '../../source/protocol/events.js';
import { runCli, type RunningServer, startServer } from '../support/cli.js';
import { type TestPki, testPki } from '../support/identities.js';
import { NetHarness, patternBytes } from '../support/net-harness.js';
import { ConnectionPair } from '../support/pair.js';
import { inPieces } from '../support/ctr-pieces.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('published vectors', () => {
  // NIST SP 800-38A (2001), Appendix F.5.5 CTR-AES256.Encrypt, the four blocks in one call and one at a time.
  const key = fromHex('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4');
  const counter = fromHex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
  const plaintext = '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710';
  const ciphertext = '601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c52b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6';

  it('NIST SP 800-38A F.5.5 CTR-AES256.Encrypt', () => {
    expect(toHex(createNativeAesCtrStream(key, counter).update(fromHex(plaintext)))).toBe(ciphertext);
    expect(toHex(inPieces(createNativeAesCtrStream(key, counter), fromHex(plaintext), [16, 16, 16]))).toBe(ciphertext);
  });

  it('NIST SP 800-38A F.5.6 CTR-AES256.Decrypt', () => {
    expect(toHex(createNativeAesCtrStream(key, counter).update(fromHex(ciphertext)))).toBe(plaintext);
  });
});

describe('the same stream as aes-js', () => {
  // Counters that carry out of the low 32 and 64 bits and wrap from ff..ff to 00..00.
  const edgeIvs = ['ff'.repeat(16), `${'00'.repeat(12)}ffffffff`, `${'00'.repeat(8)}ffffffffffffffff`, `${'00'.repeat(11)}fffffffff0`].map(fromHex);
  const iv = fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.constantFrom(...edgeIvs));
  const key = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const cuts = fc.array(fc.nat(70), { maxLength: 24 });

  it('gives aes-js\'s bytes for any key, IV and data, each side cut differently (property)', () => {
    fc.assert(
      fc.property(key, iv, fc.uint8Array({ maxLength: 1200 }), cuts, cuts, (someKey, someIv, data, nativeCuts, aesJsCuts) => {
        const native = inPieces(createNativeAesCtrStream(someKey, someIv), data, nativeCuts);
        const aesJs = inPieces(createAesCtrStream(someKey, someIv), data, aesJsCuts);
        expect(toHex(native)).toBe(toHex(aesJs));
      }),
      { numRuns: 300 },
    );
  });

  it('decrypts what aes-js encrypted, record-sized pieces against odd ones, across many blocks', () => {
    const someKey = fromHex('0f'.repeat(32));
    const someIv = edgeIvs[2]!;
    const data = patternBytes(100_000, 7);
    const sealed = inPieces(createAesCtrStream(someKey, someIv), data, Array.from({ length: 6 }, () => 16_383));
    const opened = inPieces(createNativeAesCtrStream(someKey, someIv), sealed, [1, 15, 17, 4096, 0, 33_333]);
    expect(sha256(opened)).toBe(sha256(data));
  });

  it('hands back a plain Uint8Array of the input\'s length, leaves the input alone, and skips empty pieces', () => {
    const someKey = new Uint8Array(32).fill(1);
    const someIv = new Uint8Array(16).fill(2);
    const stream = createNativeAesCtrStream(someKey, someIv);
    expect(stream.update(new Uint8Array(0))).toHaveLength(0);
    const data = new Uint8Array(50).fill(0x42);
    const out = stream.update(data);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(out)).toBe(false);
    expect(out).toHaveLength(50);
    expect(data.every((byte) => byte === 0x42)).toBe(true);
    expect(toHex(out)).toBe(toHex(createAesCtrStream(someKey, someIv).update(data)));
  });

  it('checks its arguments like the aes-js stream', () => {
    expect(() => createNativeAesCtrStream(new Uint8Array(31), new Uint8Array(16))).toThrow('"aesKey" expected 32 bytes, got 31');
    expect(() => createNativeAesCtrStream(new Uint8Array(32), new Uint8Array(15))).toThrow('"iv" expected 16 bytes, got 15');
    expect(() => createNativeAesCtrStream('k'.repeat(32) as unknown as Uint8Array, new Uint8Array(16))).toThrow(TypeError);
  });

  it('names both implementations, aes-js first, and maps each name to its stream', () => {
    expect(AES_IMPLEMENTATIONS).toEqual(['aes-js', 'native']);
    expect(ctrStreamFactory('aes-js')).toBe(createAesCtrStream);
    expect(ctrStreamFactory('native')).toBe(createNativeAesCtrStream);
  });
});

let pki: TestPki;
beforeAll(async () => {
  pki = await testPki();
}, 60_000);

describe('whole sessions, in memory', () => {
  const file = patternBytes(70_000, 3);
  /** Every byte on the wire is fixed once the randoms are: the encrypted records depend only on the keys. */
  const fixed = (seed: number) => (length: number) => new Uint8Array(length).fill(seed);

  function fileRecords(client: AesImplementation, server: AesImplementation): { sent: string[]; received: string[]; file: Uint8Array } {
    const pair = new ConnectionPair(pki, {
      files: new Map([['notes.txt', file]]),
      client: { createCtrStream: ctrStreamFactory(client), random: fixed(1) },
      server: { createCtrStream: ctrStreamFactory(server), random: fixed(2) },
    }).run();
    expect(pair.client.stateName).toBe('Closed');
    expect(pair.server.stateName).toBe('Closed');
    const records = (events: readonly PeerEvent[], action: WireEvent['action']): string[] =>
      events.filter((event): event is WireEvent => event.type === 'wire' && event.action === action && (event.message === 'FILE_DATA' || event.message === 'FILE_HEADER')).map((event) => toHex(event.record));
    return { sent: records(pair.serverEvents, 'sent'), received: records(pair.clientEvents, 'received'), file: new Uint8Array(pair.receivedBytes()) };
  }

  it('puts the same encrypted records on the wire whichever side uses which implementation', () => {
    const reference = fileRecords('aes-js', 'aes-js');
    expect(reference.sent.length).toBeGreaterThan(4);
    expect(reference.received).toEqual(reference.sent);
    for (const [client, server] of [['native', 'native'], ['aes-js', 'native'], ['native', 'aes-js']] as const) {
      const run = fileRecords(client, server);
      expect(run.sent, `${client} client, ${server} server`).toEqual(reference.sent);
      expect(run.received).toEqual(reference.sent);
      expect(sha256(run.file)).toBe(sha256(file));
    }
  });
});

describe('over real TCP', () => {
  let harness: NetHarness;
  beforeAll(() => {
    harness = new NetHarness(pki);
  });
  afterAll(async () => {
    await harness?.cleanup();
  });

  it.each([
    ['aes-js', 'native'],
    ['native', 'aes-js'],
  ] as const)('a client on %s against a server on %s receives the file byte for byte', async (client, server) => {
    const work = await harness.workspace();
    const sizes = [0, 16_383, 16_384, 1_000_001];
    for (const size of sizes) await writeFile(join(work.publicDir, `file-${size}.bin`), patternBytes(size, size + 1));
    const { port } = await harness.startServer(work.publicDir, { createCtrStream: ctrStreamFactory(server) });
    for (const size of sizes) {
      const name = `file-${size}.bin`;
      const { result } = await harness.fetch(port, { op: 'GET', name }, work.receivedDir, { createCtrStream: ctrStreamFactory(client) });
      expect(result).toMatchObject({ ok: true, size });
      expect(sha256(await readFile(join(work.receivedDir, name)))).toBe(sha256(await readFile(join(work.publicDir, name))));
    }
  }, 60_000);
});

describe('the --aes option of tls-tui server and client', () => {
  let root: string;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tls-tui-aes-'));
    await runCli(['keys', '--keystore', 'keystore'], root);
    await writeFile(join(root, 'payload.bin'), patternBytes(300_000, 9));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it.each([
    ['native', 'aes-js'],
    ['aes-js', 'native'],
  ] as const)('a server process on %s serves a client process on %s', async (serverAes, clientAes) => {
    const publicDir = join(root, `public-${serverAes}`);
    await mkdir(publicDir, { recursive: true });
    await writeFile(join(publicDir, 'payload.bin'), await readFile(join(root, 'payload.bin')));
    await server?.stop();
    server = await startServer(['--public', publicDir, '--keystore', 'keystore', '--store', 'store', '--aes', serverAes], root);
    const received = `received-${clientAes}`;
    const result = await runCli(['client', '--port', String(server.port), '--file', 'payload.bin', '--keystore', 'keystore', '--received', received, '--store', 'store', '--aes', clientAes], root);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(sha256(await readFile(join(root, received, 'payload.bin')))).toBe(sha256(await readFile(join(root, 'payload.bin'))));
  }, 60_000);

  it('refuses an implementation it does not know, naming the choices', async () => {
    const result = await runCli(['client', '--file', 'x', '--aes', 'fast'], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/aes-js.*native/);
  });
});

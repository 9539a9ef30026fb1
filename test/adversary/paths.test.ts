/**
 * Path traversal, from both ends (PROTOCOL.md section 5). Against a real `tls-tui server`
 * process whose public folder holds symbolic links leading outside (to a secret file beside
 * it, to /etc, to the keystore), every payload of the shared corpus
 * (test/support/traversal-corpus.ts) and every link is sent as the name of an encrypted
 * REQUEST, raw bytes included, by a wire client that swaps its own REQUEST for the payload:
 * each is refused with access_denied, no FILE_HEADER or byte of a file comes back, no byte
 * of the secret appears anywhere the client decrypted, and the server stays healthy. Against
 * a malicious in-memory server, the real client (runClientSession) refuses a FILE_HEADER
 * naming another file than it asked for, and a file named as requested when that name
 * would escape received/: access_denied, and nothing written, inside received/ or beside it.
 */
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CODES } from '../../source/protocol/alerts.js';
import { encodeApplication } from '../../source/protocol/application-messages.js';
import { CONTENT_TYPE } from '../../source/protocol/record.js';
import { runClientSession } from '../../source/net/client.js';
import { EvilServer, type EvilScript } from '../support/evil-server.js';
import { type TestPki, testPki } from '../support/identities.js';
import { application, utf8 } from '../support/messages.js';
import { NetHarness } from '../support/net-harness.js';
import { type ServerUnderTest, startServerProcess } from '../support/server-process.js';
import { TRAVERSAL_CORPUS, type TraversalPayload } from '../support/traversal-corpus.js';
import { WireClient } from '../support/wire-client.js';

const SECRET = utf8('TOP-SECRET: the server must never send this line\n');
const LINKS: readonly TraversalPayload[] = [
  { category: 'symbolic link', label: 'a link to a file beside public/', name: 'leak' },
  { category: 'symbolic link', label: 'a file under a link to /etc', name: 'etc/passwd' },
  { category: 'symbolic link', label: 'the key under a link to the keystore', name: 'keys/server/server.key' },
  { category: 'symbolic link', label: 'a link to a folder outside', name: 'keys' },
];

let server: ServerUnderTest;
const refused: string[] = [];

beforeAll(async () => {
  server = await startServerProcess({
    outside: { 'secret.txt': SECRET },
    files: { 'docs/guide.txt': utf8('a guide\n') },
    prepare: async (root, publicDir) => {
      await symlink(join(root, 'secret.txt'), join(publicDir, 'leak'));
      await symlink('/etc', join(publicDir, 'etc'));
      await symlink(join(root, 'keystore'), join(publicDir, 'keys'));
    },
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

function nameBytes(payload: TraversalPayload): Uint8Array {
  return typeof payload.name === 'string' ? utf8(payload.name) : payload.name;
}

/** A wire client whose REQUEST carries `name` instead of its own. */
async function request(name: Uint8Array): Promise<WireClient> {
  const client = await WireClient.connect(server.port, server.identity, {
    outgoing: (outgoing, wire) => {
      if (!outgoing.message.startsWith('REQUEST')) return 'send';
      wire.write(wire.forge(CONTENT_TYPE.application_data, encodeApplication({ name: 'REQUEST', op: 'GET', fileName: name })));
      return 'hold';
    },
  });
  client.start();
  await client.until((wire) => wire.closedEvent !== undefined, 10_000, "the server's answer");
  return client;
}

function decrypted(client: WireClient): Buffer {
  return Buffer.concat(client.events.flatMap((event) => (event.type === 'wire' && event.action === 'received' && event.plaintext ? [event.plaintext] : [])));
}

describe('names that leave the public folder, sent to a real server', () => {
  it('the corpus has at least 30 payloads in every category the issue names', () => {
    expect(TRAVERSAL_CORPUS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(TRAVERSAL_CORPUS.map((payload) => payload.category)).size).toBeGreaterThanOrEqual(12);
  });

  it('the wire client can fetch an honest name the same way (the control)', async () => {
    const client = await request(utf8('honest.bin'));
    expect(client.events.some((event) => event.type === 'file-verified')).toBe(true);
  });

  it.each([...TRAVERSAL_CORPUS, ...LINKS].map((payload) => [`${payload.category}: ${payload.label}`, payload] as const))('%s → access_denied, nothing served', async (label, payload) => {
    const client = await request(nameBytes(payload));
    expect(client.serverAlert).toMatchObject({ level: 'fatal', description: ALERT_CODES.access_denied });
    expect(client.serverAlert?.reason.length).toBeGreaterThan(10);
    expect(client.events.filter((event) => event.type === 'file-header' || event.type === 'file-data')).toEqual([]);
    expect(decrypted(client).includes(Buffer.from(SECRET))).toBe(false);
    expect(decrypted(client).includes(Buffer.from('root:'))).toBe(false);
    await server.expectHealthy();
    refused.push(label);
  }, 20_000);

  it(`refused every one of them (${TRAVERSAL_CORPUS.length + LINKS.length}), and said so in its own output`, () => {
    expect(refused).toHaveLength(TRAVERSAL_CORPUS.length + LINKS.length);
    const denials = server.running.output().match(/access_denied/g) ?? [];
    expect(denials.length).toBeGreaterThanOrEqual(refused.length);
  });
});

describe('what a malicious server cannot make the client write', () => {
  let pki: TestPki;
  let harness: NetHarness;
  let evil: EvilServer | undefined;

  beforeAll(async () => {
    pki = await testPki();
  }, 60_000);

  afterAll(async () => {
    await evil?.close();
    await harness?.cleanup();
  });

  /** Runs the real client against a script; returns the result and everything under its workspace. */
  async function fetchFrom(script: EvilScript, name: string) {
    harness ??= new NetHarness(pki);
    const root = await harness.tempDir('tls-tui-evil-');
    const receivedDir = join(root, 'received');
    await mkdir(receivedDir);
    await evil?.close();
    evil = await EvilServer.start(pki, script);
    const result = await runClientSession({
      host: '127.0.0.1', port: evil.port, request: { op: 'GET', name }, receivedDir,
      key: pki.client.key, certificate: pki.client.certificate, trustedCa: pki.ca.certificate,
    });
    const everything = (await readdir(root, { recursive: true })).map(String).sort();
    return { result, everything };
  }

  const serveAsRequested = (data: Uint8Array): EvilScript => (session) => {
    session.send(session.peer.sendFileHeader(data.length, Date.now()));
    session.send(session.peer.sendFileData(data, Date.now()));
    session.send(session.peer.sendFileEnd(Date.now()));
  };

  it('saves a file a well-behaved script serves (the control)', async () => {
    const { result, everything } = await fetchFrom(serveAsRequested(utf8('fine')), 'notes.txt');
    expect(result).toMatchObject({ ok: true, size: 4 });
    expect(everything).toEqual(['received', 'received/notes.txt']);
  });

  it.each(['other.txt', '../notes.txt', '/etc/passwd', 'notes.txt/', 'NOTES.TXT', 'notes.txt\u0000'])('refuses a FILE_HEADER naming %j when notes.txt was asked for, writing nothing', async (forgedName) => {
    const { result, everything } = await fetchFrom((session) => {
      session.forge(CONTENT_TYPE.application_data, application({ name: 'FILE_HEADER', fileName: forgedName, size: 4 }));
      session.forge(CONTENT_TYPE.application_data, application({ name: 'FILE_DATA', data: utf8('evil') }));
    }, 'notes.txt');
    expect(result).toMatchObject({ ok: false, kind: 'protocol', alert: { description: ALERT_CODES.access_denied } });
    expect(everything).toEqual(['received']);
  });

  const escaping = TRAVERSAL_CORPUS.filter((payload): payload is TraversalPayload & { name: string } =>
    typeof payload.name === 'string' && payload.name.length > 0 && Buffer.byteLength(payload.name) <= 1024);

  it.each(escaping.map((payload) => [`${payload.category}: ${payload.label}`, payload.name] as const))('refuses to store a signed file named as requested when that name escapes: %s', async (_label, name) => {
    const { result, everything } = await fetchFrom(serveAsRequested(SECRET), name);
    // The server served it: the refusal is the client's own check of the name.
    expect(evil?.requests.map((request) => request.name)).toEqual([name]);
    expect(result).toMatchObject({ ok: false, kind: 'protocol', alert: { description: ALERT_CODES.access_denied } });
    if (!result.ok) expect(result.reason).toMatch(/^name /);
    expect(everything).toEqual(['received']);
  });
});

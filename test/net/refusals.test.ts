/**
 * What the client and server refuse over real TCP, and what a refusal leaves behind.
 * Names that would leave the public folder (`..` into a keystore-like folder beside
 * it holding a secret key, an absolute path, a symbolic link out) and names that are
 * not regular files are answered with access_denied, a missing name with
 * file_not_found; not a byte of the secret appears in any event on either side, the
 * received folder stays empty (no dot-file either), and the same server then serves an
 * honest client; a named pipe is refused rather than waited on. The client refuses to
 * save through a received/ subfolder that links outside and to accept a file over
 * maxFileBytes; a file that shrinks mid-send or a public folder that has gone ends with
 * internal_error. A client that trusts another CA, or a server showing a certificate of
 * the attacker's CA, fails with unknown_ca at certificate verification (and only
 * verifyServerCertificate: false lets the latter through); a wrong serverName gets
 * bad_certificate; a closed port fails at 'connect'; a received "folder" that is a
 * regular file fails locally without touching it.
 */
import { execFileSync } from 'node:child_process';
import { truncateSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientSessionResult } from '../../source/net/client.js';
import type { PeerEvent } from '../../source/protocol/events.js';
import { issue, testPki, type TestPki } from '../support/identities.js';
import {
  closedPort, entriesOf, eventsContainBytes, finalStatuses, NetHarness, patternBytes, type RecordedServer, sha256, sha256OfFile, stepEvents, type Workspace,
} from '../support/net-harness.js';

const SECRET = '-----BEGIN RSA PRIVATE KEY-----\nTOP-SECRET-SERVER-KEY-MATERIAL-0123456789abcdef\n-----END RSA PRIVATE KEY-----\n';
const SECRET_MARKER = Buffer.from('TOP-SECRET-SERVER-KEY-MATERIAL');
const ACCESS_DENIED = 49;
const FILE_NOT_FOUND = 200;
const UNKNOWN_CA = 48;
const BAD_CERTIFICATE = 42;
const DECODE_ERROR = 50;
const INTERNAL_ERROR = 80;

let pki: TestPki;
let harness: NetHarness;
let work: Workspace;
let honestData: Buffer;

beforeAll(async () => {
  pki = await testPki();
}, 60_000);

beforeEach(async () => {
  harness = new NetHarness(pki);
  work = await harness.workspace();
  // A keystore beside the public folder, as in the project's own layout.
  await mkdir(join(work.root, 'keystore', 'server'), { recursive: true });
  await writeFile(join(work.root, 'keystore', 'server', 'server.key'), SECRET);
  honestData = patternBytes(50_000, 42);
  await writeFile(join(work.publicDir, 'hello.bin'), honestData);
  await mkdir(join(work.publicDir, 'docs'));
  await writeFile(join(work.publicDir, 'docs', 'guide.txt'), 'guide\n');
});

afterEach(async () => {
  await harness.cleanup();
});

function expectProtocolFailure(result: ClientSessionResult, description: number): string {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.kind).toBe('protocol');
  expect(result.alert).toMatchObject({ level: 'fatal', description });
  expect(result.reason.length).toBeGreaterThan(0);
  return result.reason;
}

/** The server answers an honest client afterwards, in a fresh received folder. */
async function expectHonestClientServed(port: number): Promise<void> {
  const receivedDir = join(await harness.tempDir(), 'received');
  const { result } = await harness.fetch(port, { op: 'GET', name: 'hello.bin' }, receivedDir);
  expect(result).toMatchObject({ ok: true, size: honestData.length });
  expect(await sha256OfFile(join(receivedDir, 'hello.bin'))).toBe(sha256(honestData));
}

async function serverEventsOfOnlySession(recorded: RecordedServer): Promise<PeerEvent[]> {
  expect(recorded.sessions).toHaveLength(1);
  const id = recorded.sessions[0]!.id;
  await vi.waitFor(() => expect(recorded.eventsOf(id).some((event) => event.type === 'closed')).toBe(true), { timeout: 5_000 });
  return recorded.eventsOf(id);
}

describe('names the server refuses', () => {
  it('refuses ../keystore/server/server.key with access_denied, leaks nothing, and goes on serving', async () => {
    const recorded = await harness.startServer(work.publicDir);

    const { result, events } = await harness.fetch(recorded.port, { op: 'GET', name: '../keystore/server/server.key' }, work.receivedDir);

    const reason = expectProtocolFailure(result, ACCESS_DENIED);
    expect(reason).toContain('..');
    expect(await entriesOf(work.receivedDir)).toEqual([]);
    expect(events.some((event) => event.type === 'file-header' || event.type === 'file-data')).toBe(false);
    expect(eventsContainBytes(events, SECRET_MARKER)).toBe(false);
    const serverEvents = await serverEventsOfOnlySession(recorded);
    expect(eventsContainBytes(serverEvents, SECRET_MARKER)).toBe(false);
    expect(serverEvents.find((event) => event.type === 'closed')).toMatchObject({ ok: false, how: 'alert_sent', alert: { description: ACCESS_DENIED } });
    expect(finalStatuses(serverEvents).get('resolve-request')).toBe('failed');
    expect(await readFile(join(work.root, 'keystore', 'server', 'server.key'), 'utf8')).toBe(SECRET);
    await expectHonestClientServed(recorded.port);
    expect(await entriesOf(work.receivedDir)).toEqual([]);
  }, 20_000);

  it('refuses an absolute path with access_denied', async () => {
    const { port } = await harness.startServer(work.publicDir);

    const { result, events } = await harness.fetch(port, { op: 'GET', name: '/etc/passwd' }, work.receivedDir);

    expect(expectProtocolFailure(result, ACCESS_DENIED)).toMatch(/absolute/);
    expect(events.some((event) => event.type === 'file-data')).toBe(false);
    expect(await entriesOf(work.receivedDir)).toEqual([]);
    await expectHonestClientServed(port);
  }, 20_000);

  it('answers a missing name with file_not_found', async () => {
    const { port } = await harness.startServer(work.publicDir);

    const { result, events } = await harness.fetch(port, { op: 'GET', name: 'no-such-file.txt' }, work.receivedDir);

    expect(expectProtocolFailure(result, FILE_NOT_FOUND)).toContain('no-such-file.txt');
    expect(finalStatuses(events).get('receive')).toBe('stopped');
    expect(await entriesOf(work.receivedDir)).toEqual([]);
    await expectHonestClientServed(port);
  }, 20_000);

  it('refuses a folder name with access_denied', async () => {
    const { port } = await harness.startServer(work.publicDir);

    const { result } = await harness.fetch(port, { op: 'GET', name: 'docs' }, work.receivedDir);

    expect(expectProtocolFailure(result, ACCESS_DENIED)).toMatch(/is a folder, not a regular file/);
    expect(await entriesOf(work.receivedDir)).toEqual([]);
    await expectHonestClientServed(port);
  }, 20_000);

  it('refuses a named pipe with access_denied instead of waiting on it', async () => {
    execFileSync('mkfifo', [join(work.publicDir, 'pipe')]);
    const { port } = await harness.startServer(work.publicDir);

    const { result } = await harness.fetch(port, { op: 'GET', name: 'pipe' }, work.receivedDir);

    expect(expectProtocolFailure(result, ACCESS_DENIED)).toMatch(/pipe|FIFO/);
    expect(await entriesOf(work.receivedDir)).toEqual([]);
    await expectHonestClientServed(port);
  }, 20_000);

  it('refuses a symbolic link that leads outside, and no byte of its target reaches any event', async () => {
    await symlink(join(work.root, 'keystore', 'server', 'server.key'), join(work.publicDir, 'innocent.txt'));
    const recorded = await harness.startServer(work.publicDir);

    const { result, events } = await harness.fetch(recorded.port, { op: 'GET', name: 'innocent.txt' }, work.receivedDir);

    expect(expectProtocolFailure(result, ACCESS_DENIED)).toMatch(/symbolic link/);
    const fileData = events.filter((event) => event.type === 'file-data');
    expect(fileData).toEqual([]);
    expect(eventsContainBytes(events, SECRET_MARKER)).toBe(false);
    expect(eventsContainBytes(await serverEventsOfOnlySession(recorded), SECRET_MARKER)).toBe(false);
    expect(await entriesOf(work.receivedDir)).toEqual([]);
    await expectHonestClientServed(recorded.port);
  }, 20_000);

  it('leaves out a symbolic link that leads outside from LIST', async () => {
    await symlink(join(work.root, 'keystore', 'server', 'server.key'), join(work.publicDir, 'innocent.txt'));
    const { port } = await harness.startServer(work.publicDir);

    const { result, events } = await harness.fetch(port, { op: 'LIST' }, work.receivedDir);

    expect(result.ok && result.entries).toEqual([
      { name: 'docs/guide.txt', size: 6 },
      { name: 'hello.bin', size: honestData.length },
    ]);
    expect(eventsContainBytes(events, SECRET_MARKER)).toBe(false);
  }, 20_000);
});

describe('what the client refuses to store', () => {
  it('refuses to save through a folder in received/ that is a symbolic link leading outside', async () => {
    const outside = await harness.tempDir();
    await symlink(outside, join(work.receivedDir, 'docs'));
    const { port } = await harness.startServer(work.publicDir);

    const { result, events } = await harness.fetch(port, { op: 'GET', name: 'docs/guide.txt' }, work.receivedDir);

    expect(result.ok).toBe(false);
    if (result.ok) throw new Error('unreachable');
    expect(result.reason).toMatch(/symbolic link/);
    expect(result.kind === 'local' || result.alert?.description === ACCESS_DENIED).toBe(true);
    expect(finalStatuses(events).get('save')).toBe('failed');
    expect(await entriesOf(outside)).toEqual([]);
    expect(await entriesOf(work.receivedDir)).toEqual(['docs']);
  }, 20_000);

  it('refuses a file larger than maxFileBytes before writing any of it', async () => {
    const { port } = await harness.startServer(work.publicDir);

    const { result, events } = await harness.fetch(port, { op: 'GET', name: 'hello.bin' }, work.receivedDir, { maxFileBytes: 1_000 });

    expect(expectProtocolFailure(result, DECODE_ERROR)).toMatch(/limit/);
    expect(events.some((event) => event.type === 'file-header' || event.type === 'file-data')).toBe(false);
    expect(await entriesOf(work.receivedDir)).toEqual([]);
  }, 20_000);
});

describe('what the server cannot read', () => {
  it('fails with internal_error when the file shrinks after its header was sent, saving nothing', async () => {
    const recorded = await harness.startServer(work.publicDir, {
      onEvent: (_session, event) => {
        // Right after FILE_HEADER announced the full size, before a byte is read.
        if (event.type === 'progress' && event.done === 0) truncateSync(join(work.publicDir, 'hello.bin'), 0);
      },
    });

    const { result, events } = await harness.fetch(recorded.port, { op: 'GET', name: 'hello.bin' }, work.receivedDir);

    expect(expectProtocolFailure(result, INTERNAL_ERROR)).toMatch(/shrank/);
    expect(events.some((event) => event.type === 'file-header')).toBe(true);
    expect(await entriesOf(work.receivedDir)).toEqual([]);
  }, 20_000);

  it('fails with internal_error when the public folder has gone: the operator hears where, the client only what', async () => {
    const faults: Error[] = [];
    const { port } = await harness.startServer(join(work.root, 'no-such-folder'), { onFault: (_session, error) => faults.push(error) });

    const { result } = await harness.fetch(port, { op: 'LIST' }, work.receivedDir);

    const reason = expectProtocolFailure(result, INTERNAL_ERROR);
    expect(reason).toMatch(/could not list the public folder \(ENOENT\)/);
    expect(reason).not.toContain(work.root);
    expect(faults.map((fault) => fault.message)).toEqual([expect.stringMatching(/no-such-folder" does not exist/)]);
  }, 20_000);

  it('drops only the session whose event callback throws, tells onFault, and serves the next client', async () => {
    const faults: string[] = [];
    let thrown = false;
    const recorded = await harness.startServer(work.publicDir, {
      onEvent: (_session, event) => {
        if (event.type === 'request' && !thrown) {
          thrown = true;
          throw new Error('the observer broke');
        }
      },
      onFault: (session, error) => faults.push(`#${session.id} ${error.message}`),
    });

    const first = await harness.fetch(recorded.port, { op: 'GET', name: 'hello.bin' }, work.receivedDir);
    expect(first.result.ok).toBe(false);
    expect(faults).toEqual(['#1 the observer broke']);
    expect(await entriesOf(work.receivedDir)).toEqual([]);

    const second = await harness.fetch(recorded.port, { op: 'GET', name: 'hello.bin' }, work.receivedDir);
    expect(second.result.ok).toBe(true);
    expect(sha256(await readFile(join(work.receivedDir, 'hello.bin')))).toBe(sha256(honestData));
  }, 20_000);
});

describe('certificates', () => {
  it('fails with unknown_ca at verify-server-certificate when the client trusts another CA; the server keeps serving', async () => {
    const recorded = await harness.startServer(work.publicDir);

    const { result, events } = await harness.fetch(recorded.port, { op: 'GET', name: 'hello.bin' }, work.receivedDir, { trustedCa: pki.rogueCa.certificate });

    expect(expectProtocolFailure(result, UNKNOWN_CA)).toContain('Mallory Root CA');
    const failed = stepEvents(events).filter((event) => event.status === 'failed');
    expect(failed.map((event) => event.step)).toEqual(['verify-server-certificate']);
    expect(events.some((event) => event.type === 'keys' || event.type === 'file-header')).toBe(false);
    expect(await entriesOf(work.receivedDir)).toEqual([]);
    const serverEvents = await serverEventsOfOnlySession(recorded);
    expect(serverEvents.find((event) => event.type === 'closed')).toMatchObject({ ok: false, how: 'alert_received', alert: { description: UNKNOWN_CA } });
    await expectHonestClientServed(recorded.port);
  }, 20_000);

  it("fails with unknown_ca when the server shows a certificate of the attacker's CA; nothing is written", async () => {
    const rogueCertificate = issue(pki.server.key, { subject: 'server', role: 'server', issuer: pki.rogueCa });
    const { port } = await harness.startServer(work.publicDir, { certificate: rogueCertificate });

    const { result, events } = await harness.fetch(port, { op: 'GET', name: 'hello.bin' }, work.receivedDir);

    expect(expectProtocolFailure(result, UNKNOWN_CA)).toContain('"Mallory Root CA"');
    expect(finalStatuses(events).get('verify-server-certificate')).toBe('failed');
    expect(finalStatuses(events).get('save')).toBe('skipped');
    expect(events.some((event) => event.type === 'file-data')).toBe(false);
    expect(await entriesOf(work.receivedDir)).toEqual([]);
  }, 20_000);
});

describe('certificate options of the client', () => {
  it('fails with bad_certificate when the server is not the one named by serverName', async () => {
    const { port } = await harness.startServer(work.publicDir);

    const { result } = await harness.fetch(port, { op: 'GET', name: 'hello.bin' }, work.receivedDir, { serverName: 'bank.example' });

    expect(expectProtocolFailure(result, BAD_CERTIFICATE)).toContain('"bank.example"');
    expect(await entriesOf(work.receivedDir)).toEqual([]);
  }, 20_000);

  it("accepts the attacker's certificate only with verifyServerCertificate: false, and says so", async () => {
    const rogueCertificate = issue(pki.server.key, { subject: 'server', role: 'server', issuer: pki.rogueCa });
    const { port } = await harness.startServer(work.publicDir, { certificate: rogueCertificate });

    const { result, events } = await harness.fetch(port, { op: 'GET', name: 'hello.bin' }, work.receivedDir, { verifyServerCertificate: false });

    expect(result).toMatchObject({ ok: true, size: honestData.length });
    const verified = stepEvents(events).find((event) => event.step === 'verify-server-certificate' && event.status === 'warning');
    expect(verified?.detail).toMatch(/NOT VERIFIED/);
    // What rests on knowing who answered ends in ⚠, down to the file it saved.
    const final = finalStatuses(events);
    for (const step of ['key-exchange', 'key-confirmation', 'finished', 'request', 'receive', 'verify-file', 'save']) expect([step, final.get(step)]).toEqual([step, 'warning']);
    expect(stepEvents(events).find((event) => event.step === 'save' && event.status === 'warning')?.detail).toMatch(/hello\.bin .*NOT authenticated/);
  }, 20_000);
});

describe('local and connection failures', () => {
  it("fails with kind 'connection' and a failed 'connect' step on a closed port", async () => {
    const port = await closedPort();

    const { result, events } = await harness.fetch(port, { op: 'GET', name: 'hello.bin' }, work.receivedDir);

    expect(result).toMatchObject({ ok: false, kind: 'connection' });
    if (result.ok) throw new Error('unreachable');
    expect(result.reason).toContain(`127.0.0.1:${port}`);
    expect(result.reason).toMatch(/ECONNREFUSED/);
    const connect = stepEvents(events).filter((event) => event.step === 'connect');
    expect(connect.map((event) => event.status)).toEqual(['active', 'failed']);
    expect(events.filter((event) => event.type === 'closed')).toEqual([expect.objectContaining({ ok: false })]);
    expect(await entriesOf(work.receivedDir)).toEqual([]);
  }, 20_000);

  it('fails locally, with a reason, when the received folder is a regular file, and leaves it untouched', async () => {
    const { port } = await harness.startServer(work.publicDir);
    const blocker = join(work.root, 'blocker');
    await writeFile(blocker, 'I am a file, not a folder');
    const before = await entriesOf(work.root);

    const { result, events } = await harness.fetch(port, { op: 'GET', name: 'hello.bin' }, blocker);

    expect(result.ok).toBe(false);
    if (result.ok) throw new Error('unreachable');
    if (result.kind === 'protocol') expect(result.alert?.description).toBe(INTERNAL_ERROR);
    else expect(result.kind).toBe('local');
    expect(result.reason).toMatch(/could not save/);
    expect(result.reason).toContain(blocker);
    expect(await readFile(blocker, 'utf8')).toBe('I am a file, not a folder');
    expect(await entriesOf(work.root)).toEqual(before);
    expect(events.filter((event) => event.type === 'closed')).toEqual([expect.objectContaining({ ok: false })]);
    await expectHonestClientServed(port);
  }, 20_000);
});

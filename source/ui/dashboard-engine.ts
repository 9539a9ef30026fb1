/**
 * What the dashboard runs: a server on 127.0.0.1 (port 4041, or a free one when
 * that is taken), the attacker relay when an attack is on, and one client session
 * per fetch, all in this process but talking over real loopback TCP. It reports
 * everything as `EngineEvent`s for the dashboard's reducer; in step mode it holds
 * each record before it leaves until the user sends it, with the protocol's clock
 * stopped meanwhile so that no timeout runs out while a class discusses a message.
 */
import { stat } from 'node:fs/promises';
import { ATTACK_MODE_INFO, type AttackMode } from '../attacker/modes.js';
import { type AesImplementation, ctrStreamFactory } from '../crypto/aes-ctr.js';
import { certificateFingerprint } from '../crypto/certificate.js';
import { listPublicFiles } from '../files/public-folder.js';
import { fileSha256, listReceivedFiles } from '../files/received-file.js';
import { attackerIdentity } from '../attacker/identity.js';
import type { Keystore } from '../keystore/keystore.js';
import { runClientSession, type ClientSessionResult } from '../net/client.js';
import { AttackerRelay } from '../net/relay.js';
import { TlsTuiServer } from '../net/server.js';
import { alertName } from '../protocol/alerts.js';
import type { ClientRequest } from '../protocol/client.js';
import type { Role } from '../protocol/steps.js';
import { formatBytes } from '../protocol/units.js';
import { SessionRecorder, type StoreOptions } from '../store/recorder.js';
import type { TranscriptWriter } from '../store/transcript.js';
import { findSession, listSessions, type Transcript } from '../store/session-store.js';
import type { EngineEvent, ReceivedView, SessionResult, Settings } from './dashboard-state.js';

export const DASHBOARD_PORT = 4041;

/** A clock that stands still while paused: time in step mode passes only when a message moves. */
export class PausableClock {
  #pausedTotal = 0;
  #pausedAt: number | undefined;

  readonly now = (): number => (this.#pausedAt ?? Date.now()) - this.#pausedTotal;

  pause(): void {
    this.#pausedAt ??= Date.now();
  }

  resume(): void {
    if (this.#pausedAt === undefined) return;
    this.#pausedTotal += Date.now() - this.#pausedAt;
    this.#pausedAt = undefined;
  }
}

export interface DashboardEngineOptions {
  readonly keystore: Keystore;
  readonly publicDir: string;
  readonly receivedDir: string;
  /** The port to try first; a free one is used when it is taken. */
  readonly port?: number;
  readonly settings?: Settings;
  /** Where sessions are kept; none when absent. */
  readonly store?: StoreOptions;
  /** The AES-256-CTR implementation of both peers; aes-js when absent. */
  readonly aes?: AesImplementation;
  /** Said on the result line when the dashboard opens: what the keystore needs doing, say. */
  readonly notice?: string;
}

/**
 * How often the folders are listed again while no session runs, so that a file copied
 * into public/ (or removed from received/) shows without a key to press.
 */
const FOLDER_POLL_MS = 2_000;

interface HeldRecord {
  readonly role: Role;
  readonly message: string;
  readonly release: () => void;
}

export class DashboardEngine {
  readonly #options: DashboardEngineOptions;
  readonly #listeners = new Set<(event: EngineEvent) => void>();
  readonly #clock = new PausableClock();
  readonly #held: HeldRecord[] = [];
  readonly #digests = new Map<string, string>();
  /** The files this dashboard saved from a server it did not verify, by receivedKey as saved. */
  readonly #unverified = new Set<string>();
  #settings: Settings;
  #server: TlsTuiServer | undefined;
  #relay: AttackerRelay | undefined;
  #sessionId = 0;
  #running = false;
  #serverSession: number | undefined;
  #relaySession: number | undefined;
  #closed = false;
  readonly #recorder: SessionRecorder | undefined;
  #transcript: TranscriptWriter | undefined;
  /** The protocol clock's reading as the session's transcript opened: its lines count from there, pauses left out. */
  #transcriptClockStart = 0;
  /** Looks at the folders again while no session runs (FOLDER_POLL_MS). */
  #poll: NodeJS.Timeout | undefined;
  /** The folders as last sent, to send them again only when they change. */
  #sent = { files: '', received: '' };

  private constructor(options: DashboardEngineOptions) {
    this.#options = options;
    this.#settings = options.settings ?? { mode: 'off', verify: true, stepMode: false };
    this.#recorder = options.store ? new SessionRecorder({ ...options.store, onProblem: (text) => this.#emit({ type: 'notice', text }) }) : undefined;
  }

  /** The store folder, when sessions are kept. */
  get storeDir(): string | undefined {
    return this.#recorder?.dir;
  }

  static async start(options: DashboardEngineOptions): Promise<DashboardEngine> {
    const engine = new DashboardEngine(options);
    engine.#server = await engine.#listen(options.port ?? DASHBOARD_PORT).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') throw error;
      return engine.#listen(0);
    });
    return engine;
  }

  get settings(): Settings {
    return this.#settings;
  }

  get running(): boolean {
    return this.#running;
  }

  /**
   * The protocol's clock, which stands still while step mode holds a record: the time
   * peer events are stamped with, so a transfer's rate leaves out the class's pauses.
   */
  now(): number {
    return this.#clock.now();
  }

  get serverAddress(): string {
    const address = this.#server?.address;
    return address ? `${address.host}:${address.port}` : '';
  }

  /** Sends the state so far to a new listener, then every event as it happens. */
  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.#listeners.add(listener);
    listener({ type: 'ready', serverAddress: this.serverAddress, caFingerprint: certificateFingerprint(this.#options.keystore.ca.certificate) });
    listener({ type: 'settings', settings: this.#settings });
    if (this.#options.notice !== undefined) listener({ type: 'notice', text: this.#options.notice });
    void this.refreshFiles();
    void this.refreshReceived();
    this.#poll ??= setInterval(() => {
      if (this.#running || this.#closed) return;
      void this.refreshFiles({ onlyIfChanged: true });
      void this.refreshReceived({ onlyIfChanged: true });
    }, FOLDER_POLL_MS).unref();
    return () => this.#listeners.delete(listener);
  }

  setMode(mode: AttackMode): void {
    this.#update({ mode });
    this.#noticeNextSession(`attacker ${mode}`);
  }

  setVerify(verify: boolean): void {
    this.#update({ verify });
    this.#noticeNextSession(`verification ${verify ? 'on' : 'off'}`);
  }

  /** A session keeps the settings it started with: say so when one changes under it. */
  #noticeNextSession(change: string): void {
    if (this.#running) this.#emit({ type: 'notice', text: `${change} from the next session: the one running keeps its own` });
  }

  setStepMode(stepMode: boolean): void {
    this.#update({ stepMode });
    if (!stepMode) this.#releaseAll();
  }

  /** Step mode: lets the held record go. */
  sendNext(): void {
    const next = this.#held.shift();
    if (next === undefined) return;
    next.release();
    this.#announceHeld();
  }

  /** Starts a new session for `request`; one runs at a time. */
  async fetch(request: ClientRequest): Promise<void> {
    if (this.#running || this.#closed) {
      if (this.#running) this.#emit({ type: 'notice', text: 'a session is running: wait for it to end (in step mode, press c to let it run)' });
      return;
    }
    this.#running = true;
    const { mode, verify } = this.#settings;
    const id = ++this.#sessionId;
    this.#serverSession = undefined;
    this.#relaySession = undefined;
    this.#emit({ type: 'session-start', session: { id, request, mode, verify, startedAt: Date.now() } });
    this.#transcript = this.#recorder?.open({ kind: 'dashboard', roles: mode === 'off' ? ['client', 'server'] : ['client', 'server', 'attacker'], request, mode, verify });
    this.#transcriptClockStart = this.#clock.now();
    let result: SessionResult = { ok: false, text: 'stopped' };
    try {
      const port = mode === 'off' ? this.#server!.address.port : (await this.#ensureRelay(mode)).address.port;
      const { keystore, receivedDir } = this.#options;
      const outcome = await runClientSession({
        host: '127.0.0.1',
        port,
        request,
        receivedDir,
        key: keystore.client.key,
        certificate: keystore.client.certificate,
        trustedCa: keystore.ca.certificate,
        verifyServerCertificate: verify,
        createCtrStream: ctrStreamFactory(this.#options.aes ?? 'aes-js'),
        socket: { clock: this.#clock.now, gate: this.#gate },
        onEvent: (event) => this.#emit({ type: 'peer', event, at: this.#clock.now() }),
        onConnected: (local) => this.#transcript?.connection(local, this.serverAddress),
      });
      result = { ok: outcome.ok, text: describeResult(request, outcome, mode, verify) };
      if (outcome.ok && !verify && outcome.savedPath !== undefined && request.op === 'GET') {
        const saved = await stat(outcome.savedPath).catch(() => undefined);
        if (saved !== undefined) this.#unverified.add(receivedKey(request.name, saved.size, saved.mtime.getTime()));
      }
    } catch (error) {
      result = { ok: false, text: `stopped: ${(error as Error).message}` };
    } finally {
      this.#emit({ type: 'session-end', result });
      this.#recorder?.finish(this.#transcript, { ok: result.ok, reason: result.text });
      this.#transcript = undefined;
      this.#running = false;
      this.#releaseAll();
      await Promise.all([this.refreshReceived(), this.refreshFiles()]);
    }
  }

  async refreshFiles({ onlyIfChanged = false } = {}): Promise<void> {
    const event: EngineEvent = await listPublicFiles(this.#options.publicDir).then(
      (files) => ({ type: 'files', files }),
      () => ({ type: 'files', files: [], missing: this.#options.publicDir }),
    );
    this.#emitFolder(event, onlyIfChanged);
  }

  async refreshReceived({ onlyIfChanged = false } = {}): Promise<void> {
    const entries = await listReceivedFiles(this.#options.receivedDir).catch(() => []);
    const views: ReceivedView[] = [];
    for (const entry of entries) {
      const key = receivedKey(entry.name, entry.size, entry.modified.getTime());
      let sha256 = this.#digests.get(key);
      if (sha256 === undefined) {
        sha256 = await fileSha256(`${this.#options.receivedDir}/${entry.name}`).catch(() => undefined);
        if (sha256 !== undefined) this.#digests.set(key, sha256);
      }
      views.push({ name: entry.name, size: entry.size, ...(sha256 ? { sha256 } : {}), ...(this.#unverified.has(key) ? { unverified: true } : {}) });
    }
    this.#emitFolder({ type: 'received', entries: views }, onlyIfChanged);
  }

  /** Sends a folder's listing, or, `onlyIfChanged`, only when it differs from the one sent last. */
  #emitFolder(event: Extract<EngineEvent, { readonly type: 'files' | 'received' }>, onlyIfChanged: boolean): void {
    const sent = JSON.stringify(event);
    if (onlyIfChanged && sent === this.#sent[event.type]) return;
    this.#sent[event.type] = sent;
    this.#emit(event);
  }

  /** Sends the store's sessions, newest first, for the history overlay. */
  async listHistory(): Promise<void> {
    const dir = this.#recorder?.dir;
    const skipped: string[] = [];
    this.#emit({ type: 'history', sessions: dir ? await listSessions(dir, (problem) => skipped.push(problem)).catch(() => []) : [] });
    if (skipped.length > 0) this.#emit({ type: 'notice', text: `history skipped ${skipped.length === 1 ? skipped[0] : `${skipped.length} files it cannot read, the first ${skipped[0]}`}` });
  }

  /** A stored session, for replay. */
  async loadTranscript(id: string): Promise<Transcript> {
    const dir = this.#recorder?.dir;
    if (dir === undefined) throw new Error('no store folder: sessions are not kept');
    return findSession(dir, id);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#poll);
    this.#releaseAll();
    await Promise.allSettled([this.#relay?.close(), this.#server?.close()]);
  }

  #listen(port: number): Promise<TlsTuiServer> {
    const { keystore, publicDir } = this.#options;
    return TlsTuiServer.listen({
      host: '127.0.0.1',
      port,
      publicDir,
      key: keystore.server.key,
      certificate: keystore.server.certificate,
      trustedCa: keystore.ca.certificate,
      createCtrStream: ctrStreamFactory(this.#options.aes ?? 'aes-js'),
      socket: { clock: this.#clock.now, gate: this.#gate },
      onSession: (session) => {
        if (this.#running && this.#serverSession === undefined) this.#serverSession = session.id;
      },
      onEvent: (session, event) => {
        if (session.id === this.#serverSession) this.#emit({ type: 'peer', event, at: this.#clock.now() });
      },
    });
  }

  async #ensureRelay(mode: AttackMode): Promise<AttackerRelay> {
    this.#relay ??= await AttackerRelay.listen({
      host: '127.0.0.1',
      port: 0,
      upstream: { host: '127.0.0.1', port: this.#server!.address.port },
      mode,
      identity: attackerIdentity(this.#options.keystore),
      onSession: (session) => {
        if (this.#running && this.#relaySession === undefined) this.#relaySession = session.id;
      },
      onEvent: (session, event) => {
        if (session.id === this.#relaySession) this.#emit({ type: 'peer', event, at: this.#clock.now() });
      },
    });
    this.#relay.mode = mode;
    return this.#relay;
  }

  readonly #gate = (role: Role, _record: Uint8Array, message: string): Promise<void> => {
    if (!this.#settings.stepMode || this.#closed) return Promise.resolve();
    return new Promise((release) => {
      this.#held.push({ role, message, release });
      if (this.#held.length === 1) this.#announceHeld();
    });
  };

  #announceHeld(): void {
    const next = this.#held[0];
    if (next === undefined) {
      this.#clock.resume();
      this.#emit({ type: 'released' });
      return;
    }
    this.#clock.pause();
    this.#emit({ type: 'held', role: next.role, message: next.message });
  }

  #releaseAll(): void {
    const held = this.#held.splice(0);
    for (const record of held) record.release();
    if (held.length > 0) this.#announceHeld();
  }

  #update(change: Partial<Settings>): void {
    this.#settings = { ...this.#settings, ...change };
    this.#emit({ type: 'settings', settings: this.#settings });
  }

  #emit(event: EngineEvent): void {
    // Peer events carry the protocol clock, which stood still through step mode's pauses; the transcript
    // counts from its start on the same clock, so a replay's times and rates are the live ones.
    const transcript = this.#transcript;
    if (event.type === 'peer' && transcript) transcript.record(event.event, transcript.startedAt + (event.at - this.#transcriptClockStart));
    for (const listener of this.#listeners) listener(event);
  }
}

/** A received file as it stands: a file replaced since (a later fetch, another program) has another key. */
function receivedKey(name: string, size: number, modifiedMs: number): string {
  return `${name}\0${size}\0${modifiedMs}`;
}

/** The result of a session in one line: "notes.txt received, 1.2 MB, signature valid" or "stopped: unknown_ca: …". */
export function describeResult(request: ClientRequest, result: ClientSessionResult, mode: AttackMode, verify: boolean): string {
  if (result.ok) {
    if (result.entries !== undefined) return `listing received: ${result.entries.length} file${result.entries.length === 1 ? '' : 's'}`;
    const name = request.op === 'GET' ? request.name : '';
    if (!verify && ATTACK_MODE_INFO[mode].impersonatesServer) {
      return `${name} received, ${formatBytes(result.size ?? 0)}: signed by the ATTACKER's key, accepted because the client did not verify the certificate`;
    }
    return `${name} received, ${formatBytes(result.size ?? 0)}, signature valid${verify ? '' : ' (certificate NOT verified)'}`;
  }
  if (result.alert === undefined) return `stopped: ${result.reason}`;
  const name = alertName(result.alert.description);
  return result.reason.includes(`sent ${name}`) ? `stopped: ${result.reason}` : `stopped: ${name}: ${result.reason}`;
}

/**
 * What client and server share: a sans-IO connection fed bytes and the time, that
 * hands back bytes to send and events (the shape of h11 and rustls). It owns the
 * record layer, record protection, alerts, timeouts and the checklist's
 * bookkeeping; the subclasses own the handshake states. Failed is final: after an
 * error the peer sends its alert, marks the step that failed, and refuses more work.
 */
import { ALERT_CODES, type Alert, type AlertName, alertForError, alertName, describeAlert, LocalProtocolError, RemoteProtocolError } from './alerts.js';
import { decodeAlert, encodeAlert } from './alert-message.js';
import { type ApplicationMessage, decodeApplication, encodeApplication } from './application-messages.js';
import { type ClosedEvent, type Direction, type PeerEvent, stepEvent } from './events.js';
import { recordMessage } from './fields.js';
import { decodeHandshake, encodeHandshake, type HandshakeMessage } from './handshake-messages.js';
import type { SessionKeys } from './key-schedule.js';
import { CONTENT_TYPE, type ContentType, contentTypeName, encodeRecord, MAX_CIPHERTEXT_BYTES, type RawRecord, RecordReader } from './record.js';
import { type CtrStreamFactory, RecordProtection } from './record-protection.js';
import { type Role, type StepId, stepsOf, type StepStatus } from './steps.js';

/** What a call hands back: records to write, in order, and what happened. */
export interface Output {
  readonly send: readonly Uint8Array[];
  readonly events: readonly PeerEvent[];
}

/** PROTOCOL.md section 7, and the floods that real TLS stacks cut short. */
export const LIMITS = {
  handshakeMs: 10_000,
  idleMs: 30_000,
  /** Empty application-data records in a row before the peer is cut off (OpenSSL allows 32). */
  maxEmptyRecords: 32,
  /** Warning alerts in a row that close the connection (OpenSSL's MAX_WARN_ALERT_COUNT). */
  maxWarningAlerts: 5,
  /**
   * How long a side that sent close_notify waits for the other's, then closes without a
   * timeout alert: its work is done, and a client that never answers should not hold one
   * of the server's connections for the whole idle limit. (A malformed record in that
   * wait still gets its alert, as the state-machine tests have it.)
   */
  closeNotifyWaitMs: 5_000,
} as const;

export interface PeerOptions {
  readonly handshakeTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  /** The AES-256-CTR implementation; aes-js unless told otherwise. */
  readonly createCtrStream?: CtrStreamFactory;
}

type Ending = { readonly kind: 'closed'; readonly reason: string } | { readonly kind: 'failed'; readonly alert: Alert | undefined; readonly reason: string };

export abstract class Peer {
  readonly role: Role;
  readonly #reader = new RecordReader();
  readonly #options: PeerOptions;
  #readProtection: RecordProtection | undefined;
  #writeProtection: RecordProtection | undefined;
  #send: Uint8Array[] = [];
  #events: PeerEvent[] = [];
  readonly #steps = new Map<StepId, StepStatus>();
  #activeStep: StepId | undefined;
  #ending: Ending | undefined;
  #handshakeDeadline: number | undefined;
  #lastActivity: number | undefined;
  /** When this side sent its close_notify. */
  #closeNotifySentAt: number | undefined;
  #clock = 0;
  #emptyRecords = 0;
  #warningAlerts = 0;
  #moreToRead = false;

  protected constructor(role: Role, options: PeerOptions) {
    this.role = role;
    this.#options = options;
    for (const step of stepsOf(role)) this.#steps.set(step.id as StepId, 'pending');
  }

  /** The name of the state the peer is in, for display and tests. */
  get stateName(): string {
    if (this.#ending === undefined) return this.liveStateName;
    return this.#ending.kind === 'failed' ? 'Failed' : 'Closed';
  }

  /** The subclass's own state while the session runs. */
  protected abstract get liveStateName(): string;

  get isFinished(): boolean {
    return this.#ending !== undefined;
  }

  get isFailed(): boolean {
    return this.#ending?.kind === 'failed';
  }

  /** Why the session failed, when it did. */
  get failure(): { readonly alert: Alert | undefined; readonly reason: string } | undefined {
    return this.#ending?.kind === 'failed' ? this.#ending : undefined;
  }

  get isEncrypted(): boolean {
    return this.#writeProtection !== undefined;
  }

  stepStatus(step: StepId): StepStatus | undefined {
    return this.#steps.get(step);
  }

  /**
   * Feeds bytes from the peer, split anywhere, and handles the records they complete, or
   * only the first `limit` of them: then `moreToRead` says to call again (with no new
   * bytes) for the rest, so that a caller can finish with each record before the next.
   */
  receive(data: Uint8Array, now: number, limit = Number.POSITIVE_INFINITY): Output {
    if (!(limit >= 1)) throw new RangeError(`receive's limit must be at least one record, got ${limit}`);
    this.assertOpen('receive');
    return this.run(now, () => {
      if (data.length > 0) this.#lastActivity = now;
      this.#reader.push(data);
      this.#moreToRead = false;
      for (let handled = 0; this.#ending === undefined; handled += 1) {
        if (handled === limit) {
          this.#moreToRead = true;
          break;
        }
        const record = this.#reader.next();
        if (record === undefined) break;
        this.#handleRecord(record, now);
      }
    });
  }

  /** Whether the last `receive` stopped at its limit, with bytes it has not read yet. */
  get moreToRead(): boolean {
    return this.#moreToRead && this.#ending === undefined && this.#reader.buffered > 0;
  }

  /** When `tick` must next be called, in ms since the epoch; undefined once finished. */
  nextDeadline(): number | undefined {
    if (this.#ending !== undefined || this.#lastActivity === undefined) return undefined;
    const idle = this.#lastActivity + (this.#options.idleTimeoutMs ?? LIMITS.idleMs);
    if (this.#closeNotifySentAt !== undefined) return Math.min(idle, this.#closeNotifySentAt + LIMITS.closeNotifyWaitMs);
    return this.#handshakeDeadline === undefined ? idle : Math.min(idle, this.#handshakeDeadline);
  }

  /** Lets the peer act on the time: a handshake or an idle connection that ran out of it fails with `timeout`. */
  tick(now: number): Output {
    if (this.#ending !== undefined) return this.#flush();
    const deadline = this.nextDeadline();
    if (this.#closeNotifySentAt !== undefined && deadline !== undefined && now >= deadline) {
      // This side has said its last word: it closes, and sends nothing more. Unconfirmed, the
      // end is not called clean: the other side may not have had the response at all.
      this.#clock = now;
      const why = `no close_notify from the ${this.#peerRole} within ${(deadline - this.#closeNotifySentAt) / 1000} s of this side's`;
      this.#end({ kind: 'failed', alert: undefined, reason: why }, 'connection_lost');
      return this.#flush();
    }
    return this.run(now, () => {
      if (this.#handshakeDeadline !== undefined && now >= this.#handshakeDeadline) {
        throw new RemoteProtocolError('timeout', `handshake not complete after ${(this.#options.handshakeTimeoutMs ?? LIMITS.handshakeMs) / 1000} s`);
      }
      const idleMs = this.#options.idleTimeoutMs ?? LIMITS.idleMs;
      if (this.#lastActivity !== undefined && now >= this.#lastActivity + idleMs) {
        throw new RemoteProtocolError('timeout', `no byte for ${idleMs / 1000} s`);
      }
    });
  }

  /** The transport closed or failed under the session. */
  connectionLost(reason: string, now: number): Output {
    if (this.#ending !== undefined) return this.#flush();
    this.#clock = now;
    if (this.canEndWithoutCloseNotify()) {
      this.finish(`connection closed (${reason})`, 'connection_lost');
    } else {
      this.#end({ kind: 'failed', alert: undefined, reason: `connection lost: ${reason}` }, 'connection_lost');
    }
    return this.#flush();
  }

  /** Records a step the driver performs itself (connecting, accepting, saving). */
  markStep(step: StepId, status: StepStatus, detail = ''): Output {
    this.step(step, status, detail);
    return this.#flush();
  }

  /** Ends the session from this side with a fatal alert: the user cancelled, a disk failed… */
  abort(alert: AlertName, reason: string, now: number): Output {
    if (this.#ending !== undefined) return this.#flush();
    return this.run(now, () => {
      throw new LocalProtocolError(alert, reason);
    });
  }

  /**
   * Ends the session because this side's program is stopping (Ctrl+C, SIGTERM): the
   * other side is told why with a fatal internal_error alert, and the step under way
   * is marked stopped, not failed, for nothing was caught there.
   */
  stop(reason: string, now: number): Output {
    if (this.#ending !== undefined) return this.#flush();
    const step = this.#activeStep ?? this.#nextPendingStep();
    if (step !== undefined) this.step(step, 'stopped', 'stopped by the user');
    return this.abort('internal_error', reason, now);
  }

  // ---- for the subclasses ----

  protected abstract onHandshake(message: HandshakeMessage, bytes: Uint8Array, now: number): void;
  protected abstract onApplication(message: ApplicationMessage, now: number): void;
  /** The peer sent close_notify. */
  protected abstract onCloseNotify(): void;
  /** Whether the session is complete enough that a closed transport is a normal end. */
  protected abstract canEndWithoutCloseNotify(): boolean;

  /** Runs `action`; any error in it fails the session with its alert. */
  protected run(now: number, action: () => void): Output {
    this.#clock = now;
    try {
      action();
    } catch (error) {
      this.#fail(error);
    }
    return this.#flush();
  }

  protected assertOpen(call: string): void {
    if (this.#ending?.kind === 'failed') {
      throw new LocalProtocolError('internal_error', `cannot ${call}: the session already failed (${this.#ending.alert ? describeAlert(this.#ending.alert) : this.#ending.reason})`);
    }
    if (this.#ending?.kind === 'closed') throw new LocalProtocolError('internal_error', `cannot ${call}: the session is closed`);
  }

  protected startTimers(now: number): void {
    this.#lastActivity = now;
    this.#handshakeDeadline = now + (this.#options.handshakeTimeoutMs ?? LIMITS.handshakeMs);
  }

  protected handshakeComplete(): void {
    this.#handshakeDeadline = undefined;
  }

  protected get handshakeDone(): boolean {
    return this.#writeProtection !== undefined && this.#handshakeDeadline === undefined;
  }

  protected emit(event: PeerEvent): void {
    this.#events.push(Object.freeze(event));
  }

  protected step(step: StepId, status: StepStatus, detail = ''): void {
    this.#steps.set(step, status);
    if (status === 'active') this.#activeStep = step;
    else if (this.#activeStep === step) this.#activeStep = undefined;
    this.emit(stepEvent(this.role, step, status, detail));
  }

  protected sendHandshake(message: HandshakeMessage): Uint8Array {
    const bytes = encodeHandshake(message);
    this.#sendRecord(CONTENT_TYPE.handshake, bytes);
    return bytes;
  }

  protected sendApplication(message: ApplicationMessage): void {
    this.#sendRecord(CONTENT_TYPE.application_data, encodeApplication(message));
  }

  protected sendCloseNotify(): void {
    this.#closeNotifySentAt ??= this.#clock;
    this.#sendRecord(CONTENT_TYPE.alert, encodeAlert({ level: 'warning', description: ALERT_CODES.close_notify, reason: '' }));
  }

  /** From here on every record each way is encrypted (PROTOCOL.md section 4). */
  protected enableEncryption(keys: SessionKeys): void {
    const create = this.#options.createCtrStream;
    const client = () => new RecordProtection(keys.clientWriteKey, keys.clientWriteIv, keys.clientMacKey, create);
    const server = () => new RecordProtection(keys.serverWriteKey, keys.serverWriteIv, keys.serverMacKey, create);
    this.#writeProtection = this.role === 'client' ? client() : server();
    this.#readProtection = this.role === 'client' ? server() : client();
    this.#reader.maxPayload = MAX_CIPHERTEXT_BYTES;
  }

  /** The session ended as it should: close_notify exchanged, or the work done. */
  protected finish(detail: string, how: 'close_notify' | 'connection_lost' = 'close_notify'): void {
    this.step('close', 'done', detail);
    this.#end({ kind: 'closed', reason: detail }, how);
  }

  /** The peer sent close_notify before the session was complete. */
  protected closedEarly(what: string): void {
    this.sendCloseNotify();
    this.#end({ kind: 'failed', alert: { level: 'warning', description: ALERT_CODES.close_notify, reason: '' }, reason: `the ${this.#peerRole} closed the connection ${what}` }, 'alert_received');
  }

  protected unexpected(expected: string, got: string): RemoteProtocolError {
    return new RemoteProtocolError('unexpected_message', `expected ${expected}, got ${got}`);
  }

  get #peerRole(): Role {
    return this.role === 'client' ? 'server' : 'client';
  }

  #handleRecord(record: RawRecord, now: number): void {
    const protection = this.#readProtection;
    let plaintext: Uint8Array | undefined;
    let failure: unknown;
    if (protection === undefined) {
      plaintext = record.payload;
    } else {
      try {
        plaintext = protection.open(record);
      } catch (error) {
        failure = error;
      }
      const refusal = plaintext === undefined ? this.#plaintextRefusal(record, protection) : undefined;
      if (refusal !== undefined) {
        this.#emitWire('received', record.bytes, false, undefined);
        this.#handleAlert(refusal);
        return;
      }
    }
    this.#emitWire('received', record.bytes, protection !== undefined, plaintext);
    if (plaintext === undefined) throw failure;

    const type = record.contentType;
    if (type === CONTENT_TYPE.application_data && protection === undefined) {
      throw new RemoteProtocolError('unexpected_message', 'application data before the handshake finished (it must be encrypted)');
    }
    if (plaintext.length === 0) {
      if (type !== CONTENT_TYPE.application_data) throw new RemoteProtocolError('decode_error', `empty ${contentTypeName(type)} record`);
      this.#emptyRecords += 1;
      if (this.#emptyRecords > LIMITS.maxEmptyRecords) {
        throw new RemoteProtocolError('unexpected_message', `${this.#emptyRecords} empty records in a row`);
      }
      return;
    }
    this.#emptyRecords = 0;
    if (type === CONTENT_TYPE.alert) {
      this.#handleAlert(decodeAlert(plaintext));
      return;
    }
    this.#warningAlerts = 0;
    if (type === CONTENT_TYPE.handshake) {
      if (this.handshakeDone) throw new RemoteProtocolError('unexpected_message', 'handshake message after the handshake finished');
      this.onHandshake(decodeHandshake(plaintext), plaintext, now);
    } else {
      this.onApplication(decodeApplication(plaintext), now);
    }
  }

  /**
   * The server turns encryption on as it sends SERVER_KEY_EXCHANGE, but a client
   * that rejects that very message has no keys yet and refuses in plaintext. Like
   * TLS 1.2 before the peer's ChangeCipherSpec, the first record after that point
   * may be a plaintext alert, so the server hears the real reason rather than a
   * MAC failure.
   */
  #plaintextRefusal(record: RawRecord, protection: RecordProtection): Alert | undefined {
    if (this.role !== 'server' || protection.sequence !== 0n || record.contentType !== CONTENT_TYPE.alert) return undefined;
    try {
      return decodeAlert(record.payload);
    } catch {
      return undefined;
    }
  }

  #handleAlert(alert: Alert): void {
    if (alert.description === ALERT_CODES.close_notify) {
      this.#warningAlerts = 0;
      this.onCloseNotify();
      return;
    }
    if (alert.level === 'warning') {
      this.#warningAlerts += 1;
      if (this.#warningAlerts >= LIMITS.maxWarningAlerts) {
        throw new RemoteProtocolError('unexpected_message', `${this.#warningAlerts} warning alerts in a row`);
      }
      return;
    }
    this.#end({ kind: 'failed', alert, reason: `${this.#peerRole} sent ${describeAlert(alert)}` }, 'alert_received');
  }

  #sendRecord(contentType: ContentType, plaintext: Uint8Array): void {
    const protection = this.#writeProtection;
    const record = protection === undefined ? encodeRecord(contentType, plaintext) : protection.seal(contentType, plaintext);
    this.#send.push(record);
    this.#lastActivity = this.#clock;
    this.#emitWire('sent', record, protection !== undefined, plaintext);
  }

  #emitWire(action: 'sent' | 'received', record: Uint8Array, encrypted: boolean, plaintext: Uint8Array | undefined): void {
    const fromClient = (this.role === 'client') === (action === 'sent');
    const direction: Direction = fromClient ? 'client->server' : 'server->client';
    this.emit({
      type: 'wire',
      role: this.role,
      action,
      direction,
      contentType: record[0] ?? 0,
      message: recordMessage(record, encrypted, encrypted ? plaintext : undefined),
      encrypted,
      record,
      ...(encrypted && plaintext !== undefined ? { plaintext } : {}),
    });
  }

  #fail(error: unknown): void {
    if (this.#ending !== undefined) return;
    const alert = alertForError(error);
    const ending: Ending = { kind: 'failed', alert, reason: alert.reason };
    // The step that caught the problem is reported before the alert that says so
    // leaves: in step mode the alert waits, and the pane shows why it is about to go.
    this.#markFailedStep(ending, 'alert_sent');
    try {
      this.#sendRecord(CONTENT_TYPE.alert, encodeAlert(alert));
    } catch {
      // The alert is a courtesy; the session fails whether or not it can be framed.
    }
    this.#end(ending, 'alert_sent');
  }

  /**
   * Marks the step the session failed at, once: the side that found the problem fails
   * its step; the side that only received its alert, or lost the connection, was
   * stopped, so that one ✘ marks where a session (an attack, say) was caught
   * (DESIGN.md, "The attacker"), and none where nothing was.
   */
  #markFailedStep(ending: Extract<Ending, { readonly kind: 'failed' }>, how: ClosedEvent['how']): void {
    const alert = ending.alert;
    const detail = how === 'alert_sent' && alert ? `${alertName(alert.description)}: ${alert.reason}` : ending.reason;
    const alreadyFailed = [...this.#steps.values()].some((status) => status === 'failed' || status === 'stopped');
    const failing = this.#activeStep ?? (alreadyFailed ? undefined : (this.#nextPendingStep() ?? 'close'));
    // A connection that went without a word was ended by the other side (or the path) too: nothing was caught here.
    if (failing !== undefined && (how === 'alert_received' || how === 'connection_lost')) this.step(failing, 'stopped', `stopped: ${detail}`);
    else if (failing !== undefined) this.step(failing, 'failed', detail);
  }

  /** The first step not begun yet, close aside: where a session that ends between steps ended. */
  #nextPendingStep(): StepId | undefined {
    return [...this.#steps].find(([id, status]) => status === 'pending' && id !== 'close')?.[0];
  }

  #end(ending: Ending, how: ClosedEvent['how']): void {
    this.#ending = ending;
    this.#handshakeDeadline = undefined;
    if (ending.kind === 'failed') {
      this.#markFailedStep(ending, how);
      const alert = ending.alert;
      const failing = [...this.#steps].find(([, status]) => status === 'failed' || status === 'stopped')?.[0];
      for (const [id, status] of this.#steps) {
        if (id !== 'close' && (status === 'pending' || status === 'active')) this.step(id, 'skipped');
      }
      // After an alert, sent or received, this side closes the connection; a lost one was closed by nobody here.
      if (failing !== 'close' && how === 'connection_lost') this.step('close', 'skipped', 'connection lost');
      else if (failing !== 'close') this.step('close', 'done', how === 'alert_sent' && alert ? `sent alert ${alertName(alert.description)}, closed` : `closed after the ${this.#peerRole}'s alert`);
    }
    this.emit({
      type: 'closed',
      role: this.role,
      how,
      ok: ending.kind === 'closed',
      ...(ending.kind === 'failed' && ending.alert ? { alert: ending.alert } : {}),
      reason: ending.reason,
    });
  }

  #flush(): Output {
    const output = Object.freeze({ send: this.#send, events: this.#events });
    this.#send = [];
    this.#events = [];
    return output;
  }
}

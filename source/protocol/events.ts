/**
 * The events a peer emits (DESIGN.md, "Architecture"): plain, frozen, tagged
 * objects, and the only thing the dashboard, the CLI and the store ever see.
 * `step`, `wire`, `progress` and `closed` describe the session; `keys` carries the
 * session secrets for the inspector and the store; the rest hand application data
 * to the code that drives the peer (the file to stream, the bytes to save).
 */
import type { Alert } from './alerts.js';
import type { ListEntry } from './application-messages.js';
import { describeRecord, type RecordDescription, type WireField } from './fields.js';
import type { SessionKeys } from './key-schedule.js';
import type { Role, StepId, StepStatus } from './steps.js';

export type Direction = 'client->server' | 'server->client';

export interface StepEvent {
  readonly type: 'step';
  readonly role: Role;
  readonly step: StepId;
  readonly status: StepStatus;
  readonly detail: string;
}

export interface WireEvent {
  readonly type: 'wire';
  readonly role: Role;
  readonly action: 'sent' | 'received';
  readonly direction: Direction;
  readonly contentType: number;
  /** CLIENT_HELLO, FILE_DATA, alert close_notify… as best the bytes tell. */
  readonly message: string;
  readonly encrypted: boolean;
  /** The record exactly as it crossed the wire, header included. */
  readonly record: Uint8Array;
  /** For encrypted records: the decrypted payload, when this peer could read it. */
  readonly plaintext?: Uint8Array;
  /**
   * The field breakdown of the whole record, on an event read back from a transcript,
   * which stores it beside the record (perhaps only the record's start). A live event
   * leaves it out, and `describeRecord(record, encrypted, plaintext)` gives it.
   */
  readonly fields?: readonly WireField[];
  readonly plaintextFields?: readonly WireField[];
  /** Set only on an event read back from a transcript that kept just the start of the record. */
  readonly truncatedFrom?: number;
}

export interface ProgressEvent {
  readonly type: 'progress';
  readonly role: Role;
  readonly done: number;
  readonly total: number;
}

export interface ClosedEvent {
  readonly type: 'closed';
  readonly role: Role;
  /** How the session ended: cleanly, by an alert this peer sent or received, or by a dropped connection. */
  readonly how: 'close_notify' | 'alert_sent' | 'alert_received' | 'connection_lost';
  /** Whether the session did what it set out to do before it closed. */
  readonly ok: boolean;
  readonly alert?: Alert;
  readonly reason: string;
}

export interface KeysEvent {
  readonly type: 'keys';
  readonly role: Role;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly secret: Uint8Array;
  readonly keys: SessionKeys;
}

export interface RequestEvent {
  readonly type: 'request';
  readonly role: 'server';
  readonly op: 'LIST' | 'GET';
  readonly name: string;
}

export interface FileHeaderEvent {
  readonly type: 'file-header';
  readonly role: 'client';
  readonly name: string;
  readonly size: number;
}

export interface FileDataEvent {
  readonly type: 'file-data';
  readonly role: 'client';
  readonly data: Uint8Array;
}

export interface FileVerifiedEvent {
  readonly type: 'file-verified';
  readonly role: 'client';
  readonly name: string;
  readonly size: number;
  readonly sha256: Uint8Array;
}

export interface ListEvent {
  readonly type: 'list';
  readonly role: 'client';
  readonly entries: readonly ListEntry[];
}

/**
 * What a man in the middle saw and did to a record (or a note on what it
 * learned). `record` is what it sent on; `original` what it received, when it
 * changed or dropped it.
 */
export interface AttackEvent {
  readonly type: 'attack';
  readonly role: 'attacker';
  readonly mode: string;
  readonly kind: 'forwarded' | 'rewritten' | 'injected' | 'dropped' | 'read' | 'note';
  readonly direction?: Direction;
  readonly message?: string;
  readonly detail: string;
  /** Whether the record is an encrypted one. */
  readonly encrypted?: boolean;
  readonly record?: Uint8Array;
  readonly original?: Uint8Array;
  /** The decrypted payload of an encrypted record the attacker wrote itself. */
  readonly plaintext?: Uint8Array;
  /** Set only on an event read back from a transcript that kept just the start of the record. */
  readonly truncatedFrom?: number;
}

export type SessionEvent = StepEvent | WireEvent | ProgressEvent | ClosedEvent | KeysEvent;
export type ApplicationEvent = RequestEvent | FileHeaderEvent | FileDataEvent | FileVerifiedEvent | ListEvent;
export type PeerEvent = SessionEvent | ApplicationEvent;

export function stepEvent(role: Role, step: StepId, status: StepStatus, detail = ''): StepEvent {
  return Object.freeze({ type: 'step', role, step, status, detail });
}

/** A wire event's field breakdown: the one a transcript stored with it, or described from its bytes. */
export function wireFields(event: WireEvent): Pick<RecordDescription, 'fields' | 'plaintextFields'> {
  const { fields, plaintextFields } = event.fields === undefined ? describeRecord(event.record, event.encrypted, event.plaintext) : { fields: event.fields, plaintextFields: event.plaintextFields };
  return { fields, ...(plaintextFields === undefined ? {} : { plaintextFields }) };
}

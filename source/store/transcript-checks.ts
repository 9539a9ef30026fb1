/**
 * What each line of a transcript must hold for those who read it back (history's
 * columns, replay, the dashboard's reducer, export): the metadata line, the outcome,
 * the connection and every event line. A line that lacks a field, or has one of the
 * wrong type, is refused with the file, the line and the field named, so that none
 * of them meets it: history skips that file and says why, replay and export refuse it.
 */
import { ALERT_LEVEL } from '../protocol/alerts.js';
import type { AttackEvent, Direction } from '../protocol/events.js';
import type { StepStatus } from '../protocol/steps.js';
import { StoreError } from './store-error.js';
import { TRANSCRIPT_KINDS, type TranscriptConnection, type TranscriptKind, type TranscriptLine, type TranscriptMeta, type TranscriptOutcome } from './transcript.js';

/** What one field of a line must be, in words for an error, and whether it may be left out. */
interface LineField {
  readonly expected: string;
  readonly valid: (value: unknown) => boolean;
  readonly optional?: true;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isRequest(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { op, name } = value;
  return (op === 'GET' || op === 'LIST') && (name === undefined || isString(name));
}

function isAlert(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { level, description, reason } = value;
  return Object.hasOwn(ALERT_LEVEL, level as string) && Number.isInteger(description) && isString(reason);
}

const TEXT: LineField = { expected: 'a string', valid: isString };
const OPTIONAL_TEXT: LineField = { ...TEXT, optional: true };
const BOOLEAN: LineField = { expected: 'true or false', valid: isBoolean };
const COUNT: LineField = { expected: 'a number of 0 or more', valid: isCount };
const REQUEST: LineField = { expected: '{"op": "GET" or "LIST", "name": a string}', valid: isRequest, optional: true };
const COUNTS: LineField = { expected: 'an object of numbers of 0 or more', valid: (value) => isObject(value) && Object.values(value).every(isCount) };

/** Every field of TranscriptMeta but its type, as history, replay and export read it. */
const META_FIELDS: Readonly<Record<Exclude<keyof TranscriptMeta, 'type'>, LineField>> = {
  id: TEXT,
  version: TEXT,
  startedAt: { expected: 'a date and time', valid: (value) => isString(value) && !Number.isNaN(Date.parse(value)) },
  kind: { expected: `one of ${TRANSCRIPT_KINDS.join(', ')}`, valid: (value) => TRANSCRIPT_KINDS.includes(value as TranscriptKind) },
  roles: { expected: 'a list of strings', valid: (value) => Array.isArray(value) && value.every(isString) },
  mode: TEXT,
  client: OPTIONAL_TEXT,
  server: OPTIONAL_TEXT,
  request: REQUEST,
  verify: { ...BOOLEAN, optional: true },
};

/** Every field of TranscriptOutcome but its type, as history's columns, replay's last line and export's pcap read it. */
const OUTCOME_FIELDS: Readonly<Record<Exclude<keyof TranscriptOutcome, 'type'>, LineField>> = {
  ok: BOOLEAN,
  alert: { expected: '{"level": "warning" or "fatal", "description": a whole number, "reason": a string}', valid: isAlert, optional: true },
  reason: OPTIONAL_TEXT,
  durationMs: COUNT,
  bytes: COUNT,
  request: REQUEST,
  omitted: COUNTS,
  streams: COUNTS,
};

/**
 * `value` as the line its fields describe (`what` names it, for the error), or an
 * error saying where it is and the first field missing or of the wrong type.
 */
function checkedLine<T>(where: string, what: string, value: object, fields: Readonly<Record<string, LineField>>): T {
  for (const [name, field] of Object.entries(fields)) {
    const given = (value as Record<string, unknown>)[name];
    if (given === undefined && field.optional) continue;
    if (given === undefined) throw new StoreError(`${where}: the ${what} has no "${name}"`);
    if (!field.valid(given)) throw new StoreError(`${where}: the ${what}'s "${name}" is ${shown(given)}, not ${field.expected}`);
  }
  return value as T;
}

/** A value as an error quotes it: JSON, cut short, bytes as their count. */
function shown(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return (JSON.stringify(value) ?? String(value)).slice(0, 40);
}

/** The first line as metadata, or an error naming the file and what is wrong with it. */
export function metaOf(path: string, value: unknown): TranscriptMeta {
  if (!isObject(value) || value.type !== 'meta') throw new StoreError(`${path}: the first line is not a transcript's metadata`);
  return checkedLine<TranscriptMeta>(path, 'metadata', value, META_FIELDS);
}

/** An outcome line, checked; `where` names the file and the line. */
export function outcomeOf(where: string, value: object): TranscriptOutcome {
  return checkedLine<TranscriptOutcome>(where, 'outcome', value, OUTCOME_FIELDS);
}

const CONNECTION_FIELDS: Readonly<Record<Exclude<keyof TranscriptConnection, 'type'>, LineField>> = {
  client: { expected: 'an "address:port"', valid: isString },
  server: { expected: 'an "address:port"', valid: isString },
};

/** A connection line, checked, as export's pcap reads its addresses. */
export function connectionOf(where: string, value: object): TranscriptConnection {
  return checkedLine<TranscriptConnection>(where, 'connection', value, CONNECTION_FIELDS);
}

const isBytes = (value: unknown): boolean => value instanceof Uint8Array;
const ROLES = ['client', 'server'];
const DIRECTIONS: readonly Direction[] = ['client->server', 'server->client'];
const STEP_STATUSES: readonly StepStatus[] = ['pending', 'active', 'done', 'warning', 'failed', 'stopped', 'skipped'];
const ATTACK_KINDS: readonly AttackEvent['kind'][] = ['forwarded', 'rewritten', 'injected', 'dropped', 'read', 'note'];
const oneOf = (values: readonly unknown[]): LineField => ({ expected: `one of ${values.join(', ')}`, valid: (value) => values.includes(value) });
const BYTES: LineField = { expected: 'bytes ({"$b64": base64})', valid: isBytes };
const OPTIONAL_BYTES: LineField = { ...BYTES, optional: true };

function isFieldList(value: unknown): boolean {
  return Array.isArray(value) && value.every((field) => isObject(field) && isString(field.name) && isCount(field.offset) && isCount(field.length) && isString(field.value));
}
const FIELD_LIST: LineField = { expected: 'a list of {"name", "offset", "length", "value"}', valid: isFieldList, optional: true };

/**
 * The fields of each kind of event that replay, the dashboard's reducer and export
 * read. Kinds they do not read (a request, a file's header) need only be events.
 */
const EVENT_FIELDS: Readonly<Record<string, Readonly<Record<string, LineField>>>> = {
  step: { role: oneOf(ROLES), step: TEXT, status: oneOf(STEP_STATUSES), detail: TEXT },
  progress: { role: oneOf(ROLES), done: COUNT, total: COUNT },
  wire: {
    role: oneOf(ROLES),
    action: oneOf(['sent', 'received']),
    direction: oneOf(DIRECTIONS),
    message: TEXT,
    encrypted: BOOLEAN,
    record: BYTES,
    plaintext: OPTIONAL_BYTES,
    fields: FIELD_LIST,
    plaintextFields: FIELD_LIST,
    truncatedFrom: { ...COUNT, optional: true },
  },
  keys: { role: oneOf(ROLES), secret: BYTES },
  closed: { role: oneOf(ROLES), ok: BOOLEAN, reason: TEXT },
  attack: {
    kind: oneOf(ATTACK_KINDS),
    detail: TEXT,
    direction: { ...oneOf(DIRECTIONS), optional: true },
    message: OPTIONAL_TEXT,
    encrypted: { ...BOOLEAN, optional: true },
    record: OPTIONAL_BYTES,
    original: OPTIONAL_BYTES,
    plaintext: OPTIONAL_BYTES,
    truncatedFrom: { ...COUNT, optional: true },
  },
};

const LINE_FIELDS: Readonly<Record<string, LineField>> = {
  // Any time at all: a clock stepped back while a session ran makes it negative, and the line is still good.
  t: { expected: 'a number', valid: (value) => typeof value === 'number' && Number.isFinite(value) },
  offset: { ...COUNT, optional: true },
};

/**
 * An event line, checked: its time, and of its event the fields those who read it
 * use, so that a damaged or hand-edited transcript is refused where it is read,
 * naming the line, rather than failing inside replay or the dashboard.
 */
export function eventLineOf(where: string, value: object): TranscriptLine {
  const line = checkedLine<TranscriptLine>(where, 'line', value, LINE_FIELDS);
  const { event } = line as { event: unknown };
  if (!isObject(event) || !isString(event.type)) throw new StoreError(`${where}: the event is ${shown(event)}, not an object with a "type"`);
  const fields = EVENT_FIELDS[event.type];
  if (fields !== undefined) checkedLine(where, `${event.type} event`, event, fields);
  return line;
}

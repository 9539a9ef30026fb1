/**
 * Parsers for command-line values, each failing with a message that says what was
 * expected, so commander reports a usage error instead of a stack trace.
 */
import { InvalidArgumentError } from 'commander';
import { MAX_REQUEST_NAME_BYTES } from '../protocol/client.js';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a port from 0 to 65535.');
  return port;
}

/** A port to connect to: 0, which picks a free port to listen on, names no server. */
export function parseServerPort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw new InvalidArgumentError('expected a port from 1 to 65535.');
  return port;
}

/** A host name or address: an empty one would listen on every address, or connect to none. */
export function parseHost(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('expected a host name or address, got an empty one.');
  return value;
}

/** A certificate subject to expect: an empty one names no server. */
export function parseSubject(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('expected a subject, got an empty one.');
  return value;
}

/**
 * A folder or file path. An empty one is refused: resolved, it would be the current
 * folder, and an unset shell variable (--public "$DIR") would serve it, keystore and all.
 */
export function parsePath(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('expected a path, got an empty one (an unset shell variable?).');
  return value;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1, b: 1, k: 1000, kb: 1000, kib: 1024, m: 1000 ** 2, mb: 1000 ** 2, mib: 1024 ** 2, g: 1000 ** 3, gb: 1000 ** 3, gib: 1024 ** 3,
};

/** "4GiB", "500MB", "1048576": a size in bytes. */
export function parseSize(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = SIZE_UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  if (match === null || unit === undefined) throw new InvalidArgumentError('expected a size such as 1048576, 500MB or 4GiB.');
  return Math.floor(Number(match[1]) * unit);
}

/** A name to request: what a REQUEST can carry (the server judges the rest). */
export function parseRequestName(value: string): string {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes === 0 || bytes > MAX_REQUEST_NAME_BYTES) throw new InvalidArgumentError(`expected a name of 1 to ${MAX_REQUEST_NAME_BYTES} bytes, got ${bytes}.`);
  return value;
}

export function parsePositiveInteger(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('expected a whole number above 0.');
  return Number(value);
}

/** "host:port", or just ":port" / "port" for this machine. */
export function parseHostPort(value: string): { host: string; port: number } {
  const match = /^(?:(.*):)?(\d+)$/.exec(value);
  if (match === null) throw new InvalidArgumentError('expected HOST:PORT, e.g. 127.0.0.1:4041.');
  return { host: match[1] || '127.0.0.1', port: parseServerPort(match[2]!) };
}

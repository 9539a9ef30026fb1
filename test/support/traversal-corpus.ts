/**
 * Names that try to leave a folder, one corpus for every suite that needs them, in the
 * categories an attacker tries (after the ones test/files/names.test.ts checks one by
 * one): `../` and `..\`, absolute paths on Unix and Windows, UNC and device paths,
 * percent- and double-percent-encoded dots and slashes, overlong UTF-8 (raw bytes that
 * are not valid UTF-8), full-width and other look-alike dots and slashes, `....//`, NUL
 * bytes, Windows device names, the empty name, `.`, names too long and too deep, and the
 * real secrets beside a test server's public folder. Each entry is a string, or raw bytes
 * where no string could carry it.
 */

export interface TraversalPayload {
  readonly category: string;
  readonly label: string;
  /** The name as it travels in REQUEST: a string (sent as UTF-8) or raw bytes. */
  readonly name: string | Uint8Array;
}

const up = (levels: number, rest: string) => `${'../'.repeat(levels)}${rest}`;
const bytes = (...parts: Array<string | number[]>) =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part, 'latin1')] : part)));

export const TRAVERSAL_CORPUS: readonly TraversalPayload[] = [
  { category: 'parent', label: '../ to a file beside public/', name: '../secret.txt' },
  { category: 'parent', label: '../ into the keystore', name: '../keystore/server/server.key' },
  { category: 'parent', label: 'many ../ to /etc/passwd', name: up(12, 'etc/passwd') },
  { category: 'parent', label: '../ after a real folder', name: 'docs/../../secret.txt' },
  { category: 'parent', label: '..\\ (Windows separator)', name: '..\\secret.txt' },
  { category: 'parent', label: '..\\ mixed with /', name: '..\\..//secret.txt' },
  { category: 'parent', label: '.. alone', name: '..' },
  { category: 'absolute', label: 'Unix absolute path', name: '/etc/passwd' },
  { category: 'absolute', label: 'Unix absolute path with a trailing dot-dot', name: '/etc/../etc/passwd' },
  { category: 'absolute', label: 'Windows drive path', name: 'C:\\Windows\\win.ini' },
  { category: 'absolute', label: 'Windows drive path with /', name: 'C:/Windows/win.ini' },
  { category: 'UNC and device', label: 'UNC path', name: '\\\\server\\share\\secret.txt' },
  { category: 'UNC and device', label: 'UNC path with /', name: '//server/share/secret.txt' },
  { category: 'UNC and device', label: 'Windows device path', name: '\\\\.\\PhysicalDrive0' },
  { category: 'UNC and device', label: 'Windows long path prefix', name: '\\\\?\\C:\\secret.txt' },
  { category: 'UNC and device', label: '/proc of the server itself', name: '/proc/self/environ' },
  { category: 'encoded', label: 'percent-encoded ../', name: '%2e%2e%2fsecret.txt' },
  { category: 'encoded', label: 'percent-encoded / only', name: '..%2fsecret.txt' },
  { category: 'encoded', label: 'percent-encoded backslash', name: '..%5csecret.txt' },
  { category: 'encoded', label: 'double-encoded ../', name: '%252e%252e%252fsecret.txt' },
  { category: 'encoded', label: 'overlong-UTF-8 / written as %c0%af', name: '..%c0%afsecret.txt' },
  { category: 'overlong UTF-8', label: 'raw overlong / (C0 AF)', name: bytes('..', [0xc0, 0xaf], 'secret.txt') },
  { category: 'overlong UTF-8', label: 'raw overlong . (C0 AE)', name: bytes([0xc0, 0xae, 0xc0, 0xae], '/secret.txt') },
  { category: 'overlong UTF-8', label: 'raw three-byte overlong / (E0 80 AF)', name: bytes('..', [0xe0, 0x80, 0xaf], 'secret.txt') },
  { category: 'overlong UTF-8', label: 'raw lone continuation bytes', name: bytes([0x80, 0xbf], 'x') },
  { category: 'look-alike', label: 'full-width dots and slash', name: '．．／secret.txt' },
  { category: 'look-alike', label: 'dots and full-width slash', name: '..／secret.txt' },
  { category: 'look-alike', label: 'one-dot leaders', name: '\u2024\u2024/secret.txt' },
  { category: 'look-alike', label: 'two-dot leader', name: '\u2025/secret.txt' },
  { category: 'look-alike', label: 'division slash', name: '..\u2215secret.txt' },
  { category: 'look-alike', label: 'fraction slash', name: '..\u2044secret.txt' },
  { category: 'look-alike', label: 'full-width backslash', name: '..\uff3csecret.txt' },
  { category: 'look-alike', label: 'ideographic full stops', name: '\u3002\u3002/secret.txt' },
  { category: 'dots', label: '....//', name: '....//secret.txt' },
  { category: 'dots', label: '...', name: '.../secret.txt' },
  { category: 'dots', label: '.', name: '.' },
  { category: 'dots', label: './ then a hidden name', name: './.hidden' },
  { category: 'NUL', label: 'NUL before an extension', name: 'honest.bin\u0000.txt' },
  { category: 'NUL', label: 'NUL after ../', name: '../secret.txt\u0000' },
  { category: 'device', label: 'Windows device CON', name: 'CON' },
  { category: 'device', label: 'Windows device with extension', name: 'nul.txt' },
  { category: 'device', label: 'Windows device in a folder', name: 'docs/com1.txt' },
  { category: 'device', label: 'alternate data stream', name: 'honest.bin::$DATA' },
  { category: 'empty', label: 'the empty name', name: '' },
  { category: 'empty', label: 'a slash only', name: '/' },
  { category: 'long', label: '1,025 bytes', name: 'a'.repeat(1_025) },
  { category: 'long', label: '16,000 bytes (most of a record)', name: 'b'.repeat(16_000) },
  { category: 'long', label: 'a part of 256 bytes', name: `docs/${'c'.repeat(256)}` },
  { category: 'deep', label: '33 nested folders', name: Array.from({ length: 33 }, (_, index) => `d${index}`).join('/') },
  { category: 'deep', label: '31 folders down, then 40 ../', name: `${'d/'.repeat(31)}${up(40, 'secret.txt')}` },
];

/**
 * The rules a requested file name must pass before it touches a file system
 * (PROTOCOL.md section 5). The server checks names a client asks for and the client
 * checks the name it will store a received file under, so both sides share one
 * definition of a safe name: a relative path of plain, visible, normalized parts that
 * cannot climb out of its folder on Linux, macOS or Windows. Everything here is pure;
 * the folder modules add the checks that need the file system (symbolic links, file
 * types). Every refusal says, for a person, exactly what was wrong.
 */
import { ProtocolError } from '../protocol/alerts.js';
import { utf8 } from '../crypto/bytes.js';
import { isBidiControl, isControl, isZeroWidth } from '../protocol/printable.js';

/**
 * A name the folder will not resolve, with the alert to answer it with. It is a
 * `ProtocolError`, so `alertForError` sends `access_denied` or `file_not_found`
 * (not `internal_error`) and the server goes on serving.
 */
export class NameRefusal extends ProtocolError {
  override readonly name = 'NameRefusal';
  declare readonly alert: 'access_denied' | 'file_not_found';

  constructor(alert: 'access_denied' | 'file_not_found', reason: string) {
    super(alert, reason);
  }
}

/** The limit on a name in a REQUEST (PROTOCOL.md section 5). */
export const MAX_NAME_BYTES = 1024;
/** The longest file name part that common file systems (ext4, NTFS, APFS) accept. */
export const MAX_PART_BYTES = 255;
/** Deep enough for any real folder tree, shallow enough to bound a recursive listing. */
export const MAX_NAME_PARTS = 32;

/** Characters that look like ".", "/", "\" or "%" but are not, and survive NFKC. */
const LOOK_ALIKES = new Map<number, string>([
  [0x2024, '.'],
  [0x2025, '..'],
  [0x2026, '...'],
  [0xfe52, '.'],
  [0xff0e, '.'],
  [0x3002, '.'],
  [0xff61, '.'],
  [0x2215, '/'],
  [0x2044, '/'],
  [0x29f8, '/'],
  [0xff0f, '/'],
  [0x0338, '/'],
  [0x2216, '\\'],
  [0x29f5, '\\'],
  [0x29f9, '\\'],
  [0xfe68, '\\'],
  [0xff3c, '\\'],
  [0x2052, '%'],
]);

/**
 * Windows opens these devices whatever the folder or extension ("nul.txt" is NUL).
 * It also treats COM¹ to LPT³ as devices; their superscript digits are refused
 * earlier, because NFKC turns them into plain digits.
 */
const WINDOWS_DEVICE = /^(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9]|LPT[0-9])(?:[ .].*)?$/iu;

const PERCENT_ENCODED = /%[0-9a-fA-F]{2}/u;

function refuse(reason: string): never {
  throw new NameRefusal('access_denied', `name ${reason}`);
}

function byteLength(text: string): number {
  return utf8(text).length;
}

/** U+XXXX, so a reason never carries the invisible or control character it is about. */
function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Refuses the first character that is unsafe or misleading anywhere in a name. */
function checkCharacter(character: string): void {
  const codePoint = character.codePointAt(0) ?? 0;
  const label = codePointLabel(codePoint);
  if (codePoint === 0) refuse('contains a NUL byte (U+0000), which would cut it short where the file system reads it');
  if (isControl(codePoint)) refuse(`contains the control character ${label}, which has no place in a file name`);
  if (character === '\\') refuse('contains a backslash: parts are separated by "/" only, and on Windows "\\" would separate them too');
  if (character === ':') refuse('contains ":": drive letters (C:) and alternate data streams (file:stream) are not names inside the folder');
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) refuse(`contains a lone surrogate (${label}), which is not valid Unicode`);
  if (codePoint === 0xfffd) refuse('contains U+FFFD, the replacement character, which means it was decoded from bytes that were not valid UTF-8');
  if (isBidiControl(codePoint)) refuse(`contains ${label}, a bidirectional control that makes it display differently from what it is`);
  if (isZeroWidth(codePoint)) refuse(`contains ${label}, an invisible zero-width character`);
  const lookAlike = LOOK_ALIKES.get(codePoint);
  if (lookAlike !== undefined) refuse(`contains ${label}, which looks like "${lookAlike}" but is not`);
  const normal = character.normalize('NFKC');
  if (normal !== character) {
    refuse(`contains ${label}, which Unicode normalization (NFKC) turns into "${normal}": only names in normal form are accepted`);
  }
}

function checkPart(part: string, index: number, parts: readonly string[]): void {
  if (part === '') {
    if (index === parts.length - 1) refuse('ends with "/": it names a folder, not a file');
    refuse('has an empty part between two "/"');
  }
  if (part === '..') refuse('contains "..": it would leave the folder');
  if (part === '.') refuse('contains the part ".", which names the folder itself, not a file');
  if (/^\.+$/u.test(part)) refuse(`has the part "${part}", made only of dots, which some systems treat as ".."`);
  if (part.startsWith('.')) refuse(`has the part "${part}", which starts with ".": hidden files are neither listed nor served`);
  const partBytes = byteLength(part);
  if (partBytes > MAX_PART_BYTES) refuse(`has a part of ${partBytes} bytes, more than the ${MAX_PART_BYTES} a file system allows`);
  const device = WINDOWS_DEVICE.exec(part);
  if (device) refuse(`has the part "${part}", which Windows opens as the device ${(device[1] ?? part).toUpperCase()}`);
}

/**
 * Checks a requested name and returns its `/`-separated parts, or throws a
 * `NameRefusal` with `access_denied` saying what is wrong. A name that passes still
 * has to be resolved inside its folder with the symbolic-link checks the folder
 * modules make.
 */
export function checkName(name: string): readonly string[] {
  if (name === '') refuse('is empty: a file is asked for by its name');
  const nameBytes = byteLength(name);
  if (nameBytes > MAX_NAME_BYTES) refuse(`is ${nameBytes} bytes of UTF-8, more than the ${MAX_NAME_BYTES} allowed`);
  for (const character of name) checkCharacter(character);
  const encoded = PERCENT_ENCODED.exec(name);
  if (encoded) {
    refuse(`contains "${encoded[0]}", a percent-encoding: names are never decoded, so an encoded name is refused rather than served literally`);
  }
  // Each character is already in normal form, but a sequence may still compose
  // ("u" then U+0308 becomes "ü"), which would let two names look the same.
  if (name.normalize('NFKC') !== name) refuse('is not in Unicode normal form NFKC: it has combining marks that compose with the character before them');
  if (name.startsWith('/')) refuse('starts with "/": it is an absolute path, not a name inside the folder');
  const parts = name.split('/');
  if (parts.length > MAX_NAME_PARTS) refuse(`has ${parts.length} parts, more than the ${MAX_NAME_PARTS} allowed`);
  parts.forEach(checkPart);
  return Object.freeze(parts);
}

/** Whether `checkName` accepts a name, for listings that skip rather than refuse. */
export function isAcceptableName(name: string): boolean {
  try {
    checkName(name);
    return true;
  } catch (error) {
    if (error instanceof NameRefusal) return false;
    throw error;
  }
}

/** Orders names by code point (UTF-8 byte order), not by UTF-16 code unit or locale. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

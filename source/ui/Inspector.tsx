/**
 * One record opened down to its bytes: what the message is for, its fields
 * (offset, length, name, value), a hex dump with the selected field highlighted,
 * and for encrypted records the decrypted content, field by field.
 */
import { Box, Text } from 'ink';
import { inspected, inspectorRows, type WireEntry } from './dashboard-state.js';
import { explainMessage } from './explanations.js';
import { BYTES_PER_LINE, hexLines, hexWindowStart } from './hex.js';
import { listWindow } from './list-window.js';
import { tint } from './theme.js';
import { wrapText } from './wrap-text.js';
import { KEY_EXCHANGE_RECIPIENT } from './wire-rows.js';

export interface InspectorProps {
  readonly entry: WireEntry;
  readonly fieldCursor: number;
  /** The dump's first line, once PgUp/PgDn scrolled it off the selected field. */
  readonly hexTop?: number | undefined;
  readonly rows: number;
  readonly width: number;
}

/** How the inspector's rows go: the wrapped lines above the fields, the fields' rows and the dump's. */
interface InspectorLayout {
  readonly exposureLines: readonly string[];
  readonly secretLines: readonly string[];
  readonly purposeLines: readonly string[];
  readonly fieldRows: number;
  readonly hexRows: number;
}

function inspectorLayout(entry: WireEntry, rows: number, width: number): InspectorLayout {
  const kept = entry.size > entry.record.length;
  // Title, who can read it, what it is for, the column names and the dump's caption, plus the optional lines.
  const baseRows = 5 + (entry.secret ? 1 : 0) + (kept ? 1 : 0);
  // Who can read it, the secret and what it is for wrap onto spare rows, keeping three for fields and four for the dump.
  let spare = Math.max(0, rows - baseRows - 3 - 4);
  const wrapped = (text: string, most: number): string[] => {
    const lines = wrapText(text, width, 1 + Math.min(most, spare));
    spare -= Math.max(0, lines.length - 1);
    return lines;
  };
  const exposureLines = wrapped(exposure(entry), 2);
  const secretLines = entry.secret ? wrapped(`secret inside, as the ${entry.from} encrypted it: ${Buffer.from(entry.secret).toString('hex')}`, 1) : [];
  const purposeLines = wrapped(entry.note ? `attacker: ${entry.note}` : explainMessage(entry.message), 2);
  // The title, those lines as wrapped, the transcript's line, the column names and the dump's caption.
  const fixedRows = 1 + exposureLines.length + secretLines.length + (kept ? 1 : 0) + Math.max(1, purposeLines.length) + 2;
  // The fields get half the rest, or fewer if they need fewer; the dump takes what is left.
  const fieldRows = Math.min(inspectorRows(entry).length, Math.max(3, Math.floor((rows - fixedRows) / 2)));
  return { exposureLines, secretLines, purposeLines, fieldRows, hexRows: Math.max(2, rows - fixedRows - fieldRows) };
}

/** The lines of hex dump the inspector shows in `rows` rows: what a page of PgUp/PgDn is measured in. */
export function inspectorDumpRows(entry: WireEntry, rows: number, width: number): number {
  return inspectorLayout(entry, rows, width).hexRows;
}

export function Inspector({ entry, fieldCursor, hexTop, rows, width }: InspectorProps) {
  const all = inspectorRows(entry);
  const { row: selected, bytes } = inspected(entry, fieldCursor);
  const kept = entry.size > entry.record.length;
  const { exposureLines, secretLines, purposeLines, fieldRows, hexRows } = inspectorLayout(entry, rows, width);
  const nameWidth = Math.min(Math.max(5, ...all.map((row) => row.field.name.length)), Math.max(16, Math.floor(width * 0.4)));
  const { start, end } = listWindow(all.length, fieldCursor, fieldRows);
  const highlight = selected ? { start: selected.field.offset, end: selected.field.offset + selected.field.length } : undefined;
  const totalLines = Math.ceil(bytes.length / BYTES_PER_LINE);
  // Scrolled, the dump stays where it was put, within what this height can show; else it shows the field.
  const firstLine = hexTop === undefined ? hexWindowStart(highlight?.start ?? 0, hexRows, bytes.length) : Math.max(0, Math.min(hexTop, totalLines - hexRows));
  const dump = hexLines(bytes, highlight, firstLine, hexRows);
  const lastShown = Math.min(bytes.length, (firstLine + hexRows) * BYTES_PER_LINE) - 1;
  // Which bytes the dump shows, when it cannot show them all, and the keys that move it.
  const partial = dump.length < totalLines;
  const caption = `${selected?.layer === 'decrypted' ? 'decrypted payload' : 'record bytes'}${partial ? ` ${firstLine * BYTES_PER_LINE}-${lastShown} of ${bytes.length}` : ''} (selected field highlighted${partial ? '; PgUp PgDn scroll' : ''}):`;
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">{`${entry.message}  ${entry.hop}  ${entry.size} bytes`}</Text>
      {exposureLines.map((line, index) => <Text key={`exposure-${index}`} wrap="truncate-end">{line}</Text>)}
      {secretLines.map((line, index) => <Text key={`secret-${index}`} wrap="truncate-end">{line}</Text>)}
      {kept ? <Text dimColor wrap="truncate-end">{`the transcript kept the first ${entry.record.length} of its ${entry.size} bytes`}</Text> : null}
      {purposeLines.length === 0 ? <Text> </Text> : purposeLines.map((line, index) => <Text key={`purpose-${index}`} wrap="truncate-end" dimColor>{line}</Text>)}
      <Text dimColor wrap="truncate-end">{`  layer     offset  length  ${'field'.padEnd(nameWidth)} value`}</Text>
      {all.slice(start, end).map((row, offset) => {
        const index = start + offset;
        const { field } = row;
        return (
          <Text key={`${row.layer}-${index}`} wrap="truncate-end" inverse={index === fieldCursor}>
            {cut(`${index === fieldCursor ? '›' : ' '} ${row.layer.padEnd(9)} ${String(field.offset).padStart(6)}  ${String(field.length).padStart(6)}  ${fit(field.name, nameWidth)} ${field.value}`, width)}
          </Text>
        );
      })}
      <Text dimColor wrap="truncate-end">{caption}</Text>
      {dump.map((line) => (
        <Text key={line.offset} wrap="truncate-end">
          <Text dimColor>{`${line.offset.toString(16).padStart(6, '0')}  `}</Text>
          {line.spans.map((span, index) => (
            <Text key={index} inverse={span.highlighted} color={tint(span.highlighted ? 'cyan' : undefined)}>{span.text}</Text>
          ))}
          {/* A short last line keeps its printable column under the others. */}
          {width >= 76 ? <Text dimColor>{`${' '.repeat((BYTES_PER_LINE - line.ascii.length) * 3)} ${line.ascii}`}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}

/** Who can read the record: the session keys, the recipient's RSA key, or anyone on the path. */
function exposure(entry: WireEntry): string {
  if (entry.encrypted) {
    if (entry.plaintext) return `encrypted; decrypted with the session keys (${entry.plaintext.length} bytes of plaintext)`;
    return entry.attack === 'dropped'
      ? 'encrypted; dropped by the attacker before anyone could decrypt it'
      : 'encrypted; not decrypted: no peer accepted it (its MAC did not check out, or the session had ended)';
  }
  const recipient = KEY_EXCHANGE_RECIPIENT[entry.message];
  if (recipient) return `in the clear, but its secret is RSA-OAEP encrypted to the ${recipient}'s public key: only the ${recipient}'s private key opens it`;
  return 'plaintext: anyone on the path can read it';
}

function fit(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : cut(text, width);
}

/** `text` cut to `width` with one ellipsis: a value that ends in its own, cut there, keeps just that one. */
function cut(text: string, width: number): string {
  if (text.length <= width) return text;
  const kept = text.slice(0, width - 1);
  return kept.endsWith('…') ? kept : `${kept}…`;
}

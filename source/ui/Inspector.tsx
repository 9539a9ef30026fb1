/**
 * One record opened down to its bytes: what the message is for, its fields
 * (offset, length, name, value), a hex dump with the selected field highlighted,
 * and for encrypted records the decrypted content, field by field.
 */
import { Box, Text } from 'ink';
import type { WireField } from '../protocol/fields.js';
import type { WireEntry } from './dashboard-state.js';
import { explainMessage } from './explanations.js';
import { hexLines, hexWindowStart } from './hex.js';
import { listWindow } from './list-window.js';
import { tint } from './theme.js';

export interface InspectorProps {
  readonly entry: WireEntry;
  readonly fieldCursor: number;
  readonly rows: number;
  readonly width: number;
}

interface Row {
  readonly field: WireField;
  readonly layer: 'record' | 'decrypted';
}

export function Inspector({ entry, fieldCursor, rows, width }: InspectorProps) {
  const all: Row[] = [
    ...entry.fields.map((field) => ({ field, layer: 'record' as const })),
    ...(entry.plaintextFields ?? []).map((field) => ({ field, layer: 'decrypted' as const })),
  ];
  const selected = all[Math.min(fieldCursor, all.length - 1)];
  const bytes = selected?.layer === 'decrypted' && entry.plaintext ? entry.plaintext : entry.record;
  const fieldRows = Math.max(3, Math.floor((rows - 4) / 2));
  const hexRows = Math.max(2, rows - 4 - fieldRows);
  const { start, end } = listWindow(all.length, fieldCursor, fieldRows);
  const highlight = selected ? { start: selected.field.offset, end: selected.field.offset + selected.field.length } : undefined;
  const dump = hexLines(bytes, highlight, hexWindowStart(highlight?.start ?? 0, hexRows, bytes.length), hexRows);
  const decryption = entry.encrypted
    ? entry.plaintext
      ? `encrypted; decrypted with the session keys (${entry.plaintext.length} bytes of plaintext)`
      : entry.attack === 'dropped'
        ? 'encrypted; dropped by the attacker before anyone could decrypt it'
        : 'encrypted; not decrypted: no peer accepted it (its MAC did not check out, or the session had ended)'
    : 'plaintext: anyone on the path can read it';
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">{`${entry.message}  ${entry.hop}  ${entry.size} bytes  ${decryption}`}</Text>
      {entry.size > entry.record.length ? <Text dimColor wrap="truncate-end">{`the transcript kept the first ${entry.record.length} of its ${entry.size} bytes`}</Text> : null}
      <Text wrap="truncate-end" dimColor>{entry.note ? `attacker: ${entry.note}` : explainMessage(entry.message)}</Text>
      <Text dimColor wrap="truncate-end">{'  layer     offset  length  field                      value'}</Text>
      {all.slice(start, end).map((row, offset) => {
        const index = start + offset;
        const { field } = row;
        return (
          <Text key={`${row.layer}-${index}`} wrap="truncate-end" inverse={index === fieldCursor}>
            {`${index === fieldCursor ? '›' : ' '} ${row.layer.padEnd(9)} ${String(field.offset).padStart(6)}  ${String(field.length).padStart(6)}  ${field.name.padEnd(26).slice(0, 26)} ${field.value}`}
          </Text>
        );
      })}
      <Text dimColor wrap="truncate-end">{`${selected?.layer === 'decrypted' ? 'decrypted payload' : 'record bytes'} (selected field highlighted):`}</Text>
      {dump.map((line) => (
        <Text key={line.offset} wrap="truncate-end">
          <Text dimColor>{`${line.offset.toString(16).padStart(6, '0')}  `}</Text>
          {line.spans.map((span, index) => (
            <Text key={index} inverse={span.highlighted} color={tint(span.highlighted ? 'cyan' : undefined)}>{span.text}</Text>
          ))}
          {width >= 76 ? <Text dimColor>{` ${line.ascii}`}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}

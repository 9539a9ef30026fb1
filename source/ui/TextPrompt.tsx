/**
 * A one-line text input (ink-text-input) for the file filter and for requesting
 * any name verbatim. Keys that arrive in one read are applied as keys, not typed
 * (see typed-text.ts).
 *
 * Ink hands each key to the handler of the last render whose effects have run,
 * and a key can arrive between a render and its effects: typed quickly, or pasted
 * with a trailing Enter. That handler holds the value as it was one key earlier,
 * so it would submit "nop" for "nope", or drop a letter. The prompt therefore
 * keeps the newest value in a ref and applies each change to it: what the
 * handler added at the end, or erased from it, lands on the newest value. The
 * stale handler also left ink-text-input's cursor short of the end, where the
 * next key would go; so after such a change the input starts afresh, its cursor
 * at the end of the text.
 */
import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';
import { useRef, useState } from 'react';
import { tint } from './theme.js';
import { applyTyped } from './typed-text.js';

export interface TextPromptProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly onSubmit: (value: string) => void;
}

export function TextPrompt({ label, value, onChange, onSubmit }: TextPromptProps) {
  const latest = useRef(value);
  latest.current = value;
  const [generation, setGeneration] = useState(0);
  // `value` here is what this render's handler holds, which may be older than `latest`.
  const change = (next: string): void => {
    const updated = rebase(value, next, latest.current);
    if (updated !== next) setGeneration((count) => count + 1);
    latest.current = applyTyped(updated);
    onChange(latest.current);
  };
  // A text longer than the line loses its start, not its end, where the cursor is and the typing goes.
  return (
    <Box>
      <Box flexShrink={0}>
        <Text color={tint('cyan')}>{`${label} `}</Text>
      </Box>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate-start">
          <TextInput key={generation} value={value} onChange={change} onSubmit={() => onSubmit(latest.current)} />
        </Text>
      </Box>
    </Box>
  );
}

/**
 * `next` is `rendered` changed at its end (text added, or characters erased);
 * the same change made to `newest`. Any other change (the cursor was moved back
 * into the text) is taken as it is.
 */
export function rebase(rendered: string, next: string, newest: string): string {
  if (rendered === newest) return next;
  if (next.startsWith(rendered)) return newest + next.slice(rendered.length);
  if (rendered.startsWith(next)) return newest.slice(0, Math.max(0, newest.length - (rendered.length - next.length)));
  return next;
}

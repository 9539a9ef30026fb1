/**
 * A one-line text input (ink-text-input) for the file filter and for requesting
 * any name verbatim. Keys that arrive in one read are applied as keys, not typed
 * (see typed-text.ts).
 */
import { Text } from 'ink';
import TextInput from 'ink-text-input';
import { tint } from './theme.js';
import { applyTyped } from './typed-text.js';

export interface TextPromptProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly onSubmit: (value: string) => void;
}

export function TextPrompt({ label, value, onChange, onSubmit }: TextPromptProps) {
  return (
    <Text wrap="truncate-end">
      <Text color={tint('cyan')}>{`${label} `}</Text>
      <TextInput value={value} onChange={(next) => onChange(applyTyped(next))} onSubmit={onSubmit} />
    </Text>
  );
}

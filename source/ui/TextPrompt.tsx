/**
 * A one-line text input (ink-text-input) for the file filter and for requesting
 * any name verbatim.
 */
import { Text } from 'ink';
import TextInput from 'ink-text-input';
import { tint } from './theme.js';

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
      <TextInput value={value} onChange={onChange} onSubmit={onSubmit} />
    </Text>
  );
}

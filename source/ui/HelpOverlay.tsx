/**
 * Every key, and what the dashboard is showing, on one screen.
 */
import { Box, Text } from 'ink';
import { KEY_HELP } from './keys.js';
import { tint } from './theme.js';

export function HelpOverlay({ width }: { readonly width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>Keys</Text>
      {KEY_HELP.map((key) => (
        <Text key={`${key.keys}-${key.does}`} wrap="truncate-end">
          <Text color={tint('cyan')}>{key.keys.padEnd(11)}</Text>
          <Text>{key.does}</Text>
          {key.where ? <Text dimColor>{`  (${key.where === 'inspector' ? 'inspector' : key.where.join(', ')})`}</Text> : null}
        </Text>
      ))}
      <Text> </Text>
      <Text wrap="wrap" dimColor>
        Both peers run here and talk over real loopback TCP (through the attacker's relay when one is on). ✔ done, ⚠ done without its protection (a certificate not verified), ✘ failed with the alert and its reason, ⊘ stopped by the other side's alert, ⠋ in progress, · pending, – skipped.
      </Text>
    </Box>
  );
}

/**
 * The top line: where the server listens, what the attacker does, whether the
 * client verifies certificates, step mode, and the CA's fingerprint.
 */
import { Text } from 'ink';
import type { Settings } from './dashboard-state.js';
import { tint } from './theme.js';

export interface HeaderProps {
  readonly serverAddress?: string;
  readonly settings: Settings;
  readonly caFingerprint: string;
  /** The attacker or verification was changed while a session runs: the change applies from the next one. */
  readonly forNextSession?: boolean;
  /** Set while a stored session is replayed. */
  readonly replay?: { readonly id: string; readonly position: number; readonly total: number };
}

export function Header({ serverAddress, settings, caFingerprint, forNextSession = false, replay }: HeaderProps) {
  const attack = settings.mode !== 'off';
  if (replay) {
    return (
      <Text wrap="truncate-end">
        <Text inverse bold color={tint('yellow')}>{` REPLAY ${replay.position}/${replay.total} `}</Text>
        <Text>{`  ${replay.id}  not live: ← → steps, Home End jump, Esc returns to the live dashboard`}</Text>
      </Text>
    );
  }
  return (
    <Text wrap="truncate-end">
      <Text bold color={tint('cyan')}>tls-tui</Text>
      <Text>{`  server ${serverAddress ?? '…'}`}</Text>
      <Text>{'  attacker: '}</Text>
      <Text color={tint(attack ? 'red' : 'green')} bold={attack}>{settings.mode}</Text>
      <Text>{'  verify: '}</Text>
      <Text color={tint(settings.verify ? 'green' : 'red')} bold={!settings.verify}>{settings.verify ? 'on ✔' : 'OFF ✘'}</Text>
      {settings.stepMode ? <Text color={tint('yellow')} bold>{'  step mode'}</Text> : null}
      {forNextSession ? <Text color={tint('yellow')}>{'  (for the next session)'}</Text> : null}
      <Text dimColor>{`  CA ${caFingerprint.slice(0, 11)}…`}</Text>
    </Text>
  );
}

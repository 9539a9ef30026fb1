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
  /** The columns it has: what matters least gives way when they are few. */
  readonly width?: number;
}

export function Header({ serverAddress, settings, caFingerprint, forNextSession = false, replay, width = Number.POSITIVE_INFINITY }: HeaderProps) {
  const attack = settings.mode !== 'off';
  if (replay) {
    return (
      <Text wrap="truncate-end">
        <Text inverse bold color={tint('yellow')}>{` REPLAY ${replay.position}/${replay.total} `}</Text>
        <Text>{`  ${replay.id}  not live: ← → steps, Home End jump, Esc returns to the live dashboard`}</Text>
      </Text>
    );
  }
  // What the next session will do comes first; where the server listens and the CA's
  // fingerprint give way on a narrow terminal, the fingerprint first, then the host.
  const next = forNextSession ? '  (for the next session)' : '';
  const step = settings.stepMode ? '  step mode' : '';
  const essential = `tls-tui  attacker: ${settings.mode}  verify: ${settings.verify ? 'on ✔' : 'OFF ✘'}${next}${step}`.length;
  const port = serverAddress?.slice(serverAddress.lastIndexOf(':')) ?? '…';
  const fingerprint = `  CA ${caFingerprint.slice(0, 11)}…`;
  const fullServer = `  server ${serverAddress ?? '…'}`;
  const server = essential + fullServer.length <= width ? fullServer : essential + `  server ${port}`.length <= width ? `  server ${port}` : '';
  const showFingerprint = essential + server.length + fingerprint.length <= width;
  return (
    <Text wrap="truncate-end">
      <Text bold color={tint('cyan')}>tls-tui</Text>
      <Text>{server}</Text>
      <Text>{'  attacker: '}</Text>
      <Text color={tint(attack ? 'red' : 'green')} bold={attack}>{settings.mode}</Text>
      <Text>{'  verify: '}</Text>
      <Text color={tint(settings.verify ? 'green' : 'red')} bold={!settings.verify}>{settings.verify ? 'on ✔' : 'OFF ✘'}</Text>
      {forNextSession ? <Text color={tint('yellow')}>{next}</Text> : null}
      {settings.stepMode ? <Text color={tint('yellow')} bold>{step}</Text> : null}
      {showFingerprint ? <Text dimColor>{fingerprint}</Text> : null}
    </Text>
  );
}

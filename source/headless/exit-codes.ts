/**
 * The exit codes of the headless commands, documented in `--help`: scripts can
 * tell a refused or attacked session from a network problem or a typo.
 */
export const EXIT = {
  ok: 0,
  /** The session failed with an alert (sent or received): a certificate, a MAC, a refused name… */
  protocol: 1,
  /** Bad arguments. */
  usage: 2,
  /** No connection, or it dropped before the session ended. */
  connection: 3,
  /** A local problem: the keystore, the folders, the disk. */
  local: 4,
} as const;

/** Stopped by the user (Ctrl+C) or by SIGTERM: numbered as shells number a death by that signal, 128 + its number. */
export const EXIT_BY_SIGNAL: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/** The exit code of a session that failed: the signal's, when the user stopped it, else how it failed. */
export function failureExitCode(kind: 'protocol' | 'connection' | 'local', signal: unknown): number {
  const stopped = typeof signal === 'string' ? EXIT_BY_SIGNAL[signal] : undefined;
  if (stopped !== undefined) return stopped;
  return kind === 'protocol' ? EXIT.protocol : kind === 'connection' ? EXIT.connection : EXIT.local;
}

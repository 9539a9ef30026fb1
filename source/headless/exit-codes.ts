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

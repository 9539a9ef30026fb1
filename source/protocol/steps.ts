/**
 * The steps of each peer's checklist (DESIGN.md, "The checklists"), defined once
 * as data: the protocol reports progress against them and the dashboard, the CLI
 * and the store render them.
 */

export type Role = 'client' | 'server';

export interface StepDefinition {
  readonly id: string;
  readonly label: string;
  /** The label for a narrow pane, at most 26 characters. */
  readonly short: string;
}

export const CLIENT_STEPS = [
  { id: 'connect', label: 'Connect to the server', short: 'Connect' },
  { id: 'client-hello', label: 'Send CLIENT_HELLO with certificate', short: 'CLIENT_HELLO + certificate' },
  { id: 'verify-server-certificate', label: 'Verify server certificate', short: 'Verify server certificate' },
  { id: 'key-exchange', label: 'Send encrypted secret and CERTIFICATE_VERIFY', short: 'Secret + CERT_VERIFY' },
  { id: 'key-confirmation', label: 'Key confirmation (SERVER_KEY_EXCHANGE)', short: 'Key confirmation' },
  { id: 'finished', label: 'FINISHED exchanged', short: 'FINISHED exchanged' },
  { id: 'request', label: 'Send encrypted REQUEST', short: 'Encrypted REQUEST' },
  { id: 'receive', label: 'Receive', short: 'Receive' },
  { id: 'verify-file', label: 'Verify signature and digest', short: 'Verify signature + digest' },
  { id: 'save', label: 'Save to received/', short: 'Save to received/' },
  { id: 'close', label: 'Close', short: 'Close' },
] as const satisfies readonly StepDefinition[];

export const SERVER_STEPS = [
  { id: 'listen', label: 'Listen', short: 'Listen' },
  { id: 'accept', label: 'Accept connection', short: 'Accept connection' },
  { id: 'verify-client-certificate', label: 'Verify client certificate', short: 'Verify client certificate' },
  { id: 'server-hello', label: 'Send SERVER_HELLO with certificate', short: 'SERVER_HELLO + certificate' },
  { id: 'key-exchange', label: 'Decrypt secret, check CERTIFICATE_VERIFY', short: 'Secret + CERT_VERIFY' },
  { id: 'server-key-exchange', label: 'Send SERVER_KEY_EXCHANGE', short: 'SERVER_KEY_EXCHANGE' },
  { id: 'finished', label: 'FINISHED exchanged', short: 'FINISHED exchanged' },
  { id: 'resolve-request', label: 'Decrypt REQUEST, resolve name in public/', short: 'REQUEST, name in public/' },
  { id: 'stream', label: 'Stream the file', short: 'Stream the file' },
  { id: 'sign', label: 'Sign (FILE_END)', short: 'Sign (FILE_END)' },
  { id: 'close', label: 'Close', short: 'Close' },
] as const satisfies readonly StepDefinition[];

export type ClientStepId = (typeof CLIENT_STEPS)[number]['id'];
export type ServerStepId = (typeof SERVER_STEPS)[number]['id'];
export type StepId = ClientStepId | ServerStepId;

/**
 * `warning`: the step went through without the protection it exists for (a
 * certificate not verified), so what follows it is not authenticated.
 * `failed`: this side found the problem (or could not do the step) and ended
 * the session. `stopped`: the other side's alert, or a connection
 * that went without one, ended the session at this step; nothing was caught here.
 */
export type StepStatus = 'pending' | 'active' | 'done' | 'warning' | 'failed' | 'stopped' | 'skipped';

export function stepsOf(role: Role): readonly StepDefinition[] {
  return role === 'client' ? CLIENT_STEPS : SERVER_STEPS;
}

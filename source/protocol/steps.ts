/**
 * The steps of each peer's checklist (DESIGN.md, "The checklists"), defined once
 * as data: the protocol reports progress against them and the dashboard, the CLI
 * and the store render them.
 */

export type Role = 'client' | 'server';

export interface StepDefinition {
  readonly id: string;
  readonly label: string;
}

export const CLIENT_STEPS = [
  { id: 'connect', label: 'Connect to the server' },
  { id: 'client-hello', label: 'Send CLIENT_HELLO with certificate' },
  { id: 'verify-server-certificate', label: 'Verify server certificate' },
  { id: 'key-exchange', label: 'Send encrypted secret and CERTIFICATE_VERIFY' },
  { id: 'key-confirmation', label: 'Key confirmation (SERVER_KEY_EXCHANGE)' },
  { id: 'finished', label: 'FINISHED exchanged' },
  { id: 'request', label: 'Send encrypted REQUEST' },
  { id: 'receive', label: 'Receive' },
  { id: 'verify-file', label: 'Verify signature and digest' },
  { id: 'save', label: 'Save to received/' },
  { id: 'close', label: 'Close' },
] as const satisfies readonly StepDefinition[];

export const SERVER_STEPS = [
  { id: 'listen', label: 'Listen' },
  { id: 'accept', label: 'Accept connection' },
  { id: 'verify-client-certificate', label: 'Verify client certificate' },
  { id: 'server-hello', label: 'Send SERVER_HELLO with certificate' },
  { id: 'key-exchange', label: 'Decrypt secret, check CERTIFICATE_VERIFY' },
  { id: 'server-key-exchange', label: 'Send SERVER_KEY_EXCHANGE' },
  { id: 'finished', label: 'FINISHED exchanged' },
  { id: 'resolve-request', label: 'Decrypt REQUEST, resolve name in public/' },
  { id: 'stream', label: 'Stream the file' },
  { id: 'sign', label: 'Sign (FILE_END)' },
  { id: 'close', label: 'Close' },
] as const satisfies readonly StepDefinition[];

export type ClientStepId = (typeof CLIENT_STEPS)[number]['id'];
export type ServerStepId = (typeof SERVER_STEPS)[number]['id'];
export type StepId = ClientStepId | ServerStepId;

export type StepStatus = 'pending' | 'active' | 'done' | 'failed' | 'skipped';

export function stepsOf(role: Role): readonly StepDefinition[] {
  return role === 'client' ? CLIENT_STEPS : SERVER_STEPS;
}

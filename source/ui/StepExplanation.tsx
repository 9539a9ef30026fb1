/**
 * The selected step in plain words: what it does, what it protects against, how
 * real TLS does the same, and where it stands in this session.
 */
import { Box, Text } from 'ink';
import { type Role, stepsOf } from '../protocol/steps.js';
import type { StepView } from './dashboard-state.js';
import { explainStep } from './explanations.js';
import { STATUS_EMPHASIS, STATUS_SYMBOLS } from './symbols.js';
import { tint } from './theme.js';

export interface StepExplanationProps {
  readonly role: Role;
  readonly index: number;
  readonly view: StepView | undefined;
}

export function StepExplanation({ role, index, view }: StepExplanationProps) {
  const step = stepsOf(role)[index];
  if (step === undefined) return null;
  const explanation = explainStep(role, step.id);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{`${role}: ${step.label}${view ? `  ${STATUS_SYMBOLS[view.status]} ${view.status}` : ''}`}</Text>
      {view?.detail ? <Text wrap="wrap" color={tint(STATUS_EMPHASIS[view.status])}>{view.detail}</Text> : null}
      {explanation ? (
        <>
          <Text wrap="wrap">{explanation.does}</Text>
          <Text wrap="wrap" dimColor>{`Protects against: ${explanation.protects}`}</Text>
          <Text wrap="wrap" dimColor>{`Real TLS: ${explanation.realTls}`}</Text>
        </>
      ) : null}
    </Box>
  );
}

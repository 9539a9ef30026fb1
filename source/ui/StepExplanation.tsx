/**
 * The selected step in plain words: what it does, what it protects against, how
 * real TLS does the same, and where it stands in this session. Laid out in the
 * rows it is given; when they are too few, the last one says how to read it all.
 */
import { Box, Text } from 'ink';
import { type Role, stepsOf } from '../protocol/steps.js';
import type { StepView } from './dashboard-state.js';
import { explainStep } from './explanations.js';
import { STATUS_EMPHASIS, STATUS_SYMBOLS } from './symbols.js';
import { tint } from './theme.js';
import { wrapText } from './wrap-text.js';

export interface StepExplanationProps {
  readonly role: Role;
  readonly index: number;
  readonly view: StepView | undefined;
  readonly width?: number;
  readonly rows?: number;
  /** What the last row says when the explanation is cut; nothing when absent. */
  readonly more?: string;
}

interface Line {
  readonly text: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly color?: string | undefined;
}

export function StepExplanation({ role, index, view, width = 80, rows = Number.POSITIVE_INFINITY, more }: StepExplanationProps) {
  const step = stepsOf(role)[index];
  if (step === undefined) return null;
  const explanation = explainStep(role, step.id);
  const paragraph = (text: string, style: Omit<Line, 'text'> = {}): Line[] => wrapText(text, width).map((line) => ({ text: line, ...style }));
  let lines: Line[] = [
    ...paragraph(`${role}: ${step.label}${view ? `  ${STATUS_SYMBOLS[view.status]} ${view.status}` : ''}`, { bold: true }),
    ...(view?.detail ? paragraph(view.detail, { color: STATUS_EMPHASIS[view.status] }) : []),
    ...(explanation
      ? [...paragraph(explanation.does), ...paragraph(`Protects against: ${explanation.protects}`, { dim: true }), ...paragraph(`Real TLS: ${explanation.realTls}`, { dim: true })]
      : []),
  ];
  if (lines.length > rows) lines = [...lines.slice(0, Math.max(0, rows - (more ? 1 : 0))), ...(more ? [{ text: `… ${more}`, dim: true }] : [])];
  return (
    <Box flexDirection="column">
      {lines.map((line, row) => (
        <Text key={row} wrap="truncate-end" bold={line.bold ?? false} dimColor={line.dim ?? false} color={tint(line.color)}>{line.text}</Text>
      ))}
    </Box>
  );
}

/**
 * One peer's side of the session: its checklist from the protocol's step data,
 * and a progress bar while a file moves.
 */
import { Box, Text } from 'ink';
import { type Role, stepsOf } from '../protocol/steps.js';
import type { PeerView } from './dashboard-state.js';
import { ProgressBar } from './ProgressBar.js';
import { StepRow } from './StepRow.js';

/** Below this width a pane uses the steps' short labels. */
const FULL_LABEL_WIDTH = 90;

export interface PeerPaneProps {
  readonly role: Role;
  readonly view: PeerView;
  readonly width: number;
  readonly focused?: boolean;
  readonly cursor?: number;
  readonly frame?: number;
  readonly now: number;
  readonly subtitle?: string;
}

export function PeerPane({ role, view, width, focused = false, cursor = 0, frame = 0, now, subtitle }: PeerPaneProps) {
  const { progress } = view;
  const full = width >= FULL_LABEL_WIDTH;
  const labelWidth = Math.max(...stepsOf(role).map((step) => (full ? step.label : step.short).length));
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold inverse={focused}>{` ${role.toUpperCase()} `}</Text>
        {subtitle ? <Text dimColor>{` ${subtitle}`}</Text> : null}
      </Text>
      {stepsOf(role).map((step, index) => {
        const state = view.steps[step.id] ?? { status: 'pending', detail: '' };
        return (
          <StepRow
            key={step.id}
            status={state.status}
            label={full ? step.label : step.short}
            labelWidth={labelWidth}
            detail={state.detail}
            selected={focused && cursor === index}
            frame={frame}
            width={width}
          />
        );
      })}
      {progress ? (
        <ProgressBar done={progress.done} total={progress.total} elapsedMs={Math.max(0, (progress.done === progress.total ? progress.updatedAt : now) - progress.startedAt)} width={width} />
      ) : (
        <Text> </Text>
      )}
    </Box>
  );
}

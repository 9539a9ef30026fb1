/**
 * One peer's side of the session: its checklist from the protocol's step data,
 * and a progress bar while a file moves.
 */
import { Box, Text } from 'ink';
import { type Role, stepsOf } from '../protocol/steps.js';
import type { PeerView, ProgressView } from './dashboard-state.js';
import { stepLabels } from './pane-layout.js';
import { ProgressBar } from './ProgressBar.js';
import { StepRow } from './StepRow.js';

export interface PeerPaneProps {
  readonly role: Role;
  readonly view: PeerView;
  readonly width: number;
  readonly focused?: boolean;
  readonly cursor?: number;
  readonly frame?: number;
  readonly now: number;
  readonly subtitle?: string;
  /** The rows each step may take with its detail (see paneRows). */
  readonly rowsPerStep?: number;
}

export function PeerPane({ role, view, width, focused = false, cursor = 0, frame = 0, now, subtitle, rowsPerStep = 1 }: PeerPaneProps) {
  const { progress } = view;
  const { labels, labelWidth } = stepLabels(role, width);
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
            label={labels[index]!}
            labelWidth={labelWidth}
            detail={state.detail}
            selected={focused && cursor === index}
            frame={frame}
            width={width}
            rows={rowsPerStep}
          />
        );
      })}
      {progress ? (
        <ProgressBar done={progress.done} total={progress.total} elapsedMs={elapsedOf(progress, now)} width={width} />
      ) : (
        <Text> </Text>
      )}
    </Box>
  );
}

/**
 * How long the transfer has taken on the protocol's clock: until its last byte once
 * done, else until now. `now` is read as the frame is drawn and may be a little
 * behind the last progress event, so the later of the two counts, and the rate shows
 * from the first record on.
 */
function elapsedOf(progress: ProgressView, now: number): number {
  const until = progress.done === progress.total ? progress.updatedAt : Math.max(now, progress.updatedAt);
  return Math.max(0, until - progress.startedAt);
}

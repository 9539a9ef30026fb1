/**
 * The dashboard: header, the client's and the server's checklists side by side,
 * the last result, and below them the file picker, the received files, the wire
 * log or the selected step explained; the inspector and the help take the whole
 * body. Keys go to the focused pane; quitting goes through Ink's exit.
 */
import { Box, Text, useApp, useInput } from 'ink';
import { useRef, useState } from 'react';
import type { DashboardEngine } from './dashboard-engine.js';
import { dashboardReducer, type DashboardState, type Focus, selectedWireEntry, visibleFiles } from './dashboard-state.js';
import { FilePicker } from './FilePicker.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { Inspector } from './Inspector.js';
import { type Command, interpretKey, settingsAfter, splitKeystrokes } from './key-map.js';
import { footerKeys } from './keys.js';
import { PeerPane } from './PeerPane.js';
import { ReceivedList } from './ReceivedList.js';
import { ResultLine } from './ResultLine.js';
import { StepExplanation } from './StepExplanation.js';
import { TextPrompt } from './TextPrompt.js';
import { useDashboard, useTerminalSize, useTicker } from './use-dashboard.js';
import { WireLog } from './WireLog.js';
import { tint } from './theme.js';

/** Rows the panes take: a title, eleven steps and the progress bar. */
const PANE_ROWS = 13;

export interface AppProps {
  readonly engine: DashboardEngine;
}

export function App({ engine }: AppProps) {
  const { exit } = useApp();
  const [state, dispatch] = useDashboard(engine);
  const { columns, rows } = useTerminalSize();
  const busy = state.running || Object.values(state.client.steps).some((step) => step.status === 'active');
  const { frame, now } = useTicker(busy);
  const [typed, setTyped] = useState('');
  const prompting = state.overlay === 'filter' || state.overlay === 'request';

  // The latest state, so that several keys in one read each see what the previous one did.
  const latest = useRef(state);
  latest.current = state;

  useInput(
    (input, key) => {
      let current = latest.current;
      for (const stroke of splitKeystrokes(input, key)) {
        const { actions, command } = interpretKey(current, stroke.input, stroke.key);
        for (const action of actions) {
          current = dashboardReducer(current, action);
          dispatch(action);
        }
        if (command?.type === 'quit') {
          exit();
          return;
        }
        if (command) {
          run(command);
          current = settingsAfter(current, command);
        }
      }
      latest.current = current;
    },
    { isActive: !prompting },
  );

  useInput(
    (_input, key) => {
      if (!key.escape) return;
      if (state.overlay === 'filter') dispatch({ type: 'filter', text: '' });
      dispatch({ type: 'close-overlay' });
    },
    { isActive: prompting },
  );

  function run(command: Command): void {
    switch (command.type) {
      case 'fetch':
        void engine.fetch(command.request);
        return;
      case 'mode':
        engine.setMode(command.mode);
        return;
      case 'verify':
        engine.setVerify(command.verify);
        return;
      case 'step-mode':
        engine.setStepMode(command.on);
        return;
      case 'send-next':
        engine.sendNext();
        return;
      case 'ask-name':
        setTyped('');
        return;
      case 'quit':
        exit();
    }
  }

  const bodyRows = Math.max(6, rows - 2);
  const leftWidth = Math.floor((columns - 1) / 2);
  const rightWidth = columns - 1 - leftWidth;
  const attackLine = state.session && state.session.mode !== 'off' ? state.attackNotes.at(-1) : undefined;
  const bottomRows = Math.max(3, bodyRows - PANE_ROWS - 1 - (attackLine !== undefined ? 1 : 0) - 1);
  const entry = selectedWireEntry(state);

  let body;
  if (state.overlay === 'help') {
    body = <HelpOverlay width={columns} />;
  } else if (state.overlay === 'inspector' && entry) {
    body = <Inspector entry={entry} fieldCursor={state.fieldCursor} rows={bodyRows} width={columns} />;
  } else {
    body = (
      <>
        <Box>
          <PeerPane role="client" view={state.client} width={leftWidth} focused={state.focus === 'client'} cursor={state.cursor.client} frame={frame} now={now} subtitle={clientSubtitle(state)} />
          <Box flexDirection="column">
            {Array.from({ length: PANE_ROWS }, (_, index) => (
              <Text key={index} dimColor>│</Text>
            ))}
          </Box>
          <PeerPane role="server" view={state.server} width={rightWidth} focused={state.focus === 'server'} cursor={state.cursor.server} frame={frame} now={now} subtitle={state.serverAddress} />
        </Box>
        <ResultLine state={state} />
        {attackLine !== undefined ? <Text wrap="truncate-end" color={tint('magenta')}>{`mitm: ${attackLine}`}</Text> : null}
        <Tabs focus={state.focus} wireCount={state.wire.length} />
        <Box flexDirection="column" height={bottomRows} overflow="hidden">
          {bottom(state, bottomRows, columns)}
        </Box>
      </>
    );
  }

  return (
    <Box flexDirection="column" width={columns}>
      <Header serverAddress={state.serverAddress} settings={state.settings} caFingerprint={state.caFingerprint} />
      <Box flexDirection="column" height={bodyRows} overflow="hidden">
        {body}
      </Box>
      {state.overlay === 'filter' ? (
        <TextPrompt label="filter files:" value={state.filter} onChange={(text) => dispatch({ type: 'filter', text })} onSubmit={() => dispatch({ type: 'close-overlay' })} />
      ) : state.overlay === 'request' ? (
        <TextPrompt
          label="request name:"
          value={typed}
          onChange={setTyped}
          onSubmit={(name) => {
            dispatch({ type: 'close-overlay' });
            if (name !== '') void engine.fetch({ op: 'GET', name });
          }}
        />
      ) : (
        <Text dimColor wrap="truncate-end">{footerKeys(state.focus, state.overlay)}</Text>
      )}
    </Box>
  );
}

function clientSubtitle(state: DashboardState): string {
  const request = state.session?.request;
  if (request === undefined) return '';
  return request.op === 'GET' ? `GET ${request.name}` : 'LIST';
}

function Tabs({ focus, wireCount }: { readonly focus: Focus; readonly wireCount: number }) {
  const tabs: readonly [Focus, string][] = [
    ['files', 'Files'],
    ['received', 'Received'],
    ['wire', `Wire ${wireCount}`],
    ['client', 'Client step'],
    ['server', 'Server step'],
  ];
  return (
    <Text wrap="truncate-end">
      {tabs.map(([id, label]) => (
        <Text key={id} inverse={focus === id} bold={focus === id} dimColor={focus !== id}>{` ${label} `}</Text>
      ))}
    </Text>
  );
}

function bottom(state: DashboardState, rows: number, width: number) {
  switch (state.focus) {
    case 'files':
      return <FilePicker files={visibleFiles(state)} cursor={state.cursor.files} focused filter={state.filter} rows={rows} width={width} />;
    case 'received':
      return <ReceivedList entries={state.received} cursor={state.cursor.received} focused rows={rows} />;
    case 'wire':
      return <WireLog entries={state.wire} omitted={state.wireOmitted} cursor={state.cursor.wire} focused rows={rows} />;
    case 'client':
    case 'server':
      return <StepExplanation role={state.focus} index={state.cursor[state.focus]} view={Object.values(state[state.focus].steps)[state.cursor[state.focus]]} />;
  }
}

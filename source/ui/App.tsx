/**
 * The dashboard: header, the client's and the server's checklists side by side,
 * the last result, and below them the file picker, the received files, the wire
 * log or the selected step explained; the inspector, the help, the history and a
 * step explained in full take the whole body. How the rows are shared is
 * screen-layout's. Keys go to the focused pane; quitting goes through Ink's exit.
 */
import { Box, Text, useApp, useInput } from 'ink';
import { useRef, useState } from 'react';
import { HistoryList } from './HistoryList.js';
import { type ReplayView, replayAction, replayNow, seekReplay, startReplay } from './replay.js';
import { MAX_REQUEST_NAME_BYTES } from '../protocol/client.js';
import { listedName } from '../protocol/printable.js';
import { type Role, stepsOf } from '../protocol/steps.js';
import type { DashboardEngine } from './dashboard-engine.js';
import { dashboardReducer, type DashboardState, type Focus, selectedWireEntry, visibleFiles } from './dashboard-state.js';
import { FilePicker } from './FilePicker.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { Inspector, inspectorDumpRows } from './Inspector.js';
import { type Command, interpretKey, type KeyScreen, settingsAfter, splitKeystrokes, typedAhead } from './key-map.js';
import { footerKeys } from './keys.js';
import { PeerPane } from './PeerPane.js';
import { ReceivedList } from './ReceivedList.js';
import { resultText } from './result-text.js';
import { ResultLine } from './ResultLine.js';
import { screenLayout } from './screen-layout.js';
import { StepExplanation } from './StepExplanation.js';
import { TextPrompt } from './TextPrompt.js';
import { applyTyped } from './typed-text.js';
import { wrapText } from './wrap-text.js';
import { useDashboard, useTerminalSize, useTicker } from './use-dashboard.js';
import { WireLog } from './WireLog.js';
import { wireTotal } from './wire-rows.js';
import { tint } from './theme.js';

export interface AppProps {
  readonly engine: DashboardEngine;
}

export function App({ engine }: AppProps) {
  const { exit } = useApp();
  const [state, dispatch] = useDashboard(engine);
  const { columns, rows } = useTerminalSize();
  const busy = state.running || Object.values(state.client.steps).some((step) => step.status === 'active');
  const { frame } = useTicker(busy);
  const [typed, setTyped] = useState('');
  const prompting = state.overlay === 'filter' || state.overlay === 'request';

  const [replay, setReplay] = useState<ReplayView>();
  // The latest state and replay, so that several keys in one read each see what the previous one did.
  const latest = useRef(state);
  latest.current = state;
  const latestReplay = useRef(replay);
  latestReplay.current = replay;
  // How the screen last drawn is laid out, for the keys whose effect depends on it.
  const keyScreen = useRef<KeyScreen>({ dumpRows: 0 });

  useInput(
    (input, key) => {
      const strokes = splitKeystrokes(input, key);
      for (let index = 0; index < strokes.length; index += 1) {
        const stroke = strokes[index]!;
        const view = latestReplay.current;
        if (view !== undefined) {
          if (stroke.key.escape && view.state.overlay === 'none' && !keyScreen.current.tooSmall) {
            latestReplay.current = undefined;
            setReplay(undefined);
            continue;
          }
          const { actions, command } = interpretKey(view.state, stroke.input, stroke.key, keyScreen.current);
          if (command?.type === 'quit') {
            exit();
            return;
          }
          // A key that would act on the live session (fetch, attacker, history, the file filter…) does nothing
          // here, not even open its overlay.
          const liveOnly = (command !== undefined && command.type !== 'seek') || actions.some((action) => action.type === 'open' && action.overlay === 'filter');
          let next: ReplayView;
          if (liveOnly) next = replayAction(view, { type: 'notice', text: 'this is a replay: Esc returns to the live dashboard' });
          else if (command?.type === 'seek') next = seekReplay(actions.reduce(replayAction, view), view.position + command.delta);
          else next = actions.reduce(replayAction, view);
          latestReplay.current = next;
          setReplay(next);
          continue;
        }
        let current = latest.current;
        const { actions, command } = interpretKey(current, stroke.input, stroke.key, keyScreen.current);
        for (const action of actions) {
          current = dashboardReducer(current, action);
          dispatch(action);
        }
        latest.current = current;
        if (command?.type === 'quit') {
          exit();
          return;
        }
        if (command) {
          run(command);
          latest.current = settingsAfter(current, command);
        }
        if (current.overlay === 'filter' || current.overlay === 'request') index += typeAhead(current, strokes.slice(index + 1));
      }
    },
    { isActive: !prompting },
  );

  /** Keys that arrived with the one that opened a prompt go into it; returns how many it took. */
  function typeAhead(current: DashboardState, strokes: Parameters<typeof typedAhead>[0]): number {
    if (strokes.length === 0) return 0;
    const { text, submitted, consumed } = typedAhead(strokes);
    if (current.overlay === 'filter') {
      let next = dashboardReducer(current, { type: 'filter', text: applyTyped(current.filter + text) });
      dispatch({ type: 'filter', text: next.filter });
      if (submitted) {
        next = dashboardReducer(next, { type: 'close-overlay' });
        dispatch({ type: 'close-overlay' });
      }
      latest.current = next;
    } else if (submitted) {
      latest.current = dashboardReducer(current, { type: 'close-overlay' });
      requestName(applyTyped(text));
    } else {
      setTyped(applyTyped(text));
    }
    return consumed;
  }

  function requestName(name: string): void {
    dispatch({ type: 'close-overlay' });
    const bytes = Buffer.byteLength(name, 'utf8');
    // A name no REQUEST can carry is the typist's to fix, not a session that fails without a ✘.
    if (bytes > MAX_REQUEST_NAME_BYTES) dispatch({ type: 'notice', text: `a name is at most ${MAX_REQUEST_NAME_BYTES} bytes, and this one is ${bytes}: nothing was requested` });
    else if (name !== '') void engine.fetch({ op: 'GET', name });
    else dispatch({ type: 'notice', text: 'no name typed: nothing was requested' });
  }

  useInput(
    (input, key) => {
      // Too small to draw, the prompt is not on screen, and the screen says q quits.
      if (keyScreen.current.tooSmall) {
        if (input === 'q') exit();
        return;
      }
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
      case 'history':
        void engine.listHistory();
        return;
      case 'replay':
        engine
          .loadTranscript(command.id)
          .then((transcript) => setReplay(startReplay(transcript, latest.current)))
          .catch((error: Error) => dispatch({ type: 'notice', text: `cannot replay ${command.id}: ${error.message}` }));
        return;
      case 'seek':
        return;
      case 'quit':
        exit();
    }
  }

  const shown = replay?.state ?? state;
  // The protocol's clock, as the peer events are stamped: a transfer's rate leaves out step mode's pauses.
  const now = replay ? replayNow(replay) : engine.now();
  const attackLine = shown.session && shown.session.mode !== 'off' ? shown.attackNotes.at(-1) : undefined;
  const footer = footerKeys(shown.focus, prompting ? state.overlay : shown.overlay, { replaying: replay !== undefined, stepMode: shown.settings.stepMode });
  const layout = screenLayout({ columns, rows, footer, client: shown.client, server: shown.server, resultText: resultText(shown).text, attackLine: attackLine !== undefined });
  const { bodyRows, bottomRows } = layout;
  const entry = selectedWireEntry(shown);
  keyScreen.current = { dumpRows: entry === undefined ? 0 : inspectorDumpRows(entry, bodyRows, columns), tooSmall: layout.tooSmall !== undefined };
  const pane = (role: Role, width: number, subtitle: string | undefined) => (
    <PeerPane role={role} view={shown[role]} width={width} focused={shown.focus === role} cursor={shown.cursor[role]} frame={frame} now={now} subtitle={subtitle ?? ''} rowsPerStep={layout.rowsPerStep} />
  );

  if (layout.tooSmall) {
    // Drawn anyway, the boxes would shrink into one another: say what the terminal lacks instead.
    // Wrapped here, at spaces, so that no line starts with one; the first lines say it all on a very small screen.
    const message = wrapText(`tls-tui needs a taller terminal: this one is ${columns}x${rows}, and the two checklists need at least ${layout.tooSmall.rowsNeeded} rows (80x24 or more is best).`, columns);
    const advice = wrapText('Make the window bigger to go on, or press q to quit.', columns);
    return (
      <Box flexDirection="column" width={columns}>
        {[...message, ...advice].slice(0, rows).map((line, index) => (
          <Text key={index} dimColor={index >= message.length} wrap="truncate-end">{line}</Text>
        ))}
      </Box>
    );
  }

  let body;
  if (shown.overlay === 'help') {
    body = <HelpOverlay width={columns} rows={bodyRows} cursor={shown.helpCursor} />;
  } else if (shown.overlay === 'history') {
    body = <HistoryList sessions={shown.history} cursor={shown.historyCursor} fresh={shown.historyFresh} rows={bodyRows} width={columns} />;
  } else if (shown.overlay === 'inspector' && entry) {
    body = <Inspector entry={entry} fieldCursor={shown.fieldCursor} hexTop={shown.hexTop} rows={bodyRows} width={columns} />;
  } else if (shown.overlay === 'explain' && (shown.focus === 'client' || shown.focus === 'server')) {
    body = <SelectedStep state={shown} role={shown.focus} width={columns} rows={bodyRows} />;
  } else {
    body = (
      <>
        <Box>
          {pane('client', layout.leftWidth, clientSubtitle(shown))}
          <Box flexDirection="column">
            {Array.from({ length: layout.paneRows }, (_, index) => (
              <Text key={index} dimColor>│</Text>
            ))}
          </Box>
          {pane('server', layout.rightWidth, shown.serverAddress)}
        </Box>
        <ResultLine state={shown} width={columns} rows={layout.resultRows} />
        {attackLine !== undefined ? <Text wrap="truncate-end" color={tint('magenta')}>{`mitm: ${attackLine}`}</Text> : null}
        <Tabs focus={shown.focus} wireCount={wireTotal(shown.wire, shown.wireOmitted)} />
        <Box flexDirection="column" height={bottomRows} overflow="hidden">
          {bottom(shown, bottomRows, columns)}
        </Box>
      </>
    );
  }

  return (
    <Box flexDirection="column" width={columns}>
      <Header
        serverAddress={shown.serverAddress}
        settings={shown.settings}
        caFingerprint={shown.caFingerprint}
        width={columns}
        forNextSession={shown.running && shown.session !== undefined && (shown.session.mode !== shown.settings.mode || shown.session.verify !== shown.settings.verify)}
        {...(replay ? { replay: { id: replay.transcript.meta.id, position: replay.position, total: replay.events.length } } : {})}
      />
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
          onSubmit={requestName}
        />
      ) : (
        layout.footer.map((line, index) => (
          <Text key={index} dimColor wrap="truncate-end">{line}</Text>
        ))
      )}
    </Box>
  );
}

function clientSubtitle(state: DashboardState): string {
  const request = state.session?.request;
  if (request === undefined) return '';
  return request.op === 'GET' ? `GET ${listedName(request.name)}` : 'LIST';
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
      return <FilePicker files={visibleFiles(state)} missing={state.filesMissing} cursor={state.cursor.files} focused filter={state.filter} rows={rows} width={width} />;
    case 'received':
      return <ReceivedList entries={state.received} cursor={state.cursor.received} focused rows={rows} width={width} wholeDigest={state.wholeDigest ?? false} />;
    case 'wire':
      return <WireLog entries={state.wire} omitted={state.wireOmitted} cursor={state.cursor.wire} focused rows={rows} />;
    case 'client':
    case 'server':
      return <SelectedStep state={state} role={state.focus} width={width} rows={rows} more="Enter shows it all" />;
  }
}

function SelectedStep({ state, role, width, rows, more }: { readonly state: DashboardState; readonly role: Role; readonly width: number; readonly rows: number; readonly more?: string }) {
  const index = state.cursor[role];
  const view = state[role].steps[stepsOf(role)[index]?.id ?? ''];
  return <StepExplanation role={role} index={index} view={view} width={width} rows={rows} {...(more === undefined ? {} : { more })} />;
}

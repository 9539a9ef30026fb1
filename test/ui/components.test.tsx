/**
 * Each dashboard component rendered on its own with ink-testing-library and read
 * back from `lastFrame()`, by its text and symbols alone (escape codes are
 * stripped, so the checks hold with colour on or off, as NO_COLOR users see it):
 * StepRow's status symbols and spinner and when a detail fits, PeerPane's eleven
 * steps with short or full labels and its progress bar, Header, ResultLine,
 * FilePicker, ReceivedList, WireLog with the attacker's marks and the omitted
 * count, the Inspector on real records (a CLIENT_HELLO, and encrypted FINISHED and
 * FILE_HEADER records with their decrypted fields), StepExplanation and the help.
 */
import { Box } from 'ink';
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ATTACK_MODE_INFO } from '../../source/attacker/modes.js';
import { toHex } from '../../source/crypto/bytes.js';
import { CLIENT_STEPS, SERVER_STEPS, type StepStatus, stepsOf } from '../../source/protocol/steps.js';
import { formatBytes } from '../../source/protocol/units.js';
import type { SessionSummary } from '../../source/store/session-store.js';
import { type DashboardState, emptyPeer, initialState, type PeerView, type WireEntry } from '../../source/ui/dashboard-state.js';
import { explainMessage, explainStep } from '../../source/ui/explanations.js';
import { FilePicker } from '../../source/ui/FilePicker.js';
import { Header } from '../../source/ui/Header.js';
import { HelpOverlay } from '../../source/ui/HelpOverlay.js';
import { HistoryList } from '../../source/ui/HistoryList.js';
import { Inspector } from '../../source/ui/Inspector.js';
import { KEY_HELP } from '../../source/ui/keys.js';
import { paneRows } from '../../source/ui/pane-layout.js';
import { PeerPane } from '../../source/ui/PeerPane.js';
import { ReceivedList } from '../../source/ui/ReceivedList.js';
import { ResultLine } from '../../source/ui/ResultLine.js';
import { StepExplanation } from '../../source/ui/StepExplanation.js';
import { StepRow } from '../../source/ui/StepRow.js';
import { SPINNER_FRAMES, STATUS_SYMBOLS } from '../../source/ui/symbols.js';
import { WireLog } from '../../source/ui/WireLog.js';
import { NOW, type TestPki, testPki } from '../support/identities.js';
import { engineEvents, fileOf, pairSession, stateAfter, trioSession } from './session-events.js';

let pki: TestPki;
/** The dashboard after a clean GET of notes.txt, and after sessions against three attackers. */
let clean: DashboardState;
let forged: DashboardState;
let replay: DashboardState;
let big: DashboardState;

beforeAll(async () => {
  pki = await testPki();
  const notes = new Map([['notes.txt', fileOf(5_000)]]);
  clean = stateAfter(engineEvents(pairSession(pki, { files: notes })));
  forged = stateAfter(engineEvents(trioSession(pki, 'forged-key', notes)));
  replay = stateAfter(engineEvents(trioSession(pki, 'replay-client', notes)));
  big = stateAfter(engineEvents(pairSession(pki, { files: new Map([['big.bin', fileOf(400_000)]]), request: { op: 'GET', name: 'big.bin' } })));
});

const rendered: { unmount: () => void }[] = [];
afterEach(() => {
  for (const instance of rendered.splice(0)) instance.unmount();
});

/** The frame as plain text: what a terminal without colour shows. */
function frameOf(element: React.JSX.Element): string {
  const instance = render(element);
  rendered.push(instance);
  return stripVTControlCharacters(instance.lastFrame() ?? '');
}

/** The frame with line breaks and runs of spaces as single spaces, to find wrapped sentences. */
const flat = (frame: string): string => frame.replace(/\s+/g, ' ');
const lines = (frame: string): string[] => frame.split('\n');
const wireEntry = (state: DashboardState, predicate: (entry: WireEntry) => boolean): WireEntry => {
  const entry = state.wire.find(predicate);
  expect(entry).toBeDefined();
  return entry!;
};

describe('StepRow', () => {
  it.each([
    ['done', '✔'],
    ['warning', '⚠'],
    ['failed', '✘'],
    ['stopped', '⊘'],
    ['pending', '·'],
    ['skipped', '–'],
  ] as const)('shows a %s step as %s before its label', (status, symbol) => {
    expect(STATUS_SYMBOLS[status]).toBe(symbol);
    expect(frameOf(<StepRow status={status} label="Connect" detail="" width={40} />)).toBe(`${symbol} Connect`);
  });

  it('turns a spinner while active, one frame per tick', () => {
    const seen = SPINNER_FRAMES.map((_, frame) => frameOf(<StepRow status="active" label="Receive" detail="" frame={frame} width={40} />).charAt(0));
    expect(seen).toEqual([...SPINNER_FRAMES]);
    expect(frameOf(<StepRow status="active" label="Receive" detail="" frame={SPINNER_FRAMES.length + 2} width={40} />).charAt(0)).toBe(SPINNER_FRAMES[2]);
  });

  /** A row in a box of its width, as PeerPane lays it out. */
  const row = (width: number, detail: string, labelWidth = 20) =>
    frameOf(
      <Box width={width}>
        <StepRow status="done" label="Connect" labelWidth={labelWidth} detail={detail} width={width} />
      </Box>,
    );

  it('shows the detail, aligned after the label column, when at least 16 columns are left for it', () => {
    // labelWidth 20, so the detail needs width - 20 - 3 >= 16: a width of 39.
    expect(row(60, 'connected to 127.0.0.1:4041')).toBe(`✔ Connect${' '.repeat(14)}connected to 127.0.0.1:4041`);
    const narrow = row(39, 'connected to 127.0.0.1:4041');
    expect(narrow.startsWith(`✔ Connect${' '.repeat(14)}connected`)).toBe(true);
    expect(narrow.endsWith('…')).toBe(true);
    expect([...narrow]).toHaveLength(39);
    expect(row(38, 'connected to 127.0.0.1:4041')).toBe('✔ Connect');
  });

  it('shows a failed step’s reason in the same row', () => {
    const frame = frameOf(<StepRow status="failed" label="Verify server certificate" detail="bad_certificate: forged" width={80} />);
    expect(frame).toBe('✘ Verify server certificate bad_certificate: forged');
  });

  it('cuts a long row to its width', () => {
    const frame = row(50, 'x'.repeat(200), 7);
    expect([...frame]).toHaveLength(50);
    expect(frame.startsWith('✔ Connect x')).toBe(true);
    expect(frame.endsWith('x…')).toBe(true);
  });
});

describe('PeerPane', () => {
  const statuses: readonly StepStatus[] = ['done', 'done', 'failed', 'active', 'pending', 'pending', 'skipped', 'pending', 'pending', 'pending', 'pending'];
  const viewWith = (role: 'client' | 'server', progress?: PeerView['progress']): PeerView => ({
    steps: Object.fromEntries(stepsOf(role).map((step, index) => [step.id, { status: statuses[index]!, detail: '' }])),
    ...(progress ? { progress } : {}),
  });

  for (const role of ['client', 'server'] as const) {
    it(`renders the ${role}'s eleven steps with short labels below 90 columns`, () => {
      const frame = frameOf(<PeerPane role={role} view={viewWith(role)} width={60} now={NOW} subtitle="GET notes.txt" />);
      const rows = lines(frame);
      expect(rows[0]).toBe(` ${role.toUpperCase()}  GET notes.txt`);
      const steps = stepsOf(role);
      expect(steps).toHaveLength(11);
      expect(rows.slice(1, 12)).toEqual(steps.map((step, index) => `${index === 3 ? SPINNER_FRAMES[0] : STATUS_SYMBOLS[statuses[index]!]} ${step.short}`));
      for (const step of steps) if (step.label !== step.short) expect(frame).not.toContain(step.label);
    });

    it(`renders the ${role}'s eleven steps with full labels from 90 columns`, () => {
      const frame = frameOf(<PeerPane role={role} view={viewWith(role)} width={90} now={NOW} />);
      expect(lines(frame).slice(1, 12)).toEqual(stepsOf(role).map((step, index) => `${index === 3 ? SPINNER_FRAMES[0] : STATUS_SYMBOLS[statuses[index]!]} ${step.label}`));
    });
  }

  it('shows the steps of a real session, each done, with its detail when wide', () => {
    const frame = frameOf(<PeerPane role="client" view={clean.client} width={95} now={NOW} />);
    for (const step of CLIENT_STEPS) expect(frame).toContain(`✔ ${step.label}`);
    // The detail follows the label column, cut to the pane with an ellipsis.
    const detail = clean.client.steps['client-hello']!.detail;
    const helloRow = lines(frame).find((line) => line.startsWith('✔ Send CLIENT_HELLO with certificate'))!;
    expect(helloRow).toContain(detail.slice(0, 30));
    expect(helloRow.endsWith('…')).toBe(true);
    expect([...helloRow]).toHaveLength(95);
  });

  it('wraps each detail under its label when given rows for it, and cuts none that fits them', () => {
    const width = 59;
    const frame = frameOf(
      <Box width={width}>
        <PeerPane role="client" view={clean.client} width={width} now={NOW} rowsPerStep={4} />
      </Box>,
    );
    const rows = lines(frame);
    expect(rows).toHaveLength(paneRows('client', clean.client, width, 4));
    expect(rows.length).toBeGreaterThan(13);
    for (const row of rows) expect([...row].length).toBeLessThanOrEqual(width);
    // Each step's detail reads whole across its row and the indented lines below it.
    const text = flat(frame);
    for (const step of CLIENT_STEPS) expect(text).toContain(flat(clean.client.steps[step.id]!.detail));
    const finished = rows.findIndex((row) => row.startsWith('✔ FINISHED exchanged'));
    expect(rows[finished + 1]).toMatch(/^ {2}\S/);
  });

  it('puts a detail below its label when the row leaves too little room beside it', () => {
    const frame = frameOf(<StepRow status="failed" label="Verify server certificate" labelWidth={26} detail="bad_certificate: the signature does not verify" width={39} rows={3} />);
    expect(lines(frame)).toEqual(['✘ Verify server certificate', '  bad_certificate: the signature does', '  not verify']);
    // With one row it keeps the label alone, as before.
    expect(frameOf(<StepRow status="failed" label="Verify server certificate" labelWidth={26} detail="bad_certificate: x" width={39} />)).toBe('✘ Verify server certificate');
  });

  it('draws a progress bar with the percentage, the bytes and the rate', () => {
    const frame = frameOf(<PeerPane role="client" view={viewWith('client', { done: 500_000, total: 1_000_000, startedAt: 0, updatedAt: 900 })} width={60} now={1_000} />);
    const bar = lines(frame)[12]!;
    expect(bar).toMatch(/^█+░+ {2}50% 500 kB\/1\.0 MB 500 kB\/s$/);
    expect(bar.length).toBeLessThanOrEqual(60);
    expect([...bar].filter((character) => character === '█').length).toBe([...bar].filter((character) => character === '░').length);
  });

  it('shows the rate from the first record on, even when the ticker\'s clock lags the last event', () => {
    const view = viewWith('client', { done: 100_000, total: 1_000_000, startedAt: 5_000, updatedAt: 5_100 });
    const frame = frameOf(<PeerPane role="client" view={view} width={70} now={4_990} />);
    expect(lines(frame).find((line) => line.includes('%'))).toMatch(/10% 100 kB\/1\.0 MB 1\.0 MB\/s$/);
  });

  it('stops the rate clock when the transfer is complete', () => {
    const view = viewWith('server', { done: 2_000_000, total: 2_000_000, startedAt: 0, updatedAt: 2_000 });
    const frame = frameOf(<PeerPane role="server" view={view} width={70} now={60_000} />);
    expect(lines(frame)[12]).toMatch(/^█+ 100% 2\.0 MB\/2\.0 MB 1\.0 MB\/s$/);
  });

  it('draws the bar of a real transfer', () => {
    const frame = frameOf(<PeerPane role="client" view={big.client} width={70} now={NOW} />);
    expect(lines(frame)[12]).toContain(`100% ${formatBytes(400_000)}/${formatBytes(400_000)}`);
  });

  it('leaves the bar’s row blank before a transfer', () => {
    const rows = lines(frameOf(<PeerPane role="client" view={emptyPeer('client')} width={60} now={NOW} />));
    expect(rows).toHaveLength(13);
    expect(rows[12]!.trim()).toBe('');
    expect(rows.join('\n')).not.toMatch(/[█░%]/);
  });
});

describe('Header', () => {
  const fingerprint = 'AB:CD:EF:01:23:45:67:89';

  it('shows the server address, the attacker, verification on, and the CA fingerprint’s start', () => {
    const frame = frameOf(<Header serverAddress="127.0.0.1:4041" settings={{ mode: 'off', verify: true, stepMode: false }} caFingerprint={fingerprint} />);
    expect(frame).toBe('tls-tui  server 127.0.0.1:4041  attacker: off  verify: on ✔  CA AB:CD:EF:01…');
  });

  it('says when a change made during a session applies from the next one', () => {
    const settings = { mode: 'rogue-ca', verify: true, stepMode: false } as const;
    expect(frameOf(<Header serverAddress="127.0.0.1:4041" settings={settings} caFingerprint={fingerprint} forNextSession />)).toContain('verify: on ✔  (for the next session)');
    expect(frameOf(<Header serverAddress="127.0.0.1:4041" settings={settings} caFingerprint={fingerprint} />)).not.toContain('next session');
  });

  it('shows an attack mode, verification OFF and step mode', () => {
    const frame = frameOf(<Header serverAddress="127.0.0.1:5000" settings={{ mode: 'forged-key', verify: false, stepMode: true }} caFingerprint={fingerprint} />);
    expect(frame).toContain('attacker: forged-key');
    expect(frame).toContain('verify: OFF ✘');
    expect(frame).toContain('step mode');
    expect(frame).toContain('CA AB:CD:EF:01…');
    expect(frame).not.toContain('AB:CD:EF:01:23');
  });

  it('on a narrow terminal gives up the fingerprint, then the host, never the settings of the next session', () => {
    const settings = { mode: 'replay-client', verify: false, stepMode: true } as const;
    const at = (width: number) => frameOf(<Header serverAddress="127.0.0.1:40777" settings={settings} caFingerprint={fingerprint} forNextSession width={width} />);
    // 82 columns for the settings, 24 for the server's address, 16 for the fingerprint.
    expect(at(100)).toBe('tls-tui  server :40777  attacker: replay-client  verify: OFF ✘  (for the next session)  step mode');
    expect(at(96)).toBe('tls-tui  attacker: replay-client  verify: OFF ✘  (for the next session)  step mode');
    const roomy = frameOf(<Header serverAddress="127.0.0.1:40777" settings={{ ...settings, mode: 'off' }} caFingerprint={fingerprint} forNextSession width={100} />);
    expect(roomy).toBe('tls-tui  server 127.0.0.1:40777  attacker: off  verify: OFF ✘  (for the next session)  step mode');
    expect(frameOf(<Header serverAddress="127.0.0.1:40777" settings={{ mode: 'off', verify: true, stepMode: false }} caFingerprint={fingerprint} width={100} />)).toBe(
      'tls-tui  server 127.0.0.1:40777  attacker: off  verify: on ✔  CA AB:CD:EF:01…',
    );
  });

  it('shows an ellipsis while the server is not listening yet', () => {
    expect(frameOf(<Header settings={initialState().settings} caFingerprint="" />)).toContain('server …');
  });
});

describe('ResultLine', () => {
  const session = { id: 3, request: { op: 'GET', name: 'notes.txt' }, mode: 'off', verify: true, startedAt: NOW } as const;
  const base = { running: false, result: undefined, held: undefined, notice: undefined, session: undefined };

  it('invites a first fetch', () => {
    expect(frameOf(<ResultLine state={base} />)).toBe('Pick a file and press Enter to fetch it. ? shows every key.');
  });

  it('shows a running session, and the attacker when one is on', () => {
    expect(frameOf(<ResultLine state={{ ...base, running: true, session }} />)).toBe('● session 3: GET "notes.txt"');
    expect(frameOf(<ResultLine state={{ ...base, running: true, session: { ...session, id: 4, mode: 'rogue-ca', request: { op: 'LIST' } } }} />)).toBe('● session 4: LIST, attacker rogue-ca');
    expect(frameOf(<ResultLine state={{ ...base, running: true, session: { ...session, id: 5, mode: 'forged-key', verify: false, request: { op: 'LIST' } } }} />)).toBe('● session 5: LIST, attacker forged-key, verification OFF');
  });

  it('says which record waits in step mode and that space sends it', () => {
    const frame = frameOf(<ResultLine state={{ ...base, running: true, session, held: { role: 'client', message: 'CLIENT_HELLO' } }} />);
    expect(frame).toBe('⏸ client is about to send CLIENT_HELLO: space sends it, c lets the session run');
  });

  it('shows how the last session ended, ✔ or ✘', () => {
    expect(frameOf(<ResultLine state={{ ...base, session, result: { ok: true, text: 'notes.txt received, 5.0 kB, signature valid' } }} />)).toBe('✔ notes.txt received, 5.0 kB, signature valid');
    expect(frameOf(<ResultLine state={{ ...base, session, result: { ok: false, text: 'stopped: bad_certificate: forged' } }} />)).toBe('✘ stopped: bad_certificate: forged');
  });

  it('shows a response accepted without authentication as ⚠, not ✔', () => {
    const result = { ok: true, text: "notes.txt received, 412 B: signed by the ATTACKER's key", unauthenticated: true };
    expect(frameOf(<ResultLine state={{ ...base, session, result }} />)).toBe("⚠ notes.txt received, 412 B: signed by the ATTACKER's key");
  });

  it('shows how a session ended once it ends, even after the engine said "a session is running"', () => {
    // Enter pressed twice: the engine refuses the second fetch with a notice while the first runs.
    const state = stateAfter([
      { type: 'session-start', session },
      { type: 'notice', text: 'a session is running: wait for it to end (in step mode, press c to let it run)' },
      { type: 'session-end', result: { ok: true, text: 'notes.txt received, 5.0 kB, signature valid' } },
    ]);
    expect(frameOf(<ResultLine state={state} />)).toBe('✔ notes.txt received, 5.0 kB, signature valid');
  });

  it('puts a notice before everything but a held record, which stays in view beside it', () => {
    expect(frameOf(<ResultLine state={{ ...base, running: true, session, notice: 'a session is running' }} />)).toBe('! a session is running');
    const held = { ...base, running: true, session, held: { role: 'server', message: 'SERVER_HELLO' }, notice: 'attacker rogue-ca from the next session' } as const;
    expect(frameOf(<ResultLine state={held} />)).toBe('⏸ server is about to send SERVER_HELLO  ! attacker rogue-ca from the next session');
  });
});

describe('FilePicker', () => {
  const files = [
    { name: 'alpha.txt', size: 10 },
    { name: 'beta.bin', size: 2_500 },
    { name: 'gamma.txt', size: 1_200_000 },
  ];

  it('lists names and sizes with the cursor marker on the selected file', () => {
    const rows = lines(frameOf(<FilePicker files={files} cursor={1} focused filter="" rows={10} width={80} />));
    // The marker (or a space), a space, the size right-aligned in 9 columns, two spaces, the name.
    expect(rows).toEqual(['public/: 3 files', '       10 B  alpha.txt', '›    2.5 kB  beta.bin', '     1.2 MB  gamma.txt']);
  });

  it('heads a filtered list with the filter, and says when nothing matches', () => {
    expect(lines(frameOf(<FilePicker files={files.slice(0, 1)} cursor={0} focused filter="alp" rows={10} width={80} />))).toEqual([
      'public/ matching "alp": 1',
      '›      10 B  alpha.txt',
    ]);
    expect(frameOf(<FilePicker files={[]} cursor={0} focused filter="zzz" rows={10} width={80} />)).toContain('no file matches; Esc clears the filter');
    expect(frameOf(<FilePicker files={[]} cursor={0} focused filter="" rows={10} width={80} />)).toContain('the public folder is empty');
    // A folder that is not there is not called empty.
    const missing = flat(frameOf(<FilePicker files={[]} missing="/srv/pubic" cursor={0} focused filter="" rows={10} width={80} />));
    expect(missing).toContain('/srv/pubic does not exist or is not a folder: nothing to serve');
    expect(missing).not.toContain('empty');
  });

  it('cuts a long name in the middle, keeping its folder and its extension', () => {
    const name = 'docs/a-file-name-so-long-that-it-cannot-fit-in-the-picker-at-all-report.pdf';
    const [, row] = lines(frameOf(<FilePicker files={[{ name, size: 10 }]} cursor={0} focused filter="" rows={10} width={50} />));
    expect([...row!].length).toBe(50);
    expect(row).toMatch(/^› {6}10 B {2}docs\/a-file-n.*….*-report\.pdf$/);
  });

  it('quotes a name with a space at its end, which would not show', () => {
    const rows = lines(frameOf(<FilePicker files={[{ name: 'hello.txt ', size: 5 }, { name: 'hello.txt', size: 254 }]} cursor={0} focused filter="" rows={10} width={80} />));
    expect(rows.slice(1)).toEqual(['›       5 B  "hello.txt "', '      254 B  hello.txt']);
  });

  it('cuts a name in Chinese or Japanese by the cells it takes, two a character, so it keeps its extension', () => {
    const name = `資料/${'東京の夜景'.repeat(8)}-報告書.pdf`;
    const [, row] = lines(frameOf(<FilePicker files={[{ name, size: 10 }]} cursor={0} focused filter="" rows={10} width={50} />));
    expect(stringWidth(row!)).toBeLessThanOrEqual(50);
    expect(row).toMatch(/^› {6}10 B {2}資料\/東.*….*報告書\.pdf$/);
  });

  it('scrolls a long list to keep the cursor in view', () => {
    const many = Array.from({ length: 40 }, (_, index) => ({ name: `file-${String(index).padStart(2, '0')}.txt`, size: index }));
    const rows = lines(frameOf(<FilePicker files={many} cursor={30} focused filter="" rows={6} width={80} />));
    expect(rows).toHaveLength(6);
    expect(rows.filter((row) => row.startsWith('›'))).toEqual(['›      30 B  file-30.txt']);
  });
});

describe('ReceivedList', () => {
  it('lists the received files with sizes and digest prefixes, without calling them verified', () => {
    const entries = [{ name: 'notes.txt', size: 5_000, sha256: 'a'.repeat(64) }, { name: 'new.txt', size: 3 }];
    expect(lines(frameOf(<ReceivedList entries={entries} cursor={0} focused rows={10} width={37} />))).toEqual([
      'received/: 2 files',
      `›    5.0 kB  ${'a'.repeat(12)}…  notes.txt`,
      '        3 B  …              new.txt',
    ]);
  });

  it('shows the selected file\'s whole digest on a line under it, which fits 80 columns', () => {
    const digest = '0123456789abcdef'.repeat(4);
    const entries = [{ name: 'notes.txt', size: 5_000, sha256: digest }, { name: 'new.txt', size: 3, sha256: 'f'.repeat(64) }];
    const rows = lines(frameOf(<ReceivedList entries={entries} cursor={0} focused rows={10} width={80} wholeDigest />));
    expect(rows[2]).toBe(`  SHA-256 ${digest}`);
    expect(rows[3]).toMatch(/new\.txt$/);
    expect(rows.filter((row) => row.startsWith('  SHA-256'))).toHaveLength(1);
    expect([...rows[2]!].length).toBeLessThanOrEqual(80);
  });

  it('shows as much of each digest as the width leaves the names: all of it on a wide screen', () => {
    const digest = '0123456789abcdef'.repeat(4);
    const entries = [{ name: 'notes.txt', size: 5_000, sha256: digest }, { name: 'new.txt', size: 3 }];
    const wide = lines(frameOf(<ReceivedList entries={entries} cursor={0} focused rows={10} width={100} />));
    expect(wide[1]).toBe(`›    5.0 kB  ${digest}  notes.txt`);
    expect(wide[2]).toBe(`        3 B  ${'…'.padEnd(64)}  new.txt`);
    const middle = lines(frameOf(<ReceivedList entries={entries} cursor={0} focused rows={10} width={60} />));
    expect(middle[1]).toBe(`›    5.0 kB  ${digest.slice(0, 60 - 13 - 1 - 2 - 9)}…  notes.txt`);
    expect(middle.slice(1).map((row) => [...row].length)).toEqual([60, 58]);
  });

  it('marks a file saved with verification off, and says what the mark means', () => {
    const entries = [{ name: 'hello.txt', size: 385, sha256: 'ab'.repeat(32), unverified: true as const }, { name: 'notes.txt', size: 5_000, sha256: 'cd'.repeat(32) }];
    const rows = lines(frameOf(<ReceivedList entries={entries} cursor={0} focused rows={10} width={80} />));
    expect(rows[0]).toBe('received/: 2 files  ⚠ unverified: saved with verification off, sender unknown');
    expect(rows[1]).toMatch(/ hello\.txt {2}⚠ unverified$/);
    expect(rows[2]).toMatch(/ notes\.txt$/);
    expect(rows.every((row) => stringWidth(row) <= 80)).toBe(true);
    expect(lines(frameOf(<ReceivedList entries={entries.slice(1)} cursor={0} focused rows={10} width={80} />))[0]).toBe('received/: 1 file');
  });

  it('leaves a name in Chinese or Japanese the cells it takes, so the digest is cut and the name is whole', () => {
    const entries = [{ name: '報告書.pdf', size: 5_000, sha256: '0123456789abcdef'.repeat(4) }];
    const [, row] = lines(frameOf(<ReceivedList entries={entries} cursor={0} focused rows={10} width={60} />));
    expect(row).toMatch(/…  報告書\.pdf$/);
    expect(stringWidth(row!)).toBe(60);
  });
});

describe('WireLog', () => {
  it('lists hops, messages, sizes and whether each record was encrypted', () => {
    const frame = frameOf(<WireLog entries={clean.wire} omitted={clean.wireOmitted} cursor={0} focused rows={30} />);
    const rows = lines(frame);
    expect(rows[0]).toBe(`wire: ${clean.wire.length} records  (Enter inspects the selected one)`);
    clean.wire.forEach((entry, index) => {
      const row = rows[index + 1]!;
      expect(row.startsWith(index === 0 ? '›' : ' ')).toBe(true);
      expect(row).toContain(`${String(index + 1).padStart(3)} ${entry.hop}`);
      expect(row).toContain(entry.message);
      const keyExchange = entry.message === 'CLIENT_KEY_EXCHANGE' || entry.message === 'SERVER_KEY_EXCHANGE';
      expect(row).toContain(`${entry.record.length} B ${entry.encrypted ? 'encrypted' : keyExchange ? 'RSA-OAEP' : 'plaintext'}`);
    });
    expect(rows[1]).toMatch(/^› {2}1 client → server +CLIENT_HELLO +\d+ B plaintext$/);
    // A key exchange travels in the clear, but its secret does not: the log does not call it plaintext.
    expect(frame).toMatch(/client → server +CLIENT_KEY_EXCHANGE +\d+ B RSA-OAEP$/m);
    expect(frame).toMatch(/server → client +FINISHED +\d+ B encrypted/);
  });

  it('marks the attacker’s rewritten records', () => {
    const frame = frameOf(<WireLog entries={forged.wire} omitted={{}} cursor={0} focused rows={30} />);
    expect(frame).toMatch(/mitm → client +SERVER_HELLO +\d+ B plaintext {2}✎ rewritten/);
    expect(frame).toMatch(/client → mitm +CLIENT_HELLO +\d+ B plaintext$/m);
    expect(frame.match(/✎ rewritten/g)).toHaveLength(1);
  });

  it('marks the attacker’s injected records', () => {
    const frame = frameOf(<WireLog entries={replay.wire} omitted={{}} cursor={0} focused rows={30} />);
    expect(frame.match(/mitm → server +\S+ +\d+ B (plaintext|RSA-OAEP) {2}\+ injected/g)).toHaveLength(3);
  });

  it('marks a record the attacker dropped, on its broken hop', () => {
    const dropped = stateAfter([
      { type: 'session-start', session: { id: 1, request: { op: 'LIST' }, mode: 'forged-key', verify: true, startedAt: NOW } },
      { type: 'peer', at: NOW, event: { type: 'attack', role: 'attacker', mode: 'forged-key', kind: 'dropped', direction: 'server->client', message: 'SERVER_KEY_EXCHANGE', detail: 'cut off', encrypted: false, original: fileOf(30) } },
    ]);
    expect(frameOf(<WireLog entries={dropped.wire} omitted={{}} cursor={0} focused rows={5} />)).toMatch(/mitm ✗ client +SERVER_KEY_EXCHANGE +30 B RSA-OAEP {2}✗ dropped/);
  });

  it('counts the records it left out', () => {
    expect(Object.keys(big.wireOmitted)).toEqual(['server FILE_DATA']);
    const omitted = big.wireOmitted['server FILE_DATA']!;
    const frame = frameOf(<WireLog entries={big.wire} omitted={big.wireOmitted} cursor={0} focused rows={40} />);
    expect(frame).toContain(`… ${omitted} more server FILE_DATA records, not listed`);
    // The count stands where those records went by: after the last FILE_DATA listed, before FILE_END.
    const rows = lines(frame);
    const count = rows.findIndex((row) => row.includes('more server FILE_DATA records'));
    expect(rows[count - 1]).toMatch(/server → client +FILE_DATA /);
    expect(rows[count + 1]).toMatch(/server → client +FILE_END /);
    // Records are numbered by their place on the wire, the counted ones included, and the total says so.
    const before = Number(/^.\s*(\d+) /.exec(rows[count - 1]!)?.[1]);
    expect(rows[count + 1]).toMatch(new RegExp(`^.\\s*${before + omitted + 1} server → client`));
    expect(rows[0]).toMatch(new RegExp(`^wire: ${big.wire.length + omitted} records`));
    expect(frameOf(<WireLog entries={[]} omitted={{ 'server FILE_DATA': 12_345 }} cursor={0} focused rows={5} />)).toContain('… 12,345 more server FILE_DATA records, not listed');
  });

  it('scrolls to the selected record', () => {
    const rows = lines(frameOf(<WireLog entries={clean.wire} omitted={{}} cursor={clean.wire.length - 1} focused rows={5} />));
    expect(rows).toHaveLength(5);
    const last = clean.wire.at(-1)!;
    expect(rows.at(-1)).toMatch(new RegExp(`^›\\s*${clean.wire.length} ${last.hop} +alert close_notify +${last.record.length} B encrypted$`));
    expect(rows.slice(1, -1).every((line) => line.startsWith(' '))).toBe(true);
  });

  it('says when the log is empty', () => {
    expect(frameOf(<WireLog entries={[]} omitted={{}} cursor={0} focused rows={5} />)).toBe('wire: 0 records');
  });
});

describe('Inspector', () => {
  it('lists the fields of a real CLIENT_HELLO and dumps its bytes', () => {
    const entry = wireEntry(clean, (candidate) => candidate.message === 'CLIENT_HELLO');
    // Tall enough for all sixteen fields, the certificate's nine lines among them.
    const frame = frameOf(<Inspector entry={entry} fieldCursor={0} rows={50} width={100} />);
    const rows = lines(frame);
    expect(rows[0]).toBe(`CLIENT_HELLO  client → server  ${entry.record.length} bytes`);
    expect(rows[1]).toBe('plaintext: anyone on the path can read it');
    expect(rows[2]).toBe(explainMessage('CLIENT_HELLO'));
    for (const field of entry.fields) {
      expect(frame).toMatch(new RegExp(`record +${field.offset} +${field.length} +${field.name.replace(/[()]/g, '\\$&')}`));
    }
    const certificateLines = ['line 1', 'serial', 'subject', 'role', 'issuer', 'not-before', 'not-after', 'public-key', 'signature'].map((line) => `certificate ${line}`);
    expect(entry.fields.map((field) => field.name)).toEqual(['content type', 'version', 'length', 'msg_type', 'length', 'random', 'certificate length', ...certificateLines]);
    // The certificate's lines tile its bytes, each with its value.
    const length = entry.fields.find((field) => field.name === 'certificate length')!;
    const parts = entry.fields.filter((field) => field.name.startsWith('certificate ') && field !== length);
    expect(parts[0]!.offset).toBe(length.offset + 2);
    parts.slice(1).forEach((part, index) => expect(part.offset).toBe(parts[index]!.offset + parts[index]!.length));
    expect(parts.reduce((sum, part) => sum + part.length, 0)).toBe(Number(length.value));
    expect(entry.fields.find((field) => field.name === 'certificate subject')?.value).toBe('"client"');
    // The selected field (the content type) is marked, and its byte starts the dump.
    expect(rows.find((row) => row.includes('content type'))!.startsWith('› record')).toBe(true);
    // Fifty rows do not hold all of its lines: the caption says which bytes are shown, and how to see the rest.
    expect(frame).toMatch(new RegExp(`^record bytes 0-\\d+ of ${entry.record.length} \\(selected field highlighted; PgUp PgDn scroll\\):$`, 'm'));
    const first = toHex(entry.record.subarray(0, 16)).match(/../g)!.join(' ');
    expect(frame).toContain(`000000  ${first} `);
    expect(frame).toContain(`000010  ${toHex(entry.record.subarray(16, 32)).match(/../g)!.join(' ')}`);
  });

  it('scrolls the dump to the selected field', () => {
    const entry = wireEntry(clean, (candidate) => candidate.message === 'CLIENT_HELLO');
    const index = entry.fields.findIndex((field) => field.name === 'certificate line 1');
    const field = entry.fields[index]!;
    // Ten rows leave three for the dump, so the certificate at byte 43 (line 2) scrolls it by one line.
    const frame = frameOf(<Inspector entry={entry} fieldCursor={index} rows={10} width={100} />);
    const line = Math.floor(field.offset / 16) * 16;
    expect(frame).toContain(`${line.toString(16).padStart(6, '0')}  `);
    expect(frame).not.toMatch(/^000000 {2}/m);
    expect(lines(frame).find((row) => row.startsWith('›'))).toContain('certificate');
  });

  it('PgUp/PgDn: shows the lines it scrolled to, down to the last, in the printable column too', () => {
    const entry = wireEntry(clean, (candidate) => candidate.message === 'CLIENT_HELLO');
    const length = entry.record.length;
    // Scrolled past the end, as far as PgDn goes: the dump stops where its last line shows.
    const frame = frameOf(<Inspector entry={entry} fieldCursor={0} hexTop={Math.ceil(length / 16)} rows={24} width={100} />);
    const lastLine = Math.floor((length - 1) / 16) * 16;
    const dump = lines(frame).filter((row) => /^[0-9a-f]{6} {2}/.test(row));
    expect(dump.at(-1)!.slice(0, 6)).toBe(lastLine.toString(16).padStart(6, '0'));
    expect(frame).toMatch(new RegExp(`^record bytes \\d+-${length - 1} of ${length} \\(`, 'm'));
    // The short last line keeps its printable column under the full lines above it.
    const printableColumn = 8 + 16 * 3 + 1;
    const tail = [...entry.record.subarray(lastLine)].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
    expect(dump.at(-1)!.slice(printableColumn)).toBe(tail);
    expect(dump.at(-2)!.slice(printableColumn)).toHaveLength(16);
  });

  it('cuts a long value with one ellipsis, even one that ends in its own', () => {
    for (const width of [60, 70, 80, 90]) {
      for (const entry of clean.wire.filter((candidate) => candidate.encrypted)) {
        const frame = frameOf(<Inspector entry={entry} fieldCursor={0} rows={30} width={width} />);
        expect(frame, `${entry.message} at ${width}`).not.toContain('……');
      }
    }
  });

  it('shows the printable column when wide enough', () => {
    const entry = wireEntry(clean, (candidate) => candidate.message === 'CLIENT_HELLO');
    const certificate = entry.fields.find((field) => field.name === 'certificate line 1')!;
    const index = entry.fields.indexOf(certificate);
    const frame = frameOf(<Inspector entry={entry} fieldCursor={index} rows={20} width={100} />);
    expect(frame).toMatch(/ tls-tui certif|ls-tui certific|tui certificate/);
    expect(frameOf(<Inspector entry={entry} fieldCursor={index} rows={20} width={70} />)).not.toMatch(/certificate v1/);
  });

  it.each([
    ['FINISHED', 'client', ['verify_data']],
    ['FILE_HEADER', 'server', ['kind', 'name length', 'name', 'size']],
  ] as const)('shows the decrypted fields of an encrypted %s', (message, from, decrypted) => {
    const entry = wireEntry(clean, (candidate) => candidate.message === message && candidate.from === from);
    expect(entry.encrypted).toBe(true);
    const frame = frameOf(<Inspector entry={entry} fieldCursor={0} rows={40} width={100} />);
    expect(lines(frame)[0]).toBe(`${message}  ${entry.hop}  ${entry.record.length} bytes`);
    expect(lines(frame)[1]).toBe(`encrypted; decrypted with the session keys (${entry.plaintext!.length} bytes of plaintext)`);
    expect(frame).toMatch(/record +5 +\d+ +ciphertext/);
    expect(frame).toMatch(/record +\d+ +32 +mac \(HMAC-SHA256\)/);
    for (const name of decrypted) expect(frame).toMatch(new RegExp(`decrypted +\\d+ +\\d+ +${name} `));
    if (message === 'FILE_HEADER') expect(frame).toMatch(/decrypted +\d+ +\d+ +name +"notes\.txt"/);
  });

  it('dumps the decrypted payload when a decrypted field is selected', () => {
    const entry = wireEntry(clean, (candidate) => candidate.message === 'FILE_HEADER');
    const index = entry.fields.length + entry.plaintextFields!.findIndex((field) => field.name === 'name');
    const frame = frameOf(<Inspector entry={entry} fieldCursor={index} rows={40} width={100} />);
    expect(frame).toContain('decrypted payload (selected field highlighted):');
    expect(frame).toContain(`000000  ${toHex(entry.plaintext!.subarray(0, 16)).match(/../g)!.join(' ')}`);
    expect(frame).toContain('notes.txt');
  });

  it('shows what the attacker did instead of the message’s purpose', () => {
    const entry = wireEntry(forged, (candidate) => candidate.attack === 'rewritten');
    const frame = frameOf(<Inspector entry={entry} fieldCursor={0} rows={30} width={100} />);
    expect(lines(frame)[0]).toContain('SERVER_HELLO  mitm → client');
    expect(entry.note).toMatch(/^replaced the server's certificate/);
    expect(lines(frame)[2]!.startsWith(`attacker: ${entry.note}`.slice(0, 90))).toBe(true);
  });

  it('says when an encrypted record could not be decrypted', () => {
    const entry = wireEntry(clean, (candidate) => candidate.message === 'FINISHED');
    const { plaintext: _plaintext, plaintextFields: _fields, ...sealed } = entry;
    expect(lines(frameOf(<Inspector entry={{ ...sealed, message: 'encrypted handshake' }} fieldCursor={0} rows={30} width={140} />))[1]).toContain('encrypted; not decrypted: no peer accepted it');
    expect(lines(frameOf(<Inspector entry={{ ...sealed, message: 'encrypted handshake', attack: 'dropped' }} fieldCursor={0} rows={30} width={140} />))[1]).toContain('encrypted; dropped by the attacker');
  });

  it.each([
    ['CLIENT_KEY_EXCHANGE', 'client', 'server'],
    ['SERVER_KEY_EXCHANGE', 'server', 'client'],
  ] as const)('says a %s is readable only by the %s\'s recipient, and shows the secret inside', (message, from, recipient) => {
    const entry = wireEntry(clean, (candidate) => candidate.message === message);
    expect(entry.from).toBe(from);
    expect(clean[from].secret).toHaveLength(32);
    expect(entry.secret).toEqual(clean[from].secret);
    const rows = lines(frameOf(<Inspector entry={entry} fieldCursor={0} rows={30} width={140} />));
    expect(rows[1]).toBe(`in the clear, but its secret is RSA-OAEP encrypted to the ${recipient}'s public key: only the ${recipient}'s private key opens it`);
    expect(rows[2]).toBe(`secret inside, as the ${from} encrypted it: ${toHex(entry.secret!)}`);
    // The field name is whole, not cut at a fixed column.
    expect(rows.some((row) => /record +\d+ +\d+ +encrypted_secret \(RSA-OAEP\) /.test(row))).toBe(true);
  });

  it('gives the rows the fields do not need to the dump, and never draws more rows than it has', () => {
    const entry = wireEntry(clean, (candidate) => candidate.message === 'CLIENT_KEY_EXCHANGE');
    const dumpLines = Math.ceil(entry.record.length / 16);
    const rows = 6 + entry.fields.length + dumpLines;
    // Wide enough that no sentence wraps: every spare row is the dump's.
    const frame = lines(frameOf(<Inspector entry={entry} fieldCursor={0} rows={rows} width={160} />));
    expect(frame).toHaveLength(rows);
    expect(frame.at(-1)).toMatch(new RegExp(`^${((dumpLines - 1) * 16).toString(16).padStart(6, '0')} `));
    expect(lines(frameOf(<Inspector entry={entry} fieldCursor={0} rows={20} width={100} />)).length).toBeLessThanOrEqual(20);
  });

  it('wraps who can read a record and what it is for at 80 columns, rather than cutting them', () => {
    const entry = wireEntry(clean, (candidate) => candidate.message === 'CLIENT_KEY_EXCHANGE');
    const frame = lines(frameOf(<Inspector entry={entry} fieldCursor={0} rows={20} width={80} />));
    expect(frame.length).toBeLessThanOrEqual(20);
    const text = frame.slice(1, 6).join(' ');
    expect(text).toContain("only the server's private key opens it");
    expect(frame.join('\n')).toContain(Buffer.from(entry.secret!).toString('hex'));
    expect(frame.slice(1, 6).some((line) => line.endsWith('…'))).toBe(false);
  });

  it('shows a key exchange without a secret when its sender never said it (an attacker\'s rewrite)', () => {
    const entry = wireEntry(clean, (candidate) => candidate.message === 'CLIENT_KEY_EXCHANGE');
    const { secret: _secret, ...unknown } = entry;
    expect(frameOf(<Inspector entry={unknown} fieldCursor={0} rows={30} width={140} />)).not.toContain('secret inside');
  });
});

describe('StepExplanation', () => {
  it('shows the step, its status and detail, and the three explanation sentences', () => {
    const view = clean.client.steps['verify-server-certificate']!;
    const index = CLIENT_STEPS.findIndex((step) => step.id === 'verify-server-certificate');
    const frame = frameOf(<StepExplanation role="client" index={index} view={view} />);
    const explanation = explainStep('client', 'verify-server-certificate')!;
    expect(lines(frame)[0]).toBe('client: Verify server certificate  ✔ done');
    expect(flat(frame)).toContain(flat(view.detail));
    expect(flat(frame)).toContain(flat(explanation.does));
    expect(flat(frame)).toContain(flat(`Protects against: ${explanation.protects}`));
    expect(flat(frame)).toContain(flat(`Real TLS: ${explanation.realTls}`));
  });

  it('explains every step of both checklists', () => {
    for (const [role, steps] of [['client', CLIENT_STEPS], ['server', SERVER_STEPS]] as const) {
      steps.forEach((step, index) => {
        const frame = flat(frameOf(<StepExplanation role={role} index={index} view={{ status: 'failed', detail: 'why it failed' }} />));
        expect(frame).toContain(`${role}: ${step.label} ✘ failed why it failed`);
        expect(frame).toContain('Protects against: ');
        expect(frame).toContain('Real TLS: ');
      });
    }
  });

  it('explains, at the step that catches each attack, the check that caught it', () => {
    // What the alert means, in the words the step's explanation must use.
    const CHECK: Partial<Record<string, RegExp>> = { bad_certificate: /certificate/, unknown_ca: /CA/, certificate_expired: /validity/, decrypt_error: /signature/, bad_record_mac: /MAC/ };
    for (const { mode, caught } of Object.values(ATTACK_MODE_INFO)) {
      if (caught === undefined) continue;
      const { does, protects } = explainStep(caught.by, caught.step)!;
      expect(`${does} ${protects}`, `${mode} at ${caught.by} ${caught.step}`).toMatch(CHECK[caught.alert]!);
    }
  });

  it('renders nothing for an index past the last step', () => {
    expect(frameOf(<StepExplanation role="server" index={11} view={undefined} />)).toBe('');
  });

  it('fits the rows it is given: the title first, and a last row that says how to read the rest', () => {
    const view = clean.client.steps.connect!;
    const frame = frameOf(<StepExplanation role="client" index={0} view={view} width={80} rows={6} more="Enter shows it all" />);
    const rows = lines(frame);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toBe('client: Connect to the server  ✔ done');
    expect(rows[5]).toBe('… Enter shows it all');
    for (const row of rows) expect([...row].length).toBeLessThanOrEqual(80);
    // With room for it all, no hint.
    expect(frameOf(<StepExplanation role="client" index={0} view={view} width={80} rows={30} more="Enter shows it all" />)).not.toContain('Enter shows it all');
  });
});

describe('HelpOverlay', () => {
  it('lists every key and what it does', () => {
    const frame = frameOf(<HelpOverlay width={100} />);
    const rows = lines(frame);
    expect(rows[0]).toBe('Keys');
    // Every description starts in one column, at least two spaces after the longest key.
    const column = 2 + Math.max(...KEY_HELP.map((key) => key.keys.length)) + 2;
    for (const key of KEY_HELP) {
      const row = rows.find((candidate) => candidate.startsWith(`  ${key.keys}`) && candidate.slice(column).startsWith(key.does.slice(0, 40)));
      expect(row, key.keys).toBeDefined();
      expect(row!.slice(2 + key.keys.length, column).trim(), key.keys).toBe('');
    }
    expect(rows.filter((row) => row.startsWith('  Enter  '))).toHaveLength(4);
    expect(flat(frame)).toContain("✔ done, ⚠ done without its protection (a certificate not verified), ✘ failed with the alert and its reason, ⊘ stopped by the other side: its alert, or a dropped connection, ⠋ in progress, · pending, – skipped.");
  });

  it('fits an 80x24 terminal: the title and the legend stay, the keys scroll to the cursor, no row is cut', () => {
    // The keys wrap onto one to three rows each: the last row may stay empty when the next key needs two.
    const first = lines(frameOf(<HelpOverlay width={80} rows={22} cursor={0} />));
    expect(first.length).toBeGreaterThanOrEqual(21);
    expect(first.length).toBeLessThanOrEqual(22);
    expect(first[0]).toMatch(/^Keys 1-\d+ of \d+ \(↑↓ scrolls\)$/);
    expect(first.at(-1)).toMatch(/skipped\.$/);
    for (const row of first) expect([...row].length).toBeLessThanOrEqual(80);
    expect(first.join('\n')).not.toContain('…');
    // The attacker's modes wrap under the description rather than being cut.
    const attacker = lines(frameOf(<HelpOverlay width={80} rows={22} cursor={KEY_HELP.findIndex((key) => key.keys === 'a')} />));
    expect(flat(attacker.join('\n'))).toContain('expired, wrong-name, replay-client, bit-flip');
    // The cursor is a marker, seen without colour too.
    expect(first.filter((row) => row.startsWith('›'))).toEqual([expect.stringMatching(/^› ↑↓ j k +move in the focused list/)]);
    const last = lines(frameOf(<HelpOverlay width={80} rows={22} cursor={KEY_HELP.length - 1} />));
    expect(last.length).toBeGreaterThanOrEqual(21);
    expect(last.length).toBeLessThanOrEqual(22);
    expect(last.filter((row) => row.startsWith('›'))).toEqual([expect.stringMatching(/^› q {2}Ctrl\+C +quit$/)]);
    expect(last[0]).toMatch(new RegExp(`-${KEY_HELP.length} of ${KEY_HELP.length} `));
  });
});

describe('HistoryList', () => {
  const sessions: SessionSummary[] = [0, 1, 2].map((index) => ({
    id: `2026112${index}-024638123-dashboard-abcdef`,
    path: `/store/${index}.jsonl`,
    meta: {
      type: 'meta', id: `s${index}`, version: '0.1.0', kind: 'dashboard', startedAt: `2026-11-2${index}T02:46:38.123Z`, roles: ['client', 'server'],
      request: { op: 'GET', name: 'a-rather-long-file-name.txt' }, mode: 'replay-client', verify: true,
    },
    outcome: { type: 'outcome', ok: false, reason: 'server sent decrypt_error: CERTIFICATE_VERIFY does not verify', durationMs: 35, bytes: 0, omitted: {}, streams: {} },
    complete: true,
  }));

  it('shows every column when wide, and fewer at 80 columns so that the outcome still reads', () => {
    const wide = lines(frameOf(<HistoryList sessions={sessions} cursor={0} rows={10} width={100} />));
    expect(wide[1]).toMatch(/started \(UTC\) +request +attacker +duration +outcome/);
    expect(wide[2]).toContain('2026-11-20 02:46:38');
    const narrow = lines(frameOf(<HistoryList sessions={sessions} cursor={1} rows={10} width={80} />));
    expect(narrow[1]).not.toContain('program');
    expect(narrow[1]).toContain('attacker');
    for (const row of narrow) expect([...row].length).toBeLessThanOrEqual(80);
    const selected = narrow.find((row) => row.startsWith('›'))!;
    expect(selected).toContain('11-21 02:46:38');
    expect(selected).toContain('replay-client');
    expect(selected).toMatch(/35 ms  ✘ server sent decr/);
  });

  it('says it is reading the store until the listing asked for arrives, rather than showing an older one', () => {
    expect(frameOf(<HistoryList sessions={[]} cursor={0} fresh={false} rows={10} width={80} />)).toBe('History: reading store/…');
    expect(frameOf(<HistoryList sessions={sessions} cursor={0} fresh={false} rows={10} width={80} />)).not.toContain('replay-client');
    expect(frameOf(<HistoryList sessions={[]} cursor={0} fresh rows={10} width={80} />)).toContain('No session kept yet');
  });
});

/**
 * The whole dashboard, driven like a person at a keyboard: `<App>` rendered with
 * ink-testing-library over a real DashboardEngine (a server on a free loopback
 * port, the attacker's relay when one is on, a keystore and folders in a temp
 * directory), one key per write, each check polling `lastFrame()` until the text
 * it expects appears. A clean fetch ends with both checklists done and the file in
 * received/; the forged-key attacker is caught at the client's certificate check
 * and nothing is saved; the wire log opens in the inspector; the help shows; q
 * quits; the filter and the request prompt take typed text. Step mode holds each
 * record until space, c lets the session run, and the engine names each held
 * record as its sender does. Then the engine's two small pure parts:
 * PausableClock and describeResult.
 */
import { render } from 'ink-testing-library';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Keystore, openKeystore } from '../../source/keystore/keystore.js';
import { ALERT_CODES } from '../../source/protocol/alerts.js';
import { CLIENT_STEPS, SERVER_STEPS } from '../../source/protocol/steps.js';
import { listSessions, readTranscript } from '../../source/store/session-store.js';
import { formatBytes } from '../../source/protocol/units.js';
import { App } from '../../source/ui/App.js';
import { DashboardEngine, describeResult, PausableClock } from '../../source/ui/dashboard-engine.js';
import type { EngineEvent } from '../../source/ui/dashboard-state.js';

const ALPHA = Buffer.from('alpha: the first file in the public folder\n'.repeat(40));
const BETA = Buffer.from('beta\n');

let root: string;
let keystore: Keystore;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tls-tui-app-'));
  keystore = await openKeystore(join(root, 'keystore'));
}, 30_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Harness {
  readonly engine: DashboardEngine;
  readonly receivedDir: string;
  readonly app: ReturnType<typeof render>;
}

let folder = 0;
let harness: Harness | undefined;

beforeEach(async () => {
  folder += 1;
  const publicDir = join(root, `public-${folder}`);
  const receivedDir = join(root, `received-${folder}`);
  await Promise.all([mkdir(publicDir), mkdir(receivedDir)]);
  await writeFile(join(publicDir, 'alpha.txt'), ALPHA);
  await writeFile(join(publicDir, 'beta.txt'), BETA);
  const engine = await DashboardEngine.start({ keystore, publicDir, receivedDir, port: 0 });
  harness = { engine, receivedDir, app: render(<App engine={engine} />) };
});

afterEach(async () => {
  harness?.app.unmount();
  await harness?.engine.close();
  harness = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const frame = (): string => stripVTControlCharacters(harness!.app.lastFrame() ?? '');

/** Polls the frame until `predicate` holds; fails with the last frame when it does not within `timeoutMs`. */
async function waitForFrame(predicate: (frame: string) => boolean, what: string, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = frame();
    if (predicate(current)) return current;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the last frame was:\n${current}`);
    await sleep(25);
  }
}

const showing = (text: string) => waitForFrame((current) => current.includes(text), JSON.stringify(text));

/** One key, then a pause, as a person types. */
async function press(key: string): Promise<void> {
  harness!.app.stdin.write(key);
  await sleep(80);
}

/** Types `text` into the open prompt one key at a time, each once the one before it is on screen. */
async function typeInto(prompt: string, text: string): Promise<void> {
  for (let length = 1; length <= text.length; length += 1) {
    harness!.app.stdin.write(text[length - 1]!);
    await showing(`${prompt} ${text.slice(0, length)}`);
  }
}

const KEY = { enter: '\r', tab: '\t', escape: '\u001b', space: ' ' } as const;

/** The symbol before `label` in a checklist: the client's is left of the divider, the server's right of it. */
function stepSymbol(current: string, role: 'client' | 'server', label: string): string | undefined {
  for (const line of current.split('\n')) {
    const divider = line.indexOf('│');
    if (divider === -1) continue;
    const side = role === 'client' ? line.slice(0, divider) : line.slice(divider + 1);
    const match = /^(\S) (.*)$/u.exec(side);
    if (match && (match[2] === label || match[2]!.startsWith(`${label} `))) return match[1];
  }
  return undefined;
}

/** Every step symbol in both panes. */
const paneSymbols = (current: string): string[] =>
  CLIENT_STEPS.map((step) => stepSymbol(current, 'client', step.short) ?? '').concat(SERVER_STEPS.map((step) => stepSymbol(current, 'server', step.short) ?? ''));

const allDone = (current: string): boolean =>
  CLIENT_STEPS.every((step) => stepSymbol(current, 'client', step.short) === '✔') && SERVER_STEPS.every((step) => stepSymbol(current, 'server', step.short) === '✔');

/** The line under the panes: running, held, a notice, or how the last session ended. */
const resultLine = (current: string): string | undefined => current.split('\n').find((line) => !line.includes('│') && /^[✔✘●⏸!] /u.test(line));

describe('the dashboard', () => {
  it('fetches the first file: both checklists end done and the file is in received/', async () => {
    await showing('public/: 2 files');
    expect(frame()).toContain(`› ${formatBytes(ALPHA.length).padStart(9)}  alpha.txt`);
    expect(frame()).toMatch(/attacker: off {2}verify: on ✔/);
    await press(KEY.enter);
    const done = await waitForFrame((current) => allDone(current) && (resultLine(current) ?? '').includes('received'), 'both checklists done');
    expect(resultLine(done)).toBe(`✔ alpha.txt received, ${formatBytes(ALPHA.length)}, signature valid`);
    expect(await readdir(harness!.receivedDir)).toEqual(['alpha.txt']);
    expect(await readFile(join(harness!.receivedDir, 'alpha.txt'))).toEqual(ALPHA);
  });

  it('catches the forged-key attacker at the client’s certificate check and saves nothing', async () => {
    await showing('public/: 2 files');
    await press(KEY.enter);
    await waitForFrame((current) => allDone(current) && (resultLine(current) ?? '').includes('received'), 'the first fetch');
    await press('a');
    await showing('attacker: forged-key');
    await press(KEY.enter);
    const caught = await waitForFrame(
      (current) => (resultLine(current) ?? '').startsWith('✘') && stepSymbol(current, 'server', 'Secret + CERT_VERIFY') === '⊘' && /^mitm: caught/mu.test(current),
      'the attack to be caught, and the server stopped by the client’s alert',
    );
    expect(resultLine(caught)).toContain('bad_certificate');
    expect(stepSymbol(caught, 'client', 'Verify server certificate')).toBe('✘');
    // One ✘ in the panes, where the attack was caught.
    expect(paneSymbols(caught).filter((symbol) => symbol === '✘')).toHaveLength(1);
    expect(stepSymbol(caught, 'client', 'CLIENT_HELLO + certificate')).toBe('✔');
    expect(stepSymbol(caught, 'client', 'Save to received/')).not.toBe('✔');
    expect(caught).toMatch(/^mitm: caught: the client sent bad_certificate/mu);
    expect(resultLine(caught)).not.toContain('received');
    expect(await readdir(harness!.receivedDir)).toEqual(['alpha.txt']);

    // The wire log, two panes along, shows the hops through the attacker and opens in the inspector.
    await press(KEY.tab);
    await press(KEY.tab);
    const wire = await showing('(Enter inspects the selected one)');
    expect(wire).toMatch(/client → mitm +CLIENT_HELLO/);
    expect(wire).toMatch(/mitm → client +SERVER_HELLO .*✎ rewritten/);
    await press(KEY.enter);
    const inspector = await showing('(selected field highlighted; PgUp PgDn scroll):');
    expect(inspector).toMatch(/^CLIENT_HELLO {2}client → mitm/m);
    expect(inspector).toMatch(/^000000 {2}16 03 00/m);
    await press(KEY.escape);
    const back = await waitForFrame((current) => !current.includes('record bytes') && current.includes('(Enter inspects the selected one)'), 'the inspector to close');
    expect(back).toContain('Wire ');
  }, 20_000);

  it('catches replay-client at the server’s CERTIFICATE_VERIFY; the client shows its step stopped by the server’s alert', async () => {
    await showing('public/: 2 files');
    for (const _ of ['forged-key', 'rogue-ca', 'self-signed', 'expired', 'wrong-name', 'replay-client']) await press('a');
    await showing('attacker: replay-client');
    await press(KEY.enter);
    const caught = await waitForFrame((current) => (resultLine(current) ?? '').startsWith('✘') && stepSymbol(current, 'client', 'Verify server certificate') === '⊘', 'replay-client to be caught');
    expect(stepSymbol(caught, 'server', 'Secret + CERT_VERIFY')).toBe('✘');
    expect(paneSymbols(caught).filter((symbol) => symbol === '✘')).toHaveLength(1);
    expect(resultLine(caught)).toContain('decrypt_error');
    expect(await readdir(harness!.receivedDir)).toEqual([]);
  }, 20_000);

  it('filters the files as a name is typed, fetches the match, and requests a typed name', async () => {
    await showing('public/: 2 files');
    await press('/');
    await showing('filter files:');
    await typeInto('filter files:', 'bet');
    const filtered = await showing('public/ matching "bet": 1');
    expect(filtered).toContain(`› ${formatBytes(BETA.length).padStart(9)}  beta.txt`);
    expect(filtered).not.toContain('alpha.txt');
    await press(KEY.enter);
    await waitForFrame((current) => !current.includes('filter files:'), 'the filter prompt to close');
    await press(KEY.enter);
    await waitForFrame((current) => (resultLine(current) ?? '').startsWith('✔ beta.txt received'), 'beta.txt to arrive');
    expect(await readdir(harness!.receivedDir)).toEqual(['beta.txt']);

    // n: any name, verbatim; the server refuses one it does not have.
    await press('n');
    await showing('request name:');
    await typeInto('request name:', 'nope');
    await press(KEY.enter);
    const refused = await waitForFrame((current) => (resultLine(current) ?? '').startsWith('✘'), 'the request to be refused');
    expect(resultLine(refused)).toContain('file_not_found');
    expect(refused).toContain(' CLIENT  GET nope');
    expect(await readdir(harness!.receivedDir)).toEqual(['beta.txt']);

    // Enter on an empty name asks for nothing, and says so.
    await press('n');
    await showing('request name:');
    await press(KEY.enter);
    expect(resultLine(await showing('no name typed'))).toBe('! no name typed: nothing was requested');

    // Nor does a name longer than a REQUEST carries, pasted in one read with its Enter.
    await press(`n${'x'.repeat(1_100)}\r`);
    expect(resultLine(await showing('a name is at most'))).toBe('! a name is at most 1024 bytes, and this one is 1100: nothing was requested');
    expect(frame()).toContain(' CLIENT  GET nope');
  }, 20_000);

  it('takes keys that arrive with / or n (a paste, tmux send-keys) as the prompt\'s text, and an Enter among them', async () => {
    await showing('public/: 2 files');
    await press('/bet');
    const filtered = await showing('public/ matching "bet": 1');
    expect(filtered).toContain('filter files: bet');
    await press(KEY.escape);
    await waitForFrame((current) => !current.includes('filter files:'), 'the filter prompt to close');

    await press('nnope\r');
    const refused = await waitForFrame((current) => (resultLine(current) ?? '').startsWith('✘'), 'the request to be refused');
    expect(refused).toContain(' CLIENT  GET nope');
    expect(refused).not.toContain('request name:');
  }, 20_000);

  it('shows a file copied into public/ while it waits, without a key, and one removed goes', async () => {
    await showing('public/: 2 files');
    const publicDir = join(root, `public-${folder}`);
    await writeFile(join(publicDir, 'gamma.txt'), 'new');
    const appeared = await waitForFrame((current) => current.includes('public/: 3 files'), 'gamma.txt to appear', 10_000);
    expect(appeared).toContain('gamma.txt');
    await rm(join(publicDir, 'alpha.txt'));
    const gone = await waitForFrame((current) => current.includes('public/: 2 files'), 'alpha.txt to go', 10_000);
    expect(gone).not.toContain('alpha.txt');
  }, 30_000);

  it('says on its result line what the keystore needs doing, as it opens', async () => {
    const notice = 'keystore: server.cert expired; remove it and run tls-tui keys';
    const engine = await DashboardEngine.start({ keystore, publicDir: join(root, 'no-such-public'), receivedDir: harness!.receivedDir, port: 0, notice });
    const app = render(<App engine={engine} />);
    try {
      const deadline = Date.now() + 10_000;
      while (!stripVTControlCharacters(app.lastFrame() ?? '').includes('server.cert expired') && Date.now() < deadline) await sleep(25);
      expect(resultLine(stripVTControlCharacters(app.lastFrame() ?? ''))).toBe(`! ${notice}`);
    } finally {
      app.unmount();
      await engine.close();
    }
  }, 20_000);

  it('history lists what it can read and says which file it skipped', async () => {
    const store = join(root, `store-${folder}`);
    await mkdir(store);
    const bad = join(store, '20260101-000000003-client-abcdef.jsonl');
    await writeFile(bad, `${JSON.stringify({ type: 'meta', id: '20260101-000000003-client-abcdef' })}\n`);
    const engine = await DashboardEngine.start({ keystore, publicDir: join(root, 'no-such-public'), receivedDir: harness!.receivedDir, port: 0, store: { dir: store } });
    const events: EngineEvent[] = [];
    const unsubscribe = engine.subscribe((event) => events.push(event));
    try {
      await engine.listHistory();
      expect(events.filter((event) => event.type === 'history')).toEqual([{ type: 'history', sessions: [] }]);
      expect(events.find((event) => event.type === 'notice')).toEqual({ type: 'notice', text: `history skipped ${bad}: the metadata has no "version"` });
    } finally {
      unsubscribe();
      await engine.close();
    }
  });

  it('says a public folder that is not there does not exist, rather than calling it empty', async () => {
    const missing = join(root, 'no-such-public');
    const engine = await DashboardEngine.start({ keystore, publicDir: missing, receivedDir: harness!.receivedDir, port: 0 });
    const app = render(<App engine={engine} />);
    try {
      const deadline = Date.now() + 5_000;
      while (!stripVTControlCharacters(app.lastFrame() ?? '').includes('does not exist') && Date.now() < deadline) await sleep(25);
      expect(stripVTControlCharacters(app.lastFrame() ?? '').replace(/\s+/g, ' ')).toContain(`${missing} does not exist or is not a folder`);
    } finally {
      app.unmount();
      await engine.close();
    }
  }, 20_000);

  it('shows the help on ?, closes it on Esc, and quits on q', async () => {
    await showing('public/: 2 files');
    await press('?');
    const help = await showing('Keys');
    expect(help).toContain('cycle the attacker');
    await press(KEY.escape);
    await showing('public/: 2 files');
    expect(harness!.app.stdin.listenerCount('readable')).toBeGreaterThan(0);
    await press('q');
    // Quitting unmounts: Ink stops reading the keyboard, and keys change nothing any more.
    expect(harness!.app.stdin.listenerCount('readable')).toBe(0);
    const last = frame();
    await press('?');
    expect(frame()).toBe(last);
  });

  it('step mode holds each record until space, and c lets the session run to its end', async () => {
    await showing('public/: 2 files');
    await press('s');
    await showing('step mode');
    await press(KEY.enter);
    const held = await showing('client is about to send CLIENT_HELLO');
    expect(resultLine(held)).toBe('⏸ client is about to send CLIENT_HELLO: space sends it, c lets the session run');
    // The footer leads with the keys that work in step mode.
    expect(held).toMatch(/^\? help {2}q quit {2}space send {2}c run on {2}s step off/m);
    expect(stepSymbol(held, 'client', 'Connect')).toBe('✔');
    expect(stepSymbol(held, 'client', 'CLIENT_HELLO + certificate')).not.toBe('✔');
    // It stays held: nothing moves without space.
    await sleep(300);
    expect(stepSymbol(frame(), 'client', 'CLIENT_HELLO + certificate')).not.toBe('✔');
    expect(frame()).toContain('client is about to send CLIENT_HELLO');

    await press(KEY.space);
    const next = await waitForFrame((current) => current.includes('server is about to send SERVER_HELLO') && stepSymbol(current, 'client', 'CLIENT_HELLO + certificate') === '✔', 'SERVER_HELLO to be held');
    expect(stepSymbol(next, 'client', 'Verify server certificate')).not.toBe('✔');

    // An attacker switched on now is for the next session: the running one says so and keeps its own.
    // The notice joins the prompt, which stays: the record still waits for space.
    await press('a');
    const told = await showing('! attacker forged-key from the next session');
    expect(resultLine(told)).toMatch(/^⏸ server is about to send SERVER_HELLO {2}! attacker forged-key from the next session/);

    await press('c');
    const done = await waitForFrame((current) => allDone(current) && (resultLine(current) ?? '').includes('received'), 'the session to run to its end');
    expect(done).not.toContain('about to send');
    expect(await readdir(harness!.receivedDir)).toEqual(['alpha.txt']);
    expect(resultLine(done)).toMatch(/^✔ alpha\.txt received/);
  }, 20_000);
});

describe('the engine in step mode', () => {
  it('announces each held record by the name its sender gives it (or as encrypted), in the order they leave', async () => {
    const { engine } = harness!;
    const events: EngineEvent[] = [];
    const unsubscribe = engine.subscribe((event) => {
      events.push(event);
      // A person pressing space as soon as each record is announced.
      if (event.type === 'held') setImmediate(() => engine.sendNext());
    });
    engine.setStepMode(true);
    await engine.fetch({ op: 'GET', name: 'beta.txt' });
    unsubscribe();
    const end = events.find((event) => event.type === 'session-end');
    expect(end).toMatchObject({ type: 'session-end', result: { ok: true } });
    const sent = events.flatMap((event) => (event.type === 'peer' && event.event.type === 'wire' && event.event.action === 'sent' ? [event.event] : []));
    const held = events.flatMap((event) => (event.type === 'held' ? [event] : []));
    for (const role of ['client', 'server'] as const) {
      const records = sent.filter((event) => event.role === role);
      const announced = held.filter((event) => event.role === role).map((event) => event.message);
      expect(records.length).toBeGreaterThan(3);
      expect(announced).toHaveLength(records.length);
      records.forEach((record, index) => {
        const expected = record.encrypted ? [record.message, 'an encrypted record'] : [record.message];
        expect(expected, `${role} record ${index + 1} (${record.message}) announced as "${announced[index]}"`).toContain(announced[index]);
      });
    }
  });
});

describe('the engine\'s clock', () => {
  it('stamps peer events with the protocol clock, which stands still while step mode holds a record', async () => {
    const { engine } = harness!;
    const stamps: number[] = [];
    let holds = 0;
    const unsubscribe = engine.subscribe((event) => {
      if (event.type === 'peer') stamps.push(event.at);
      // A person who looks at each record for 50 ms before pressing space.
      if (event.type === 'held') {
        holds += 1;
        setTimeout(() => engine.sendNext(), 50);
      }
    });
    engine.setStepMode(true);
    const started = Date.now();
    await engine.fetch({ op: 'GET', name: 'beta.txt' });
    const wall = Date.now() - started;
    unsubscribe();
    expect(holds).toBeGreaterThan(10);
    // The holds took at least 50 ms each of the wall clock, and none of the protocol's: a transfer's rate leaves them out.
    expect(stamps.at(-1)! - stamps[0]!).toBeLessThan(wall - holds * 40);
    expect(engine.now()).toBeLessThan(Date.now() - holds * 40);
  });
});

describe('the engine\'s transcripts', () => {
  it('keep a session after a step-mode pause readable, its times on the protocol clock from its start', async () => {
    const store = join(root, `store-paused-${folder}`);
    const engine = await DashboardEngine.start({ keystore, publicDir: join(root, `public-${folder}`), receivedDir: harness!.receivedDir, port: 0, store: { dir: store } });
    try {
      const unsubscribe = engine.subscribe((event) => {
        if (event.type === 'held') setTimeout(() => engine.sendNext(), 20);
      });
      engine.setStepMode(true);
      await engine.fetch({ op: 'GET', name: 'beta.txt' });
      engine.setStepMode(false);
      await engine.fetch({ op: 'GET', name: 'alpha.txt' });
      unsubscribe();
    } finally {
      await engine.close();
    }
    const skipped: string[] = [];
    const sessions = await listSessions(store, (problem) => skipped.push(problem));
    expect([sessions.length, skipped]).toEqual([2, []]);
    for (const session of sessions) {
      const transcript = await readTranscript(session.path);
      expect(transcript.lines.every((line) => line.t >= 0)).toBe(true);
    }
  });
});

describe('the engine and received/', () => {
  it('marks a file saved with verification off until a verified fetch replaces it', async () => {
    const { engine } = harness!;
    const listings: EngineEvent[] = [];
    const unsubscribe = engine.subscribe((event) => {
      if (event.type === 'received') listings.push(event);
    });
    const alpha = () => {
      const last = listings.at(-1);
      return last?.type === 'received' ? last.entries.find((entry) => entry.name === 'alpha.txt') : undefined;
    };
    engine.setVerify(false);
    await engine.fetch({ op: 'GET', name: 'alpha.txt' });
    expect(alpha()).toMatchObject({ name: 'alpha.txt', unverified: true });
    engine.setVerify(true);
    // A later write has a later modification time, even on a coarse clock.
    await sleep(20);
    await engine.fetch({ op: 'GET', name: 'alpha.txt' });
    expect(alpha()).toEqual({ name: 'alpha.txt', size: ALPHA.length, sha256: expect.any(String) });
    unsubscribe();
  });
});

describe('PausableClock', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('follows the system clock until paused, stands still while paused, and resumes without a jump', () => {
    let system = 10_000;
    vi.spyOn(Date, 'now').mockImplementation(() => system);
    const clock = new PausableClock();
    expect(clock.now()).toBe(10_000);
    system = 10_500;
    expect(clock.now()).toBe(10_500);
    clock.pause();
    system = 12_000;
    expect(clock.now()).toBe(10_500);
    // Pausing again does not move the moment it stopped.
    clock.pause();
    system = 15_000;
    expect(clock.now()).toBe(10_500);
    clock.resume();
    expect(clock.now()).toBe(10_500);
    system = 15_250;
    expect(clock.now()).toBe(10_750);
    // Resuming a running clock changes nothing; a second pause adds up.
    clock.resume();
    expect(clock.now()).toBe(10_750);
    clock.pause();
    system = 16_000;
    clock.resume();
    system = 16_100;
    expect(clock.now()).toBe(10_850);
  });

  it('hands out `now` as a function that works detached, as the sockets call it', () => {
    const clock = new PausableClock();
    const { now } = clock;
    const before = Date.now();
    expect(now()).toBeGreaterThanOrEqual(before);
  });
});

describe('describeResult', () => {
  const get = { op: 'GET', name: 'alpha.txt' } as const;
  const alert = (name: keyof typeof ALERT_CODES, reason: string) => ({ level: 'fatal', description: ALERT_CODES[name], reason }) as const;

  it('says a verified file arrived, with its size', () => {
    expect(describeResult(get, { ok: true, size: 1_760 }, 'off', true)).toBe('alpha.txt received, 1.8 kB, signature valid');
    expect(describeResult(get, { ok: true, size: 0 }, 'bit-flip', true)).toBe('alpha.txt received, 0 B, signature valid');
  });

  it('says when the certificate was not verified', () => {
    expect(describeResult(get, { ok: true, size: 5 }, 'off', false)).toBe('alpha.txt received, 5 B, signature valid (certificate NOT verified)');
    expect(describeResult(get, { ok: true, size: 5 }, 'replay-client', false)).toBe('alpha.txt received, 5 B, signature valid (certificate NOT verified)');
  });

  it('says the attacker signed it when an impersonating attacker got past an unverified certificate', () => {
    for (const mode of ['forged-key', 'rogue-ca', 'self-signed', 'expired', 'wrong-name'] as const) {
      expect(describeResult(get, { ok: true, size: 412 }, mode, false)).toBe(
        "alpha.txt received, 412 B: signed by the ATTACKER's key, accepted because the client did not verify the certificate",
      );
    }
  });

  it('counts a listing', () => {
    const list = { op: 'LIST' } as const;
    expect(describeResult(list, { ok: true, entries: [{ name: 'a', size: 1 }, { name: 'b', size: 2 }] }, 'off', true)).toBe('listing received: 2 files');
    expect(describeResult(list, { ok: true, entries: [{ name: 'a', size: 1 }] }, 'off', true)).toBe('listing received: 1 file');
    expect(describeResult(list, { ok: true, entries: [] }, 'off', true)).toBe('listing received: 0 files');
  });

  it('says why a session stopped, naming the alert once', () => {
    expect(describeResult(get, { ok: false, kind: 'connection', reason: 'cannot connect to 127.0.0.1:1: ECONNREFUSED' }, 'off', true)).toBe(
      'stopped: cannot connect to 127.0.0.1:1: ECONNREFUSED',
    );
    expect(describeResult(get, { ok: false, kind: 'protocol', alert: alert('unknown_ca', 'issuer Mallory Root CA is not trusted'), reason: 'issuer Mallory Root CA is not trusted' }, 'rogue-ca', true)).toBe(
      'stopped: unknown_ca: issuer Mallory Root CA is not trusted',
    );
    expect(describeResult(get, { ok: false, kind: 'protocol', alert: alert('bad_record_mac', 'x'), reason: 'server sent bad_record_mac: record 1 failed its MAC check' }, 'bit-flip', true)).toBe(
      'stopped: server sent bad_record_mac: record 1 failed its MAC check',
    );
  });
});

/**
 * The real program in a real terminal: tmux runs the built dashboard at 120x40 and
 * at 80x24, keys are typed with send-keys and the screen is read with
 * capture-pane, as a user would see it. It lists the server's files (the cursor
 * stays on its file when one appears before it), fetches a file (at 120x40 the
 * details wrap; at 80x24 every footer key still shows), switches on an attack and
 * sees one ✘ where the client caught it and the server stopped by its alert,
 * opens the inspector, the help (which scrolls), a step explained in full and the
 * history (which fits its width), and quits leaving the terminal as it was.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';

const SOCKET = `tls-tui-e2e-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
}

const screen = (): string => tmux('capture-pane', '-p', '-t', 'e2e');
const press = (...keys: string[]): void => {
  for (const key of keys) tmux('send-keys', '-t', 'e2e', key);
};

async function waitFor(what: string | RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = screen();
    if (typeof what === 'string' ? last.includes(what) : what.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the screen never showed ${String(what)}; it showed:\n${last}`);
}

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tls-tui-e2e-'));
  await mkdir(join(root, 'public'));
  await writeFile(join(root, 'public', 'hello.txt'), 'hello through a real terminal\n');
});

afterEach(async () => {
  try {
    tmux('kill-server');
  } catch {
    // Already gone: the dashboard quit and the shell exited.
  }
  await rm(root, { recursive: true, force: true });
});

describe.each([
  [120, 40],
  [80, 24],
])('the dashboard in a %ix%i terminal', (columns, rows) => {
  it('fetches a file, catches an attack at the right step, inspects a record and quits cleanly', async () => {
    const command = `cd ${root} && node ${CLI} --port 0; echo "EXITED $?"; sleep 60`;
    tmux('new-session', '-d', '-s', 'e2e', '-x', String(columns), '-y', String(rows), command);

    const first = await waitFor('hello.txt');
    // Listen is done before any session: the server is listening.
    expect(first).toMatch(/│✔ Listen/);
    // A file appears before the selected one; after L's listing the cursor is still on hello.txt.
    await writeFile(join(root, 'public', 'aaa.txt'), 'a\n');
    press('L');
    const listed = await waitFor('listing received: 2 files');
    expect(listed).toMatch(/^› +\d+ B {2}hello\.txt$/m);
    press('Enter');
    const fetched = await waitFor('hello.txt received');
    expect(fetched).toMatch(/✔ Save to received\//);
    expect(fetched.split('\n').every((line) => line.length <= columns)).toBe(true);
    // Every key of the footer is there, on two lines when one is too narrow.
    expect(fetched).toMatch(/s step {2}n name {2}L list {2}h history/);
    if (rows >= 40) {
      // A tall terminal wraps the steps' details under their labels instead of cutting them.
      expect(fetched).toContain('(HMAC-SHA256)');
      expect(fetched).toMatch(/│ {2}\S/);
    }
    expect(await readFile(join(root, 'received', 'hello.txt'), 'utf8')).toBe('hello through a real terminal\n');

    press('a');
    await waitFor('attacker: forged-key');
    press('Enter');
    const attacked = await waitFor('stopped: bad_certificate');
    expect(attacked).toMatch(/✘ Verify server certificate/);
    expect(attacked).toMatch(/– Save to received\//);
    // One ✘ in the panes, where the client caught it; the server was stopped by the client's alert.
    expect(attacked).toMatch(/│⊘ Secret \+ CERT_VERIFY/);
    expect(attacked.split('\n').filter((line) => line.includes('│')).join('\n').match(/✘/g)).toHaveLength(1);
    expect(await readdir(join(root, 'received'))).toEqual(['hello.txt']);

    press('Tab', 'Tab');
    await waitFor(/mitm → client\s+SERVER_HELLO.*✎ rewritten/);
    press('Enter');
    const inspector = await waitFor('record bytes');
    expect(inspector).toContain('content type');
    expect(inspector).toMatch(/000000 {2}16 03 00/);
    press('Escape');
    await waitFor('Wire');

    // The help fits: its title and legend stay, and the keys scroll to the last one.
    press('?');
    const help = await waitFor('Keys');
    expect(help).toContain('– skipped.');
    for (let index = 0; index < 20; index += 1) press('j');
    const scrolled = await waitFor(/q {2}Ctrl\+C +quit/);
    expect(scrolled).toMatch(/^Keys/m);
    expect(scrolled.split('\n').every((line) => line.length <= columns)).toBe(true);
    press('Escape');
    await waitFor('Enter inspect');

    // The selected step's explanation fits below the panes, or says how to read it all; Enter does.
    press('Tab');
    const explained = await waitFor('client: Connect to the server');
    if (rows < 40) expect(explained).toContain('… Enter shows it all');
    press('Enter');
    const whole = await waitFor('Esc back');
    expect(whole).toContain('Real TLS: ');
    press('Escape');
    await waitFor('Enter explain');

    // The history's columns fit the width, the outcome included.
    press('h');
    const history = await waitFor(/started \(UTC\).*outcome/);
    expect(history.split('\n').every((line) => line.length <= columns)).toBe(true);
    expect(history).toContain('✘ bad_certificate');
    press('Escape');
    await waitFor('Enter explain');

    press('q');
    const after = await waitFor('EXITED 0');
    expect(after).not.toContain('CLIENT');
  }, 60_000);
});

describe('a terminal resized under the dashboard', () => {
  it('says how many rows it needs, leaves nothing of an older frame behind, and comes back when there is room', async () => {
    const command = `cd ${root} && node ${CLI} --port 0; echo "EXITED $?"; sleep 60`;
    tmux('new-session', '-d', '-s', 'e2e', '-x', '60', '-y', '20', command);
    const tall = await waitFor('this one is 60x20');
    expect(tall).toContain('need at least 22 rows');
    // Keys other than q do nothing while the dashboard is not drawn: no attacker switched on, no fetch.
    press('a');
    press('Enter');

    // Narrower and shorter: the old frame's longer lines would wrap onto rows nobody erases.
    tmux('resize-window', '-t', 'e2e', '-x', '40', '-y', '10');
    const small = await waitFor(/is 40x10/);
    expect(small).not.toContain('60x20');
    const shown = small.split('\n').filter((line) => line.trim() !== '');
    expect(shown[0]).toMatch(/^tls-tui needs a taller terminal/);
    for (const line of shown) expect(line, line).not.toMatch(/^ /);
    expect(small.replace(/\n/g, ' ')).toMatch(/at least 22 rows/);

    tmux('resize-window', '-t', 'e2e', '-x', '80', '-y', '24');
    const back = await waitFor('hello.txt');
    expect(back).not.toContain('taller terminal');
    expect(back.split('\n')[0]).toMatch(/^tls-tui {2}server 127\.0\.0\.1:\d+ {2}attacker: off/);
    expect(back).toContain('· Connect');
    expect(back).toContain('Pick a file and press Enter to fetch it.');
    // A prompt open when the terminal shrinks is not drawn: q still quits, as the message says.
    press('/');
    await waitFor('filter files:');
    tmux('resize-window', '-t', 'e2e', '-x', '60', '-y', '20');
    await waitFor('this one is 60x20');
    press('q');
    await waitFor('EXITED 0');
  }, 60_000);
});

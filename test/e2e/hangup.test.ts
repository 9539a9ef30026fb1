/**
 * The terminal going away under the dashboard: the built program runs in a
 * pseudo-terminal that Python's pty module opens (Node has none of its own), and
 * the test either closes the terminal, as a closed window or a dropped SSH
 * connection does (SIGHUP, then every read and write fails with EIO), or sends
 * SIGHUP while the terminal stays. Either way the program ends quietly, on the
 * hangup, with nothing on stderr: no EIO stack trace, no failed assertion from
 * Node resetting a terminal that is gone; and a terminal that stays is given
 * back (the alternate screen left).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';

/** Runs the dashboard in a pty until it has drawn, then closes the terminal or signals it; prints how it ended. */
const DRIVER = String.raw`
import json, os, pty, select, signal, struct, sys, time, fcntl, termios
cli, cwd, stderr_path, how = sys.argv[1:5]
pid, fd = pty.fork()
if pid == 0:
    os.chdir(cwd)
    err = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(err, 2)
    os.execvp('node', ['node', cli, '--port', '0'])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
screen = b''
deadline = time.time() + 20
while b'Pick a file' not in screen and time.time() < deadline:
    if select.select([fd], [], [], 0.1)[0]:
        screen += os.read(fd, 65536)
if how == 'close':
    os.close(fd)
else:
    os.kill(pid, signal.SIGHUP)
    try:
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            screen += chunk
    except OSError:
        pass
_, status = os.waitpid(pid, 0)
print(json.dumps({'drawn': b'Pick a file' in screen, 'signal': os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                  'code': os.WEXITSTATUS(status) if os.WIFEXITED(status) else None, 'left': b'\x1b[?1049l' in screen}))
`;

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tls-tui-hangup-'));
  await mkdir(join(root, 'public'));
  await writeFile(join(root, 'public', 'hello.txt'), 'hello\n');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function hangUp(how: 'close' | 'signal'): { drawn: boolean; signal: number | null; code: number | null; left: boolean } {
  const stdout = execFileSync('python3', ['-c', DRIVER, CLI, root, join(root, 'stderr.txt'), how], { encoding: 'utf8', timeout: 40_000 });
  return JSON.parse(stdout) as never;
}

describe('the dashboard when its terminal goes away', () => {
  it('ends on the hangup, quietly, when the terminal closes', async () => {
    const ended = hangUp('close');
    expect(ended.drawn).toBe(true);
    expect(ended.signal).toBe(1);
    const stderr = await readFile(join(root, 'stderr.txt'), 'utf8');
    expect(stderr).not.toMatch(/Error|EIO|Assertion|at /);
  }, 45_000);

  it('gives a terminal that stays back, then ends on the hangup, quietly', async () => {
    const ended = hangUp('signal');
    expect(ended.drawn).toBe(true);
    expect(ended.signal).toBe(1);
    expect(ended.left).toBe(true);
    const stderr = await readFile(join(root, 'stderr.txt'), 'utf8');
    expect(stderr).not.toMatch(/Error|EIO|Assertion|at /);
  }, 45_000);
});

/**
 * `tls-tui mitm` with an upstream that is its own listening address is a usage error,
 * said before it listens: run, it would connect to itself again and again until it
 * ran out of file descriptors.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../source/headless/exit-codes.js';
import { runCli } from '../support/cli.js';
import { closedPort } from '../support/net-harness.js';

let root: string;
let port: number;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tls-tui-mitm-upstream-'));
  expect((await runCli(['keys', '--keystore', 'keystore'], root)).code).toBe(0);
  port = await closedPort();
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('tls-tui mitm --upstream', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['127.0.0.1', 'localhost'],
    ['0.0.0.0', '127.0.0.1'],
  ])('listening on %s, an upstream %s at the same port: a usage error, and it never listens', async (host, upstreamHost) => {
    // A relay that does listen is killed after 20 s, and fails the test with no exit code.
    const mitm = await runCli(['mitm', '--host', host, '--listen', String(port), '--upstream', `${upstreamHost}:${port}`, '--keystore', 'keystore'], root, 20_000);
    expect(mitm.code).toBe(EXIT.usage);
    expect(mitm.stderr).toBe(
      `tls-tui: --upstream ${upstreamHost}:${port} is this relay's own address (it listens on ${host}:${port}): it would connect to itself, again and again; give the address of the server\n`,
    );
    expect(mitm.stdout).not.toContain('listening');
  }, 30_000);
});

/**
 * What a remote peer can make the other side print. The headless server and client print
 * alert reasons, names and listings to the operator's terminal; all of those come off the
 * wire, so a hostile peer must not be able to slip in terminal control sequences (ESC and
 * OSC sequences that clear the screen, retitle the window or write the clipboard, BEL) or
 * carriage returns and line feeds that forge whole log lines. A raw client opens with a
 * fatal alert whose reason carries all of these, against a `tls-tui server` process; a
 * malicious server (test/support/evil-server.ts, with the keystore's server identity)
 * answers a `tls-tui client` process with such an alert, with a listing whose names carry
 * them, and with a FILE_HEADER for such a name. Each program's output may hold a line
 * feed only at the end of one of its own lines, and no other control character.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKeystore } from '../../source/keystore/keystore.js';
import { ALERT_CODES } from '../../source/protocol/alerts.js';
import { encodeAlert } from '../../source/protocol/alert-message.js';
import { CONTENT_TYPE } from '../../source/protocol/record.js';
import { runCli } from '../support/cli.js';
import { EvilServer, type EvilScript } from '../support/evil-server.js';
import { concat } from '../support/fuzz.js';
import { application } from '../support/messages.js';
import { closedWithin, openRaw, type ServerUnderTest, startServerProcess } from '../support/server-process.js';

/** Clears the screen, retitles the window, rings the bell, and forges a line of the program's own. */
const HOSTILE = '\u001b]0;owned\u0007\u001b[2J\u001b[31mred\r\n[#99] session complete\u009b31m';
/** Any control character but the line feed, which is checked apart. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u;

function expectClean(output: string): void {
  expect(output, 'control characters in the output').not.toMatch(CONTROL);
  expect(output.split('\n').filter((line) => line.startsWith('[#99] session complete')), 'a forged line').toEqual([]);
}

let server: ServerUnderTest;

beforeAll(async () => {
  server = await startServerProcess();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('the server prints what a client sent', () => {
  it('a client opening with a fatal alert whose reason holds control sequences cannot write them to the terminal', async () => {
    const raw = await openRaw(server.port);
    const alert = encodeAlert({ level: 'fatal', description: ALERT_CODES.handshake_failure, reason: HOSTILE });
    raw.socket.write(concat([Uint8Array.from([21, 3, 0, alert.length >> 8, alert.length & 0xff]), alert]));
    await closedWithin(raw, raw.openedAt, 3_000);
    await server.expectHealthy();
    expect(server.running.output()).toMatch(/session stopped by the client: handshake_failure/);
    expectClean(server.running.output());
  }, 20_000);
});

describe('the client prints what a server sent', () => {
  let evil: EvilServer | undefined;
  let identity: Awaited<ReturnType<typeof openKeystore>>;

  beforeAll(async () => {
    identity = await openKeystore(join(server.root, 'keystore'));
  });

  afterAll(async () => {
    await evil?.close();
  });

  async function clientOutput(script: EvilScript, ...request: string[]): Promise<string> {
    await evil?.close();
    evil = await EvilServer.start(identity, script);
    const result = await runCli(['client', '--port', String(evil.port), '--keystore', 'keystore', '--received', 'received-injection', ...request], server.root);
    expect(evil.requests).toHaveLength(1);
    return result.stdout + result.stderr;
  }

  it('an alert whose reason holds control sequences', async () => {
    const output = await clientOutput((session) => {
      session.forge(CONTENT_TYPE.alert, encodeAlert({ level: 'fatal', description: ALERT_CODES.file_not_found, reason: HOSTILE }));
      session.end();
    }, '--file', 'notes.txt');
    expect(output).toMatch(/file_not_found/);
    expectClean(output);
  }, 20_000);

  it('a listing whose names hold control sequences', async () => {
    const output = await clientOutput((session) => {
      session.send(session.peer.sendList([{ name: `a${HOSTILE}.txt`, size: 1 }, { name: 'plain.txt', size: 2 }], Date.now()));
    }, '--list');
    expect(output).toMatch(/plain\.txt/);
    expectClean(output);
  }, 20_000);

  it('a FILE_HEADER for another name, holding control sequences', async () => {
    const output = await clientOutput((session) => {
      session.forge(CONTENT_TYPE.application_data, application({ name: 'FILE_HEADER', fileName: `x${HOSTILE}`, size: 1 }));
    }, '--file', 'notes.txt');
    expect(output).toMatch(/access_denied|but "notes\.txt" was requested/);
    expectClean(output);
  }, 20_000);
});

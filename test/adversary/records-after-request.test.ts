/**
 * A client that sends another record right after its REQUEST, against a real `tls-tui
 * server` process: a wire client sends the REQUEST and, in the same write, a second
 * REQUEST, a FILE_DATA or a CLIENT_HELLO, so that they reach the server while it opens
 * the file, reads the folder or finds that the name is not a file it serves. The server fails that session with
 * unexpected_message, and the answer it was preparing is dropped: the client
 * misbehaved, the server did not, so nothing of it reaches stderr as the server's own
 * fault. After each case the server is healthy and serves an honest client; once
 * stopped (when every answer it was preparing has settled), it has written nothing to
 * stderr at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CODES } from '../../source/protocol/alerts.js';
import type { ClientRequest } from '../../source/protocol/client.js';
import { CONTENT_TYPE, type ContentType } from '../../source/protocol/record.js';
import { seededBytes } from '../support/fuzz.js';
import { application, handshake, utf8 } from '../support/messages.js';
import { type ServerUnderTest, startServerProcess } from '../support/server-process.js';
import { WireClient } from '../support/wire-client.js';

let server: ServerUnderTest;
let stopped = false;
const survived: string[] = [];

beforeAll(async () => {
  server = await startServerProcess({ files: { 'file.bin': seededBytes(40_000, 31), 'docs/guide.txt': utf8('a guide\n') } });
}, 60_000);

afterAll(async () => {
  if (!stopped) await server?.stop();
});

interface Extra {
  readonly label: string;
  readonly record: (request: Uint8Array) => { readonly contentType: ContentType; readonly payload: Uint8Array };
}

const SECOND_REQUEST: Extra = { label: 'a second REQUEST', record: (request) => ({ contentType: CONTENT_TYPE.application_data, payload: request }) };
const FILE_DATA: Extra = { label: 'a FILE_DATA', record: () => ({ contentType: CONTENT_TYPE.application_data, payload: application({ name: 'FILE_DATA', data: utf8('unasked') }) }) };
const CLIENT_HELLO: Extra = {
  label: 'a CLIENT_HELLO',
  record: () => ({ contentType: CONTENT_TYPE.handshake, payload: handshake({ name: 'CLIENT_HELLO', random: seededBytes(32, 32), certificate: seededBytes(64, 33) }) }),
};

interface Case {
  readonly label: string;
  readonly request: ClientRequest;
  readonly extra: Extra;
}

const CASES: readonly Case[] = [
  { label: 'GET of a file that is there', request: { op: 'GET', name: 'file.bin' }, extra: SECOND_REQUEST },
  { label: 'GET of a file that is not there (file_not_found)', request: { op: 'GET', name: 'missing.bin' }, extra: SECOND_REQUEST },
  { label: 'GET of a folder (access_denied)', request: { op: 'GET', name: 'docs' }, extra: SECOND_REQUEST },
  { label: 'LIST', request: { op: 'LIST' }, extra: SECOND_REQUEST },
  { label: 'GET of a file that is there', request: { op: 'GET', name: 'file.bin' }, extra: FILE_DATA },
  { label: 'GET of a file that is there', request: { op: 'GET', name: 'file.bin' }, extra: CLIENT_HELLO },
];

describe('a record right after the REQUEST', () => {
  it.each(CASES)('$label, then $extra.label: unexpected_message, and the server goes on', async ({ label, request, extra }) => {
    const client = await WireClient.connect(server.port, server.identity, {
      request,
      outgoing: (outgoing, wire) => {
        if (!outgoing.message.startsWith('REQUEST')) return 'send';
        const { contentType, payload } = extra.record(outgoing.plaintext!);
        // One write, so the server reads both records together and takes in the second before its answer is ready.
        wire.write(Buffer.concat([wire.forge(CONTENT_TYPE.application_data, outgoing.plaintext!), wire.forge(contentType, payload)]));
        return 'hold';
      },
    });
    client.start();
    await client.until((wire) => wire.closedEvent !== undefined, 10_000, "the server's alert");
    expect(client.serverAlert).toMatchObject({ level: 'fatal', description: ALERT_CODES.unexpected_message });
    expect(client.events.some((event) => event.type === 'file-header' || event.type === 'list')).toBe(false);
    await client.until((wire) => wire.isClosed, 5_000, 'the close');
    await server.expectHealthy();
    survived.push(`${label}, then ${extra.label}`);
  }, 20_000);

  it('the server, stopped, wrote nothing to stderr: no answer it dropped was called a fault', async () => {
    expect(survived).toHaveLength(CASES.length);
    stopped = true;
    await server.stop();
    expect(server.running.output()).not.toMatch(/^tls-tui: /m);
  }, 20_000);
});

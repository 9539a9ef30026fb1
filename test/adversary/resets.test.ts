/**
 * Connections reset at every step of a session against a real `tls-tui server` process: a
 * wire client (test/support/wire-client.ts) runs a genuine handshake and resets the TCP
 * connection before its first byte, halfway through CLIENT_HELLO, in place of or right
 * after each message it sends, after each one it receives, in the middle of a 16 MiB
 * transfer while reading, in the middle of one while it has stopped reading (the server's
 * writes backed up), and in place of the final close_notify. After each reset the server
 * process is alive, its memory bounded, its sockets and file descriptors (the open public
 * file included) back to the baseline, and an honest client is served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededBytes } from '../support/fuzz.js';
import { type ServerUnderTest, startServerProcess } from '../support/server-process.js';
import { type OutgoingRecord, type Verdict, WireClient, type WireClientOptions } from '../support/wire-client.js';

const BIG = 16 * 1024 * 1024;

let server: ServerUnderTest;
const survived: string[] = [];

beforeAll(async () => {
  server = await startServerProcess({ files: { 'big.bin': seededBytes(BIG, 21) } });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

/** Resets in place of the record named `message`. */
const insteadOf = (message: string) => (outgoing: OutgoingRecord): Verdict => (outgoing.message === message ? 'reset' : 'send');

/** Sends the record named `message`, then resets on the next turn of the event loop. */
const rightAfter = (message: string) => (outgoing: OutgoingRecord, client: WireClient): Verdict => {
  if (outgoing.message === message) setImmediate(() => client.reset());
  return 'send';
};

const fileData = (client: WireClient) => client.events.some((event) => event.type === 'file-data');

interface ResetCase {
  readonly label: string;
  readonly options?: WireClientOptions;
  /** Runs the client up to the moment of the reset, and resets. */
  readonly play: (client: WireClient) => Promise<void>;
}

const started = async (client: WireClient, condition: (client: WireClient) => boolean, what: string) => {
  client.start();
  await client.until((wire) => wire.isClosed || condition(wire), 10_000, what);
  client.reset();
};

const CASES: readonly ResetCase[] = [
  { label: 'before the first byte', play: async (client) => client.reset() },
  {
    label: 'halfway through CLIENT_HELLO',
    options: { outgoing: (outgoing, client) => {
      client.write(outgoing.record.subarray(0, outgoing.record.length >> 1));
      setImmediate(() => client.reset());
      return 'hold';
    } },
    play: async (client) => {
      client.start();
    },
  },
  { label: 'right after CLIENT_HELLO', options: { outgoing: rightAfter('CLIENT_HELLO') }, play: async (client) => { client.start(); } },
  { label: 'after SERVER_HELLO, in place of CLIENT_KEY_EXCHANGE', options: { outgoing: insteadOf('CLIENT_KEY_EXCHANGE') }, play: async (client) => { client.start(); } },
  { label: 'after CLIENT_KEY_EXCHANGE, in place of CERTIFICATE_VERIFY', options: { outgoing: insteadOf('CERTIFICATE_VERIFY') }, play: async (client) => { client.start(); } },
  { label: 'right after CERTIFICATE_VERIFY', options: { outgoing: rightAfter('CERTIFICATE_VERIFY') }, play: async (client) => { client.start(); } },
  { label: 'after SERVER_KEY_EXCHANGE, in place of FINISHED', options: { outgoing: insteadOf('FINISHED') }, play: async (client) => { client.start(); } },
  { label: "right after FINISHED, before the server's", options: { outgoing: rightAfter('FINISHED') }, play: async (client) => { client.start(); } },
  { label: "after the server's FINISHED, in place of REQUEST", options: { outgoing: insteadOf('REQUEST GET') }, play: async (client) => { client.start(); } },
  { label: 'right after REQUEST', options: { request: { op: 'GET', name: 'big.bin' }, outgoing: rightAfter('REQUEST GET') }, play: async (client) => { client.start(); } },
  {
    label: 'after FILE_HEADER, mid-transfer, while reading',
    options: { request: { op: 'GET', name: 'big.bin' } },
    play: (client) => started(client, fileData, 'the first FILE_DATA'),
  },
  {
    label: 'mid-transfer, after the client stopped reading and the server backed up',
    options: { request: { op: 'GET', name: 'big.bin' }, paused: true },
    play: async (client) => {
      client.start();
      client.socket.resume();
      await client.until((wire) => wire.isClosed || fileData(wire), 10_000, 'the first FILE_DATA');
      client.socket.pause();
      await new Promise((resolve) => setTimeout(resolve, 500));
      client.reset();
    },
  },
  { label: 'after FILE_END, in place of close_notify', options: { outgoing: insteadOf('alert close_notify') }, play: async (client) => { client.start(); } },
];

describe('a connection reset at every step', () => {
  it.each(CASES.map((testCase) => [testCase.label, testCase] as const))('%s: the server stays healthy and serves the next client', async (label, testCase) => {
    const client = await WireClient.connect(server.port, server.identity, testCase.options);
    await testCase.play(client);
    await client.until((wire) => wire.isClosed, 10_000, 'the reset');
    await server.expectHealthy();
    survived.push(label);
  }, 30_000);

  it('every reset was survived, each honest client was served, and the resets were of sessions really under way', () => {
    expect(survived).toEqual(CASES.map((testCase) => testCase.label));
    expect(server.honest.every((result) => result.ok)).toBe(true);
    expect(server.running.output()).toMatch(/session failed/);
  });
});

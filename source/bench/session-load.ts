/**
 * A child process of the bench that plays clients against a running `tls-tui
 * server`: sessions one after another, timing each from connect to the file saved
 * and close_notify exchanged, or many at once for a fixed time, counting the
 * sessions completed. Clients run in one long-lived process, as `openssl s_time`
 * runs its connections, so the figures are the protocol's and not Node's start-up.
 * It prints one JSON line with the figures.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type AesImplementation, ctrStreamFactory } from '../crypto/aes-ctr.js';
import { openKeystore } from '../keystore/keystore.js';
import { runClientSession } from '../net/client.js';
import { cpuSeconds } from './support.js';

export interface SessionLoadConfig {
  readonly port: number;
  readonly keystore: string;
  readonly received: string;
  readonly name: string;
  readonly aes: AesImplementation;
  /** The server's process, whose CPU time is read over the measured window. */
  readonly serverPid?: number;
  /** Sessions run before measuring, for a warm JIT, as a long-running client has one. */
  readonly warmup: number;
  readonly load: { readonly kind: 'sequential'; readonly count: number } | { readonly kind: 'concurrent'; readonly clients: number; readonly seconds: number };
}

export type SessionLoadResult =
  | { readonly kind: 'sequential'; readonly millis: readonly number[] }
  | { readonly kind: 'concurrent'; readonly sessions: number; readonly seconds: number; readonly serverCpuSeconds: number; readonly clientCpuSeconds: number };

async function main(config: SessionLoadConfig): Promise<SessionLoadResult> {
  const keystore = await openKeystore(config.keystore);
  const createCtrStream = ctrStreamFactory(config.aes);
  let clientIndex = 0;
  const session = async (folder: string): Promise<void> => {
    const result = await runClientSession({
      host: '127.0.0.1',
      port: config.port,
      request: { op: 'GET', name: config.name },
      receivedDir: folder,
      key: keystore.client.key,
      certificate: keystore.client.certificate,
      trustedCa: keystore.ca.certificate,
      createCtrStream,
    });
    if (!result.ok) throw new Error(`a session failed: ${result.reason}`);
  };
  // Each concurrent client saves into its own folder, so no two rename onto the same name at once.
  const folderOf = (index: number): string => join(config.received, `client-${index}`);

  for (let index = 0; index < config.warmup; index += 1) await session(folderOf(0));
  if (config.load.kind === 'sequential') {
    const millis: number[] = [];
    for (let index = 0; index < config.load.count; index += 1) {
      const started = performance.now();
      await session(folderOf(0));
      millis.push(performance.now() - started);
    }
    return { kind: 'sequential', millis };
  }
  const { clients, seconds } = config.load;
  const serverCpu = cpuSeconds(config.serverPid);
  const clientCpu = cpuSeconds(process.pid);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let sessions = 0;
  const client = async (): Promise<void> => {
    const folder = folderOf(clientIndex++);
    while (performance.now() < deadline) {
      await session(folder);
      sessions += 1;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return {
    kind: 'concurrent',
    sessions,
    seconds: (performance.now() - started) / 1000,
    serverCpuSeconds: cpuSeconds(config.serverPid) - serverCpu,
    clientCpuSeconds: cpuSeconds(process.pid) - clientCpu,
  };
}

const config = JSON.parse(process.argv[2] ?? '{}') as SessionLoadConfig;
try {
  process.stdout.write(`${JSON.stringify(await main(config))}\n`);
} finally {
  await rm(config.received, { recursive: true, force: true });
}

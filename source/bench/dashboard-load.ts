/**
 * A child process of the bench that does what the dashboard process does while a
 * large file moves, without a terminal: the dashboard's engine runs its server and
 * its client in this one process over loopback TCP, and its events go through the
 * dashboard's reducer in 50 ms batches, as `useDashboard` feeds them. perf_hooks
 * watches the event loop meanwhile: a long delay is a frozen screen. It prints one
 * JSON line with the delays and the rate.
 */
// The same V8 tiering as the dashboard's process, which this one stands in for.
import '../v8-tiering.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AesImplementation } from '../crypto/aes-ctr.js';
import { openKeystore } from '../keystore/keystore.js';
import { DashboardEngine } from '../ui/dashboard-engine.js';
import { dashboardReducer, type EngineEvent, initialState, type SessionResult } from '../ui/dashboard-state.js';

export interface DashboardLoadConfig {
  readonly keystore: string;
  readonly public: string;
  readonly received: string;
  readonly store: string;
  readonly name: string;
  readonly bytes: number;
  readonly aes: AesImplementation;
}

export interface DashboardLoadResult {
  readonly p50Millis: number;
  readonly p99Millis: number;
  readonly maxMillis: number;
  readonly bytesPerSecond: number;
  /** Engine events the reducer took in, and in how many batches. */
  readonly events: number;
  readonly batches: number;
}

/** As in source/ui/use-dashboard.ts: how long engine events gather before one reducer pass. */
const BATCH_MS = 50;

async function main(config: DashboardLoadConfig): Promise<DashboardLoadResult> {
  const keystore = await openKeystore(config.keystore);
  const engine = await DashboardEngine.start({ keystore, publicDir: config.public, receivedDir: config.received, port: 0, store: { dir: config.store }, aes: config.aes });
  let state = initialState(engine.settings);
  let pending: EngineEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let events = 0;
  let batches = 0;
  let result: SessionResult | undefined;
  const flush = (): void => {
    timer = undefined;
    const batch = pending;
    pending = [];
    state = dashboardReducer(state, { type: 'engine', events: batch });
    events += batch.length;
    batches += 1;
  };
  const unsubscribe = engine.subscribe((event) => {
    if (event.type === 'session-end') result = event.result;
    pending.push(event);
    timer ??= setTimeout(flush, BATCH_MS);
  });

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  await engine.fetch({ op: 'GET', name: config.name });
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  unsubscribe();
  if (timer !== undefined) clearTimeout(timer);
  flush();
  await engine.close();
  if (result?.ok !== true) throw new Error(`the dashboard's session failed: ${result?.text ?? 'no result'}`);
  if (state.result?.ok !== true) throw new Error('the reducer did not see the session end');
  const millis = (nanoseconds: number): number => nanoseconds / 1e6;
  return {
    p50Millis: millis(delay.percentile(50)),
    p99Millis: millis(delay.percentile(99)),
    maxMillis: millis(delay.max),
    bytesPerSecond: config.bytes / seconds,
    events,
    batches,
  };
}

const config = JSON.parse(process.argv[2] ?? '{}') as DashboardLoadConfig;
process.stdout.write(`${JSON.stringify(await main(config))}\n`);

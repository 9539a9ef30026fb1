/**
 * `npm run load`: runs the load test of load.ts and prints its figures, or one JSON object
 * with `--json`. Options: --clients (50), --transfers per client (20) and --sizes (a
 * comma-separated list, 1KiB,64KiB,1MiB,10MiB). Exits 0 only when every transfer
 * succeeded and every file matched its SHA-256; slowness alone never fails it.
 */
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { parsePositiveInteger, parseSize } from '../headless/arguments.js';
import { formatBytes, formatRate } from '../protocol/units.js';
import { type LoadReport, runLoad } from './load.js';

function parseSizes(value: string): number[] {
  const sizes = value.split(',').map((part) => parseSize(part));
  if (sizes.some((size) => size < 1)) throw new InvalidArgumentError('expected sizes of at least one byte.');
  return sizes;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
/** Sizes as they were asked for: 1 KiB, 10 MiB. */
const binary = (bytes: number) => {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
};
const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

function print(report: LoadReport): void {
  const lines = [
    `tls-tui load: ${report.clients} concurrent clients × ${report.transfers} transfers, sizes ${report.sizes.map(binary).join(', ')}`,
    `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}; the server in its own process`,
    '',
    `transfers        ${report.attempted} attempted, ${report.succeeded} succeeded, ${report.failed} failed, ${report.corrupted} corrupted`,
    `data             ${formatBytes(report.bytes)} verified in ${report.seconds.toFixed(1)} s (${formatRate(report.bytes / report.seconds)})`,
    `handshake        p50 ${ms(report.handshakeMs.p50)}, p99 ${ms(report.handshakeMs.p99)}, max ${ms(report.handshakeMs.max)}`,
    `transfer         p50 ${ms(report.transferMs.p50)}, p99 ${ms(report.transferMs.p99)}, max ${ms(report.transferMs.max)}`,
    report.server
      ? `server memory    peak ${mib(report.server.peakKiB)} (VmHWM), ${mib(report.server.startKiB)} at start; descriptors ${report.server.fdsAtStart} at start, ${report.server.fdsAtEnd} at the end`
      : 'server memory    not available (no /proc)',
    ...report.failures.map((reason) => `failure          ${reason}`),
  ];
  console.log(lines.join('\n'));
}

const program = new Command('load')
  .description('concurrent clients fetching files from a tls-tui server process, every file checked by SHA-256')
  .option('--clients <n>', 'concurrent clients', parsePositiveInteger, 50)
  .option('--transfers <n>', 'transfers per client, one after another', parsePositiveInteger, 20)
  .option('--sizes <list>', 'file sizes, comma-separated', parseSizes, parseSizes('1KiB,64KiB,1MiB,10MiB'))
  .option('--json', 'print the report as one JSON object')
  .action(async (options: { clients: number; transfers: number; sizes: number[]; json?: boolean }) => {
    const report = await runLoad({
      clients: options.clients,
      transfers: options.transfers,
      sizes: options.sizes,
      cli: fileURLToPath(new URL('../cli.js', import.meta.url)),
      onProgress: options.json ? undefined : (done, total) => {
        if (done % Math.max(1, Math.floor(total / 10)) === 0) process.stderr.write(`  ${done} of ${total} transfers\n`);
      },
    });
    if (options.json) console.log(JSON.stringify(report));
    else print(report);
    process.exitCode = report.failed === 0 && report.corrupted === 0 ? 0 : 1;
  });

await program.parseAsync(process.argv);

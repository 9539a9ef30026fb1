/**
 * A child process of the bench that measures the ceiling of a transfer: aes-js
 * AES-256-CTR alone on one core, over as many bytes as the transfer moves, in
 * record-sized pieces of random data, in a fresh Node process (so its JIT warms up
 * on the way, as each peer's does in a transfer). With `warm`, it first runs the
 * cipher a while, for the steady-state figure. It prints one JSON line.
 */
import { randomFillSync } from 'node:crypto';
import { ctrStreamFactory } from '../crypto/aes-ctr.js';
import { MAX_PLAINTEXT_BYTES } from '../protocol/record.js';

export interface AesReferenceConfig {
  readonly bytes: number;
  readonly warm: boolean;
}

export interface AesReferenceResult {
  readonly bytesPerSecond: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as AesReferenceConfig;
const stream = ctrStreamFactory('aes-js')(randomFillSync(new Uint8Array(32)), randomFillSync(new Uint8Array(16)));
const piece = randomFillSync(new Uint8Array(MAX_PLAINTEXT_BYTES));
if (config.warm) for (let done = 0; done < 8 * 1024 * 1024; done += piece.length) stream.update(piece);
const started = performance.now();
for (let done = 0; done < config.bytes; done += piece.length) stream.update(piece);
const result: AesReferenceResult = { bytesPerSecond: config.bytes / ((performance.now() - started) / 1000) };
process.stdout.write(`${JSON.stringify(result)}\n`);

/**
 * A child process of the bench that measures the floor under a transfer: the same file
 * in the same FILE_DATA records (16 KiB), read from disk, sent over loopback TCP and
 * written to a file synced to disk, by two minimal processes with nothing of tls-tui's
 * session engine: no handshake, events, checklist, transcript or progress. With
 * `protect`, every record goes through the record layer as in a session (node:crypto's
 * AES-256-CTR, HMAC-SHA256 checked before decrypting) and both sides hash the file
 * with SHA-256, as FILE_END needs; without it, the records travel in plaintext and
 * nothing is hashed, which leaves the cost of the pipe itself.
 *
 * The process the bench starts receives; it starts the sender as its own child, times
 * from connecting to the synced last byte, and prints one JSON line.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { open, stat, unlink } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createNativeAesCtrStream } from '../crypto/aes-ctr.js';
import { fromHex, toHex } from '../crypto/bytes.js';
import { randomBytes, Sha256 } from '../crypto/hash.js';
import { APPLICATION_KIND, MAX_FILE_DATA_BYTES } from '../protocol/application-messages.js';
import { CONTENT_TYPE, encodeRecord, MAX_CIPHERTEXT_BYTES, RecordReader } from '../protocol/record.js';
import { RecordProtection } from '../protocol/record-protection.js';

export interface RecordFloorConfig {
  /** The file to send, and where the receiver writes it (removed once timed). */
  readonly file: string;
  readonly out: string;
  readonly protect: boolean;
}

export interface RecordFloorResult {
  readonly bytesPerSecond: number;
}

/** What the receiver hands its sender: the config and one direction's keys, in hex. */
interface SenderConfig extends RecordFloorConfig {
  readonly role: 'sender';
  readonly keys: { readonly key: string; readonly iv: string; readonly macKey: string };
}

const CHUNK_BYTES = 1024 * 1024;

function protection(keys: SenderConfig['keys']): RecordProtection {
  return new RecordProtection(fromHex(keys.key), fromHex(keys.iv), fromHex(keys.macKey), createNativeAesCtrStream);
}

/** Serves the file once, record by record, to the first connection, then exits. */
async function send(config: SenderConfig): Promise<void> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the sender has no TCP port');
  process.stdout.write(`${address.port}\n`);
  const [socket] = (await once(server, 'connection')) as [Socket];
  server.close();
  const sealer = config.protect ? protection(config.keys) : undefined;
  const hash = config.protect ? new Sha256() : undefined;
  const handle = await open(config.file);
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  for (;;) {
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    hash?.update(chunk.subarray(0, bytesRead));
    for (let offset = 0; offset < bytesRead; offset += MAX_FILE_DATA_BYTES) {
      const data = chunk.subarray(offset, Math.min(bytesRead, offset + MAX_FILE_DATA_BYTES));
      const plaintext = new Uint8Array(1 + data.length);
      plaintext[0] = APPLICATION_KIND.FILE_DATA;
      plaintext.set(data, 1);
      const record = sealer ? sealer.seal(CONTENT_TYPE.application_data, plaintext) : encodeRecord(CONTENT_TYPE.application_data, plaintext);
      if (!socket.write(record)) await once(socket, 'drain');
    }
  }
  hash?.digest();
  await handle.close();
  socket.end();
  await once(socket, 'close');
}

/** Starts the sender and receives from it. */
async function receive(config: RecordFloorConfig): Promise<RecordFloorResult> {
  const keys = { key: toHex(randomBytes(32)), iv: toHex(randomBytes(16)), macKey: toHex(randomBytes(32)) };
  const senderConfig: SenderConfig = { ...config, role: 'sender', keys };
  const sender = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(senderConfig)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(sender, 'close') as Promise<[number | null]>;
  try {
    const [portLine] = (await once(sender.stdout, 'data')) as [Buffer];
    const result = await receiveFrom(Number(portLine.toString()), config, keys);
    const [code] = await exited;
    if (code !== 0) throw new Error(`the sender exited with ${code}`);
    return result;
  } catch (error) {
    sender.kill();
    throw error;
  }
}

/** Receives the file into `out`, syncs it, and times that. */
async function receiveFrom(port: number, config: RecordFloorConfig, keys: SenderConfig['keys']): Promise<RecordFloorResult> {
  const opener = config.protect ? protection(keys) : undefined;
  const hash = config.protect ? new Sha256() : undefined;
  const reader = new RecordReader();
  reader.maxPayload = MAX_CIPHERTEXT_BYTES;
  const handle = await open(config.out, 'wx');
  const batch = Buffer.allocUnsafe(CHUNK_BYTES);
  let filled = 0;
  let received = 0;
  const started = performance.now();
  try {
    const socket = connect(port, '127.0.0.1');
    // Awaiting a write inside the loop stops reading the socket meanwhile: TCP holds the sender back.
    for await (const bytes of socket as AsyncIterable<Buffer>) {
      reader.push(bytes);
      for (let record = reader.next(); record !== undefined; record = reader.next()) {
        const data = (opener ? opener.open(record) : record.payload).subarray(1);
        hash?.update(data);
        received += data.length;
        for (let offset = 0; offset < data.length;) {
          const copied = Math.min(data.length - offset, batch.length - filled);
          batch.set(data.subarray(offset, offset + copied), filled);
          filled += copied;
          offset += copied;
          if (filled === batch.length) {
            await handle.write(batch, 0, filled);
            filled = 0;
          }
        }
      }
    }
    await handle.write(batch, 0, filled);
    hash?.digest();
    await handle.datasync();
  } finally {
    await handle.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const [sent, written] = await Promise.all([stat(config.file), stat(config.out)]);
  await unlink(config.out);
  if (received !== sent.size || written.size !== sent.size) throw new Error(`received ${received} and wrote ${written.size} of the file's ${sent.size} bytes`);
  return { bytesPerSecond: received / seconds };
}

const config = JSON.parse(process.argv[2] ?? '{}') as RecordFloorConfig | SenderConfig;
if ('role' in config) await send(config);
else process.stdout.write(`${JSON.stringify(await receive(config))}\n`);

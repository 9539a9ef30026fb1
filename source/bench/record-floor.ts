/**
 * A child process of the bench that measures the floor under a transfer: the same file
 * in the same FILE_DATA records, read ahead from disk, sent over loopback TCP four
 * records at a time, and written behind into a received folder and synced, with the
 * program's own pieces for each (ReadAhead, WriteBehind, ReceivedFile), but by two
 * minimal processes with nothing of tls-tui's session engine: no handshake, events,
 * checklist, transcript or progress. With an AES implementation, every record goes
 * through the record layer as in a session (AES-256-CTR, HMAC-SHA256 checked before
 * decrypting) and both sides hash the file with SHA-256, as FILE_END needs; with
 * 'none', the records travel in plaintext and nothing is hashed, which leaves the cost
 * of the pipe itself.
 *
 * The process the bench starts receives; it starts the sender as its own child, times
 * from connecting to the file synced under its name, and prints one JSON line.
 */
// The same V8 settings as the program's processes, which these stand in for: the sender a server's, the receiver a client's.
import { optimizeAfter } from '../v8-tiering.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { open, stat, unlink } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AesImplementation, ctrStreamFactory } from '../crypto/aes-ctr.js';
import { fromHex, toHex } from '../crypto/bytes.js';
import { randomBytes, Sha256 } from '../crypto/hash.js';
import { ReadAhead } from '../files/read-ahead.js';
import { ReceivedFile } from '../files/received-file.js';
import { WriteBehind } from '../files/write-behind.js';
import { READ_CHUNK_BYTES, SEND_CHUNK_BYTES, SOCKET_BUFFER_BYTES } from '../net/server.js';
import { decodeApplication, encodeApplication, MAX_FILE_DATA_BYTES } from '../protocol/application-messages.js';
import { CONTENT_TYPE, encodeRecord, MAX_CIPHERTEXT_BYTES, RecordReader } from '../protocol/record.js';
import { RecordProtection } from '../protocol/record-protection.js';
import { collectAtOnce, sweepInScavenge } from '../v8-collection.js';

export interface RecordFloorConfig {
  /** The file to send, and the folder the receiver saves it in (the copy is removed once timed). */
  readonly file: string;
  readonly received: string;
  readonly aes: AesImplementation | 'none';
}

export interface RecordFloorResult {
  readonly bytesPerSecond: number;
}

/** What the receiver hands its sender: the config and one direction's keys, in hex. */
interface SenderConfig extends RecordFloorConfig {
  readonly role: 'sender';
  readonly keys: { readonly key: string; readonly iv: string; readonly macKey: string };
}

/** One direction's record protection, or none for records that go as they are. */
function protection(aes: RecordFloorConfig['aes'], keys: SenderConfig['keys']): RecordProtection | undefined {
  if (aes === 'none') return undefined;
  return new RecordProtection(fromHex(keys.key), fromHex(keys.iv), fromHex(keys.macKey), ctrStreamFactory(aes));
}

/** A FILE_DATA record as a session's server sends it. */
function fileDataRecord(data: Uint8Array, sealer: RecordProtection | undefined): Uint8Array {
  const plaintext = encodeApplication({ name: 'FILE_DATA', data });
  return sealer ? sealer.seal(CONTENT_TYPE.application_data, plaintext) : encodeRecord(CONTENT_TYPE.application_data, plaintext);
}

/** Serves the file once, four records at a time, to the first connection, then exits. */
async function send(config: SenderConfig): Promise<void> {
  // As a server with --aes native collects; with no crypto at all the records die as young.
  if (config.aes !== 'aes-js') sweepInScavenge();
  // The file first: a sender that cannot read it fails before it listens.
  const handle = await open(config.file);
  // Read, send and buffer in the sizes `tls-tui server` uses.
  const server = createServer({ highWaterMark: SOCKET_BUFFER_BYTES });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the sender has no TCP port');
  process.stdout.write(`${address.port}\n`);
  const [socket] = (await once(server, 'connection')) as [Socket];
  server.close();
  socket.setNoDelay(true);
  const sealer = protection(config.aes, config.keys);
  const hash = sealer ? new Sha256() : undefined;
  try {
    const chunks = new ReadAhead(handle, (await handle.stat()).size, READ_CHUNK_BYTES);
    while (!chunks.done) {
      const chunk = await chunks.next();
      hash?.update(chunk);
      for (let step = 0; step < chunk.length; step += SEND_CHUNK_BYTES) {
        socket.cork();
        let flowing = true;
        for (let offset = step; offset < Math.min(chunk.length, step + SEND_CHUNK_BYTES); offset += MAX_FILE_DATA_BYTES) {
          flowing = socket.write(fileDataRecord(chunk.subarray(offset, Math.min(chunk.length, offset + MAX_FILE_DATA_BYTES)), sealer));
        }
        socket.uncork();
        if (!flowing) await once(socket, 'drain');
      }
    }
    hash?.digest();
  } finally {
    await handle.close();
  }
  socket.end();
  await once(socket, 'close');
}

/** Starts the sender and receives from it. */
async function receive(config: RecordFloorConfig): Promise<RecordFloorResult> {
  optimizeAfter('oneShot');
  collectAtOnce();
  const keys = { key: toHex(randomBytes(32)), iv: toHex(randomBytes(16)), macKey: toHex(randomBytes(32)) };
  const senderConfig: SenderConfig = { ...config, role: 'sender', keys };
  const sender = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(senderConfig)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  sender.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(sender, 'close') as Promise<[number | null]>;
  try {
    // A sender that dies before it listens ends the wait too, with its own error.
    const port = await Promise.race([
      once(sender.stdout, 'data').then(([line]) => Number(String(line))),
      exited.then(([code]) => {
        throw new Error(`the sender exited with ${code} before it listened: ${stderr.trim()}`);
      }),
    ]);
    const result = await receiveFrom(port, config, keys);
    const [code] = await exited;
    if (code !== 0) throw new Error(`the sender exited with ${code}: ${stderr.trim()}`);
    return result;
  } catch (error) {
    sender.kill();
    throw error;
  }
}

/** Receives the file into the received folder, as a client saves it, and times that. */
async function receiveFrom(port: number, config: RecordFloorConfig, keys: SenderConfig['keys']): Promise<RecordFloorResult> {
  const { size } = await stat(config.file);
  const opener = protection(config.aes, keys);
  const hash = opener ? new Sha256() : undefined;
  const reader = new RecordReader();
  reader.maxPayload = MAX_CIPHERTEXT_BYTES;
  const file = await ReceivedFile.create(config.received, basename(config.file));
  const download = new WriteBehind(file, size);
  let received = 0;
  let saved: string | undefined;
  const started = performance.now();
  try {
    const socket = connect(port, '127.0.0.1');
    // Awaiting a write in the loop stops reading the socket while every batch is being written.
    for await (const bytes of socket as AsyncIterable<Buffer>) {
      reader.push(bytes);
      for (let record = reader.next(); record !== undefined; record = reader.next()) {
        const message = decodeApplication(opener ? opener.open(record) : record.payload);
        if (message.name !== 'FILE_DATA') throw new Error(`expected FILE_DATA, got ${message.name}`);
        const { data } = message;
        hash?.update(data);
        received += data.length;
        await download.write(data);
      }
    }
    hash?.digest();
    if (received !== size) throw new Error(`received ${received} of the file's ${size} bytes`);
    saved = await download.commit();
  } finally {
    if (saved === undefined) await file.abort();
  }
  const seconds = (performance.now() - started) / 1000;
  const written = await stat(saved);
  await unlink(saved);
  if (written.size !== size) throw new Error(`saved ${written.size} of the file's ${size} bytes`);
  return { bytesPerSecond: received / seconds };
}

const config = JSON.parse(process.argv[2] ?? '{}') as RecordFloorConfig | SenderConfig;
if ('role' in config) await send(config);
else process.stdout.write(`${JSON.stringify(await receive(config))}\n`);

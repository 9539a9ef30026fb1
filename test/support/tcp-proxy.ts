/**
 * A tiny man in the middle on 127.0.0.1 for the net suites: it relays each
 * connection to a real server and can cut it after a given number of bytes from the
 * server (destroying both sides) or flip one bit of the server's stream at a given
 * offset, or cut every write into small pieces, or freeze it after a given number of bytes (relaying nothing more either way
 * and closing nothing, like a peer that stopped reading). It keeps every byte the server sent, per connection, so a test can find
 * record boundaries in a clean run and aim at them in the next.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { HOST } from './net-harness.js';

export interface ProxyOptions {
  readonly targetPort: number;
  /** Relay this many bytes from the server, then destroy both sides. */
  readonly cutAfter?: number;
  /** Relay this many bytes from the server, then relay nothing more either way and close nothing. */
  readonly stallAfter?: number;
  /** Flip the lowest bit of the server's byte at this offset of its stream. */
  readonly flipAt?: number;
  /** Relay both ways in pieces of at most this many bytes, each written on its own turn of the event loop. */
  readonly pieceBytes?: number;
}

/** Writes `data` in pieces, one per turn of the event loop, after whatever `queue` holds. */
function writeInPieces(queue: Promise<void>, target: Socket, data: Buffer, pieceBytes: number): Promise<void> {
  return queue.then(async () => {
    for (let offset = 0; offset < data.length && !target.destroyed; offset += pieceBytes) {
      target.write(data.subarray(offset, offset + pieceBytes));
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
}

export class TcpProxy {
  /** Per connection, every byte the server sent (before any flip), joined on demand. */
  readonly serverChunks: Buffer[][] = [];
  /** How many connections were cut. */
  cuts = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #options: ProxyOptions;

  private constructor(options: ProxyOptions) {
    this.#options = options;
    this.#server = createServer({ allowHalfOpen: true }, (client) => this.#relay(client));
  }

  static async start(options: ProxyOptions): Promise<TcpProxy> {
    const proxy = new TcpProxy(options);
    await new Promise<void>((resolve) => proxy.#server.listen({ host: HOST, port: 0 }, resolve));
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy is not listening');
    return address.port;
  }

  serverBytes(connection = 0): Buffer {
    return Buffer.concat(this.serverChunks[connection] ?? []);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => this.#sockets.delete(socket));
  }

  #relay(client: Socket): void {
    const { targetPort, cutAfter, stallAfter, flipAt, pieceBytes } = this.#options;
    const upstream = connect({ host: HOST, port: targetPort, allowHalfOpen: true });
    this.#track(client);
    this.#track(upstream);
    const chunks: Buffer[] = [];
    this.serverChunks.push(chunks);
    let relayed = 0;
    let cut = false;
    let stalled = false;
    if (pieceBytes !== undefined) {
      this.#relayInPieces(client, upstream, chunks, pieceBytes);
      return;
    }

    client.on('data', (data: Buffer) => {
      if (!cut && !stalled) upstream.write(data);
    });
    client.on('end', () => {
      if (!stalled) upstream.end();
    });
    client.on('close', () => {
      if (!stalled) upstream.destroy();
    });
    upstream.on('end', () => {
      if (!stalled) client.end();
    });
    upstream.on('close', () => {
      if (!cut && !stalled) client.destroy();
    });

    upstream.on('data', (incoming: Buffer) => {
      if (cut || stalled) return;
      chunks.push(Buffer.from(incoming));
      let data = incoming;
      if (flipAt !== undefined && flipAt >= relayed && flipAt < relayed + data.length) {
        data = Buffer.from(data);
        data[flipAt - relayed]! ^= 0x01;
      }
      if (cutAfter !== undefined && relayed + data.length >= cutAfter) {
        cut = true;
        this.cuts += 1;
        upstream.destroy();
        const last = data.subarray(0, cutAfter - relayed);
        relayed += last.length;
        // Destroyed only once the kernel has the last bytes, so exactly `cutAfter` are delivered.
        if (last.length === 0) client.destroy();
        else client.write(last, () => client.destroy());
        return;
      }
      if (stallAfter !== undefined && relayed + data.length >= stallAfter) {
        stalled = true;
        upstream.pause();
        client.write(data.subarray(0, stallAfter - relayed));
        relayed = stallAfter;
        return;
      }
      relayed += data.length;
      if (!client.write(data)) {
        upstream.pause();
        client.once('drain', () => {
          if (!stalled) upstream.resume();
        });
      }
    });
  }

  #relayInPieces(client: Socket, upstream: Socket, chunks: Buffer[], pieceBytes: number): void {
    let toServer = Promise.resolve();
    let toClient = Promise.resolve();
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (data: Buffer) => {
      toServer = writeInPieces(toServer, upstream, data, pieceBytes);
    });
    upstream.on('data', (data: Buffer) => {
      chunks.push(Buffer.from(data));
      toClient = writeInPieces(toClient, client, data, pieceBytes);
    });
    client.on('end', () => void toServer.then(() => upstream.end()));
    upstream.on('end', () => void toClient.then(() => client.end()));
    client.on('close', () => void toServer.then(() => upstream.destroy()));
    upstream.on('close', () => void toClient.then(() => client.destroy()));
  }
}

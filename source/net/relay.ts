/**
 * The attacker relay over TCP: client → relay → server, each hop a real
 * connection. Every accepted client gets its own upstream connection and its own
 * `Interceptor`, which decides what crosses each way. The mode can change between
 * sessions (the dashboard cycles it); a session keeps the mode it started with.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { type AttackerIdentity, type AttackOutcome, Interceptor, type InterceptOutput } from '../attacker/interceptor.js';
import type { AttackMode } from '../attacker/modes.js';
import type { AttackEvent } from '../protocol/events.js';
import { socketEnds } from './peer-socket.js';
import { DEFAULT_MAX_CONNECTIONS, refuseConnection, type SessionInfo } from './server.js';

const LINGER_MS = 2_000;

export interface RelayConfig {
  readonly host?: string;
  readonly port: number;
  readonly upstream: { readonly host: string; readonly port: number };
  readonly mode: AttackMode;
  readonly identity: AttackerIdentity;
  readonly onSession?: (session: SessionInfo) => void;
  readonly onEvent?: (session: SessionInfo, event: AttackEvent) => void;
  /** Both hops of a session have closed; how the attack went, as far as the relay can tell. */
  readonly onSessionEnd?: (session: SessionInfo, outcome: AttackOutcome) => void;
  /** A session was dropped: the server could not be reached, or relaying failed. */
  readonly onFault?: (session: SessionInfo, error: Error) => void;
  /** Sessions relayed at once (DEFAULT_MAX_CONNECTIONS, as the server's); a client past them is refused with an alert. */
  readonly maxSessions?: number;
  /** A connection was refused because `maxSessions` were open. */
  readonly onRefused?: (remote: string, limit: number) => void;
}

export class AttackerRelay {
  mode: AttackMode;
  readonly #config: RelayConfig;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  /** Each session's connection to the server, from its connection attempt on, with the session it serves. */
  readonly #upstreams = new Map<Socket, SessionInfo>();
  /** Sessions with a hop still open. */
  #open = 0;
  #nextId = 1;

  private constructor(config: RelayConfig) {
    this.#config = config;
    this.mode = config.mode;
    this.#server = createServer((socket) => this.#accept(socket));
  }

  static async listen(config: RelayConfig): Promise<AttackerRelay> {
    const relay = new AttackerRelay(config);
    await new Promise<void>((resolve, reject) => {
      relay.#server.once('error', reject);
      relay.#server.listen({ host: config.host ?? '127.0.0.1', port: config.port }, () => {
        relay.#server.off('error', reject);
        resolve();
      });
    });
    return relay;
  }

  get address(): { readonly host: string; readonly port: number } {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the relay is not listening');
    return { host: address.address, port: address.port };
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #accept(client: Socket): void {
    const dialler = this.#dialledFrom(client);
    if (dialler !== undefined) {
      this.#refuseLoop(client, dialler);
      return;
    }
    // A cap, as the server has: it also ends a loop this relay cannot see, two relays pointed at each other.
    const limit = this.#config.maxSessions ?? DEFAULT_MAX_CONNECTIONS;
    if (this.#open >= limit) {
      refuseConnection(client, `relay busy: ${limit} sessions open; try again later`, this.#sockets);
      this.#config.onRefused?.(socketEnds(client).remote, limit);
      return;
    }
    this.#open += 1;
    const session: SessionInfo = { id: this.#nextId++, ...socketEnds(client), startedAt: Date.now() };
    const interceptor = new Interceptor(this.mode, this.#config.identity);
    const server = connect(this.#config.upstream);
    // Its local end exists once it dials; asked before that, Node would go on answering that it has none.
    server.on('connectionAttempt', () => this.#upstreams.set(server, session));
    server.once('close', () => this.#upstreams.delete(server));
    for (const socket of [client, server]) {
      this.#sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => this.#sockets.delete(socket));
    }
    // A client that resets is the client's business; a server that cannot be reached is worth saying.
    client.on('error', () => {});
    server.on('error', (error) => {
      const { host, port } = this.#config.upstream;
      this.#fault(session, new Error(`the server at ${host}:${port}: ${error.message}`));
    });
    this.#config.onSession?.(session);

    const apply = (output: InterceptOutput): void => {
      for (const event of output.events) this.#config.onEvent?.(session, event);
      for (const bytes of output.toServer) if (!server.destroyed) server.write(bytes);
      for (const bytes of output.toClient) if (!client.destroyed) client.write(bytes);
      if (output.closeServer) server.end();
      if (output.closeClient) client.end();
      // Keep a fast sender from outrunning a slow receiver through the relay.
      if (client.writableNeedDrain) pauseUntilDrained(server, client);
      if (server.writableNeedDrain) pauseUntilDrained(client, server);
    };
    // A session that fails unexpectedly is dropped on both sides; the relay goes on.
    const relayed = (take: () => InterceptOutput): void => {
      try {
        apply(take());
      } catch (error) {
        client.destroy();
        server.destroy();
        this.#fault(session, error);
      }
    };
    client.on('data', (chunk: Buffer) => relayed(() => interceptor.fromClient(chunk, Date.now())));
    server.on('data', (chunk: Buffer) => relayed(() => interceptor.fromServer(chunk, Date.now())));
    client.on('end', () => server.end());
    server.on('end', () => client.end());
    let open = 2;
    const closed = (other: Socket): void => {
      closeAfterLinger(other);
      open -= 1;
      if (open > 0) return;
      this.#open -= 1;
      this.#config.onSessionEnd?.(session, interceptor.outcome ?? undecided(interceptor.mode));
    };
    client.once('close', () => closed(server));
    server.once('close', () => closed(client));
  }

  /**
   * The connection to the server that `client` is, when it is one of this relay's own:
   * the upstream address leads back to the relay, by a name or an address that
   * `dialsItself` cannot judge (a host name of this machine). Relayed, each such
   * connection would dial the server again, and the relay would connect to itself until
   * it ran out of file descriptors. Two relays pointed at each other loop the same way,
   * but neither sees its own connections come back: the cap on sessions ends that loop.
   */
  #dialledFrom(client: Socket): readonly [Socket, SessionInfo] | undefined {
    const from = endOf(client.remoteAddress, client.remotePort);
    if (from === undefined) return undefined;
    for (const [socket, session] of this.#upstreams) {
      if (endOf(socket.localAddress, socket.localPort) === from) return [socket, session];
    }
    return undefined;
  }

  /** Ends the loop at its first turn: the connection back in is dropped, and the session that dialled it fails saying why. */
  #refuseLoop(client: Socket, [upstream, session]: readonly [Socket, SessionInfo]): void {
    client.destroy();
    upstream.destroy();
    const { host, port } = this.#config.upstream;
    this.#fault(session, new Error(`the server at ${host}:${port} is this relay itself: its connection came back in, and was refused`));
  }

  #fault(session: SessionInfo, error: unknown): void {
    this.#config.onFault?.(session, error instanceof Error ? error : new Error(String(error)));
  }
}

const LOOPBACK = /^(localhost|::1|(::ffff:)?127\.\d+\.\d+\.\d+)$/i;
const EVERY_ADDRESS = /^(0\.0\.0\.0|::)$/;

/**
 * Whether a relay listening on `listen` would, by connecting to `upstream`, reach its own
 * listener: the same port, and the address it listens on; or both on this machine's
 * loopback, to which a connection to 0.0.0.0 or :: goes too; or, for a relay that
 * listens on every address, any address of this machine. Another loopback address than
 * the relay's (127.0.0.2 for 127.0.0.1) counts too: that is more cautious than needed,
 * and keeps the rule short. Host names other than localhost are not looked up: the
 * relay refuses a connection that comes back from itself when one leads there.
 */
export function dialsItself(listen: { readonly host: string; readonly port: number }, upstream: { readonly host: string; readonly port: number }): boolean {
  if (listen.port !== upstream.port) return false;
  const to = upstream.host.toLowerCase();
  const on = listen.host.toLowerCase();
  const local = (host: string): boolean => LOOPBACK.test(host) || EVERY_ADDRESS.test(host);
  if (to === on || (local(to) && local(on))) return true;
  return EVERY_ADDRESS.test(on) && Object.values(networkInterfaces()).some((addresses) => addresses?.some(({ address }) => address.toLowerCase() === to));
}

/**
 * "address:port", with an IPv4 address mapped into IPv6 (as a listener on :: sees it)
 * written as IPv4; undefined for a socket closed before it could say.
 */
function endOf(address: string | undefined, port: number | undefined): string | undefined {
  return address === undefined || port === undefined ? undefined : `${address.replace(/^::ffff:/i, '')}:${port}`;
}

/** A session that ended before any peer caught the attack or fell for it (every session, with the attacker off). */
function undecided(mode: AttackMode): AttackOutcome {
  return { ok: true, reason: mode === 'off' ? 'relayed untouched' : 'both connections closed before a peer caught the attack or fell for it' };
}

/** Ends a socket whose partner is gone, letting its last bytes out before dropping it. */
function closeAfterLinger(socket: Socket): void {
  socket.end();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

function pauseUntilDrained(reader: Socket, writer: Socket): void {
  if (reader.isPaused()) return;
  reader.pause();
  writer.once('drain', () => reader.resume());
}

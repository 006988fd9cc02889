/**
 * The sockets of the node backend: the one module that holds Node's `net` and `dgram` sockets. Each CPU
 * (worker thread) has one `NodeNet` and owns the sockets it opened, so a connection is handled on the CPU
 * that accepted or opened it.
 *
 * - Binding is allowed on loopback addresses only (127.0.0.0/8, ::1, localhost): a dev service is never
 *   reachable from another machine. Anything else is refused with 'EACCES'.
 * - Port forwards (`toro dev -p HOST:GUEST`): a listener on guest port GUEST binds 127.0.0.1:HOST instead,
 *   and reports GUEST as its port. Unforwarded ports bind the same number on the host.
 * - Reads: Node's data events fill a queue of at most READ_HIGH bytes; above that the socket is paused,
 *   so a service that does not read stops the peer through TCP's window.
 * - Writes: data goes to the socket in slices of at most WRITE_SLICE bytes, and the next slice waits for
 *   'drain' whenever Node's buffer is over its high-water mark; `write` resolves after the last slice is
 *   accepted. What is buffered per connection is thus bounded by the high-water mark plus one slice.
 */
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import type {
  Connection,
  ConnectOptions,
  Datagram,
  Listener,
  ListenOptions,
  SocketErrorCode,
  UdpOptions,
  UdpSocket,
} from '../net.js';
import { SocketError } from '../net.js';
import { type ProxiedPeer, parseProxyLine } from './proxy-line.js';
import type { Shared } from './shared-ports.js';

const READ_HIGH = 256 * 1024;
const WRITE_SLICE = 64 * 1024;
const UDP_QUEUE = 1024;

const KNOWN = new Set<string>([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EADDRINUSE',
  'EADDRNOTAVAIL',
  'EACCES',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EMSGSIZE',
  'EINVAL',
]);

/** A Node error as a SocketError (codes Node has no counterpart for become 'EIO'). */
export function toSocketError(e: unknown): SocketError {
  if (e instanceof SocketError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  if (typeof code === 'string') {
    if (KNOWN.has(code)) return new SocketError(code as SocketErrorCode, message);
    if (code === 'ECONNABORTED') return new SocketError('ECONNRESET', message);
    if (code === 'EAI_AGAIN') return new SocketError('ENOTFOUND', message);
    if (code === 'ERR_STREAM_DESTROYED') return new SocketError('CLOSED', message);
    if (code === 'ERR_STREAM_WRITE_AFTER_END') return new SocketError('EPIPE', message);
    if (code === 'ERR_SOCKET_BAD_PORT' || code === 'ERR_INVALID_ARG_TYPE') {
      return new SocketError('EINVAL', message);
    }
  }
  return new SocketError('EIO', message);
}

/** True for the addresses a dev service may bind. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A port forward of `toro dev -p`: guest port → host port. */
export interface Forward {
  host: number;
  guest: number;
}

/** The machine's part in a listen with reusePort (./shared-ports.ts holds the port). */
export interface PortSharing {
  /** Asks the machine to relay host:port's connections to the loopback port `member`. */
  share(host: string, port: number, backlog: number, member: number): Promise<Shared>;
  unshare(host: string, port: number, member: number): void;
}

export class NodeNet {
  private readonly forwards: Map<number, number>;

  constructor(
    forwards: readonly Forward[],
    private readonly sharing: PortSharing,
  ) {
    this.forwards = new Map(forwards.map((f) => [f.guest, f.host]));
  }

  listen(port: number, options: ListenOptions): Promise<Listener> {
    const host = options.host ?? '127.0.0.1';
    if (!isLoopback(host)) {
      return Promise.reject(
        new SocketError('EACCES', `listen: ${host} is not a loopback address; toro dev binds loopback only`),
      );
    }
    const hostPort = this.forwards.get(port) ?? port;
    if (options.reusePort === true) return this.listenShared(port, hostPort, host, options.backlog ?? 511);
    return new Promise((resolve, reject) => {
      const server = createServer({ allowHalfOpen: true });
      const fail = (e: Error): void => reject(toSocketError(e));
      server.once('error', fail);
      server.listen({ port: hostPort, host, backlog: options.backlog ?? 511, exclusive: true }, () => {
        server.off('error', fail);
        const bound = server.address();
        const actual = port === 0 && bound && typeof bound === 'object' ? bound.port : port;
        resolve(new NodeListener(server, actual));
      });
    });
  }

  /**
   * A listen with reusePort: a server of this CPU's own on a free loopback port, which the machine
   * relays its share of host:hostPort's connections to, each behind a PROXY line naming the client.
   */
  private async listenShared(
    port: number,
    hostPort: number,
    host: string,
    backlog: number,
  ): Promise<Listener> {
    const sharing = this.sharing;
    const server = createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(toSocketError(e)));
      server.listen({ port: 0, host: '127.0.0.1', backlog, exclusive: true }, () => resolve());
    });
    const bound = server.address();
    const member = bound !== null && typeof bound === 'object' ? bound.port : 0;
    const answer = await sharing.share(host, hostPort, backlog, member);
    if (answer.error !== null) {
      server.close();
      throw new SocketError(answer.error.code, answer.error.message);
    }
    // listen(0): the port the machine picked, which other CPUs' listens can then share.
    const shared = port === 0 ? answer.port : port;
    return new NodeListener(server, shared, () => sharing.unshare(host, answer.port, member));
  }

  connect(host: string, port: number, options: ConnectOptions): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host, port, allowHalfOpen: true });
      let timer: NodeJS.Timeout | undefined;
      const fail = (e: Error): void => {
        if (timer) clearTimeout(timer);
        reject(toSocketError(e));
      };
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          socket.destroy();
          reject(
            new SocketError('ETIMEDOUT', `connect ${host}:${port}: no answer in ${options.timeoutMs} ms`),
          );
        }, options.timeoutMs);
      }
      socket.once('error', fail);
      socket.once('connect', () => {
        if (timer) clearTimeout(timer);
        socket.off('error', fail);
        resolve(new NodeConnection(socket));
      });
    });
  }

  udpSocket(options: UdpOptions): Promise<UdpSocket> {
    const host = options.host ?? '127.0.0.1';
    if (!isLoopback(host)) {
      return Promise.reject(
        new SocketError(
          'EACCES',
          `udpSocket: ${host} is not a loopback address; toro dev binds loopback only`,
        ),
      );
    }
    const port = options.port ?? 0;
    const hostPort = this.forwards.get(port) ?? port;
    return new Promise((resolve, reject) => {
      const socket = createSocket(host === '::1' ? 'udp6' : 'udp4');
      const fail = (e: Error): void => {
        socket.close();
        reject(toSocketError(e));
      };
      socket.once('error', fail);
      socket.bind(hostPort, host, () => {
        socket.off('error', fail);
        resolve(new NodeUdpSocket(socket, port === 0 ? socket.address().port : port));
      });
    });
  }
}

/** Waiters that get a value or an error, in order. */
type Waiter<T> = { resolve: (v: T) => void; reject: (e: SocketError) => void };

class NodeListener implements Listener {
  private readonly ready: Connection[] = [];
  private readonly waiting: Array<Waiter<Connection | undefined>> = [];
  private closed = false;

  /** `unshare`: the listen shares its port (reusePort); connections come from the machine's relay. */
  constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly unshare: (() => void) | null = null,
  ) {
    server.on('connection', (socket: Socket) => {
      if (unshare === null) this.arrived(new NodeConnection(socket));
      else relayed(socket, (peer) => this.arrived(new NodeConnection(socket, peer)));
    });
    server.on('error', () => this.shut());
  }

  private arrived(conn: Connection): void {
    if (this.closed) {
      conn.close();
      return;
    }
    const w = this.waiting.shift();
    if (w) w.resolve(conn);
    else this.ready.push(conn);
  }

  accept(): Promise<Connection | undefined> {
    const conn = this.ready.shift();
    if (conn) return Promise.resolve(conn);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  close(): Promise<void> {
    this.shut();
    return new Promise((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
  }

  private shut(): void {
    if (this.closed) return;
    this.closed = true;
    this.unshare?.();
    for (const w of this.waiting.splice(0)) w.resolve(undefined);
    // Connections the service never took are closed rather than left half-open.
    for (const c of this.ready.splice(0)) c.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Connection> {
    for (;;) {
      const conn = await this.accept();
      if (!conn) return;
      yield conn;
    }
  }
}

/**
 * A connection from the machine's relay: its PROXY line is read off first (the client it names is the
 * connection's peer); the stream's own bytes after it are put back. A connection without a valid line
 * (not from the relay) is closed.
 */
function relayed(socket: Socket, ready: (peer: ProxiedPeer) => void): void {
  let head = Buffer.alloc(0);
  // Ended (or failed) before its line: nothing to hand out.
  const gone = (): void => void socket.destroy();
  const onData = (chunk: Buffer): void => {
    head = Buffer.concat([head, chunk]);
    const parsed = parseProxyLine(head);
    if (parsed === 'more') return;
    socket.off('data', onData);
    socket.off('end', gone);
    socket.off('error', gone);
    socket.pause();
    if (parsed === 'bad') return void socket.destroy();
    if (parsed.rest < head.length) socket.unshift(head.subarray(parsed.rest));
    ready(parsed.peer);
    socket.resume();
  };
  socket.on('data', onData);
  socket.once('end', gone);
  socket.once('error', gone);
}

class NodeConnection implements Connection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private error: SocketError | undefined;
  private timedOut = false;
  private closed = false;
  private reader: Waiter<void> | undefined;
  private readonly decoder = new TextDecoder('utf-8');
  private writeFailure: SocketError | undefined;
  private readonly drainWaits: Array<Waiter<void>> = [];

  /** `peer`: who the connection is from when the machine relays it (a shared port's PROXY line). */
  constructor(
    private readonly socket: Socket,
    peer?: ProxiedPeer,
  ) {
    this.remoteAddress = peer?.remoteAddress ?? socket.remoteAddress ?? '';
    this.remotePort = peer?.remotePort ?? socket.remotePort ?? 0;
    this.localPort = peer?.localPort ?? socket.localPort ?? 0;
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered >= READ_HIGH) socket.pause();
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('timeout', () => {
      this.timedOut = true;
      this.wake();
    });
    socket.on('drain', () => {
      for (const w of this.drainWaits.splice(0)) w.resolve();
    });
    socket.on('error', (e: Error) => {
      this.error = toSocketError(e);
      this.writeFailure = this.error;
      this.wake();
    });
    socket.on('close', () => {
      const failure =
        this.writeFailure ?? new SocketError('EPIPE', 'the connection closed before the data was sent');
      for (const w of this.drainWaits.splice(0)) w.reject(failure);
      this.ended = true;
      this.wake();
    });
  }

  async read(max?: number): Promise<Uint8Array | undefined> {
    if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
      throw new SocketError('EINVAL', `read: max ${max} is not a whole number >= 1`);
    }
    for (;;) {
      if (this.closed) throw new SocketError('CLOSED', 'read on a closed connection');
      const first = this.chunks[0];
      if (first) {
        let out: Buffer;
        if (max !== undefined && first.length > max) {
          out = first.subarray(0, max);
          this.chunks[0] = first.subarray(max);
        } else {
          out = first;
          this.chunks.shift();
        }
        this.buffered -= out.length;
        if (this.buffered < READ_HIGH && this.socket.isPaused()) this.socket.resume();
        return new Uint8Array(out.buffer, out.byteOffset, out.length);
      }
      if (this.error) throw this.error;
      if (this.ended) return undefined;
      if (this.timedOut) {
        this.timedOut = false;
        throw new SocketError('ETIMEDOUT', 'read: the connection was idle past its timeout');
      }
      if (this.reader) throw new SocketError('EINVAL', 'read: another read is already waiting');
      await new Promise<void>((resolve, reject) => {
        this.reader = { resolve, reject };
      });
    }
  }

  async readString(): Promise<string | undefined> {
    for (;;) {
      const chunk = await this.read();
      if (chunk === undefined) {
        const rest = this.decoder.decode();
        return rest === '' ? undefined : rest;
      }
      const text = this.decoder.decode(chunk, { stream: true });
      if (text !== '') return text;
    }
  }

  async write(data: Uint8Array | string): Promise<void> {
    const bytes =
      typeof data === 'string'
        ? Buffer.from(data, 'utf8')
        : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    for (let at = 0; at < bytes.length || (at === 0 && bytes.length === 0); at += WRITE_SLICE) {
      if (this.closed) throw new SocketError('CLOSED', 'write on a closed connection');
      if (this.writeFailure) throw this.writeFailure;
      if (this.socket.writableEnded) throw new SocketError('EPIPE', 'write after end()');
      if (this.socket.destroyed) throw new SocketError('EPIPE', 'the connection is closed');
      if (bytes.length === 0) return;
      const room = this.socket.write(bytes.subarray(at, at + WRITE_SLICE));
      if (!room) {
        await new Promise<void>((resolve, reject) => this.drainWaits.push({ resolve, reject }));
      }
    }
  }

  end(): Promise<void> {
    if (this.closed) return Promise.reject(new SocketError('CLOSED', 'end on a closed connection'));
    if (this.socket.writableEnded) return Promise.resolve();
    return new Promise((resolve) => this.socket.end(() => resolve()));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.writeFailure = new SocketError('CLOSED', 'the connection was closed');
    this.socket.destroy();
    this.wake();
  }

  setTimeout(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new SocketError('EINVAL', `setTimeout: ${ms} is not a duration`);
    this.timedOut = false;
    this.socket.setTimeout(ms);
  }

  private wake(): void {
    const r = this.reader;
    this.reader = undefined;
    r?.resolve();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = await this.read();
      if (chunk === undefined) return;
      yield chunk;
    }
  }
}

class NodeUdpSocket implements UdpSocket {
  private readonly queue: Datagram[] = [];
  private readonly waiting: Array<Waiter<Datagram>> = [];
  private closed = false;

  constructor(
    private readonly socket: DgramSocket,
    readonly port: number,
  ) {
    socket.on('message', (msg: Buffer, rinfo) => {
      const d: Datagram = {
        data: new Uint8Array(msg.buffer, msg.byteOffset, msg.length),
        host: rinfo.address,
        port: rinfo.port,
      };
      const w = this.waiting.shift();
      if (w) w.resolve(d);
      else if (this.queue.length < UDP_QUEUE) this.queue.push(d);
      // A full queue drops the datagram, as a full receive buffer does.
    });
    socket.on('error', () => this.close());
  }

  send(data: Uint8Array | string, host: string, port: number): Promise<void> {
    if (this.closed) return Promise.reject(new SocketError('CLOSED', 'send on a closed UDP socket'));
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      return Promise.reject(new SocketError('EINVAL', `send: port ${port} is not 1 to 65535`));
    }
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return new Promise((resolve, reject) => {
      this.socket.send(bytes, port, host, (e) => (e ? reject(toSocketError(e)) : resolve()));
    });
  }

  receive(): Promise<Datagram> {
    const d = this.queue.shift();
    if (d) return Promise.resolve(d);
    if (this.closed) return Promise.reject(new SocketError('CLOSED', 'receive on a closed UDP socket'));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new SocketError('CLOSED', 'the UDP socket was closed'));
    this.socket.close();
  }
}

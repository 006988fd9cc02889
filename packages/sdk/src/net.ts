/**
 * Sockets: TCP listeners and connections, UDP sockets, and which CPU owns the network device.
 *
 * - `listen(port)` gives a `Listener`; `accept()` (or `for await`) gives each `Connection`.
 * - `connect(host, port)` opens a `Connection` to a peer.
 * - A `Connection` reads chunks (`read`, `readString`, `for await`) and writes with back-pressure: `write`
 *   resolves only once the data is accepted by the socket's bounded send buffer, so a writer to a peer
 *   that does not read waits instead of buffering without limit. `end()` half-closes (the peer sees the
 *   end of its stream; reads here still work), `close()` closes both ways.
 * - `udpSocket()` sends and receives datagrams.
 * - Failures are `SocketError`s with a `code`; bad arguments (a port outside 0..65535, a negative
 *   timeout) reject at once with 'EINVAL'.
 *
 * Where it works: under `toro dev` (the Node backend, src/node/net.ts) every socket is a real Node socket
 * owned by the CPU (worker thread) that created it, so a connection is handled on the CPU that called
 * `accept()`; binding is refused for anything but loopback addresses ('EACCES'), and `toro dev -p
 * HOST:GUEST` makes a listener on guest port GUEST bind 127.0.0.1:HOST; a port listened to with
 * `reusePort` from several CPUs is held by the machine thread, which hands each CPU its turn
 * (src/node/shared-ports.ts). In a compiled image they are
 * the stack's sockets (packages/drivers/src/sockets): the CPU net0 is dedicated to owns the device, the
 * stack and every socket, and a call from another CPU reaches it through the message matrix; a listener
 * binds the image's one interface (a host of 127.0.0.1 or 0.0.0.0 means it too), and a connection is
 * handled on the CPU that accepted it, as here.
 */

// The failure type is the stack's own (packages/net/src/sockets/errors.ts), so a service catches the
// same class under `toro dev` and in an image; only that small module is loaded here.
import { SocketError, type SocketErrorCode } from '@toro/net/socket-errors';
import { backend } from './backend.js';

export { SocketError, type SocketErrorCode };

/** How `listen` binds. */
export interface ListenOptions {
  /** The address to bind (default '127.0.0.1'; under `toro dev` only loopback addresses are allowed). */
  host?: string;
  /** How many connections may wait to be accepted (default 511). */
  backlog?: number;
  /**
   * Share the port with the other listens on it that say `reusePort` too (SO_REUSEPORT, as Bun and
   * Node 22 name it): each new connection goes to one of them, in turn among those waiting in
   * `accept()`. This is how several CPUs serve one port: each listens (call it in a function started
   * on that CPU with `spawnOn`) and handles what it accepts. A listen without it on a port in use, or
   * with it on a port listened to without it, fails with 'EADDRINUSE'.
   */
  reusePort?: boolean;
}

/** How `connect` connects. */
export interface ConnectOptions {
  /** Give up with 'ETIMEDOUT' after this many milliseconds (default: the system's own limit). */
  timeoutMs?: number;
}

/** One TCP connection. Iterating it gives its chunks until the peer ends its stream. */
export interface Connection extends AsyncIterable<Uint8Array> {
  /** The peer's address. */
  readonly remoteAddress: string;
  /** The peer's port. */
  readonly remotePort: number;
  /** This end's port. */
  readonly localPort: number;
  /** The next chunk (at most `max` bytes when given); undefined once the peer has ended its stream. */
  read(max?: number): Promise<Uint8Array | undefined>;
  /** The next chunk as UTF-8 text; a character split across chunks comes whole. Undefined at the end. */
  readString(): Promise<string | undefined>;
  /** Sends `data` (a string as UTF-8); resolves once the socket has accepted all of it (back-pressure). */
  write(data: Uint8Array | string): Promise<void>;
  /** Half-closes: sends the end of this side's stream after what was written; reads still work. */
  end(): Promise<void>;
  /** Closes both directions at once; pending and later reads and writes reject with 'CLOSED'. */
  close(): void;
  /** Idle timeout: a read pending (or the next) after `ms` without traffic rejects 'ETIMEDOUT'; 0 turns it off. */
  setTimeout(ms: number): void;
}

/** A listening TCP socket. Iterating it gives each accepted connection until it is closed. */
export interface Listener extends AsyncIterable<Connection> {
  /** The port it listens on (the one the system picked when `listen(0)`). */
  readonly port: number;
  /** The next connection; undefined once the listener is closed. */
  accept(): Promise<Connection | undefined>;
  /** Stops listening; connections already accepted stay open. */
  close(): Promise<void>;
}

/** Where a UDP socket binds. */
export interface UdpOptions {
  /** Port (default 0: the system picks). */
  port?: number;
  /** Address (default '127.0.0.1'; under `toro dev` only loopback). */
  host?: string;
}

/** One received datagram and its sender. */
export interface Datagram {
  readonly data: Uint8Array;
  readonly host: string;
  readonly port: number;
}

/** A bound UDP socket. */
export interface UdpSocket {
  /** The port it is bound to. */
  readonly port: number;
  /** Sends one datagram (a string as UTF-8) to host:port. */
  send(data: Uint8Array | string, host: string, port: number): Promise<void>;
  /** The next datagram, waiting for one; rejects with 'CLOSED' once the socket is closed. */
  receive(): Promise<Datagram>;
  /** Closes the socket. */
  close(): void;
}

function invalid(what: string): Promise<never> {
  return Promise.reject(new SocketError('EINVAL', what));
}

function badPort(port: number, allowZero: boolean): boolean {
  return !Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535;
}

/** Listens for TCP connections on `port` (0: the system picks). */
export function listen(port: number, options: ListenOptions = {}): Promise<Listener> {
  if (badPort(port, true)) return invalid(`listen: port ${port} is not 0 to 65535`);
  const { backlog, reusePort } = options;
  if (backlog !== undefined && (!Number.isInteger(backlog) || backlog < 1)) {
    return invalid(`listen: backlog ${backlog} is not a whole number >= 1`);
  }
  if (options.host !== undefined && (typeof options.host !== 'string' || options.host === '')) {
    return invalid('listen: host must be a non-empty address');
  }
  if (reusePort !== undefined && typeof reusePort !== 'boolean') {
    return invalid('listen: reusePort must be true or false');
  }
  return backend().listen(port, options);
}

/** Opens a TCP connection to host:port. */
export function connect(host: string, port: number, options: ConnectOptions = {}): Promise<Connection> {
  if (typeof host !== 'string' || host === '') return invalid('connect: host must be a non-empty address');
  if (badPort(port, false)) return invalid(`connect: port ${port} is not 1 to 65535`);
  const t = options.timeoutMs;
  if (t !== undefined && !(t > 0)) return invalid(`connect: timeoutMs ${t} is not a positive duration`);
  return backend().connect(host, port, options);
}

/** Opens a UDP socket bound to `options.port` (default: the system picks) on `options.host`. */
export function udpSocket(options: UdpOptions = {}): Promise<UdpSocket> {
  if (options.port !== undefined && badPort(options.port, true)) {
    return invalid(`udpSocket: port ${options.port} is not 0 to 65535`);
  }
  return backend().udpSocket(options);
}

/** The CPU that owns the network device net0: what `dedicate('net0', cpu)` set (CPU 0 until then). */
export function networkCpu(): number {
  return backend().networkCpu();
}

/**
 * Sockets as a CPU other than the network's holds them: each call is a request on the socket's pipe to
 * the network CPU (./pumps.ts) and a wait for its reply, so it behaves as the local socket does —
 * including back-pressure, since a write's reply comes only once the stack's send buffer took the bytes.
 */
import { encodeUtf8, SocketError, TextChunks } from '@toro/net';
import { networkCpu, spawnOn } from '@toro/sdk';
import { remoteCloseListener } from './pumps.js';
import type { ConnectionHandle, DatagramMessage, ListenerHandle, Pipe, Reply, UdpHandle } from './wire.js';

/** The most bytes one write request carries (a larger write is several, in order). */
const WRITE_CHUNK = 32768;

/** The reply's value, or its failure thrown as the SocketError it was on the network CPU. */
export function unwrap<T>(r: Reply<T>): T {
  if (r.error !== '')
    throw new SocketError(
      r.error,
      r.message.startsWith(`${r.error}: `) ? r.message.slice(r.error.length + 2) : r.message,
    );
  return r.value;
}

/** One request and its reply; a pipe already closed (the socket is) is 'CLOSED'. */
async function call<Q, R>(p: Pipe<Q, R>, request: Q, what: string): Promise<R> {
  try {
    await p.requests.send(request);
  } catch {
    // The only way a send on a request channel fails: it was closed (the socket is).
    throw new SocketError('CLOSED', `${what}: the socket is closed`);
  }
  const r = await p.replies.recv();
  if (r.done) throw new SocketError('CLOSED', `${what}: the socket is closed`);
  return unwrap(r.value);
}

export class RemoteConnection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
  private closed = false;
  private ended = false;
  private idleMs = 0;
  /** readString's character cut across chunks. */
  private readonly text = new TextChunks();

  constructor(private readonly h: ConnectionHandle) {
    this.remoteAddress = h.remoteAddress;
    this.remotePort = h.remotePort;
    this.localPort = h.localPort;
  }

  async read(max?: number): Promise<Uint8Array | undefined> {
    if (max !== undefined && !(max >= 1)) throw new SocketError('EINVAL', `read: max ${max} is not >= 1`);
    this.usable('read');
    if (this.ended) return undefined;
    const data = await call(
      this.h.reads,
      { max: max === undefined ? 65536 : Math.floor(max), idle: this.idleMs },
      'read',
    );
    if (data !== null) return data;
    this.ended = true;
    return undefined;
  }

  async readString(): Promise<string | undefined> {
    for (;;) {
      const text = this.text.push(await this.read());
      if (text !== null) return text;
    }
  }

  async write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? encodeUtf8(data) : data;
    this.usable('write');
    for (let off = 0; off < bytes.length; off += WRITE_CHUNK) {
      const end = Math.min(bytes.length, off + WRITE_CHUNK);
      await call(this.h.writes, { data: bytes.subarray(off, end), end: false }, 'write');
    }
  }

  async end(): Promise<void> {
    this.usable('end');
    await call(this.h.writes, { data: new Uint8Array(0), end: true }, 'end');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.h.reads.requests.close();
    this.h.writes.requests.close();
  }

  setTimeout(ms: number): void {
    if (!(ms >= 0)) throw new SocketError('EINVAL', `setTimeout: ${ms} is not a duration in milliseconds`);
    this.idleMs = ms;
  }

  private usable(what: string): void {
    if (this.closed) throw new SocketError('CLOSED', `${what}: the connection is closed`);
  }
}

export class RemoteListener {
  readonly port: number;
  private closed = false;

  constructor(private readonly h: ListenerHandle) {
    this.port = h.port;
  }

  async accept(): Promise<RemoteConnection | undefined> {
    if (this.closed) return undefined;
    const handle = await call(this.h.accepts, 0, 'accept');
    return handle === null ? undefined : new RemoteConnection(handle);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.h.accepts.requests.close();
    await spawnOn(networkCpu(), remoteCloseListener, this.h.id).join();
  }
}

export class RemoteUdpSocket {
  readonly port: number;
  private closed = false;

  constructor(private readonly h: UdpHandle) {
    this.port = h.port;
  }

  async send(data: Uint8Array | string, host: string, port: number): Promise<void> {
    if (this.closed) throw new SocketError('CLOSED', 'send: the socket is closed');
    const bytes = typeof data === 'string' ? encodeUtf8(data) : data;
    await call(this.h.sends, { data: bytes, host, port }, 'send');
  }

  async receive(): Promise<DatagramMessage> {
    if (this.closed) throw new SocketError('CLOSED', 'receive: the socket is closed');
    const d = await call(this.h.receives, 0, 'receive');
    if (d === null) throw new SocketError('CLOSED', 'receive: the socket is closed');
    return d;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.h.sends.requests.close();
    this.h.receives.requests.close();
  }
}

/**
 * One TCP connection as the SDK's `Connection`: reads that wait for data, writes that wait for room in
 * the bounded send buffer (back-pressure), half-close, close, an idle timeout, and the stack's failures
 * as SocketErrors. Runs on the network owner's CPU, over the stack's TcpConnection and its one event hook.
 */
import { formatIp } from '../bytes.js';
import type { TcpConnection } from '../tcp/connection.js';
import { TcpState } from '../tcp/types.js';
import { SocketError, tcpFailure } from './errors.js';
import type { SignalSource } from './signal.js';
import { encodeUtf8, TextChunks } from './utf8.js';
import { Waitable, WaitPoint, type Waits } from './wait.js';

export class StreamConnection extends Waitable {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
  private readonly reads: WaitPoint;
  private readonly writes: WaitPoint;
  private closed = false;
  private ended = false;
  private idleMs = 0;
  /** readString's character cut across chunks. */
  private readonly text = new TextChunks();

  constructor(
    readonly tcp: TcpConnection,
    private readonly waits: Waits,
    signals: SignalSource,
  ) {
    const reads = new WaitPoint(signals());
    const writes = new WaitPoint(signals());
    super([reads, writes]);
    this.reads = reads;
    this.writes = writes;
    this.remoteAddress = formatIp(tcp.remoteAddress);
    this.remotePort = tcp.remotePort;
    this.localPort = tcp.localPort;
    tcp.onEvent(() => waits.mark(this));
  }

  /**
   * For connect(): waits until the handshake is done; the stack's failure (refused, timed out) or
   * `timeoutMs` (> 0) passing first fails with a SocketError, and the half-open connection is dropped.
   */
  async established(timeoutMs: number): Promise<void> {
    const deadline = timeoutMs > 0 ? this.waits.now() + timeoutMs : -1;
    while (this.tcp.state === TcpState.SynSent) {
      if (deadline >= 0 && this.waits.now() >= deadline) {
        this.tcp.abort();
        throw new SocketError('ETIMEDOUT', `connect: no answer in ${timeoutMs} ms`);
      }
      await this.waits.park(this.writes, deadline);
    }
    const err = this.tcp.error;
    if (err !== null) throw tcpFailure(err, 'connect');
    if (this.tcp.isClosed()) throw new SocketError('ECONNRESET', 'connect: the connection closed at once');
  }

  /** The next chunk (at most `max` bytes); undefined once the peer has ended its stream. */
  async read(max?: number): Promise<Uint8Array | undefined> {
    if (max !== undefined && !(max >= 1)) throw new SocketError('EINVAL', `read: max ${max} is not >= 1`);
    const limit = max === undefined ? 65536 : Math.floor(max);
    for (;;) {
      this.usable('read');
      const data = this.tcp.read(limit);
      if (data !== null) {
        if (data.length > 0) return data;
        this.ended = true;
        return undefined;
      }
      if (this.ended) return undefined;
      const err = this.tcp.error;
      if (err !== null) throw tcpFailure(err, 'read');
      if (this.tcp.isClosed()) return undefined;
      await this.idle(this.reads, 'read');
    }
  }

  /** The next chunk as UTF-8 text, a character cut across chunks whole; undefined at the end. */
  async readString(): Promise<string | undefined> {
    for (;;) {
      const text = this.text.push(await this.read());
      if (text !== null) return text;
    }
  }

  /** Sends `data` (a string as UTF-8); returns once the send buffer took all of it. */
  async write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? encodeUtf8(data) : data;
    let off = 0;
    while (off < bytes.length) {
      this.usable('write');
      const err = this.tcp.error;
      if (err !== null) throw tcpFailure(err, 'write');
      if (!this.sending()) throw new SocketError('EPIPE', 'write: this side of the connection has ended');
      const n = this.tcp.write(bytes, off, bytes.length - off);
      off += n;
      if (off < bytes.length) await this.idle(this.writes, 'write');
    }
  }

  /** Half-closes: the peer sees the end of the stream after what was written; reads still work. */
  async end(): Promise<void> {
    this.usable('end');
    this.tcp.shutdown();
  }

  /** Closes both directions; parked and later calls fail with 'CLOSED'. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.tcp.close();
    this.waits.mark(this);
    this.reads.signal.close();
    this.writes.signal.close();
  }

  /** Idle timeout: a call parked `ms` without traffic fails with 'ETIMEDOUT'; 0 turns it off. */
  setTimeout(ms: number): void {
    if (!(ms >= 0)) throw new SocketError('EINVAL', `setTimeout: ${ms} is not a duration in milliseconds`);
    this.idleMs = ms;
  }

  private sending(): boolean {
    const s = this.tcp.state;
    return s === TcpState.Established || s === TcpState.CloseWait || s === TcpState.SynReceived;
  }

  private usable(what: string): void {
    if (this.closed) throw new SocketError('CLOSED', `${what}: the connection is closed`);
  }

  /** Parks on `p` until the stack has news; the idle timeout, when set, bounds the wait. */
  private async idle(p: WaitPoint, what: string): Promise<void> {
    const deadline = this.idleMs > 0 ? this.waits.now() + this.idleMs : -1;
    await this.waits.park(p, deadline);
    if (deadline >= 0 && this.waits.now() >= deadline && !this.closed && this.tcp.error === null) {
      const ready =
        what === 'read' ? this.tcp.readableBytes > 0 || this.tcp.ended : this.tcp.writableBytes > 0;
      if (!ready) throw new SocketError('ETIMEDOUT', `${what}: no traffic for ${this.idleMs} ms`);
    }
  }
}

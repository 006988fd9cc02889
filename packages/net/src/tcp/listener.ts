/**
 * A listening socket (LISTEN, RFC 9293 3.10.7.2 is in tcp.ts): its bounded backlog, which counts the
 * connections still in SYN-RECEIVED plus those established and not yet accepted, and the accept queue
 * the application drains with `accept()`. A new SYN for a full backlog takes the place of the oldest
 * connection still in SYN-RECEIVED whose SYN-ACK has gone unanswered for a whole retransmission
 * timeout (reset, counted `tcp.syn.evicted`): a flood of SYNs from spoofed addresses, which never
 * complete, cannot keep real clients out for the minutes a SYN-ACK is retried, and a burst of real
 * clients, whose handshakes complete within a round trip, does not reset its own members. Otherwise
 * the new SYN is dropped (counted `tcp.drop.backlog-full`) and its client's retransmission comes back.
 */
import type { TcpConnection } from './connection.js';
import { TcpEvent } from './types.js';

/** What a listener needs from the Tcp that owns it. */
export interface ListenerHost {
  unlisten(l: TcpListener): void;
  markListenerDirty(l: TcpListener): void;
  flush(): void;
}

export class TcpListener {
  readonly port: number;
  readonly backlog: number;
  /** Connections in SYN-RECEIVED for this listener. */
  embryonic = 0;
  closed = false;
  private queue: TcpConnection[] = [];
  private cb: ((ev: TcpEvent) => void) | null = null;
  pending: TcpEvent[] = [];
  private readonly host: ListenerHost;
  /** Connections adopted and not yet accepted or gone, oldest first. */
  private readonly owned: TcpConnection[] = [];

  constructor(host: ListenerHost, port: number, backlog: number) {
    this.host = host;
    this.port = port;
    this.backlog = Math.max(backlog, 1);
  }

  /** The next established connection, or null when none waits. */
  accept(): TcpConnection | null {
    const c = this.queue.shift();
    return c === undefined ? null : c;
  }

  /** Connections waiting to be accepted. */
  get queued(): number {
    return this.queue.length;
  }

  /** Whether a new SYN fits in the backlog. */
  hasRoom(): boolean {
    return this.embryonic + this.queue.length < this.backlog;
  }

  /**
   * Makes room for a new SYN in a full backlog by resetting the oldest connection still in
   * SYN-RECEIVED after its SYN-ACK was retransmitted; false when there is none.
   */
  evictOldestEmbryonic(): boolean {
    for (const c of this.owned) {
      if (c.embryonic && c.synRetransmitted) {
        c.abort();
        return true;
      }
    }
    return false;
  }

  /** Sets the one event hook: TcpEvent.Acceptable when a connection waits in the queue. */
  onEvent(cb: ((ev: TcpEvent) => void) | null): void {
    this.cb = cb;
  }

  /** Stops listening; connections not yet accepted are reset. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.host.unlisten(this);
    const all = this.owned.slice(0, this.owned.length);
    for (const c of this.queue) all.push(c);
    this.queue = [];
    for (const c of all) c.abort();
    this.host.flush();
  }

  /** A SYN for this listener made `c` (in SYN-RECEIVED). */
  adopt(c: TcpConnection): void {
    c.listener = this;
    c.embryonic = true;
    this.embryonic++;
    this.owned.push(c);
  }

  /** `c` completed its handshake: into the accept queue. */
  established(c: TcpConnection): void {
    this.forget(c);
    this.queue.push(c);
    this.pending.push(TcpEvent.Acceptable);
    this.host.markListenerDirty(this);
  }

  /** `c` closed before it was accepted or while embryonic. */
  released(c: TcpConnection): void {
    this.forget(c);
  }

  private forget(c: TcpConnection): void {
    if (c.embryonic) {
      c.embryonic = false;
      this.embryonic--;
    }
    const i = this.owned.indexOf(c);
    if (i < 0) return;
    // Keep the order (the oldest is evicted first); a backlog is at most a few hundred long.
    for (let j = i; j < this.owned.length - 1; j++) this.owned[j] = this.owned[j + 1];
    this.owned.pop();
  }

  deliver(): void {
    const evs = this.pending;
    this.pending = [];
    const cb = this.cb;
    if (cb === null) return;
    for (const ev of evs) cb(ev);
  }
}

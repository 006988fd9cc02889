/**
 * TCP as a transport under IPv4 (protocol.ts): the connection table and its limits, listeners,
 * demultiplexing of arriving segments (with the LISTEN and no-socket rules of RFC 9293 3.10.7.1-2),
 * ephemeral ports, the timers' tick and the event delivery to the sockets' hooks. Every segment that
 * arrives is counted as tcp.rx and then exactly once more: tcp.rx.ok, or tcp.drop.<reason>.
 */
import type { Counters } from '../counters.js';
import type { Clock } from '../link.js';
import { type IpSender, PROTO_TCP, type Transport } from '../protocol.js';
import { type ConnHost, TcpConnection } from './connection.js';
import { IsnGenerator } from './isn.js';
import { type ListenerHost, TcpListener } from './listener.js';
import { ACK, buildSegment, parseSegment, RST, Segment, SegmentOut, SYN } from './segment.js';
import { seqAdd } from './seq.js';
import { resolveConfig, type TcpConfig, type TcpOptions } from './types.js';

const EPHEMERAL_LOW = 49152;
const EPHEMERAL_COUNT = 16384;

export class Tcp implements Transport, ConnHost, ListenerHost {
  readonly cfg: TcpConfig;
  readonly counters: Counters;
  private readonly ip: IpSender;
  private readonly clock: Clock;
  private readonly isns: IsnGenerator;
  private readonly table: Map<string, TcpConnection> = new Map();
  /** The same connections as an array (TcpConnection.listIndex), for the timer scan. */
  private readonly list: TcpConnection[] = [];
  /** tick() scans the connections' timers only from this time on, or when something changed. */
  private nextScan = 0;
  private timersStale = true;
  /**
   * Called when something outside tick() may have armed a timer (a new connection, an event): the
   * owner loop, if it sleeps until nextTimerAt(), wakes to look again.
   */
  onStale: (() => void) | null = null;
  private readonly listeners: Map<number, TcpListener> = new Map();
  private readonly seg = new Segment();
  private dirty: TcpConnection[] = [];
  private dirtyListeners: TcpListener[] = [];
  private flushing = false;

  constructor(ip: IpSender, clock: Clock, counters: Counters, options?: TcpOptions) {
    this.ip = ip;
    this.clock = clock;
    this.counters = counters;
    this.cfg = resolveConfig(options);
    this.isns = new IsnGenerator(this.cfg.seed);
  }

  now(): number {
    return this.clock.now();
  }

  /** Connections in the table (every state but LISTEN, TIME-WAIT included). */
  get connectionCount(): number {
    return this.table.size;
  }

  /** Every connection in the table (a copy). */
  connections(): TcpConnection[] {
    return this.list.slice(0, this.list.length);
  }

  /** Listens on `port`; throws when the port already has a listener or is out of range. */
  /** Whether `port` has a listener now. */
  hasListener(port: number): boolean {
    return this.listeners.has(port);
  }

  listen(port: number, options?: { backlog?: number }): TcpListener {
    if (port < 1 || port > 65535 || Math.floor(port) !== port) throw new Error(`tcp: bad port ${port}`);
    if (this.listeners.has(port)) throw new Error(`tcp: port ${port} already has a listener`);
    const backlog = options?.backlog ?? this.cfg.backlog;
    const l = new TcpListener(this, port, backlog);
    this.listeners.set(port, l);
    return l;
  }

  /**
   * Opens a connection to `dst`:`port` (the SYN leaves now); its events say how it went. Throws when
   * the connection table is full or no ephemeral port is free.
   */
  connect(dst: number, port: number): TcpConnection {
    if (port < 1 || port > 65535 || Math.floor(port) !== port) throw new Error(`tcp: bad port ${port}`);
    if (this.table.size >= this.cfg.maxConnections) {
      this.counters.add('tcp.conn.limit');
      throw new Error('tcp: connection limit reached');
    }
    const dstAddr = dst >>> 0;
    const lport = this.ephemeralPort(dstAddr, port);
    if (lport < 0) throw new Error('tcp: no free ephemeral port');
    const local = this.ip.localAddress();
    const c = new TcpConnection(this, local, lport, dstAddr, port);
    this.insert(c);
    c.openActive(this.isns.isn(local, lport, dstAddr, port, this.now()), this.ip.maxPayload(dstAddr));
    this.flush();
    return c;
  }

  private ephemeralPort(dst: number, port: number): number {
    const start = this.isns.next() % EPHEMERAL_COUNT;
    for (let i = 0; i < EPHEMERAL_COUNT; i++) {
      const p = EPHEMERAL_LOW + ((start + i) % EPHEMERAL_COUNT);
      if (!this.listeners.has(p) && !this.table.has(key(dst, port, p))) return p;
    }
    return -1;
  }

  private insert(c: TcpConnection): void {
    this.table.set(key(c.remoteAddress, c.remotePort, c.localPort), c);
    c.listIndex = this.list.length;
    this.list.push(c);
    this.stale();
    this.counters.add('tcp.conn.active');
  }

  release(c: TcpConnection): void {
    const k = key(c.remoteAddress, c.remotePort, c.localPort);
    if (this.table.get(k) === c) {
      this.table.delete(k);
      const last = this.list[this.list.length - 1];
      this.list[c.listIndex] = last;
      last.listIndex = c.listIndex;
      this.list.pop();
      c.listIndex = -1;
      this.counters.add('tcp.conn.active', -1);
      this.counters.add('tcp.conn.closed');
    }
  }

  unlisten(l: TcpListener): void {
    if (this.listeners.get(l.port) === l) this.listeners.delete(l.port);
  }

  transmit(dst: number, segment: Uint8Array): void {
    this.counters.add('tcp.tx');
    if (!this.ip.send(dst, PROTO_TCP, segment)) this.counters.add('tcp.tx.dropped');
  }

  receive(src: number, dst: number, payload: Uint8Array): void {
    this.counters.add('tcp.rx');
    let reason: string;
    try {
      reason = this.handle(src >>> 0, dst >>> 0, payload);
    } catch (_e) {
      // A bug of ours must not take the stack down with one segment; it shows as a counter.
      reason = 'tcp.drop.internal-error';
    }
    this.counters.add(reason === '' ? 'tcp.rx.ok' : reason);
    this.flush();
  }

  private handle(src: number, dst: number, payload: Uint8Array): string {
    const seg = this.seg;
    const bad = parseSegment(src, dst, payload, seg);
    if (bad !== '') return bad;
    const c = this.table.get(key(src, seg.srcPort, seg.dstPort));
    this.stale();
    if (c !== undefined) return c.segment(seg);
    const l = this.listeners.get(seg.dstPort);
    if (l !== undefined) return this.segmentListen(l, src, dst, seg);
    // CLOSED (RFC 9293 3.10.7.1): everything but a RST is answered with a RST.
    if (!seg.has(RST)) this.resetFor(src, dst, seg);
    return 'tcp.drop.no-socket';
  }

  private segmentListen(l: TcpListener, src: number, dst: number, seg: Segment): string {
    if (seg.has(RST)) return 'tcp.drop.rst-to-listener';
    if (seg.has(ACK)) {
      this.resetFor(src, dst, seg);
      return 'tcp.drop.ack-to-listener';
    }
    if (!seg.has(SYN)) return 'tcp.drop.no-syn';
    if (!l.hasRoom()) {
      if (!l.evictOldestEmbryonic()) return 'tcp.drop.backlog-full';
      this.counters.add('tcp.syn.evicted');
    }
    if (this.table.size >= this.cfg.maxConnections) return 'tcp.drop.conn-limit';
    const c = new TcpConnection(this, dst, seg.dstPort, src, seg.srcPort);
    l.adopt(c);
    this.insert(c);
    c.openPassive(
      seg,
      this.isns.isn(dst, seg.dstPort, src, seg.srcPort, this.now()),
      this.ip.maxPayload(src),
    );
    return '';
  }

  /** The RST that answers `seg` where no connection is (RFC 9293 3.10.7.1). */
  private resetFor(src: number, dst: number, seg: Segment): void {
    const h = new SegmentOut();
    h.srcPort = seg.dstPort;
    h.dstPort = seg.srcPort;
    if (seg.has(ACK)) {
      h.seq = seg.ack;
      h.flags = RST;
    } else {
      h.seq = 0;
      h.ack = seqAdd(seg.seq, seg.len);
      h.flags = RST | ACK;
    }
    this.counters.add('tcp.rst.sent');
    this.transmit(src, buildSegment(dst, src, h, 0, null));
  }

  /**
   * Runs the timers that are due. The scan over every connection happens only when the earliest
   * deadline seen by the last one has come, when a segment or an event may have armed a new timer, or
   * at least every SCAN_MS (a timer armed by a call that raised no event fires at most that late), so
   * an idle table of many connections costs nothing per poll.
   */
  tick(now: number): void {
    if (this.timersStale || now >= this.nextScan) {
      this.timersStale = false;
      let next = now + SCAN_MS;
      for (const c of this.connections()) {
        let d = c.nextDeadline();
        if (d >= 0 && d <= now) {
          c.tick(now);
          d = c.nextDeadline();
        }
        if (d >= 0 && d < next) next = d;
      }
      this.nextScan = next;
    }
    this.flush();
  }

  /** The earliest time a timer wants tick(), or -1 when none is armed (for an event-driven poll). */
  nextDeadline(): number {
    let t = -1;
    for (const c of this.list) {
      const d = c.nextDeadline();
      if (d >= 0 && (t < 0 || d < t)) t = d;
    }
    return t;
  }

  /**
   * When tick() next has work: 0 for now (something changed since the last scan), -1 for never (no
   * connection), else the earliest deadline the last scan saw, at most SCAN_MS after it.
   */
  nextTimerAt(): number {
    if (this.timersStale) return 0;
    return this.list.length === 0 ? -1 : this.nextScan;
  }

  private stale(): void {
    if (this.timersStale) return;
    this.timersStale = true;
    if (this.onStale !== null) this.onStale();
  }

  markDirty(c: TcpConnection): void {
    this.stale();
    if (c.queued) return;
    c.queued = true;
    this.dirty.push(c);
  }

  markListenerDirty(l: TcpListener): void {
    if (this.dirtyListeners.indexOf(l) < 0) this.dirtyListeners.push(l);
  }

  /** Delivers queued events to the hooks; hooks may call back into the sockets (more events follow). */
  flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.dirty.length > 0 || this.dirtyListeners.length > 0) {
        const ls = this.dirtyListeners;
        this.dirtyListeners = [];
        for (const l of ls) l.deliver();
        const cs = this.dirty;
        this.dirty = [];
        for (const c of cs) {
          c.queued = false;
          c.deliver();
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}

/** The longest tick() goes without looking at every connection's timers. */
const SCAN_MS = 10;

function key(remote: number, remotePort: number, localPort: number): string {
  return `${remote}:${remotePort}:${localPort}`;
}

/**
 * One TCP connection: its control block (RFC 9293 3.3.1), the segment-arrival rules of RFC 9293
 * 3.10.7 for every state but LISTEN (with RFC 5961's checks on RST, SYN and ACK), the sender
 * (windows, RFC 5681 congestion control with RFC 6582 NewReno recovery, RFC 6298 retransmission,
 * the persist timer), the receiver (out-of-order queue, delayed ACKs, window updates), its timers,
 * and the non-blocking socket calls the SDK wraps. Tcp (tcp.ts) owns the table and demultiplexes.
 */
import type { Counters } from '../counters.js';
import { ByteQueue } from './bytequeue.js';
import type { TcpListener } from './listener.js';
import { RtoEstimator } from './rto.js';
import { ACK, buildSegment, FIN, PSH, RST, type Segment, SegmentOut, SYN } from './segment.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, seqMax } from './seq.js';
import { type TcpConfig, TcpError, TcpEvent, TcpState } from './types.js';

/** What a connection needs from the Tcp that owns it. */
export interface ConnHost {
  readonly cfg: TcpConfig;
  readonly counters: Counters;
  now(): number;
  /** Sends one built segment to `dst` (counted as tcp.tx). */
  transmit(dst: number, segment: Uint8Array): void;
  /** The connection reached CLOSED: take it out of the table. */
  release(conn: TcpConnection): void;
  /** The connection has events to deliver. */
  markDirty(conn: TcpConnection): void;
  /** Delivers pending events (after a socket call). */
  flush(): void;
}

/** A segment held in the out-of-order queue (copied: the datagram it came in is not ours to keep). */
class OooEntry {
  seq: number;
  data: Uint8Array;
  fin: boolean;
  constructor(seq: number, data: Uint8Array, fin: boolean) {
    this.seq = seq;
    this.data = data;
    this.fin = fin;
  }
}

const INFINITE_SSTHRESH = 0x40000000;

export class TcpConnection {
  state: TcpState = TcpState.Closed;
  /** Why the connection failed (null while it has not). */
  error: TcpError | null = null;
  readonly localAddress: number;
  readonly localPort: number;
  readonly remoteAddress: number;
  readonly remotePort: number;
  /** The listener that accepted it (passive open), null for connect(). */
  listener: TcpListener | null = null;
  /** Still counted in its listener's SYN backlog (SYN-RECEIVED, not yet accepted). */
  embryonic = false;
  /** On its Tcp's list of connections with events to deliver (Tcp.markDirty). */
  queued = false;
  /** Its place in its Tcp's list of connections, or -1 once released. */
  listIndex = -1;
  /** Keep-alive probes on this connection (setKeepAlive). */
  keepAlive: boolean;

  // Send sequence space.
  iss = 0;
  sndUna = 0;
  sndNxt = 0;
  /** The highest sequence number sent (SND.NXT goes back below it after a timeout). */
  sndMax = 0;
  sndWnd = 0;
  sndWl1 = 0;
  sndWl2 = 0;
  maxSndWnd = 0;
  sndScale = 0;
  /** The MSS we send with: the peer's option (536 without one), at most what our path carries. */
  mss = 536;
  private finQueued = false;
  private readonly sendBuf: ByteQueue;

  // Receive sequence space.
  irs = 0;
  rcvNxt = 0;
  /** The right edge of the window we last advertised (never moved left). */
  private rcvAdv = 0;
  rcvScale = 0;
  /** The MSS we advertised. */
  advMss = 536;
  private peerOfferedScale = false;
  private readonly recvBuf: ByteQueue;
  private ooo: OooEntry[] = [];
  private oooBytes = 0;
  private finReceived = false;
  private rcvMssSeen = 0;
  private unackedBytes = 0;
  private ackNow = false;

  // Congestion control.
  cwnd = 0;
  ssthresh = INFINITE_SSTHRESH;
  dupAcks = 0;
  inRecovery = false;
  private recover = 0;

  // Retransmission.
  readonly rtt: RtoEstimator;
  private rttTiming = false;
  private rttSeq = 0;
  private rttStart = 0;
  /** Consecutive timeouts without progress. */
  retries = 0;
  /** Its SYN (or SYN-ACK) was sent again: the handshake has waited a whole retransmission timeout. */
  synRetransmitted = false;
  /** Segments this connection retransmitted (for tests and counters). */
  retransmits = 0;

  // Timers: absolute times in ms, -1 when off.
  rtxAt = -1;
  persistAt = -1;
  private persistBackoff = 0;
  delackAt = -1;
  keepAt = -1;
  private keepProbes = 0;
  timeWaitAt = -1;
  finWait2At = -1;

  private userClosed = false;
  private wantWritable = false;
  private readonly host: ConnHost;
  private cb: ((ev: TcpEvent) => void) | null = null;
  /** Events not yet delivered (Tcp's flush hands them to the hook). */
  pending: TcpEvent[] = [];
  private readonly out = new SegmentOut();

  constructor(
    host: ConnHost,
    localAddress: number,
    localPort: number,
    remoteAddress: number,
    remotePort: number,
  ) {
    this.host = host;
    this.localAddress = localAddress;
    this.localPort = localPort;
    this.remoteAddress = remoteAddress;
    this.remotePort = remotePort;
    const c = host.cfg;
    this.sendBuf = new ByteQueue(c.sendBuffer);
    this.recvBuf = new ByteQueue(c.receiveBuffer);
    this.rtt = new RtoEstimator(c.initialRto, c.minRto, c.maxRto, c.granularity);
    this.keepAlive = c.keepAlive;
    let scale = 0;
    while (scale < 14 && c.receiveBuffer > 65535 * 2 ** scale) scale++;
    this.rcvScale = scale;
  }

  // ---- socket API ------------------------------------------------------------------------------

  /** Sets the one event hook (replacing any earlier one). */
  onEvent(cb: ((ev: TcpEvent) => void) | null): void {
    this.cb = cb;
  }

  /** Bytes that read() can return now. */
  get readableBytes(): number {
    return this.recvBuf.length;
  }

  /** Bytes write() would take now (0 once the sending side is shut or the connection is gone). */
  get writableBytes(): number {
    return this.canWrite() ? this.sendBuf.free : 0;
  }

  /** Whether the peer's FIN arrived and every byte before it was read. */
  get ended(): boolean {
    return this.finReceived && this.recvBuf.length === 0;
  }

  /** Bytes written but not yet acknowledged by the peer. */
  get unacknowledgedBytes(): number {
    return this.sendBuf.length;
  }

  /**
   * Queues up to `len` bytes of `data` from `off` for sending; returns how many it took (0 when the
   * send buffer is full, the sending side was shut down or the connection is gone). A short count
   * arms a Writable event for when room opens.
   */
  write(data: Uint8Array, off = 0, len = -1): number {
    const n = len < 0 ? data.length - off : len;
    if (!this.canWrite() || n <= 0) return 0;
    const took = this.sendBuf.push(data, off, n);
    if (took < n) this.wantWritable = true;
    this.output();
    this.host.flush();
    return took;
  }

  /**
   * Takes up to `max` received bytes. Returns null when nothing can be read now, an empty array at
   * the end of the stream (the peer's FIN, every byte before it read).
   */
  read(max = 0x7fffffff): Uint8Array | null {
    if (this.recvBuf.length === 0) return this.finReceived ? new Uint8Array(0) : null;
    const data = this.recvBuf.take(max);
    this.maybeWindowUpdate();
    this.host.flush();
    return data;
  }

  /** Half-close: sends FIN after the queued data; reading goes on until the peer's FIN. */
  shutdown(): void {
    if (this.finQueued) return;
    if (this.state === TcpState.SynSent) {
      this.destroy(null);
    } else if (
      this.state === TcpState.Established ||
      this.state === TcpState.CloseWait ||
      this.state === TcpState.SynReceived
    ) {
      this.finQueued = true;
      if (this.state === TcpState.Established) this.state = TcpState.FinWait1;
      else if (this.state === TcpState.CloseWait) this.state = TcpState.LastAck;
      this.output();
    }
    this.host.flush();
  }

  /**
   * Closes both directions: as shutdown(), and data arriving afterwards resets the connection. With
   * unread received data it aborts (RFC 2525 2.17), so the peer learns that data was lost.
   */
  close(): void {
    if (this.state === TcpState.Closed || this.state === TcpState.TimeWait) return;
    this.userClosed = true;
    if (this.recvBuf.length > 0) {
      this.abort();
      return;
    }
    this.shutdown();
    if (this.state === TcpState.FinWait2) this.finWait2At = this.host.now() + this.host.cfg.finWait2Timeout;
    this.host.flush();
  }

  /** Resets the connection at once (RST to the peer); unsent and unread data are dropped. */
  abort(): void {
    if (this.state === TcpState.Closed) return;
    if (this.state !== TcpState.SynSent && this.state !== TcpState.TimeWait) this.sendRst(this.sndNxt);
    this.destroy(null);
    this.host.flush();
  }

  /** Turns keep-alive probing on or off. */
  setKeepAlive(on: boolean): void {
    this.keepAlive = on;
    this.keepAt = on ? this.host.now() + this.host.cfg.keepAliveIdle : -1;
    this.keepProbes = 0;
  }

  // ---- opening ---------------------------------------------------------------------------------

  /** Active open: sends the SYN. */
  openActive(iss: number, maxPayload: number): void {
    this.iss = iss;
    this.sndUna = iss;
    this.sndNxt = seqAdd(iss, 1);
    this.sndMax = this.sndNxt;
    this.recover = iss;
    this.advMss = maxPayload - 20;
    this.mss = this.advMss;
    this.state = TcpState.SynSent;
    this.sendSyn(false);
    this.rtxAt = this.host.now() + this.rtt.rto;
    this.rttTiming = true;
    this.rttSeq = this.sndNxt;
    this.rttStart = this.host.now();
  }

  /** Passive open from a listener's SYN: sends the SYN-ACK. */
  openPassive(seg: Segment, iss: number, maxPayload: number): void {
    this.iss = iss;
    this.sndUna = iss;
    this.sndNxt = seqAdd(iss, 1);
    this.sndMax = this.sndNxt;
    this.recover = iss;
    this.irs = seg.seq;
    this.rcvNxt = seqAdd(seg.seq, 1);
    this.rcvAdv = this.rcvNxt;
    this.advMss = maxPayload - 20;
    this.takeSynOptions(seg);
    this.sndWnd = seg.window;
    this.maxSndWnd = this.sndWnd;
    this.sndWl1 = seg.seq;
    this.sndWl2 = iss;
    this.state = TcpState.SynReceived;
    this.sendSyn(true);
    this.rtxAt = this.host.now() + this.rtt.rto;
    this.rttTiming = true;
    this.rttSeq = this.sndNxt;
    this.rttStart = this.host.now();
  }

  private takeSynOptions(seg: Segment): void {
    const peerMss = seg.mss >= 0 ? seg.mss : 536;
    let m = Math.min(peerMss, this.advMss);
    if (m < 64) m = 64;
    this.mss = m;
    if (seg.wscale >= 0) {
      this.peerOfferedScale = true;
      this.sndScale = seg.wscale;
    } else {
      this.peerOfferedScale = false;
      this.sndScale = 0;
      this.rcvScale = 0;
    }
  }

  private sendSyn(withAck: boolean): void {
    const h = this.header(this.iss, withAck ? SYN | ACK : SYN);
    h.mss = this.advMss;
    // Offer scaling on an active SYN; answer it only when the peer offered it (RFC 7323 2.2).
    h.wscale = !withAck || this.peerOfferedScale ? this.rcvScale : -1;
    let w = this.windowAvail();
    if (w > 65535) w = 65535;
    h.window = w;
    this.rcvAdv = seqAdd(this.rcvNxt, w);
    this.emitSegment(h, 0, 0);
  }

  // ---- segment arrival -------------------------------------------------------------------------

  /** One segment for this connection; returns '' when processed, else the drop counter's name. */
  segment(seg: Segment): string {
    if (this.state === TcpState.SynSent) return this.segmentSynSent(seg);
    if (this.state === TcpState.Closed) return 'tcp.drop.closed';
    const r = this.segmentSynchronized(seg);
    this.afterSegment();
    return r;
  }

  private afterSegment(): void {
    if (this.state === TcpState.Closed) return;
    this.output();
    if (this.ackNow) this.sendAck();
  }

  private segmentSynSent(seg: Segment): string {
    if (seg.has(ACK) && seg.ack !== this.sndNxt) {
      if (!seg.has(RST)) this.sendRstTo(seg.ack);
      return 'tcp.drop.bad-ack';
    }
    if (seg.has(RST)) {
      if (!seg.has(ACK)) return 'tcp.drop.rst-unacceptable';
      this.host.counters.add('tcp.rst.rx');
      this.destroy(TcpError.Refused);
      return '';
    }
    if (!seg.has(SYN)) return 'tcp.drop.no-syn';
    this.irs = seg.seq;
    this.rcvNxt = seqAdd(seg.seq, 1);
    const w = this.windowAvail();
    this.rcvAdv = seqAdd(this.rcvNxt, Math.min(w, 65535));
    this.takeSynOptions(seg);
    if (seg.has(ACK)) {
      this.sndUna = seg.ack;
      this.sndWnd = seg.window;
      this.maxSndWnd = this.sndWnd;
      this.sndWl1 = seg.seq;
      this.sndWl2 = seg.ack;
      if (this.rttTiming && !this.synRetransmitted) this.rtt.sample(this.host.now() - this.rttStart);
      this.rttTiming = false;
      this.enterEstablished();
      this.emit(TcpEvent.Connected);
      this.ackNow = true;
      this.afterSegment();
      return '';
    }
    // Simultaneous open (RFC 9293 3.5, figure 7): answer with our SYN again, now with an ACK.
    this.state = TcpState.SynReceived;
    this.sndWnd = seg.window;
    this.maxSndWnd = this.sndWnd;
    this.sndWl1 = seg.seq;
    this.sndWl2 = this.iss;
    this.sendSyn(true);
    return '';
  }

  private enterEstablished(): void {
    const now = this.host.now();
    this.state = this.finQueued ? TcpState.FinWait1 : TcpState.Established;
    this.host.counters.add('tcp.conn.open');
    this.rtxAt = -1;
    this.retries = 0;
    // RFC 6298 5.7: a retransmitted SYN without an RTT sample: data starts with RTO = 3 s.
    if (this.synRetransmitted && !this.rtt.hasSample) this.rtt.reset(3000);
    const m = this.mss;
    // RFC 5681 3.1 initial window.
    this.cwnd = m > 2190 ? 2 * m : m > 1095 ? 3 * m : 4 * m;
    if (this.keepAlive) this.keepAt = now + this.host.cfg.keepAliveIdle;
  }

  private acceptable(seg: Segment): boolean {
    let wnd = seqDiff(this.rcvAdv, this.rcvNxt);
    if (wnd < 0) wnd = 0;
    const len = seg.len;
    const endOk = (x: number): boolean => seqLe(this.rcvNxt, x) && seqLt(x, seqAdd(this.rcvNxt, wnd));
    if (len === 0) return wnd === 0 ? seg.seq === this.rcvNxt : endOk(seg.seq);
    if (wnd === 0) return false;
    return endOk(seg.seq) || endOk(seqAdd(seg.seq, len - 1));
  }

  private segmentSynchronized(seg: Segment): string {
    const now = this.host.now();
    if (this.state === TcpState.SynReceived && seg.has(SYN) && seg.seq === this.irs) {
      if (!seg.has(ACK)) {
        // The peer did not get our SYN-ACK and sent its SYN again.
        this.sendSyn(true);
        return '';
      }
      // Simultaneous open: the peer's SYN-ACK; its SYN is old, its ACK is news.
      seg.flags = seg.flags & ~SYN;
      seg.seq = seqAdd(seg.seq, 1);
    }
    if (seg.has(SYN) && this.state !== TcpState.SynReceived) {
      // RFC 5961 4.2: a SYN in a synchronized state gets a challenge ACK whatever its number.
      this.challengeAck();
      return 'tcp.drop.syn-in-window';
    }
    if (!this.acceptable(seg)) {
      if (seg.has(RST)) return 'tcp.drop.rst-out-of-window';
      this.ackNow = true;
      return 'tcp.drop.unacceptable';
    }
    if (seg.has(RST)) {
      if (seg.seq !== this.rcvNxt) {
        // RFC 5961 3.2: in the window but not exact: a challenge ACK, the reset is not believed.
        this.challengeAck();
        return 'tcp.drop.rst-in-window';
      }
      this.host.counters.add('tcp.rst.rx');
      if (this.state === TcpState.SynReceived && this.listener !== null) this.destroy(null);
      else if (this.state === TcpState.SynReceived) this.destroy(TcpError.Refused);
      else if (
        this.state === TcpState.Closing ||
        this.state === TcpState.LastAck ||
        this.state === TcpState.TimeWait
      ) {
        this.destroy(null);
      } else this.destroy(TcpError.Reset);
      return '';
    }
    if (seg.has(SYN)) {
      // RFC 5961 4.2: a SYN in a synchronized state gets a challenge ACK whatever its number.
      this.challengeAck();
      return 'tcp.drop.syn-in-window';
    }
    if (!seg.has(ACK)) return 'tcp.drop.no-ack';
    if (this.keepAlive) {
      this.keepAt = now + this.host.cfg.keepAliveIdle;
      this.keepProbes = 0;
    }
    if (this.state === TcpState.SynReceived) {
      if (seqLt(seg.ack, this.sndNxt) || seqGt(seg.ack, this.sndNxt)) {
        this.sendRstTo(seg.ack);
        return 'tcp.drop.bad-ack';
      }
      if (this.rttTiming && !this.synRetransmitted) this.rtt.sample(now - this.rttStart);
      this.rttTiming = false;
      this.sndUna = seg.ack;
      this.sndWnd = seg.window * 2 ** this.sndScale;
      this.maxSndWnd = this.sndWnd;
      this.sndWl1 = seg.seq;
      this.sndWl2 = seg.ack;
      this.enterEstablished();
      if (this.listener !== null) this.listener.established(this);
      else this.emit(TcpEvent.Connected);
    }
    const ackResult = this.processAck(seg);
    if (ackResult !== '') return ackResult;
    if (this.state === TcpState.Closed) return '';
    if (this.state === TcpState.TimeWait) {
      if (seg.has(FIN)) {
        // A retransmitted FIN: our last ACK was lost. ACK again and restart the 2 MSL wait.
        this.timeWaitAt = now + 2 * this.host.cfg.msl;
        this.ackNow = true;
      }
      return '';
    }
    if (
      this.state === TcpState.Established ||
      this.state === TcpState.FinWait1 ||
      this.state === TcpState.FinWait2
    ) {
      if (this.userClosed && seg.data.length > 0 && seqGt(seqAdd(seg.seq, seg.data.length), this.rcvNxt)) {
        // Nobody will read it: tell the peer (as Linux does for a closed socket).
        this.sendRst(this.sndNxt);
        this.destroy(null);
        return '';
      }
      this.processData(seg);
    }
    return '';
  }

  /** RFC 9293 3.10.7.4 fifth check, RFC 5961 5.2, RFC 5681/6582 on the ACK. */
  private processAck(seg: Segment): string {
    const now = this.host.now();
    const ack = seg.ack;
    if (seqGt(ack, this.sndMax)) {
      this.ackNow = true;
      return 'tcp.drop.ack-unsent';
    }
    if (seqLt(ack, (this.sndUna - this.maxSndWnd) >>> 0)) {
      this.challengeAck();
      return 'tcp.drop.ack-too-old';
    }
    const newWnd = seg.window * 2 ** this.sndScale;
    const dataEnd = seqAdd(this.sndUna, this.sendBuf.length);
    if (seqGt(ack, this.sndUna)) {
      let acked = seqDiff(ack, this.sndUna);
      let finAcked = false;
      if (this.finQueued && seqGt(ack, dataEnd)) {
        finAcked = true;
        acked -= 1;
      }
      const hadFull = this.wantWritable;
      this.sendBuf.consume(acked);
      this.sndUna = ack;
      if (seqLt(this.sndNxt, ack)) this.sndNxt = ack;
      this.retries = 0;
      if (this.rttTiming && seqGe(ack, this.rttSeq)) {
        this.rtt.sample(now - this.rttStart);
        this.rttTiming = false;
      }
      this.onNewAck(acked + (finAcked ? 1 : 0));
      if (this.sndUna === this.sndMax) this.rtxAt = -1;
      else if (this.persistAt < 0) this.rtxAt = now + this.rtt.rto;
      if (hadFull && this.sendBuf.free > 0 && this.canWrite()) {
        this.wantWritable = false;
        this.emit(TcpEvent.Writable);
      }
      if (finAcked) {
        if (this.state === TcpState.FinWait1) {
          this.state = TcpState.FinWait2;
          if (this.userClosed) this.finWait2At = now + this.host.cfg.finWait2Timeout;
        } else if (this.state === TcpState.Closing) {
          this.enterTimeWait();
        } else if (this.state === TcpState.LastAck) {
          this.destroy(null);
          return '';
        }
      }
    } else if (
      ack === this.sndUna &&
      seg.data.length === 0 &&
      !seg.has(FIN) &&
      newWnd === this.sndWnd &&
      newWnd !== 0 &&
      this.sndMax !== this.sndUna
    ) {
      this.onDupAck(ack);
    }
    if (seqLt(this.sndWl1, seg.seq) || (this.sndWl1 === seg.seq && seqLe(this.sndWl2, ack))) {
      const opened = this.sndWnd === 0 && newWnd > 0;
      this.sndWnd = newWnd;
      this.sndWl1 = seg.seq;
      this.sndWl2 = ack;
      if (newWnd > this.maxSndWnd) this.maxSndWnd = newWnd;
      if (opened && this.persistAt >= 0) {
        // The window opened: stop probing and send from SND.UNA again (a probe byte was dropped).
        this.persistAt = -1;
        this.sndNxt = this.sndUna;
      }
    }
    return '';
  }

  private onNewAck(acked: number): void {
    const m = this.mss;
    if (this.inRecovery) {
      if (seqGe(this.sndUna, this.recover)) {
        // Full acknowledgement (RFC 6582 3.2 step 3): deflate and leave recovery.
        const flight = seqDiff(this.sndMax, this.sndUna);
        const alt = Math.max(flight, m) + m;
        this.cwnd = Math.min(this.ssthresh, alt);
        this.inRecovery = false;
        this.dupAcks = 0;
      } else {
        // Partial acknowledgement (step 4): the next hole is lost too; retransmit it at once.
        this.host.counters.add('tcp.newreno-partial');
        this.retransmitFirst();
        this.cwnd = this.cwnd > acked ? this.cwnd - acked : m;
        if (acked >= m) this.cwnd += m;
        if (this.cwnd < m) this.cwnd = m;
      }
      return;
    }
    this.dupAcks = 0;
    if (this.cwnd < this.ssthresh) this.cwnd += Math.min(acked, m);
    else this.cwnd += Math.max(1, Math.floor((m * m) / this.cwnd));
  }

  private onDupAck(ack: number): void {
    this.dupAcks++;
    const m = this.mss;
    if (this.inRecovery) {
      this.cwnd += m;
      return;
    }
    if (this.dupAcks === 3 && seqGt(ack, this.recover)) {
      const flight = seqDiff(this.sndMax, this.sndUna);
      this.ssthresh = Math.max(Math.floor(flight / 2), 2 * m);
      this.recover = this.sndMax;
      this.inRecovery = true;
      this.host.counters.add('tcp.fast-retransmit');
      this.retransmitFirst();
      this.cwnd = this.ssthresh + 3 * m;
      this.rtxAt = this.host.now() + this.rtt.rto;
    }
  }

  private processData(seg: Segment): void {
    let seq = seg.seq;
    let data = seg.data;
    let fin = seg.has(FIN);
    const skip = seqDiff(this.rcvNxt, seq);
    if (skip > 0) {
      if (skip > data.length || (skip === data.length && !fin)) {
        if (data.length > 0 || fin) this.ackNow = true;
        return;
      }
      data = data.subarray(skip, data.length);
      seq = this.rcvNxt;
    }
    let room = seqDiff(this.rcvAdv, seq);
    if (room < 0) room = 0;
    if (data.length > room) {
      data = data.subarray(0, room);
      fin = false;
    }
    if (data.length === 0 && !fin) return;
    if (seq === this.rcvNxt) {
      const hadGap = this.ooo.length > 0;
      const took = this.recvBuf.push(data, 0, data.length);
      this.rcvNxt = seqAdd(this.rcvNxt, took);
      if (took > 0) this.emit(TcpEvent.Readable);
      if (took > this.rcvMssSeen) this.rcvMssSeen = took;
      if (fin && took === data.length) this.finArrived();
      else if (hadGap) this.drainOoo();
      if (hadGap || this.ooo.length > 0) this.ackNow = true;
      else if (took > 0) {
        this.unackedBytes += took;
        if (this.unackedBytes >= 2 * this.rcvMssSeen) this.ackNow = true;
        else if (this.delackAt < 0) this.delackAt = this.host.now() + this.host.cfg.delayedAck;
      }
      return;
    }
    // A segment beyond a hole: keep it (bounded) and send a duplicate ACK at once (RFC 5681 4.2).
    this.ackNow = true;
    this.queueOoo(seq, data, fin);
  }

  private queueOoo(seq: number, data: Uint8Array, fin: boolean): void {
    const c = this.host.counters;
    for (const e of this.ooo) {
      if (e.seq === seq && e.data.length >= data.length) {
        c.add('tcp.ooo.duplicate');
        return;
      }
    }
    if (this.ooo.length >= this.host.cfg.maxOutOfOrder || this.oooBytes + data.length > this.windowRoom()) {
      c.add('tcp.ooo.dropped');
      return;
    }
    this.ooo.push(new OooEntry(seq, data.slice(0, data.length), fin));
    this.oooBytes += data.length;
    let i = this.ooo.length - 1;
    while (i > 0 && seqLt(seq, this.ooo[i - 1].seq)) {
      const t = this.ooo[i - 1];
      this.ooo[i - 1] = this.ooo[i];
      this.ooo[i] = t;
      i--;
    }
    c.add('tcp.ooo.queued');
  }

  private drainOoo(): void {
    while (this.ooo.length > 0) {
      const e = this.ooo[0];
      if (seqGt(e.seq, this.rcvNxt)) return;
      this.ooo.shift();
      this.oooBytes -= e.data.length;
      const end = seqAdd(e.seq, e.data.length);
      let complete = true;
      if (seqGt(end, this.rcvNxt)) {
        const part = e.data.subarray(seqDiff(this.rcvNxt, e.seq), e.data.length);
        const took = this.recvBuf.push(part, 0, part.length);
        this.rcvNxt = seqAdd(this.rcvNxt, took);
        if (took < part.length) complete = false;
      }
      if (e.fin && complete && this.rcvNxt === end) {
        this.finArrived();
        return;
      }
    }
  }

  private finArrived(): void {
    this.rcvNxt = seqAdd(this.rcvNxt, 1);
    this.finReceived = true;
    this.ooo = [];
    this.oooBytes = 0;
    this.ackNow = true;
    this.emit(TcpEvent.Readable);
    if (this.state === TcpState.Established || this.state === TcpState.SynReceived) {
      this.state = TcpState.CloseWait;
    } else if (this.state === TcpState.FinWait1) {
      // Our FIN is still unacknowledged (an ACK of it would have moved us to FIN-WAIT-2 already).
      this.state = TcpState.Closing;
    } else if (this.state === TcpState.FinWait2) {
      this.enterTimeWait();
    }
  }

  private enterTimeWait(): void {
    this.state = TcpState.TimeWait;
    this.timeWaitAt = this.host.now() + 2 * this.host.cfg.msl;
    this.rtxAt = -1;
    this.persistAt = -1;
    this.keepAt = -1;
    this.finWait2At = -1;
    this.emit(TcpEvent.Closed);
  }

  // ---- sending ---------------------------------------------------------------------------------

  private canWrite(): boolean {
    if (this.finQueued) return false;
    const s = this.state;
    return (
      s === TcpState.Established ||
      s === TcpState.CloseWait ||
      s === TcpState.SynSent ||
      s === TcpState.SynReceived
    );
  }

  private synchronizedSending(): boolean {
    const s = this.state;
    return (
      s === TcpState.Established ||
      s === TcpState.CloseWait ||
      s === TcpState.FinWait1 ||
      s === TcpState.Closing ||
      s === TcpState.LastAck
    );
  }

  /** Sends what the windows allow: new data, go-back-N retransmissions after a timeout, the FIN. */
  output(): void {
    if (!this.synchronizedSending()) return;
    const now = this.host.now();
    const m = this.mss;
    for (;;) {
      const offset = seqDiff(this.sndNxt, this.sndUna);
      const unsent = this.sendBuf.length - offset;
      const wnd = Math.min(this.sndWnd, this.cwnd);
      const avail = wnd - offset;
      if (unsent > 0) {
        let len = Math.min(unsent, m);
        if (len > avail) len = avail;
        if (len <= 0) break;
        // Sender-side silly window avoidance (RFC 9293 3.8.6.2.1).
        if (len < m && len < unsent && len < this.maxSndWnd / 2) break;
        if (this.persistAt >= 0) this.persistAt = -1;
        const fin = this.finQueued && len === unsent;
        this.sendData(this.sndNxt, offset, len, fin);
        if (!seqLt(this.sndNxt, this.sndMax) && !this.rttTiming) {
          this.rttTiming = true;
          this.rttSeq = seqAdd(this.sndNxt, len);
          this.rttStart = now;
        }
        this.sndNxt = seqAdd(this.sndNxt, len + (fin ? 1 : 0));
        this.sndMax = seqMax(this.sndMax, this.sndNxt);
        if (this.rtxAt < 0) this.rtxAt = now + this.rtt.rto;
        continue;
      }
      if (this.finQueued && unsent === 0) {
        this.sendData(this.sndNxt, offset, 0, true);
        this.sndNxt = seqAdd(this.sndNxt, 1);
        this.sndMax = seqMax(this.sndMax, this.sndNxt);
        if (this.rtxAt < 0) this.rtxAt = now + this.rtt.rto;
      }
      break;
    }
    const offset = seqDiff(this.sndNxt, this.sndUna);
    if (this.sendBuf.length - offset > 0 && this.sndNxt === this.sndUna && this.persistAt < 0) {
      // Data waits on the peer's window with nothing in flight to bring an ACK: persist timer.
      this.rtxAt = -1;
      this.persistBackoff = this.rtt.rto;
      this.persistAt = now + this.persistBackoff;
    }
  }

  /** Sends the segment at `seq` holding `len` bytes from `offset` in the send buffer, maybe a FIN. */
  private sendData(seq: number, offset: number, len: number, fin: boolean): void {
    if (seqLt(seq, this.sndMax)) {
      this.retransmits++;
      this.host.counters.add('tcp.retransmit');
    }
    const h = this.header(seq, ACK | (fin ? FIN : 0) | (len > 0 ? PSH : 0));
    this.emitSegment(h, offset, len);
  }

  /** Retransmits the first unacknowledged segment (fast retransmit, NewReno partial ACK). */
  private retransmitFirst(): void {
    this.rttTiming = false;
    const len = Math.min(this.sendBuf.length, this.mss);
    const finSent = this.finQueued && seqGt(this.sndMax, seqAdd(this.sndUna, this.sendBuf.length));
    const fin = finSent && len === this.sendBuf.length;
    if (len === 0 && !fin) return;
    this.sendData(this.sndUna, 0, len, fin);
  }

  private sendAck(): void {
    this.emitSegment(this.header(this.sndNxt, ACK), 0, 0);
  }

  private challengeAck(): void {
    this.host.counters.add('tcp.challenge-ack');
    this.sendAck();
  }

  private sendRst(seq: number): void {
    this.host.counters.add('tcp.rst.sent');
    this.emitSegment(this.header(seq, RST | ACK), 0, 0);
  }

  private sendRstTo(seq: number): void {
    this.host.counters.add('tcp.rst.sent');
    const h = this.header(seq, RST);
    h.ack = 0;
    this.emitSegment(h, 0, 0);
  }

  private header(seq: number, flags: number): SegmentOut {
    const h = this.out;
    h.srcPort = this.localPort;
    h.dstPort = this.remotePort;
    h.seq = seq;
    h.ack = (flags & ACK) !== 0 ? this.rcvNxt : 0;
    h.flags = flags;
    h.mss = -1;
    h.wscale = -1;
    if ((flags & ACK) !== 0 && (flags & SYN) === 0) h.window = this.advertise();
    else h.window = 0;
    return h;
  }

  private emitSegment(h: SegmentOut, offset: number, len: number): void {
    if ((h.flags & ACK) !== 0) {
      this.ackNow = false;
      this.delackAt = -1;
      this.unackedBytes = 0;
    }
    const buf = this.sendBuf;
    const fill = len > 0 ? (b: Uint8Array, at: number): void => buf.copyOut(offset, len, b, at) : null;
    this.host.transmit(this.remoteAddress, buildSegment(this.localAddress, this.remoteAddress, h, len, fill));
  }

  /** Free receive space not promised to queued out-of-order data. */
  private windowRoom(): number {
    return this.recvBuf.free - this.oooBytes;
  }

  private windowAvail(): number {
    const room = this.windowRoom();
    return Math.max(room, 0);
  }

  /** The window field for a non-SYN segment; moves RCV.ADV (never left: RFC 9293 3.8.6.2.2). */
  private advertise(): number {
    let w = this.windowAvail();
    const lim = Math.min(this.recvBuf.limit / 2, this.advMss);
    if (w < lim) w = 0;
    const promised = seqDiff(this.rcvAdv, this.rcvNxt);
    if (w < promised) w = promised;
    let field = Math.floor(w / 2 ** this.rcvScale);
    if (field > 65535) field = 65535;
    this.rcvAdv = seqAdd(this.rcvNxt, field * 2 ** this.rcvScale);
    return field;
  }

  /** After a read: tell the peer when the window opened by enough to matter (receiver SWS rule). */
  private maybeWindowUpdate(): void {
    if (!this.synchronizedSending() && this.state !== TcpState.FinWait2) return;
    if (this.finReceived) return;
    const right = seqAdd(this.rcvNxt, this.windowAvail());
    const grow = seqDiff(right, this.rcvAdv);
    const lim = Math.min(this.recvBuf.limit / 2, 2 * this.advMss);
    if (grow >= lim) this.sendAck();
  }

  // ---- timers ----------------------------------------------------------------------------------

  /** The earliest armed timer, or -1. */
  nextDeadline(): number {
    let t = this.rtxAt;
    if (this.persistAt >= 0 && (t < 0 || this.persistAt < t)) t = this.persistAt;
    if (this.delackAt >= 0 && (t < 0 || this.delackAt < t)) t = this.delackAt;
    if (this.keepAt >= 0 && (t < 0 || this.keepAt < t)) t = this.keepAt;
    if (this.timeWaitAt >= 0 && (t < 0 || this.timeWaitAt < t)) t = this.timeWaitAt;
    if (this.finWait2At >= 0 && (t < 0 || this.finWait2At < t)) t = this.finWait2At;
    return t < 0 ? -1 : t;
  }

  tick(now: number): void {
    if (this.state === TcpState.Closed) return;
    if (this.timeWaitAt >= 0 && now >= this.timeWaitAt) {
      this.timeWaitAt = -1;
      this.destroy(null);
      return;
    }
    if (this.finWait2At >= 0 && now >= this.finWait2At) {
      this.finWait2At = -1;
      this.host.counters.add('tcp.conn.fin-wait-2-timeout');
      this.destroy(null);
      return;
    }
    if (this.rtxAt >= 0 && now >= this.rtxAt) {
      this.rtxAt = -1;
      this.onRetransmitTimeout(now);
      if (this.isClosed()) return;
    }
    if (this.persistAt >= 0 && now >= this.persistAt) this.onPersist(now);
    if (this.delackAt >= 0 && now >= this.delackAt) {
      this.host.counters.add('tcp.ack.delayed');
      this.sendAck();
    }
    if (this.keepAt >= 0 && now >= this.keepAt) this.onKeepAlive(now);
  }

  private onRetransmitTimeout(now: number): void {
    const c = this.host.cfg;
    this.retries++;
    this.rttTiming = false;
    if (this.state === TcpState.SynSent || this.state === TcpState.SynReceived) {
      if (this.retries > c.synRetries) {
        this.host.counters.add('tcp.conn.timeout');
        if (this.listener !== null) this.destroy(null);
        else this.destroy(TcpError.Timeout);
        return;
      }
      this.synRetransmitted = true;
      this.rtt.backoff();
      this.retransmits++;
      this.host.counters.add('tcp.retransmit');
      this.sendSyn(this.state === TcpState.SynReceived);
      this.rtxAt = now + this.rtt.rto;
      return;
    }
    if (this.retries > c.maxRetries) {
      this.host.counters.add('tcp.conn.timeout');
      this.sendRst(this.sndNxt);
      this.destroy(TcpError.Timeout);
      return;
    }
    this.host.counters.add('tcp.rto-expired');
    const m = this.mss;
    const flight = seqDiff(this.sndMax, this.sndUna);
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * m);
    this.cwnd = m;
    this.dupAcks = 0;
    this.inRecovery = false;
    this.recover = this.sndMax;
    this.rtt.backoff();
    this.sndNxt = this.sndUna;
    this.output();
    if (this.rtxAt < 0 && this.persistAt < 0 && this.sndUna !== this.sndMax) this.rtxAt = now + this.rtt.rto;
  }

  private onPersist(now: number): void {
    const offset = seqDiff(this.sndNxt, this.sndUna);
    const unsent = this.sendBuf.length - offset;
    if (unsent <= 0 || !this.synchronizedSending()) {
      this.persistAt = -1;
      return;
    }
    this.host.counters.add('tcp.persist-probe');
    let len = 1;
    const room = this.sndWnd - offset;
    if (room > 1) len = room < unsent ? Math.min(room, this.mss) : Math.min(unsent, this.mss);
    const fin = this.finQueued && len === unsent;
    this.sendData(this.sndNxt, offset, len, fin);
    this.sndNxt = seqAdd(this.sndNxt, len + (fin ? 1 : 0));
    this.sndMax = seqMax(this.sndMax, this.sndNxt);
    const next = this.persistBackoff * 2;
    this.persistBackoff = Math.min(next, this.host.cfg.maxRto);
    this.persistAt = now + this.persistBackoff;
  }

  private onKeepAlive(now: number): void {
    const c = this.host.cfg;
    if (this.state !== TcpState.Established && this.state !== TcpState.CloseWait) {
      this.keepAt = -1;
      return;
    }
    if (this.keepProbes >= c.keepAliveProbes) {
      this.host.counters.add('tcp.conn.timeout');
      this.host.counters.add('tcp.keepalive.dead');
      this.sendRst(this.sndNxt);
      this.destroy(TcpError.Timeout);
      return;
    }
    this.keepProbes++;
    this.host.counters.add('tcp.keepalive.probe');
    // SEG.SEQ = SND.NXT - 1 with no data: unacceptable to the peer, which must answer with an ACK.
    this.emitSegment(this.header((this.sndNxt - 1) >>> 0, ACK), 0, 0);
    this.keepAt = now + c.keepAliveInterval;
  }

  // ---- the end ---------------------------------------------------------------------------------

  /** Moves to CLOSED, sets `error`, queues the events and leaves the table. */
  destroy(err: TcpError | null): void {
    if (this.state === TcpState.Closed) return;
    const wasVisible = this.state !== TcpState.TimeWait;
    this.state = TcpState.Closed;
    this.rtxAt = -1;
    this.persistAt = -1;
    this.delackAt = -1;
    this.keepAt = -1;
    this.timeWaitAt = -1;
    this.finWait2At = -1;
    this.ooo = [];
    this.oooBytes = 0;
    if (err !== null) {
      this.error = err;
      this.host.counters.add(`tcp.error.${err}`);
      this.emit(TcpEvent.Error);
    }
    if (wasVisible) this.emit(TcpEvent.Closed);
    if (this.listener !== null) this.listener.released(this);
    this.host.release(this);
  }

  /** A method, not a field test, so TypeScript does not narrow `state` across calls that change it. */
  isClosed(): boolean {
    return this.state === TcpState.Closed;
  }

  private emit(ev: TcpEvent): void {
    this.pending.push(ev);
    this.host.markDirty(this);
  }

  /** Hands the pending events to the hook (called by Tcp's flush). */
  deliver(): void {
    const evs = this.pending;
    this.pending = [];
    const cb = this.cb;
    if (cb === null) return;
    for (const ev of evs) cb(ev);
  }
}

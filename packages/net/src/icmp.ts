/**
 * ICMP (RFC 792, RFC 1122 3.2.2): answers echo requests (the guest answers `ping`), sends echo
 * requests for `ping` with a result callback and a timeout, sends destination-unreachable and
 * time-exceeded errors (rate-limited, never about broadcasts or other ICMP errors), and hands the
 * errors it receives to the transport whose datagram they quote.
 */
import { IP_BROADCAST, isMulticast, read16, read32, write16 } from './bytes.js';
import { checksum } from './checksum.js';
import type { Counters } from './counters.js';
import type { IcmpHandler, Ipv4 } from './ipv4.js';
import { type IcmpError, PROTO_ICMP } from './protocol.js';

export const ICMP_ECHO_REPLY = 0;
export const ICMP_UNREACHABLE = 3;
export const ICMP_ECHO_REQUEST = 8;
export const ICMP_TIME_EXCEEDED = 11;
export const ICMP_PARAMETER_PROBLEM = 12;
/** Unreachable codes we send. */
export const UNREACH_PROTOCOL = 2;
export const UNREACH_PORT = 3;
/** Pings waiting for their reply at once. */
export const PING_MAX_PENDING = 16;
export const PING_DEFAULT_TIMEOUT_MS = 2_000;
/** ICMP errors sent per second at most (RFC 1812 4.3.2.8's advice; a flood of closed-port probes). */
export const ICMP_ERRORS_PER_SECOND = 20;

/** The outcome of one ping. */
export interface PingResult {
  /** Whether the echo reply came back. */
  ok: boolean;
  /** Who was pinged, and the sequence number used. */
  dst: number;
  seq: number;
  /** Milliseconds from request to reply (0 when not ok). */
  rtt: number;
  /** The reply's TTL (0 when not ok). */
  ttl: number;
  /** Why it failed: 'timeout', 'unreachable', 'send-failed', 'busy' ('' when ok). */
  error: string;
}

/** What `ping` may be told. */
export interface PingOptions {
  /** Payload bytes after the 8-byte ICMP header (default 56, as ping(8)). */
  size?: number;
  timeoutMs?: number;
  ttl?: number;
}

interface PendingPing {
  dst: number;
  seq: number;
  sent: number;
  deadline: number;
  done: (r: PingResult) => void;
}

export class Icmp implements IcmpHandler {
  /** The echo identifier of this stack's pings. */
  readonly ident: number;
  private seq = 0;
  private pings: PendingPing[] = [];
  private errorWindow = 0;
  private errorsInWindow = 0;
  /** Where received errors go (the stack routes them to the quoted protocol's transport). */
  onError: ((e: IcmpError) => void) | null = null;

  constructor(
    private readonly ip: Ipv4,
    private readonly counters: Counters,
    private readonly now: () => number,
    ident: number,
  ) {
    this.ident = ident & 0xffff;
  }

  receive(src: number, dst: number, p: Uint8Array, ttl: number, broadcast: boolean): void {
    const c = this.counters;
    if (p.length < 8) {
      c.add('icmp.drop.truncated');
      return;
    }
    if (checksum(p, 0, p.length) !== 0) {
      c.add('icmp.drop.bad-checksum');
      return;
    }
    const type = p[0];
    if (type === ICMP_ECHO_REQUEST) {
      // Broadcast pings are not answered (a smurf amplifier otherwise), as Linux does by default.
      if (broadcast || dst !== this.ip.localAddress()) {
        c.add('icmp.drop.echo-broadcast');
        return;
      }
      const reply = p.slice();
      reply[0] = ICMP_ECHO_REPLY;
      reply[1] = 0;
      write16(reply, 2, 0);
      write16(reply, 2, checksum(reply, 0, reply.length));
      this.ip.send(src, PROTO_ICMP, reply);
      c.add('icmp.echo-request.accepted');
      return;
    }
    if (type === ICMP_ECHO_REPLY) {
      const id = read16(p, 4);
      const seq = read16(p, 6);
      for (const q of this.pings) {
        if (id === this.ident && q.seq === seq && q.dst === src) {
          this.finish(q, { ok: true, dst: src, seq, rtt: this.now() - q.sent, ttl, error: '' });
          c.add('icmp.echo-reply.accepted');
          return;
        }
      }
      c.add('icmp.drop.unexpected-reply');
      return;
    }
    if (type === ICMP_UNREACHABLE || type === ICMP_TIME_EXCEEDED || type === ICMP_PARAMETER_PROBLEM) {
      this.receiveError(src, type, p);
      return;
    }
    c.add('icmp.drop.unhandled-type');
  }

  /** Parses the datagram an error quotes and hands the error on. */
  private receiveError(reporter: number, type: number, p: Uint8Array): void {
    const c = this.counters;
    const q = 8;
    if (p.length < q + 20 || p[q] >>> 4 !== 4) {
      c.add('icmp.drop.bad-quote');
      return;
    }
    const ihl = (p[q] & 15) * 4;
    if (ihl < 20 || p.length < q + ihl + 8) {
      c.add('icmp.drop.bad-quote');
      return;
    }
    const src = read32(p, q + 12);
    // Only errors about datagrams we sent matter; others are forged or misdelivered.
    if (src !== this.ip.localAddress()) {
      c.add('icmp.drop.not-ours');
      return;
    }
    const err: IcmpError = {
      type,
      code: p[1],
      reporter,
      src,
      dst: read32(p, q + 16),
      protocol: p[q + 9],
      quoted: p.slice(q + ihl),
      mtu: type === ICMP_UNREACHABLE && p[1] === 4 ? read16(p, 6) : 0,
    };
    // An error about our own ping fails that ping at once.
    if (
      err.protocol === PROTO_ICMP &&
      err.quoted[0] === ICMP_ECHO_REQUEST &&
      read16(err.quoted, 4) === this.ident
    ) {
      const seq = read16(err.quoted, 6);
      for (const pp of this.pings) {
        if (pp.seq === seq && pp.dst === err.dst) {
          this.finish(pp, { ok: false, dst: pp.dst, seq, rtt: 0, ttl: 0, error: 'unreachable' });
          break;
        }
      }
    }
    c.add('icmp.error.accepted');
    if (this.onError !== null) this.onError(err);
  }

  /**
   * Sends an echo request to `dst`; `done` is called once with the result (reply, timeout via tick,
   * or at once when it could not be sent). Returns the sequence number used, or -1 when not sent.
   */
  ping(dst: number, done: (r: PingResult) => void, options?: PingOptions): number {
    const size = options?.size ?? 56;
    const timeout = options?.timeoutMs ?? PING_DEFAULT_TIMEOUT_MS;
    const ttl = options?.ttl ?? 64;
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xffff;
    if (this.pings.length >= PING_MAX_PENDING) {
      done({ ok: false, dst, seq, rtt: 0, ttl: 0, error: 'busy' });
      return -1;
    }
    const p = new Uint8Array(8 + (size < 0 ? 0 : size));
    p[0] = ICMP_ECHO_REQUEST;
    write16(p, 4, this.ident);
    write16(p, 6, seq);
    for (let i = 8; i < p.length; i++) p[i] = i & 0xff;
    write16(p, 2, checksum(p, 0, p.length));
    const now = this.now();
    const q: PendingPing = { dst, seq, sent: now, deadline: now + timeout, done };
    this.pings.push(q);
    this.counters.add('icmp.echo-request.sent');
    if (!this.ip.sendWithTtl(dst, PROTO_ICMP, p, ttl)) {
      this.finish(q, { ok: false, dst, seq, rtt: 0, ttl: 0, error: 'send-failed' });
      return -1;
    }
    return seq;
  }

  /** Port unreachable for the datagram being delivered now (UDP calls it for a closed port). */
  portUnreachable(payload: Uint8Array): void {
    if (this.ip.currentIsBroadcast()) return;
    this.sendError(ICMP_UNREACHABLE, UNREACH_PORT, this.ip.currentHeader(), payload);
  }

  sendError(type: number, code: number, header: Uint8Array, payload: Uint8Array): void {
    const c = this.counters;
    if (header.length < 20) return;
    const src = read32(header, 12);
    // Never about a datagram from nobody or to a group, nor about an ICMP error (RFC 1122 3.2.2).
    if (src === 0 || src === IP_BROADCAST || isMulticast(src) || isMulticast(read32(header, 16))) return;
    if (header[9] === PROTO_ICMP && payload.length > 0) {
      const t = payload[0];
      if (t !== ICMP_ECHO_REQUEST && t !== ICMP_ECHO_REPLY) return;
    }
    const now = this.now();
    if (now - this.errorWindow >= 1000) {
      this.errorWindow = now;
      this.errorsInWindow = 0;
    }
    if (this.errorsInWindow >= ICMP_ERRORS_PER_SECOND) {
      c.add('icmp.tx-drop.rate-limit');
      return;
    }
    this.errorsInWindow++;
    const quote = payload.length < 8 ? payload.length : 8;
    const p = new Uint8Array(8 + header.length + quote);
    p[0] = type;
    p[1] = code;
    p.set(header, 8);
    p.set(payload.subarray(0, quote), 8 + header.length);
    write16(p, 2, checksum(p, 0, p.length));
    c.add('icmp.error.sent');
    this.ip.send(src, PROTO_ICMP, p);
  }

  /** Pings waiting for a reply. */
  pendingPings(): number {
    return this.pings.length;
  }

  tick(now: number): void {
    if (!this.pings.some((q) => q.deadline <= now)) return;
    for (const q of this.pings.filter((x) => x.deadline <= now)) {
      this.finish(q, { ok: false, dst: q.dst, seq: q.seq, rtt: 0, ttl: 0, error: 'timeout' });
    }
  }

  nextTimer(): number {
    let t = Number.POSITIVE_INFINITY;
    for (const q of this.pings) if (q.deadline < t) t = q.deadline;
    return t;
  }

  private finish(q: PendingPing, r: PingResult): void {
    const i = this.pings.indexOf(q);
    if (i < 0) return;
    this.pings[i] = this.pings[this.pings.length - 1];
    this.pings.pop();
    this.counters.add(r.ok ? 'icmp.ping.ok' : `icmp.ping.${r.error}`);
    q.done(r);
  }
}

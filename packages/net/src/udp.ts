/**
 * UDP (RFC 768): sockets bound to ports, datagrams sent with the pseudo-header checksum and received
 * with it verified, a bounded receive queue per socket (overflow is dropped and counted), ephemeral
 * ports for clients, and port unreachable for datagrams to a closed port.
 */
import { read16, write16 } from './bytes.js';
import { finish, pseudoHeaderSum, sumBytes } from './checksum.js';
import type { Counters } from './counters.js';
import type { Icmp } from './icmp.js';
import { type IcmpError, type IpSender, PROTO_UDP, type Transport } from './protocol.js';

export const UDP_HEADER = 8;
/** Datagrams a socket holds unread by default. */
export const UDP_DEFAULT_QUEUE = 64;
/** The ephemeral port range (RFC 6335). */
export const UDP_EPHEMERAL_FIRST = 49152;
export const UDP_EPHEMERAL_LAST = 65535;

/** One received datagram. */
export interface UdpDatagram {
  src: number;
  srcPort: number;
  dst: number;
  dstPort: number;
  data: Uint8Array;
}

/** A port bound by a user of the stack (DHCP, DNS, a service's UDP socket). */
export class UdpSocket {
  private queue: UdpDatagram[] = [];
  private open = true;
  /** Called after a datagram is queued; the handler reads it with `receive`. */
  onDatagram: ((s: UdpSocket) => void) | null = null;
  /** Called with an ICMP error about a datagram this socket sent (port unreachable, say). */
  onError: ((e: IcmpError) => void) | null = null;
  /** Datagrams dropped because the queue was full. */
  dropped = 0;

  constructor(
    private readonly udp: Udp,
    readonly port: number,
    readonly maxQueue: number,
  ) {}

  /** Sends `data` to `dst`:`dstPort`; false when IP dropped it. */
  send(dst: number, dstPort: number, data: Uint8Array): boolean {
    if (!this.open) return false;
    return this.udp.sendFrom(this.port, dst, dstPort, data);
  }

  /** The oldest unread datagram, or null. */
  receive(): UdpDatagram | null {
    const d = this.queue.shift();
    return d === undefined ? null : d;
  }

  pending(): number {
    return this.queue.length;
  }

  isOpen(): boolean {
    return this.open;
  }

  /** Unbinds the port; unread datagrams are discarded. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.queue = [];
    this.udp.unbind(this);
  }

  /** Queues a datagram (Udp calls it); false when the queue is full. */
  deliver(d: UdpDatagram): boolean {
    if (this.queue.length >= this.maxQueue) {
      this.dropped++;
      return false;
    }
    this.queue.push(d);
    if (this.onDatagram !== null) this.onDatagram(this);
    return true;
  }
}

export class Udp implements Transport {
  private readonly sockets = new Map<number, UdpSocket>();
  private nextEphemeral = UDP_EPHEMERAL_FIRST;
  private icmp: Icmp | null = null;

  constructor(
    private readonly ip: IpSender,
    private readonly counters: Counters,
    ephemeralSeed: number,
  ) {
    // Start somewhere in the range so ports differ across boots (RFC 6056's advice, weakly).
    this.nextEphemeral =
      UDP_EPHEMERAL_FIRST + (Math.abs(ephemeralSeed) % (UDP_EPHEMERAL_LAST - UDP_EPHEMERAL_FIRST + 1));
  }

  setIcmp(icmp: Icmp): void {
    this.icmp = icmp;
  }

  /**
   * Binds `port` (0: an ephemeral one) with a receive queue of `maxQueue` datagrams. Null when the
   * port is taken or no ephemeral port is free.
   */
  bind(port: number, maxQueue = UDP_DEFAULT_QUEUE): UdpSocket | null {
    if (port === 0) {
      const n = UDP_EPHEMERAL_LAST - UDP_EPHEMERAL_FIRST + 1;
      for (let i = 0; i < n && port === 0; i++) {
        const p = this.nextEphemeral;
        this.nextEphemeral = p >= UDP_EPHEMERAL_LAST ? UDP_EPHEMERAL_FIRST : p + 1;
        if (!this.sockets.has(p)) port = p;
      }
      if (port === 0) return null;
    }
    if (port < 1 || port > 65535 || this.sockets.has(port)) return null;
    const s = new UdpSocket(this, port, maxQueue < 1 ? 1 : maxQueue);
    this.sockets.set(port, s);
    return s;
  }

  unbind(s: UdpSocket): void {
    if (this.sockets.get(s.port) === s) this.sockets.delete(s.port);
  }

  /** Ports bound now. */
  boundPorts(): number[] {
    return Array.from(this.sockets.keys());
  }

  sendFrom(srcPort: number, dst: number, dstPort: number, data: Uint8Array): boolean {
    const len = UDP_HEADER + data.length;
    if (len > 65535 - 20) {
      this.counters.add('udp.tx-drop.too-big');
      return false;
    }
    const p = new Uint8Array(len);
    write16(p, 0, srcPort);
    write16(p, 2, dstPort);
    write16(p, 4, len);
    p.set(data, UDP_HEADER);
    let sum = pseudoHeaderSum(this.ip.localAddress(), dst >>> 0, PROTO_UDP, len);
    sum = sumBytes(sum, p, 0, len);
    const c = finish(sum);
    // A computed 0 is sent as all ones: 0 means "no checksum" (RFC 768).
    write16(p, 6, c === 0 ? 0xffff : c);
    this.counters.add('udp.tx');
    return this.ip.send(dst, PROTO_UDP, p);
  }

  receive(src: number, dst: number, p: Uint8Array): void {
    const c = this.counters;
    if (p.length < UDP_HEADER) {
      c.add('udp.drop.truncated');
      return;
    }
    const len = read16(p, 4);
    if (len < UDP_HEADER) {
      c.add('udp.drop.bad-length');
      return;
    }
    if (len > p.length) {
      c.add('udp.drop.truncated');
      return;
    }
    if (read16(p, 6) !== 0) {
      const sum = sumBytes(pseudoHeaderSum(src, dst, PROTO_UDP, len), p, 0, len);
      if (finish(sum) !== 0) {
        c.add('udp.drop.bad-checksum');
        return;
      }
    }
    const srcPort = read16(p, 0);
    const dstPort = read16(p, 2);
    const s = this.sockets.get(dstPort);
    if (s === undefined) {
      c.add('udp.drop.no-port');
      if (this.icmp !== null) this.icmp.portUnreachable(p);
      return;
    }
    if (!s.deliver({ src, srcPort, dst, dstPort, data: p.slice(UDP_HEADER, len) })) {
      c.add('udp.drop.queue-full');
      return;
    }
    c.add('udp.accepted');
  }

  icmpError(e: IcmpError): void {
    if (e.quoted.length < 4) return;
    const s = this.sockets.get(read16(e.quoted, 0));
    this.counters.add('udp.icmp-error');
    if (s !== undefined && s.onError !== null) s.onError(e);
  }

  tick(_now: number): void {}

  nextTimer(): number {
    return Number.POSITIVE_INFINITY;
  }
}

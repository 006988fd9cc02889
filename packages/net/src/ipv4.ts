/**
 * IPv4 (RFC 791, with RFC 1122's host rules): validates every received header (version, IHL, total
 * length against the frame, checksum, TTL, source), keeps datagrams for our address, the broadcasts
 * and (while DHCP has no address yet) anything, reassembles fragments within fixed limits, and hands
 * whole datagrams to ICMP or to the transport registered for their protocol. Sending routes on-link
 * or through the gateway and fragments what does not fit the MTU.
 */

import type { Arp } from './arp.js';
import { bytesEqual, IP_BROADCAST, isMulticast, read16, read32, write16, write32 } from './bytes.js';
import { checksum } from './checksum.js';
import type { Counters } from './counters.js';
import { BROADCAST_MAC, ETH_HEADER, ETHERTYPE_IPV4, type Ethernet } from './ethernet.js';
import type { Clock } from './link.js';
import { type IpSender, PROTO_ICMP, type Transport } from './protocol.js';

export const IPV4_HEADER = 20;
export const DEFAULT_TTL = 64;
/** The largest payload an IPv4 datagram (65535 bytes with a 20-byte header) carries. */
export const IPV4_MAX_PAYLOAD = 65535 - IPV4_HEADER;
/** Reassembly limits: datagrams in progress at once, their bytes together, and each one's life. */
export const REASM_MAX_DATAGRAMS = 16;
export const REASM_MAX_BYTES = 256 * 1024;
export const REASM_TIMEOUT_MS = 30_000;

const FLAG_MF = 0x2000;

/** What ICMP (icmp.ts) offers IPv4: a place for ICMP datagrams and for the errors IPv4 reports. */
export interface IcmpHandler {
  receive(src: number, dst: number, payload: Uint8Array, ttl: number, broadcast: boolean): void;
  /** Sends an ICMP error quoting the datagram whose header and payload are given. */
  sendError(type: number, code: number, header: Uint8Array, payload: Uint8Array): void;
}

interface Fragment {
  off: number;
  data: Uint8Array;
}

interface Reassembly {
  src: number;
  dst: number;
  protocol: number;
  id: number;
  frags: Fragment[];
  /** The datagram's payload length, known once the last fragment came (-1 before). */
  total: number;
  bytes: number;
  expires: number;
  /** The header of the fragment at offset 0 (what an ICMP error quotes). */
  header: Uint8Array | null;
  broadcast: boolean;
  ttl: number;
}

export class Ipv4 implements IpSender {
  private address = 0;
  private netmask = 0;
  private gateway = 0;
  private mtuValue: number;
  private nextId = 1;
  private readonly transports = new Map<number, Transport>();
  private icmp: IcmpHandler | null = null;
  private reasm: Reassembly[] = [];
  private reasmBytes = 0;
  /** The header of the datagram being delivered, and whether it was a broadcast (for ICMP errors). */
  private rxHeader: Uint8Array = new Uint8Array(0);
  private rxBroadcast = false;

  constructor(
    private readonly eth: Ethernet,
    private readonly arp: Arp,
    private readonly counters: Counters,
    private readonly clock: Clock,
  ) {
    this.mtuValue = eth.link.mtu;
  }

  /** Sets (or clears, with 0) this host's address, netmask and default gateway. */
  configure(address: number, netmask: number, gateway: number): void {
    if (address >>> 0 !== this.address) this.arp.clear();
    this.address = address >>> 0;
    this.netmask = netmask >>> 0;
    this.gateway = gateway >>> 0;
  }

  /** Lowers the MTU (a DHCP option or a device limit); never above the link's, never under 576. */
  setMtu(mtu: number): void {
    if (mtu >= 576 && mtu <= this.eth.link.mtu) this.mtuValue = mtu;
  }

  setIcmp(icmp: IcmpHandler): void {
    this.icmp = icmp;
  }

  register(protocol: number, t: Transport): void {
    this.transports.set(protocol, t);
  }

  transport(protocol: number): Transport | null {
    return this.transports.get(protocol) ?? null;
  }

  allTransports(): Transport[] {
    return Array.from(this.transports.values());
  }

  localAddress(): number {
    return this.address;
  }

  mask(): number {
    return this.netmask;
  }

  router(): number {
    return this.gateway;
  }

  mtu(): number {
    return this.mtuValue;
  }

  maxPayload(_dst: number): number {
    return this.mtuValue - IPV4_HEADER;
  }

  /** The header of the datagram now being delivered (valid only during a transport's receive). */
  currentHeader(): Uint8Array {
    return this.rxHeader;
  }

  /** Whether the datagram now being delivered was sent to a broadcast address. */
  currentIsBroadcast(): boolean {
    return this.rxBroadcast;
  }

  /** Whether `a` is the limited broadcast or our subnet's broadcast address. */
  isBroadcast(a: number): boolean {
    if (a >>> 0 === IP_BROADCAST) return true;
    if (this.address === 0 || this.netmask === 0 || this.netmask === IP_BROADCAST) return false;
    return a >>> 0 === ((this.address & this.netmask) | ~this.netmask) >>> 0;
  }

  /** A datagram from the wire, at `off` in `frame`. */
  receive(frame: Uint8Array, off: number, now: number): void {
    const c = this.counters;
    const len = frame.length - off;
    if (len < IPV4_HEADER) {
      c.add('ipv4.drop.truncated');
      return;
    }
    if (frame[off] >>> 4 !== 4) {
      c.add('ipv4.drop.bad-version');
      return;
    }
    const ihl = (frame[off] & 15) * 4;
    if (ihl < IPV4_HEADER) {
      c.add('ipv4.drop.bad-ihl');
      return;
    }
    if (ihl > len) {
      c.add('ipv4.drop.truncated');
      return;
    }
    const total = read16(frame, off + 2);
    if (total < ihl) {
      c.add('ipv4.drop.bad-length');
      return;
    }
    if (total > len) {
      c.add('ipv4.drop.truncated');
      return;
    }
    if (checksum(frame, off, ihl) !== 0) {
      c.add('ipv4.drop.bad-checksum');
      return;
    }
    const ttl = frame[off + 8];
    if (ttl === 0) {
      c.add('ipv4.drop.ttl');
      return;
    }
    const protocol = frame[off + 9];
    const src = read32(frame, off + 12);
    const dst = read32(frame, off + 16);
    if (src === IP_BROADCAST || isMulticast(src) || (this.address !== 0 && src === this.address)) {
      c.add('ipv4.drop.bad-source');
      return;
    }
    const broadcast = this.isBroadcast(dst);
    // Before DHCP is done a server may answer to the address it offers: take everything then.
    if (this.address !== 0 && dst !== this.address && !broadcast) {
      c.add(isMulticast(dst) ? 'ipv4.drop.multicast' : 'ipv4.drop.not-for-us');
      return;
    }
    c.add('ipv4.rx');
    const frag = read16(frame, off + 6);
    const fragOff = (frag & 0x1fff) * 8;
    const header = frame.subarray(off, off + ihl);
    const payload = frame.subarray(off + ihl, off + total);
    if ((frag & FLAG_MF) !== 0 || fragOff !== 0) {
      this.reassemble(header, payload, (frag & FLAG_MF) !== 0, fragOff, broadcast, now);
      return;
    }
    this.deliver(src, dst, protocol, header, payload, broadcast, ttl);
  }

  private deliver(
    src: number,
    dst: number,
    protocol: number,
    header: Uint8Array,
    payload: Uint8Array,
    broadcast: boolean,
    ttl: number,
  ): void {
    this.rxHeader = header;
    this.rxBroadcast = broadcast;
    if (protocol === PROTO_ICMP && this.icmp !== null) {
      this.icmp.receive(src, dst, payload, ttl, broadcast);
      return;
    }
    const t = this.transports.get(protocol);
    if (t === undefined) {
      this.counters.add('ipv4.drop.unknown-protocol');
      // Protocol unreachable (RFC 1122 3.2.2.1), never for a broadcast.
      if (!broadcast && this.icmp !== null) this.icmp.sendError(3, 2, header, payload);
      return;
    }
    t.receive(src, dst, payload);
  }

  private reassemble(
    header: Uint8Array,
    data: Uint8Array,
    more: boolean,
    off: number,
    broadcast: boolean,
    now: number,
  ): void {
    const c = this.counters;
    const end = off + data.length;
    // Every fragment but the last carries a multiple of 8 bytes; an empty one is never needed.
    if (data.length === 0 || (more && (data.length & 7) !== 0)) {
      c.add('ipv4.drop.frag-bad-length');
      return;
    }
    if (end > IPV4_MAX_PAYLOAD) {
      c.add('ipv4.drop.frag-too-big');
      return;
    }
    const src = read32(header, 12);
    const dst = read32(header, 16);
    const protocol = header[9];
    const id = read16(header, 4);
    let r: Reassembly | null = null;
    for (const x of this.reasm) {
      if (x.id === id && x.src === src && x.dst === dst && x.protocol === protocol) r = x;
    }
    if (r === null) {
      if (this.reasm.length >= REASM_MAX_DATAGRAMS) this.evictOldest(null);
      r = {
        src,
        dst,
        protocol,
        id,
        frags: [],
        total: -1,
        bytes: 0,
        expires: now + REASM_TIMEOUT_MS,
        header: null,
        broadcast,
        ttl: header[8],
      };
      this.reasm.push(r);
    }
    // A last fragment fixes the length; one that disagrees with it, or data beyond it, is an attack
    // or a corruption: the whole datagram goes (RFC 5722's rule for overlaps, applied to both).
    if (!more) {
      if (r.total >= 0 && r.total !== end) {
        this.dropDatagram(r, 'ipv4.drop.frag-inconsistent');
        return;
      }
      for (const f of r.frags) {
        if (f.off + f.data.length > end) {
          this.dropDatagram(r, 'ipv4.drop.frag-inconsistent');
          return;
        }
      }
    } else if (r.total >= 0 && end > r.total) {
      this.dropDatagram(r, 'ipv4.drop.frag-inconsistent');
      return;
    }
    for (const f of r.frags) {
      const fEnd = f.off + f.data.length;
      if (off < fEnd && f.off < end) {
        // The very same fragment again (the wire duplicated it) is harmless; any other overlap is not.
        if (f.off === off && f.data.length === data.length && bytesEqual(f.data, 0, data, 0, data.length)) {
          c.add('ipv4.drop.frag-duplicate');
          return;
        }
        this.dropDatagram(r, 'ipv4.drop.frag-overlap');
        return;
      }
    }
    if (this.reasmBytes + data.length > REASM_MAX_BYTES) {
      let room = true;
      while (room && this.reasmBytes + data.length > REASM_MAX_BYTES) room = this.evictOldest(r);
      if (this.reasmBytes + data.length > REASM_MAX_BYTES) {
        this.dropDatagram(r, 'ipv4.drop.frag-no-memory');
        return;
      }
    }
    if (!more) r.total = end;
    r.frags.push({ off, data: data.slice() });
    r.bytes += data.length;
    this.reasmBytes += data.length;
    if (off === 0) r.header = header.slice();
    // With no overlaps, the bytes held add up to the length exactly when every hole is filled.
    if (r.total < 0 || r.bytes !== r.total || r.header === null) {
      c.add('ipv4.frag.accepted');
      return;
    }
    const whole = new Uint8Array(r.total);
    for (const f of r.frags) whole.set(f.data, f.off);
    this.remove(r);
    c.add('ipv4.reasm.done');
    this.deliver(r.src, r.dst, r.protocol, r.header, whole, r.broadcast, r.ttl);
  }

  private dropDatagram(r: Reassembly, reason: string): void {
    this.counters.add(reason);
    this.remove(r);
  }

  private remove(r: Reassembly): void {
    const i = this.reasm.indexOf(r);
    if (i < 0) return;
    this.reasmBytes -= r.bytes;
    this.reasm[i] = this.reasm[this.reasm.length - 1];
    this.reasm.pop();
  }

  /** Drops the datagram in progress that expires first (other than `keep`); false when none. */
  private evictOldest(keep: Reassembly | null): boolean {
    let victim: Reassembly | null = null;
    for (const x of this.reasm) {
      if (x !== keep && (victim === null || x.expires < victim.expires)) victim = x;
    }
    if (victim === null) return false;
    this.counters.add('ipv4.reasm.evicted');
    this.remove(victim);
    return true;
  }

  /** Datagrams being reassembled, and the bytes they hold. */
  reassemblyPending(): number {
    return this.reasm.length;
  }

  reassemblyBytes(): number {
    return this.reasmBytes;
  }

  tick(now: number): void {
    if (!this.reasm.some((r) => r.expires <= now)) return;
    const keep: Reassembly[] = [];
    for (const r of this.reasm) {
      if (r.expires > now) {
        keep.push(r);
        continue;
      }
      this.counters.add('ipv4.reasm.timeout');
      this.reasmBytes -= r.bytes;
      // Time exceeded in reassembly, when the first fragment came (RFC 792; never for broadcasts).
      if (r.header !== null && !r.broadcast && this.icmp !== null) {
        for (const f of r.frags) if (f.off === 0) this.icmp.sendError(11, 1, r.header, f.data);
      }
    }
    this.reasm = keep;
  }

  nextTimer(): number {
    let t = Number.POSITIVE_INFINITY;
    for (const r of this.reasm) if (r.expires < t) t = r.expires;
    return t;
  }

  send(dst: number, protocol: number, payload: Uint8Array): boolean {
    return this.sendWithTtl(dst, protocol, payload, DEFAULT_TTL);
  }

  /** `send` with a chosen TTL (ping, diagnostics). */
  sendWithTtl(dst: number, protocol: number, payload: Uint8Array, ttl: number): boolean {
    const c = this.counters;
    dst = dst >>> 0;
    if (payload.length > IPV4_MAX_PAYLOAD) {
      c.add('ipv4.tx-drop.too-big');
      return false;
    }
    const broadcast = this.isBroadcast(dst);
    let nextHop = dst;
    if (!broadcast) {
      if (isMulticast(dst) || dst === 0) {
        c.add('ipv4.tx-drop.bad-destination');
        return false;
      }
      if (this.address === 0) {
        c.add('ipv4.tx-drop.no-address');
        return false;
      }
      if (dst === this.address) {
        c.add('ipv4.tx-drop.loopback');
        return false;
      }
      if (((dst ^ this.address) & this.netmask) >>> 0 !== 0) {
        if (this.gateway === 0) {
          c.add('ipv4.tx-drop.no-route');
          return false;
        }
        nextHop = this.gateway;
      }
    }
    const id = this.nextId;
    this.nextId = (this.nextId + 1) & 0xffff;
    const room = this.mtuValue - IPV4_HEADER;
    if (payload.length <= room) {
      c.add('ipv4.tx');
      return this.emit(broadcast, nextHop, dst, protocol, id, 0, payload, 0, payload.length, ttl);
    }
    // Fragments carry a multiple of 8 bytes each but the last.
    const step = room & ~7;
    let ok = true;
    for (let at = 0; at < payload.length; at += step) {
      const n = payload.length - at > step ? step : payload.length - at;
      const field = (at >>> 3) | (at + n < payload.length ? FLAG_MF : 0);
      if (!this.emit(broadcast, nextHop, dst, protocol, id, field, payload, at, n, ttl)) ok = false;
      c.add('ipv4.tx.fragment');
    }
    c.add('ipv4.tx');
    return ok;
  }

  private emit(
    broadcast: boolean,
    nextHop: number,
    dst: number,
    protocol: number,
    id: number,
    fragField: number,
    payload: Uint8Array,
    at: number,
    n: number,
    ttl: number,
  ): boolean {
    const f = this.eth.frame(BROADCAST_MAC, ETHERTYPE_IPV4, IPV4_HEADER + n);
    const o = ETH_HEADER;
    f[o] = 0x45;
    f[o + 1] = 0;
    write16(f, o + 2, IPV4_HEADER + n);
    write16(f, o + 4, id);
    write16(f, o + 6, fragField);
    f[o + 8] = ttl;
    f[o + 9] = protocol;
    write32(f, o + 12, this.address);
    write32(f, o + 16, dst);
    write16(f, o + 10, checksum(f, o, IPV4_HEADER));
    f.set(payload.subarray(at, at + n), o + IPV4_HEADER);
    if (broadcast) return this.eth.transmit(f);
    return this.arp.output(nextHop, f, this.clock.now());
  }
}

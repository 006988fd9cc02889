/**
 * ARP (RFC 826) for IPv4 over Ethernet: answers requests for our address, resolves next hops with a
 * bounded cache whose entries time out, holds a bounded queue of frames per neighbour while it
 * resolves, and announces our address (gratuitous ARP) when it changes. Every received packet is
 * validated; malformed ones are dropped under `arp.drop.*`.
 */
import { bytesEqual, read16, read32, write16, write32 } from './bytes.js';
import type { Counters } from './counters.js';
import { BROADCAST_MAC, ETH_HEADER, ETHERTYPE_ARP, type Ethernet } from './ethernet.js';

export const ARP_PACKET = 28;
/** Neighbours remembered at once; the entry closest to expiry makes room for a new one. */
export const ARP_CACHE_MAX = 64;
/** How long a learnt neighbour is trusted. */
export const ARP_ENTRY_MS = 60_000;
/** A used entry this close to expiry is refreshed with a request while it is still used. */
export const ARP_REFRESH_MS = 5_000;
/** Between requests while resolving, and how many before giving up. */
export const ARP_RETRY_MS = 1_000;
export const ARP_TRIES = 3;
/** Frames held per unresolved neighbour, and unresolved neighbours at once. */
export const ARP_QUEUE_PER_NEIGHBOUR = 64;
export const ARP_PENDING_MAX = 16;

const OP_REQUEST = 1;
const OP_REPLY = 2;

/** One resolved neighbour. */
export interface ArpEntry {
  ip: number;
  mac: Uint8Array;
  expires: number;
  refreshing: boolean;
}

interface Resolution {
  ip: number;
  frames: Uint8Array[];
  tries: number;
  next: number;
}

export class Arp {
  private entries: ArpEntry[] = [];
  private pending: Resolution[] = [];

  constructor(
    private readonly eth: Ethernet,
    private readonly counters: Counters,
    private readonly localAddress: () => number,
  ) {}

  /** A packet from the wire: `frame` holds it from `off`. */
  receive(frame: Uint8Array, off: number, now: number): void {
    const c = this.counters;
    if (frame.length - off < ARP_PACKET) {
      c.add('arp.drop.truncated');
      return;
    }
    if (
      read16(frame, off) !== 1 ||
      read16(frame, off + 2) !== 0x0800 ||
      frame[off + 4] !== 6 ||
      frame[off + 5] !== 4
    ) {
      c.add('arp.drop.malformed');
      return;
    }
    const op = read16(frame, off + 6);
    if (op !== OP_REQUEST && op !== OP_REPLY) {
      c.add('arp.drop.bad-op');
      return;
    }
    // A sender claiming a group or zero MAC would poison the cache.
    let zero = true;
    for (let i = 0; i < 6; i++) if (frame[off + 8 + i] !== 0) zero = false;
    if ((frame[off + 8] & 1) === 1 || zero) {
      c.add('arp.drop.bad-sender');
      return;
    }
    const spa = read32(frame, off + 14);
    const tpa = read32(frame, off + 24);
    const me = this.localAddress();
    if (spa === 0xffffffff || spa >>> 28 === 14) {
      c.add('arp.drop.bad-sender');
      return;
    }
    if (me !== 0 && spa === me) {
      // Someone else claims our address (or our own announcement echoed back by a hub).
      if (!bytesEqual(frame, off + 8, this.eth.link.mac, 0, 6)) c.add('arp.conflict');
      c.add('arp.drop.own-address');
      return;
    }
    const mac = frame.slice(off + 8, off + 14);
    // RFC 826's merge: update a known sender whatever the target; learn a new one only when the
    // packet is for us or we were asking for it.
    const known = spa !== 0 && this.update(spa, mac, now);
    const forUs = me !== 0 && tpa === me;
    if (spa !== 0 && !known && (forUs || this.findPending(spa) >= 0)) this.insert(spa, mac, now);
    if (spa !== 0) this.flush(spa, mac);
    if (!forUs) {
      c.add('arp.drop.not-for-us');
      return;
    }
    if (op === OP_REQUEST) this.send(OP_REPLY, mac, spa, frame.subarray(off + 8, off + 14));
    c.add(op === OP_REQUEST ? 'arp.request.accepted' : 'arp.reply.accepted');
  }

  /**
   * Sends an IPv4 frame (Ethernet header's source and type already written) to the neighbour
   * `nextHop`, writing its MAC, or holds it while the neighbour is resolved. False when dropped.
   */
  output(nextHop: number, frame: Uint8Array, now: number): boolean {
    const e = this.lookupEntry(nextHop, now);
    if (e !== null) {
      if (!e.refreshing && e.expires - now < ARP_REFRESH_MS) {
        e.refreshing = true;
        this.send(OP_REQUEST, BROADCAST_MAC, nextHop, null);
      }
      frame.set(e.mac, 0);
      return this.eth.transmit(frame);
    }
    let i = this.findPending(nextHop);
    if (i < 0) {
      if (this.pending.length >= ARP_PENDING_MAX) {
        this.counters.add('arp.tx-drop.too-many-pending');
        return false;
      }
      this.pending.push({ ip: nextHop, frames: [], tries: 1, next: now + ARP_RETRY_MS });
      i = this.pending.length - 1;
      this.send(OP_REQUEST, BROADCAST_MAC, nextHop, null);
    }
    const p = this.pending[i];
    if (p.frames.length >= ARP_QUEUE_PER_NEIGHBOUR) {
      this.counters.add('arp.tx-drop.queue-full');
      return false;
    }
    p.frames.push(frame);
    return true;
  }

  /** Starts resolving `ip` (the gateway, as soon as it is known) unless it is known or being resolved,
   * so that the first burst of traffic to it is not held waiting. */
  resolve(ip: number, now: number): void {
    if (ip === 0 || this.lookupEntry(ip, now) !== null || this.findPending(ip) >= 0) return;
    if (this.pending.length >= ARP_PENDING_MAX) return;
    this.pending.push({ ip, frames: [], tries: 1, next: now + ARP_RETRY_MS });
    this.send(OP_REQUEST, BROADCAST_MAC, ip, null);
  }

  /** Announces our address (gratuitous ARP: a request from and for it), so neighbours update. */
  announce(): void {
    const me = this.localAddress();
    if (me === 0) return;
    this.send(OP_REQUEST, BROADCAST_MAC, me, null);
    this.counters.add('arp.announce');
  }

  /** The MAC of a neighbour, or null when it is not (or no longer) known. */
  lookup(ip: number, now: number): Uint8Array | null {
    const e = this.lookupEntry(ip, now);
    return e === null ? null : e.mac;
  }

  /** Forgets every neighbour and pending frame (the address changed). */
  clear(): void {
    this.entries = [];
    this.pending = [];
  }

  /** Cache entries now held. */
  cacheSize(): number {
    return this.entries.length;
  }

  /** Neighbours being resolved, and the frames held for them all. */
  pendingNeighbours(): number {
    return this.pending.length;
  }

  pendingFrames(): number {
    let n = 0;
    for (const p of this.pending) n += p.frames.length;
    return n;
  }

  /** Expires entries, retries requests, gives up on silent neighbours. */
  tick(now: number): void {
    if (this.entries.some((e) => e.expires <= now))
      this.entries = this.entries.filter((e) => e.expires > now);
    let gaveUp = false;
    for (const p of this.pending) {
      if (p.next > now) continue;
      if (p.tries >= ARP_TRIES) {
        this.counters.add('arp.tx-drop.unresolved', p.frames.length);
        this.counters.add('arp.resolve-failed');
        p.frames = [];
        gaveUp = true;
        continue;
      }
      p.tries++;
      p.next = now + ARP_RETRY_MS;
      this.send(OP_REQUEST, BROADCAST_MAC, p.ip, null);
    }
    if (gaveUp) this.pending = this.pending.filter((p) => p.frames.length > 0 || p.tries < ARP_TRIES);
  }

  /** The earliest time tick has work (Infinity when none). */
  nextTimer(): number {
    let t = Number.POSITIVE_INFINITY;
    for (const e of this.entries) if (e.expires < t) t = e.expires;
    for (const p of this.pending) if (p.next < t) t = p.next;
    return t;
  }

  private lookupEntry(ip: number, now: number): ArpEntry | null {
    for (const e of this.entries) if (e.ip === ip) return e.expires > now ? e : null;
    return null;
  }

  private update(ip: number, mac: Uint8Array, now: number): boolean {
    for (const e of this.entries) {
      if (e.ip === ip) {
        e.mac = mac;
        e.expires = now + ARP_ENTRY_MS;
        e.refreshing = false;
        return true;
      }
    }
    return false;
  }

  private insert(ip: number, mac: Uint8Array, now: number): void {
    if (this.entries.length >= ARP_CACHE_MAX) {
      let oldest = 0;
      for (let i = 1; i < this.entries.length; i++) {
        if (this.entries[i].expires < this.entries[oldest].expires) oldest = i;
      }
      this.entries[oldest] = this.entries[this.entries.length - 1];
      this.entries.pop();
      this.counters.add('arp.cache.evicted');
    }
    this.entries.push({ ip, mac, expires: now + ARP_ENTRY_MS, refreshing: false });
  }

  private findPending(ip: number): number {
    for (let i = 0; i < this.pending.length; i++) if (this.pending[i].ip === ip) return i;
    return -1;
  }

  /** Sends the frames held for a neighbour now resolved. */
  private flush(ip: number, mac: Uint8Array): void {
    const i = this.findPending(ip);
    if (i < 0) return;
    const p = this.pending[i];
    this.pending[i] = this.pending[this.pending.length - 1];
    this.pending.pop();
    for (const f of p.frames) {
      f.set(mac, 0);
      this.eth.transmit(f);
    }
  }

  private send(op: number, dstMac: Uint8Array, tpa: number, tha: Uint8Array | null): void {
    const f = this.eth.frame(dstMac, ETHERTYPE_ARP, ARP_PACKET);
    const o = ETH_HEADER;
    write16(f, o, 1);
    write16(f, o + 2, 0x0800);
    f[o + 4] = 6;
    f[o + 5] = 4;
    write16(f, o + 6, op);
    f.set(this.eth.link.mac, o + 8);
    write32(f, o + 14, this.localAddress());
    if (tha !== null) f.set(tha, o + 18);
    write32(f, o + 24, tpa);
    this.counters.add(op === OP_REQUEST ? 'arp.request.sent' : 'arp.reply.sent');
    this.eth.transmit(f);
  }
}

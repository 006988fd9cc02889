/**
 * Test-side simulation parts, reusable by every @toro/net test (TCP's too): a virtual clock, a seeded
 * PRNG, a capturing link, and packet builders written independently of src/ (their own checksum), so
 * a test compares the stack's bytes against a second implementation rather than against itself.
 */
import type { Clock, Link } from '../../src/index.js';

/** Time that moves only when a test says so. */
export class VirtualClock implements Clock {
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Mulberry32: a small deterministic PRNG; next() is in [0, 1). */
export class Prng {
  constructor(private s: number) {}
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** A link that records what the stack transmits. */
export class CaptureLink implements Link {
  sent: Uint8Array[] = [];
  isUp = true;
  constructor(
    readonly mac: Uint8Array,
    readonly mtu = 1500,
  ) {}
  up(): boolean {
    return this.isUp;
  }
  transmit(frame: Uint8Array): boolean {
    this.sent.push(frame.slice());
    return true;
  }
  take(): Uint8Array[] {
    const out = this.sent;
    this.sent = [];
    return out;
  }
}

export const OUR_MAC = new Uint8Array([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
/** slirp's gateway MAC. */
export const GW_MAC = new Uint8Array([0x52, 0x55, 0x0a, 0x00, 0x02, 0x02]);
export const BCAST = new Uint8Array([255, 255, 255, 255, 255, 255]);

export function ip(s: string): number {
  const p = s.split('.').map(Number);
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}

/** RFC 1071 checksum by a plain word loop (independent of src/checksum.ts). */
export function inetChecksum(b: Uint8Array, extra = 0): number {
  let sum = extra;
  for (let i = 0; i < b.length; i += 2) sum += b[i] * 256 + (i + 1 < b.length ? b[i + 1] : 0);
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return 0xffff - sum;
}

function u16(v: number): number[] {
  return [(v >>> 8) & 255, v & 255];
}
function u32(v: number): number[] {
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

export function ethFrame(dst: Uint8Array, src: Uint8Array, type: number, payload: Uint8Array): Uint8Array {
  return new Uint8Array([...dst, ...src, ...u16(type), ...payload]);
}

export function arpPacket(
  op: number,
  sha: Uint8Array,
  spa: number,
  tha: Uint8Array,
  tpa: number,
): Uint8Array {
  return new Uint8Array([0, 1, 8, 0, 6, 4, ...u16(op), ...sha, ...u32(spa), ...tha, ...u32(tpa)]);
}

export interface IpFields {
  src: number;
  dst: number;
  protocol: number;
  payload: Uint8Array;
  id?: number;
  ttl?: number;
  /** Fragment offset in bytes (a multiple of 8) and more-fragments flag. */
  fragOffset?: number;
  more?: boolean;
}

export function ipPacket(f: IpFields): Uint8Array {
  const frag = ((f.fragOffset ?? 0) / 8) | (f.more ? 0x2000 : 0);
  const h = [
    0x45,
    0,
    ...u16(20 + f.payload.length),
    ...u16(f.id ?? 1),
    ...u16(frag),
    f.ttl ?? 64,
    f.protocol,
    0,
    0,
  ];
  const hdr = new Uint8Array([...h, ...u32(f.src), ...u32(f.dst)]);
  const c = inetChecksum(hdr);
  hdr[10] = c >>> 8;
  hdr[11] = c & 255;
  return new Uint8Array([...hdr, ...f.payload]);
}

export function icmpEcho(type: number, id: number, seq: number, data: Uint8Array): Uint8Array {
  const p = new Uint8Array([type, 0, 0, 0, ...u16(id), ...u16(seq), ...data]);
  const c = inetChecksum(p);
  p[2] = c >>> 8;
  p[3] = c & 255;
  return p;
}

export function udpPacket(
  src: number,
  dst: number,
  sport: number,
  dport: number,
  data: Uint8Array,
): Uint8Array {
  const len = 8 + data.length;
  const p = new Uint8Array([...u16(sport), ...u16(dport), ...u16(len), 0, 0, ...data]);
  const pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 17 + len;
  let c = inetChecksum(p, pseudo);
  if (c === 0) c = 0xffff;
  p[6] = c >>> 8;
  p[7] = c & 255;
  return p;
}

/** An IPv4-in-Ethernet frame from the gateway to us. */
export function fromGateway(f: IpFields): Uint8Array {
  return ethFrame(OUR_MAC, GW_MAC, 0x0800, ipPacket(f));
}

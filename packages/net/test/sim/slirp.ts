/**
 * A scripted peer that behaves like QEMU's user networking (slirp): the gateway 10.0.2.2 and DNS
 * 10.0.2.3 answer ARP, the gateway answers pings, and a DHCP server hands out 10.0.2.15/24 (router
 * 10.0.2.2, DNS 10.0.2.3). Knobs drop offers or NAK requests so tests can script failures. `run`
 * drives a stack and this peer on a VirtualClock until a condition holds.
 */

import type { NetStack } from '../../src/index.js';
import {
  arpPacket,
  BCAST,
  type CaptureLink,
  ethFrame,
  GW_MAC,
  icmpEcho,
  ip,
  ipPacket,
  OUR_MAC,
  Prng,
  udpPacket,
  type VirtualClock,
} from './sim.js';

export const SLIRP_GW = ip('10.0.2.2');
export const SLIRP_DNS = ip('10.0.2.3');
export const SLIRP_GUEST = ip('10.0.2.15');

export class SlirpPeer {
  leaseSeconds = 86400;
  /** OFFERs to swallow before answering; REQUESTs to NAK. */
  dropOffers = 0;
  nakRequests = 0;
  readonly seen: string[] = [];
  /** The DNS server's zone (lower-case names), its answers' TTL, queries to ignore, an rcode to force. */
  readonly zone = new Map<string, number[]>();
  dnsTtl = 300;
  dropQueries = 0;
  rcode = 0;

  /** The peer's answers to one frame the stack sent. */
  handle(f: Uint8Array): Uint8Array[] {
    const type = (f[12] << 8) | f[13];
    if (type === 0x0806 && f[21] === 1) {
      const tpa = ((f[38] << 24) | (f[39] << 16) | (f[40] << 8) | f[41]) >>> 0;
      const spa = ((f[28] << 24) | (f[29] << 16) | (f[30] << 8) | f[31]) >>> 0;
      if (tpa !== SLIRP_GW && tpa !== SLIRP_DNS) return [];
      return [ethFrame(OUR_MAC, GW_MAC, 0x0806, arpPacket(2, GW_MAC, tpa, OUR_MAC, spa))];
    }
    if (type !== 0x0800) return [];
    const ihl = (f[14] & 15) * 4;
    const proto = f[23];
    const src = ((f[26] << 24) | (f[27] << 16) | (f[28] << 8) | f[29]) >>> 0;
    const p = f.subarray(14 + ihl, 14 + ((f[16] << 8) | f[17]));
    if (proto === 1 && p[0] === 8) {
      const reply = icmpEcho(0, (p[4] << 8) | p[5], (p[6] << 8) | p[7], p.subarray(8));
      return [
        ethFrame(OUR_MAC, GW_MAC, 0x0800, ipPacket({ src: SLIRP_GW, dst: src, protocol: 1, payload: reply })),
      ];
    }
    if (proto === 17 && ((p[2] << 8) | p[3]) === 67) return this.dhcp(p.subarray(8), src);
    if (proto === 17 && ((p[2] << 8) | p[3]) === 53) return this.dns(p.subarray(8), src, (p[0] << 8) | p[1]);
    return [];
  }

  private dns(q: Uint8Array, src: number, sport: number): Uint8Array[] {
    let name = '';
    let o = 12;
    while (q[o] !== 0) {
      let label = '';
      for (let i = o + 1; i < o + 1 + q[o]; i++) label += String.fromCharCode(q[i]);
      name += (name ? '.' : '') + label.toLowerCase();
      o += 1 + q[o];
    }
    this.seen.push(`dns ${name}`);
    if (this.dropQueries > 0) {
      this.dropQueries--;
      return [];
    }
    const addrs = this.zone.get(name);
    const rcode = this.rcode !== 0 ? this.rcode : addrs === undefined ? 3 : 0;
    const n = rcode === 0 && addrs ? addrs.length : 0;
    const out = [q[0], q[1], 0x81, 0x80 | rcode, 0, 1, 0, n, 0, 0, 0, 0, ...q.subarray(12, o + 5)];
    const t = this.dnsTtl;
    for (let i = 0; i < n; i++) {
      const a = addrs![i];
      // The answer names the question by a compression pointer to offset 12.
      out.push(0xc0, 12, 0, 1, 0, 1, (t >>> 24) & 255, (t >>> 16) & 255, (t >>> 8) & 255, t & 255, 0, 4);
      out.push((a >>> 24) & 255, (a >>> 16) & 255, (a >>> 8) & 255, a & 255);
    }
    const u = udpPacket(SLIRP_DNS, src, 53, sport, new Uint8Array(out));
    return [
      ethFrame(OUR_MAC, GW_MAC, 0x0800, ipPacket({ src: SLIRP_DNS, dst: src, protocol: 17, payload: u })),
    ];
  }

  private dhcp(m: Uint8Array, src: number): Uint8Array[] {
    let type = 0;
    for (let o = 240; o < m.length && m[o] !== 255; ) {
      if (m[o] === 0) {
        o++;
        continue;
      }
      if (m[o] === 53) type = m[o + 2];
      o += 2 + m[o + 1];
    }
    const name = type === 1 ? 'discover' : type === 3 ? 'request' : `type${type}`;
    this.seen.push(name);
    let reply = 0;
    if (type === 1) {
      if (this.dropOffers > 0) {
        this.dropOffers--;
        return [];
      }
      reply = 2;
    } else if (type === 3) {
      if (this.nakRequests > 0) {
        this.nakRequests--;
        reply = 6;
      } else reply = 5;
    } else return [];
    const out = new Uint8Array(300);
    out[0] = 2;
    out[1] = 1;
    out[2] = 6;
    out.set(m.subarray(4, 8), 4);
    if (reply !== 6) out.set([10, 0, 2, 15], 16);
    out.set([10, 0, 2, 2], 20);
    out.set(m.subarray(28, 34), 28);
    out.set([99, 130, 83, 99], 236);
    const l = this.leaseSeconds;
    const opts = [53, 1, reply, 54, 4, 10, 0, 2, 2];
    if (reply !== 6) {
      opts.push(51, 4, (l >>> 24) & 255, (l >>> 16) & 255, (l >>> 8) & 255, l & 255);
      opts.push(1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 2, 2, 6, 4, 10, 0, 2, 3);
    }
    opts.push(255);
    out.set(opts, 240);
    // slirp answers a renewal (sent from the leased address) by unicast, the rest by broadcast.
    const dst = src === 0 ? 0xffffffff : src;
    const u = udpPacket(SLIRP_GW, dst, 67, 68, out);
    return [
      ethFrame(
        src === 0 ? BCAST : OUR_MAC,
        GW_MAC,
        0x0800,
        ipPacket({ src: SLIRP_GW, dst, protocol: 17, payload: u }),
      ),
    ];
  }
}

/** Runs the stack and the peer on virtual time until `done()` or `maxMs` pass; returns whether done. */
export function run(
  stack: NetStack,
  link: CaptureLink,
  clock: VirtualClock,
  peer: SlirpPeer,
  done: () => boolean,
  maxMs: number,
): boolean {
  const end = clock.now() + maxMs;
  while (!done()) {
    const sent = link.take();
    if (sent.length > 0) {
      for (const f of sent) for (const r of peer.handle(f)) stack.receive(r);
      continue;
    }
    const next = stack.nextTimer();
    if (next > end) return done();
    if (next > clock.now()) clock.advance(next - clock.now());
    stack.poll();
  }
  return true;
}

/** Impairments a SimWire applies to every frame in both directions (probabilities 0..1). */
export interface Impairments {
  loss?: number;
  duplicate?: number;
  /** Probability that a frame is held back by an extra `delayMs`, so later ones overtake it. */
  reorder?: number;
  delayMs?: number;
  seed?: number;
}

interface InFlight {
  at: number;
  toStack: boolean;
  frame: Uint8Array;
}

/** The stack and a peer over a lossy, duplicating, reordering, delaying wire on virtual time. */
export class SimWire {
  private readonly rng: Prng;
  private queue: InFlight[] = [];
  delivered = 0;
  lost = 0;

  constructor(
    readonly stack: NetStack,
    readonly link: CaptureLink,
    readonly clock: VirtualClock,
    readonly peer: SlirpPeer,
    readonly imp: Impairments,
  ) {
    this.rng = new Prng(imp.seed ?? 1);
  }

  private put(frame: Uint8Array, toStack: boolean): void {
    const r = this.rng;
    if (r.next() < (this.imp.loss ?? 0)) {
      this.lost++;
      return;
    }
    const copies = r.next() < (this.imp.duplicate ?? 0) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const late = r.next() < (this.imp.reorder ?? 0) ? (this.imp.delayMs ?? 1) * 3 : 0;
      this.queue.push({ at: this.clock.now() + (this.imp.delayMs ?? 1) + late, toStack, frame });
    }
  }

  /** Runs until `done()` or `maxMs` pass; returns whether done. */
  run(done: () => boolean, maxMs: number): boolean {
    const end = this.clock.now() + maxMs;
    while (!done()) {
      for (const f of this.link.take()) this.put(f, false);
      let next = this.stack.nextTimer();
      for (const q of this.queue) if (q.at < next) next = q.at;
      if (next > end) return done();
      if (next > this.clock.now()) this.clock.advance(next - this.clock.now());
      const now = this.clock.now();
      const due = this.queue.filter((q) => q.at <= now);
      this.queue = this.queue.filter((q) => q.at > now);
      for (const q of due) {
        this.delivered++;
        if (q.toStack) this.stack.receive(q.frame);
        else for (const r of this.peer.handle(q.frame)) this.put(r, true);
      }
      this.stack.poll();
    }
    return true;
  }
}

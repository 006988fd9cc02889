/**
 * Test harness for TCP: two `Tcp` instances joined by a simulated IP pipe (each side's IpSender
 * delivers to the other's receive) on a virtual clock, with seeded loss, reordering, duplication and
 * delay. `run` jumps the clock from event to event (packet arrivals and the stacks' own deadlines), so
 * timing is exact and tests are fast. Every segment sent is traced with its time and header.
 */
import { Counters } from '../../src/counters.js';
import type { Clock } from '../../src/link.js';
import type { IpSender } from '../../src/protocol.js';
import { Tcp } from '../../src/tcp/tcp.js';
import type { TcpOptions } from '../../src/tcp/types.js';

export const ADDR_A = 0x0a000001;
export const ADDR_B = 0x0a000002;

export class VirtualClock implements Clock {
  t = 0;
  now(): number {
    return this.t;
  }
}

/** xorshift32: deterministic randomness for loss and payloads. */
export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  u32(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  float(): number {
    return this.u32() / 0x100000000;
  }
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
}

export interface PipeOptions {
  loss?: number;
  reorder?: number;
  duplicate?: number;
  /** One-way delay, ms. */
  delay?: number;
  seed?: number;
  mtu?: number;
}

export interface TracedSegment {
  t: number;
  from: 'a' | 'b';
  flags: number;
  seq: number;
  ack: number;
  window: number;
  len: number;
}

interface InFlight {
  at: number;
  id: number;
  to: 'a' | 'b';
  src: number;
  dst: number;
  bytes: Uint8Array;
}

class End implements IpSender {
  constructor(
    private readonly net: Net,
    private readonly side: 'a' | 'b',
    private readonly addr: number,
  ) {}
  localAddress(): number {
    return this.addr;
  }
  maxPayload(_dst: number): number {
    return this.net.mtu - 20;
  }
  send(dst: number, protocol: number, payload: Uint8Array): boolean {
    if (protocol !== 6) return false;
    this.net.enqueue(this.side, this.addr, dst, payload.slice());
    return true;
  }
}

export class Net {
  readonly clock = new VirtualClock();
  readonly ca = new Counters();
  readonly cb = new Counters();
  readonly a: Tcp;
  readonly b: Tcp;
  readonly rng: Prng;
  loss: number;
  reorder: number;
  duplicate: number;
  delay: number;
  readonly mtu: number;
  /** Drop every segment sent by this side while set. */
  blackhole: { a: boolean; b: boolean } = { a: false, b: false };
  trace: TracedSegment[] = [];
  private q: InFlight[] = [];
  private nextId = 0;

  constructor(opts: PipeOptions = {}, tcpA: TcpOptions = {}, tcpB: TcpOptions = {}) {
    this.rng = new Prng(opts.seed ?? 7);
    this.loss = opts.loss ?? 0;
    this.reorder = opts.reorder ?? 0;
    this.duplicate = opts.duplicate ?? 0;
    this.delay = opts.delay ?? 10;
    this.mtu = opts.mtu ?? 1500;
    this.a = new Tcp(new End(this, 'a', ADDR_A), this.clock, this.ca, { seed: [1], ...tcpA });
    this.b = new Tcp(new End(this, 'b', ADDR_B), this.clock, this.cb, { seed: [2], ...tcpB });
  }

  enqueue(from: 'a' | 'b', src: number, dst: number, bytes: Uint8Array): void {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.trace.push({
      t: this.clock.t,
      from,
      flags: bytes[13] & 0x3f,
      seq: view.getUint32(4),
      ack: view.getUint32(8),
      window: view.getUint16(14),
      len: bytes.length - (bytes[12] >> 4) * 4,
    });
    if (this.trace.length > 200000) this.trace = this.trace.slice(100000);
    if (this.blackhole[from]) return;
    if (this.rng.float() < this.loss) return;
    const to = from === 'a' ? 'b' : 'a';
    let at = this.clock.t + this.delay;
    if (this.rng.float() < this.reorder) at += this.delay + this.rng.int(this.delay * 2 + 1);
    this.q.push({ at, id: this.nextId++, to, src, dst, bytes });
    if (this.rng.float() < this.duplicate) {
      this.q.push({ at: at + this.rng.int(this.delay + 1), id: this.nextId++, to, src, dst, bytes });
    }
  }

  /** Delivers a datagram from outside (fuzzing) to one side now. */
  inject(to: 'a' | 'b', src: number, dst: number, bytes: Uint8Array): void {
    (to === 'a' ? this.a : this.b).receive(src, dst, bytes);
  }

  private nextEvent(): number {
    let t = -1;
    for (const p of this.q) if (t < 0 || p.at < t) t = p.at;
    for (const d of [this.a.nextDeadline(), this.b.nextDeadline()]) if (d >= 0 && (t < 0 || d < t)) t = d;
    return t;
  }

  /** Runs events until `done()` holds or the clock would pass `until` ms (absolute); returns done(). */
  run(until: number, done: () => boolean = () => false): boolean {
    for (;;) {
      if (done()) return true;
      const t = this.nextEvent();
      if (t < 0 || t > until) {
        this.clock.t = Math.max(until, this.clock.t);
        this.a.tick(this.clock.t);
        this.b.tick(this.clock.t);
        return done();
      }
      if (t > this.clock.t) this.clock.t = t;
      const now = this.clock.t;
      const due = this.q.filter((p) => p.at <= now).sort((x, y) => x.at - y.at || x.id - y.id);
      this.q = this.q.filter((p) => p.at > now);
      for (const p of due) (p.to === 'a' ? this.a : this.b).receive(p.src, p.dst, p.bytes);
      this.a.tick(now);
      this.b.tick(now);
    }
  }

  /** Runs for `ms` more. */
  advance(ms: number): void {
    this.run(this.clock.t + ms);
  }

  get inFlight(): number {
    return this.q.length;
  }
}

/** Sum of every counter named tcp.drop.* */
export function dropTotal(c: Counters): number {
  let n = 0;
  for (const [k, v] of c.entries()) if (k.startsWith('tcp.drop.')) n += v;
  return n;
}

export const SYN = 0x02;
export const ACK = 0x10;
export const RST = 0x04;
export const FIN = 0x01;

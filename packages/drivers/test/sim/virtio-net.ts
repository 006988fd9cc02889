/**
 * The DEVICE side of a virtio 1.2 network card, transport-independent: feature negotiation with
 * FEATURES_OK checking, split virtqueues read from and written to simulated memory, mergeable receive
 * buffers, checksum offload both ways, link status with config-change interrupts, interrupt and
 * notification suppression (flags and event indices). Its wire is two frame queues the test controls:
 * inject() frames towards the driver, collect `transmitted`. Front ends (PCI, MMIO) supply interrupts.
 */
import type { SimMachine } from './machine.js';

export const F = {
  CSUM: 0,
  GUEST_CSUM: 1,
  MTU: 3,
  MAC: 5,
  MRG_RXBUF: 15,
  STATUS: 16,
  EVENT_IDX: 29,
  VERSION_1: 32,
} as const;

export interface SimQueue {
  maxSize: number;
  size: number;
  desc: number;
  avail: number;
  used: number;
  ready: boolean;
  vector: number;
  lastAvail: number;
  usedIdx: number;
  notifications: number;
  interrupts: number;
}

export interface SentFrame {
  frame: Uint8Array;
  flags: number;
  csumStart: number;
  csumOffset: number;
}

export interface InjectOptions {
  /** 'valid' sets DATA_VALID, 'partial' sends NEEDS_CSUM with the given start/offset. */
  csum?: 'none' | 'valid' | 'partial';
  csumStart?: number;
  csumOffset?: number;
}

function bit(words: number[], b: number): boolean {
  return ((words[b >> 5] >>> (b & 31)) & 1) === 1;
}

/** What a simulated device offers: its MAC, MTU, feature words and largest queue. */
export interface SimVirtioNetOptions {
  mac?: number[];
  mtu?: number;
  features?: number[];
  queueMax?: number;
}

export class SimVirtioNet {
  offered: number[] = [0, 0];
  driverFeatures: number[] = [0, 0];
  status = 0;
  generation = 0;
  readonly config = new Uint8Array(12);
  queues: SimQueue[] = [];
  /** Frames waiting for receive buffers. */
  readonly backlog: { frame: Uint8Array; opts: InjectOptions }[] = [];
  readonly transmitted: SentFrame[] = [];
  /** Accepts or rejects the driver's features at FEATURES_OK. */
  acceptFeatures: (words: number[]) => boolean = () => true;
  /** Raised for a queue (vector = the queue's MSI-X entry) or the configuration (entry -1). */
  interrupt: (q: number) => void = () => {};
  rxDropped = 0;
  errors: string[] = [];
  /** When set, the device keeps NO_NOTIFY set (it is "busy polling"). */
  suppressNotify = false;

  constructor(
    readonly machine: SimMachine,
    opts: SimVirtioNetOptions = {},
  ) {
    const feats = opts.features ?? [
      F.VERSION_1,
      F.MAC,
      F.MTU,
      F.STATUS,
      F.CSUM,
      F.GUEST_CSUM,
      F.MRG_RXBUF,
      F.EVENT_IDX,
    ];
    for (const b of feats) this.offered[b >> 5] = (this.offered[b >> 5] | (1 << (b & 31))) >>> 0;
    const mac = opts.mac ?? [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
    this.config.set(mac, 0);
    this.config[6] = 1; // link up
    this.config[8] = 1; // max_virtqueue_pairs
    const mtu = opts.mtu ?? 1500;
    this.config[10] = mtu & 0xff;
    this.config[11] = mtu >> 8;
    for (let i = 0; i < 2; i++) this.queues.push(this.freshQueue(opts.queueMax ?? 256));
  }

  private freshQueue(max: number): SimQueue {
    return {
      maxSize: max,
      size: max,
      desc: 0,
      avail: 0,
      used: 0,
      ready: false,
      vector: 0xffff,
      lastAvail: 0,
      usedIdx: 0,
      notifications: 0,
      interrupts: 0,
    };
  }

  has(b: number): boolean {
    return bit(this.driverFeatures, b);
  }

  reset(): void {
    this.status = 0;
    this.driverFeatures = [0, 0];
    this.queues = this.queues.map((q) => this.freshQueue(q.maxSize));
  }

  setStatus(s: number): void {
    if (s === 0) {
      this.reset();
      return;
    }
    if ((s & 8) !== 0 && (this.status & 8) === 0) {
      const offeredOnly =
        (this.driverFeatures[0] & ~this.offered[0]) === 0 &&
        (this.driverFeatures[1] & ~this.offered[1]) === 0;
      if (!offeredOnly || !this.acceptFeatures(this.driverFeatures)) s &= ~8;
    }
    this.status = (s & ~0x40) | (this.status & 0x40);
  }

  configByte(off: number): number {
    return off < this.config.length ? this.config[off] : 0;
  }

  setLink(up: boolean): void {
    this.config[6] = up ? 1 : 0;
    this.generation = (this.generation + 1) & 0xff;
    this.interrupt(-1);
  }

  needsReset(): void {
    this.status |= 0x40;
    this.interrupt(-1);
  }

  notify(q: number): void {
    const queue = this.queues[q];
    if (queue === undefined || !queue.ready) return;
    queue.notifications++;
    if (q === 1) this.processTx();
    else this.deliver();
  }

  inject(frame: Uint8Array, opts: InjectOptions = {}): void {
    this.backlog.push({ frame, opts });
    this.deliver();
  }

  // ---- ring access ----
  private m(): SimMachine {
    return this.machine;
  }
  private availIdx(q: SimQueue): number {
    return this.m().devRead(q.avail + 2, 2);
  }
  private popAvail(q: SimQueue): number {
    const head = this.m().devRead(q.avail + 4 + 2 * (q.lastAvail % q.size), 2);
    q.lastAvail = (q.lastAvail + 1) & 0xffff;
    return head;
  }
  /** The chain from `head`: [addr, len, writable][]. */
  chain(q: SimQueue, head: number): [number, number, boolean][] | null {
    const out: [number, number, boolean][] = [];
    let d = head;
    for (let n = 0; n <= q.size; n++) {
      if (d >= q.size) {
        this.errors.push(`descriptor ${d} out of range`);
        return null;
      }
      const at = q.desc + 16 * d;
      const addr = this.m().devRead(at, 8);
      const len = this.m().devRead(at + 8, 4);
      const flags = this.m().devRead(at + 12, 2);
      out.push([addr, len, (flags & 2) !== 0]);
      if ((flags & 1) === 0) return out;
      d = this.m().devRead(at + 14, 2);
    }
    this.errors.push('descriptor loop');
    return null;
  }
  /** Writes a used entry (without publishing the index). */
  writeUsed(q: SimQueue, slot: number, id: number, len: number): void {
    const at = q.used + 4 + 8 * (slot % q.size);
    this.m().devWrite(at, 4, id);
    this.m().devWrite(at + 4, 4, len);
  }
  /** Publishes `count` more used entries and interrupts unless the driver suppressed it. */
  publishUsed(qi: number, count: number): void {
    const q = this.queues[qi];
    const old = q.usedIdx;
    q.usedIdx = (q.usedIdx + count) & 0xffff;
    this.m().devWrite(q.used + 2, 2, q.usedIdx);
    let want: boolean;
    if (this.has(F.EVENT_IDX)) {
      const ev = this.m().devRead(q.avail + 4 + 2 * q.size, 2);
      want = ((q.usedIdx - ev - 1) & 0xffff) < ((q.usedIdx - old) & 0xffff);
    } else want = (this.m().devRead(q.avail, 2) & 1) === 0;
    if (want) {
      q.interrupts++;
      this.interrupt(qi);
    }
  }
  private updateAvailEvent(q: SimQueue): void {
    // Like QEMU, the device asks to be notified past the last avail index it has seen (buffers it saw but
    // could not use yet, e.g. too few for a merged frame, do not count as news).
    const seen = this.availIdx(q);
    if (this.has(F.EVENT_IDX))
      this.m().devWrite(q.used + 4 + 8 * q.size, 2, this.suppressNotify ? (seen + 0x8000) & 0xffff : seen);
    else this.m().devWrite(q.used, 2, this.suppressNotify ? 1 : 0);
  }

  // ---- transmit ----
  processTx(): void {
    const q = this.queues[1];
    if (!q.ready || (this.status & 4) === 0) return;
    let done = 0;
    while (this.availIdx(q) !== q.lastAvail) {
      const slot = (q.usedIdx + done) & 0xffff;
      const head = this.popAvail(q);
      const c = this.chain(q, head);
      if (c === null) break;
      const parts: Uint8Array[] = [];
      for (const [addr, len, w] of c) {
        if (w) this.errors.push('writable descriptor in a transmit chain');
        else parts.push(this.m().devCopyOut(addr, len));
      }
      const all = concat(parts);
      if (all.length < 12) this.errors.push('transmit chain shorter than the header');
      else {
        const frame = all.slice(12);
        const flags = all[0];
        const csumStart = all[6] | (all[7] << 8);
        const csumOffset = all[8] | (all[9] << 8);
        if ((flags & 1) !== 0) {
          if (!this.has(F.CSUM)) this.errors.push('NEEDS_CSUM without CSUM negotiated');
          else completeChecksum(frame, csumStart, csumOffset);
        }
        this.transmitted.push({ frame, flags, csumStart, csumOffset });
      }
      this.writeUsed(q, slot, head, 0);
      done++;
    }
    this.updateAvailEvent(q);
    if (done > 0) this.publishUsed(1, done);
  }

  // ---- receive ----
  deliver(): void {
    const q = this.queues[0];
    if (!q.ready || (this.status & 4) === 0) return;
    let done = 0;
    while (this.backlog.length > 0) {
      const { frame, opts } = this.backlog[0];
      const hdr = new Uint8Array(12);
      if (opts.csum === 'valid' && this.has(F.GUEST_CSUM)) hdr[0] = 2;
      if (opts.csum === 'partial' && this.has(F.GUEST_CSUM)) {
        hdr[0] = 1;
        hdr[6] = (opts.csumStart ?? 0) & 0xff;
        hdr[7] = (opts.csumStart ?? 0) >> 8;
        hdr[8] = (opts.csumOffset ?? 0) & 0xff;
        hdr[9] = (opts.csumOffset ?? 0) >> 8;
      }
      const data = concat([hdr, frame]);
      // Gather buffers until the frame fits (one without MRG_RXBUF).
      const avail = (this.availIdx(q) - q.lastAvail) & 0xffff;
      const saved = q.lastAvail;
      const bufs: { head: number; segs: [number, number, boolean][]; cap: number }[] = [];
      let cap = 0;
      while (cap < data.length && bufs.length < avail && (bufs.length === 0 || this.has(F.MRG_RXBUF))) {
        const head = this.popAvail(q);
        const segs = this.chain(q, head);
        if (segs === null) return;
        let c = 0;
        for (const s of segs) if (s[2]) c += s[1];
        bufs.push({ head, segs, cap: c });
        cap += c;
      }
      if (cap < data.length) {
        q.lastAvail = saved;
        if (bufs.length > 0 && !this.has(F.MRG_RXBUF)) {
          // A buffer too small for the frame without mergeable buffers: the device drops the frame.
          this.backlog.shift();
          this.rxDropped++;
          continue;
        }
        break;
      }
      this.backlog.shift();
      data[10] = bufs.length & 0xff;
      data[11] = bufs.length >> 8;
      let off = 0;
      for (const b of bufs) {
        const start = off;
        for (const [addr, len, w] of b.segs) {
          if (!w || off >= data.length) continue;
          const n = Math.min(len, data.length - off);
          this.m().devCopyIn(addr, data.subarray(off, off + n));
          off += n;
        }
        this.writeUsed(q, (q.usedIdx + done) & 0xffff, b.head, off - start);
        done++;
      }
    }
    this.updateAvailEvent(q);
    if (done > 0) this.publishUsed(0, done);
  }
}

export function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** What a device does for NEEDS_CSUM: the Internet checksum from start to the end, stored at start + offset. */
export function completeChecksum(frame: Uint8Array, start: number, offset: number): void {
  let sum = 0;
  for (let i = start; i < frame.length; i += 2)
    sum += (frame[i] << 8) | (i + 1 < frame.length ? frame[i + 1] : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const v = ~sum & 0xffff;
  frame[start + offset] = v >> 8;
  frame[start + offset + 1] = v & 0xff;
}

/**
 * A simulated PCI bus: functions with 4 KiB configuration spaces behind both the legacy 0xCF8/0xCFC
 * ports and an ECAM window, BARs that size like hardware (only the address bits above the size stick),
 * a capability-list builder, and PCI-to-PCI bridges with firmware-assigned bus numbers.
 */
import type { SimMachine } from './machine.js';

export type SimBarKind = 'io' | 'mem32' | 'mem64';
export interface SimBar {
  kind: SimBarKind;
  size: number;
  address: number;
  prefetchable?: boolean;
}

export class SimPciFunction {
  readonly config = new Uint8Array(4096);
  readonly writable = new Uint8Array(4096);
  readonly bars: (SimBar | null)[] = [null, null, null, null, null, null];
  private capEnd = 0x40;
  private lastCap = -1;
  /** Called after the driver writes configuration space. */
  onWrite: ((off: number, size: number) => void) | null = null;

  constructor(
    vendor: number,
    device: number,
    classCode: number,
    subclass: number,
    opts: { headerType?: number; multi?: boolean; subsystem?: number; revision?: number },
  ) {
    const v = new DataView(this.config.buffer);
    v.setUint16(0, vendor, true);
    v.setUint16(2, device, true);
    this.config[8] = opts.revision ?? 0;
    this.config[0xa] = subclass;
    this.config[0xb] = classCode;
    this.config[0xe] = (opts.headerType ?? 0) | (opts.multi === true ? 0x80 : 0);
    v.setUint16(0x2e, opts.subsystem ?? 0, true);
    this.writable.fill(0xff, 4, 6);
    this.writable[0x3c] = 0xff;
    if ((opts.headerType ?? 0) === 1) this.writable.fill(0xff, 0x18, 0x1b);
  }

  setBar(i: number, bar: SimBar): void {
    this.bars[i] = bar;
    this.writeBarRegs(i);
  }
  private writeBarRegs(i: number): void {
    const b = this.bars[i];
    if (b === null) return;
    const v = new DataView(this.config.buffer);
    if (b.kind === 'io') v.setUint32(0x10 + i * 4, (b.address | 1) >>> 0, true);
    else {
      const low =
        (b.address % 0x100000000) | (b.kind === 'mem64' ? 4 : 0) | (b.prefetchable === true ? 8 : 0);
      v.setUint32(0x10 + i * 4, low >>> 0, true);
      if (b.kind === 'mem64') v.setUint32(0x14 + i * 4, Math.floor(b.address / 0x100000000), true);
    }
  }

  /** Appends a capability (id, then `body` after the two header bytes); `writableBody` marks bytes the driver may change. */
  addCap(id: number, body: number[], writableBody: [number, number][] = []): number {
    const off = this.capEnd;
    this.config[off] = id;
    this.config[off + 1] = 0;
    for (let i = 0; i < body.length; i++) this.config[off + 2 + i] = body[i];
    for (const [s, e] of writableBody) this.writable.fill(0xff, off + s, off + e);
    if (this.lastCap < 0) this.config[0x34] = off;
    else this.config[this.lastCap + 1] = off;
    this.config[6] |= 0x10;
    this.lastCap = off;
    this.capEnd = (off + 2 + body.length + 3) & ~3;
    return off;
  }

  memoryEnabled(): boolean {
    return (this.config[4] & 2) !== 0;
  }
  /** Current address of BAR i, as programmed. */
  barAddress(i: number): number {
    const b = this.bars[i];
    if (b === null) return 0;
    const v = new DataView(this.config.buffer);
    const low = v.getUint32(0x10 + i * 4, true);
    if (b.kind === 'io') return low & 0xfffffffc;
    const base = (low & 0xfffffff0) >>> 0;
    return b.kind === 'mem64' ? v.getUint32(0x14 + i * 4, true) * 0x100000000 + base : base;
  }

  read(off: number, size: number): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + this.config[off + i];
    return v >>> 0;
  }
  write(off: number, size: number, value: number): void {
    if (off >= 0x10 && off < 0x28) {
      this.writeBar(off, size, value);
      return;
    }
    for (let i = 0; i < size; i++) {
      const m = this.writable[off + i];
      const byte = (value >>> (8 * i)) & 0xff;
      this.config[off + i] = (this.config[off + i] & ~m) | (byte & m);
    }
    this.onWrite?.(off, size);
  }
  private writeBar(off: number, size: number, value: number): void {
    if (size !== 4) return;
    const reg = (off - 0x10) >> 2;
    const v = new DataView(this.config.buffer);
    const own = this.bars[reg];
    const lower = reg > 0 ? this.bars[reg - 1] : null;
    if (own === null && lower !== null && lower.kind === 'mem64') {
      // Upper half of a 64-bit BAR: sizes here are below 4 GiB, so every bit sticks.
      v.setUint32(off, value >>> 0, true);
      return;
    }
    if (own === null) return;
    const flags = v.getUint32(off, true) & (own.kind === 'io' ? 3 : 0xf);
    const mask = (~(own.size - 1) >>> 0) & (own.kind === 'io' ? 0xfffffffc : 0xfffffff0);
    v.setUint32(off, ((value & mask) | flags) >>> 0, true);
  }
}

export class SimPciBus {
  private readonly fns = new Map<number, SimPciFunction>();
  private address = 0;

  constructor(
    machine: SimMachine,
    readonly ecamBase = 0xb0000000,
  ) {
    const bus = this;
    machine.ports.push({
      contains: (p) => p >= 0xcf8 && p < 0xd00,
      in(p, size) {
        if (p === 0xcf8) return bus.address >>> 0;
        if ((bus.address & 0x80000000) === 0) return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
        return bus.cfgRead(bus.address & 0xffff00, (bus.address & 0xfc) + (p - 0xcfc), size);
      },
      out(p, size, value) {
        if (p === 0xcf8 && size === 4) bus.address = value >>> 0;
        else if (p >= 0xcfc && (bus.address & 0x80000000) !== 0)
          bus.cfgWrite(bus.address & 0xffff00, (bus.address & 0xfc) + (p - 0xcfc), size, value);
      },
    });
    machine.mmio.push({
      contains: (a) => a >= ecamBase && a < ecamBase + 0x10000000,
      read: (a, size) => {
        const o = a - ecamBase;
        return bus.cfgRead(((o >>> 20) << 16) | (((o >>> 12) & 0xff) << 8), o & 0xfff, size);
      },
      write: (a, size, value) => {
        const o = a - ecamBase;
        bus.cfgWrite(((o >>> 20) << 16) | (((o >>> 12) & 0xff) << 8), o & 0xfff, size, value);
      },
    });
  }

  /** Places a function at bus:dev.fn. */
  add(bus: number, dev: number, fn: number, f: SimPciFunction): SimPciFunction {
    this.fns.set((bus << 16) | (dev << 11) | (fn << 8), f);
    return f;
  }
  /** A PCI-to-PCI bridge (8086:244e) at bus:dev.0 whose secondary bus is `secondary`. */
  addBridge(bus: number, dev: number, secondary: number): SimPciFunction {
    const b = new SimPciFunction(0x8086, 0x244e, 0x06, 0x04, { headerType: 1 });
    b.config[0x18] = bus;
    b.config[0x19] = secondary;
    b.config[0x1a] = secondary;
    return this.add(bus, dev, 0, b);
  }

  private cfgRead(key: number, off: number, size: number): number {
    const f = this.fns.get(key);
    if (f === undefined) return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
    return f.read(off, size);
  }
  private cfgWrite(key: number, off: number, size: number, value: number): void {
    this.fns.get(key)?.write(off, size, value);
  }
}

/**
 * A simulated machine implementing Hw for the drivers' tests: RAM as one Uint8Array at RAM_BASE, from
 * which dmaAlloc hands out zeroed blocks; MMIO and port-I/O devices that claim address ranges; and
 * interrupt vectors as pending flags (an MSI write to 0xFEExxxxx or a routed GSI sets one). A driver
 * access to memory that is neither allocated DMA memory nor a device is recorded in `violations`, so the
 * tests can assert the driver never strays outside its buffers whatever the device does.
 */
import type { Hw, MsiMessage } from '../../src/hw.js';

export const RAM_BASE = 0x0100_0000;

export interface MmioRegion {
  contains(addr: number): boolean;
  read(addr: number, size: number): number;
  write(addr: number, size: number, value: number): void;
}

export interface PortRegion {
  contains(port: number): boolean;
  in(port: number, size: number): number;
  out(port: number, size: number, value: number): void;
}

export class SimMachine implements Hw {
  readonly ram: Uint8Array;
  private readonly view: DataView;
  private dmaTop = RAM_BASE;
  readonly mmio: MmioRegion[] = [];
  readonly ports: PortRegion[] = [];
  readonly violations: string[] = [];
  /** Device-side accesses outside allocated memory (a driver handing the device a bad address). */
  readonly deviceFaults: string[] = [];
  readonly pending = new Set<number>();
  readonly enabled = new Set<number>();
  /** Interrupts raised per vector (whether enabled or not). */
  readonly raised = new Map<number, number>();
  private nextVector = 0x40;
  readonly gsiVector = new Map<number, number>();
  barriers = 0;

  constructor(ramBytes = 16 << 20) {
    this.ram = new Uint8Array(ramBytes);
    this.view = new DataView(this.ram.buffer);
  }

  private inDma(addr: number, len: number): boolean {
    return addr >= RAM_BASE && addr + len <= this.dmaTop;
  }
  private region(addr: number): MmioRegion | undefined {
    return this.mmio.find((r) => r.contains(addr));
  }

  private memRead(addr: number, size: number): number {
    if (this.inDma(addr, size)) {
      const o = addr - RAM_BASE;
      if (size === 1) return this.view.getUint8(o);
      if (size === 2) return this.view.getUint16(o, true);
      if (size === 4) return this.view.getUint32(o, true);
      // Two halves: a number holds every value below 2^53, which is all a driver may write (hw.ts).
      return this.view.getUint32(o, true) + this.view.getUint32(o + 4, true) * 0x100000000;
    }
    const r = this.region(addr);
    if (r !== undefined) return r.read(addr, size);
    this.violations.push(`read${size * 8} 0x${addr.toString(16)}`);
    return size === 1 ? 0xff : size === 2 ? 0xffff : 0xffffffff;
  }
  private memWrite(addr: number, size: number, value: number): void {
    if (this.inDma(addr, size)) {
      const o = addr - RAM_BASE;
      if (size === 1) this.view.setUint8(o, value & 0xff);
      else if (size === 2) this.view.setUint16(o, value & 0xffff, true);
      else if (size === 4) this.view.setUint32(o, value >>> 0, true);
      else {
        this.view.setUint32(o, value >>> 0, true);
        this.view.setUint32(o + 4, Math.floor(value / 0x100000000) >>> 0, true);
      }
      return;
    }
    if ((addr & 0xfff00000) === 0xfee00000 && size === 4) {
      this.deliverMsi(addr, value);
      return;
    }
    const r = this.region(addr);
    if (r !== undefined) r.write(addr, size, value);
    else this.violations.push(`write${size * 8} 0x${addr.toString(16)}`);
  }

  in8(port: number): number {
    return this.portIn(port, 1);
  }
  in16(port: number): number {
    return this.portIn(port, 2);
  }
  in32(port: number): number {
    return this.portIn(port, 4);
  }
  out8(port: number, value: number): void {
    this.portOut(port, 1, value);
  }
  out16(port: number, value: number): void {
    this.portOut(port, 2, value);
  }
  out32(port: number, value: number): void {
    this.portOut(port, 4, value);
  }
  private portIn(port: number, size: number): number {
    const p = this.ports.find((r) => r.contains(port));
    return p === undefined ? (size === 1 ? 0xff : size === 2 ? 0xffff : 0xffffffff) : p.in(port, size);
  }
  private portOut(port: number, size: number, value: number): void {
    this.ports.find((r) => r.contains(port))?.out(port, size, value);
  }

  read8(addr: number): number {
    return this.memRead(addr, 1);
  }
  read16(addr: number): number {
    return this.memRead(addr, 2);
  }
  read32(addr: number): number {
    return this.memRead(addr, 4);
  }
  read64(addr: number): number {
    return this.memRead(addr, 8);
  }
  write8(addr: number, value: number): void {
    this.memWrite(addr, 1, value);
  }
  write16(addr: number, value: number): void {
    this.memWrite(addr, 2, value);
  }
  write32(addr: number, value: number): void {
    this.memWrite(addr, 4, value);
  }
  write64(addr: number, value: number): void {
    this.memWrite(addr, 8, value);
  }

  dmaAlloc(bytes: number, align: number): number {
    const at = Math.ceil(this.dmaTop / align) * align;
    if (at + bytes > RAM_BASE + this.ram.length) return 0;
    this.dmaTop = at + bytes;
    this.ram.fill(0, at - RAM_BASE, at - RAM_BASE + bytes);
    return at;
  }
  copyFromPhys(addr: number, dst: Uint8Array, off: number, len: number): void {
    if (!this.inDma(addr, len) || off < 0 || off + len > dst.length) {
      this.violations.push(
        `copyFromPhys 0x${addr.toString(16)} +${len} -> [${off}, ${off + len}) of ${dst.length}`,
      );
      return;
    }
    dst.set(this.ram.subarray(addr - RAM_BASE, addr - RAM_BASE + len), off);
  }
  copyToPhys(addr: number, src: Uint8Array, off: number, len: number): void {
    if (!this.inDma(addr, len) || off < 0 || off + len > src.length) {
      this.violations.push(`copyToPhys 0x${addr.toString(16)} +${len}`);
      return;
    }
    this.ram.set(src.subarray(off, off + len), addr - RAM_BASE);
  }
  barrier(): void {
    this.barriers++;
  }

  irqAlloc(_cpu: number): number {
    return this.nextVector < 0xf0 ? this.nextVector++ : -1;
  }
  irqRoute(gsi: number, _cpu: number): number {
    if (gsi < 0 || gsi >= 24) return -1;
    const v = this.irqAlloc(0);
    if (v >= 0) this.gsiVector.set(gsi, v);
    return v;
  }
  msi(cpu: number, vector: number): MsiMessage {
    return { address: (0xfee00000 | (cpu << 12)) >>> 0, data: vector };
  }
  irqEnable(vector: number): void {
    this.enabled.add(vector);
  }
  irqDisable(vector: number): void {
    this.enabled.delete(vector);
  }
  irqTake(vector: number): boolean {
    return this.pending.delete(vector);
  }

  /** A device's MSI write. */
  deliverMsi(_address: number, data: number): void {
    this.raise(data & 0xff);
  }
  /** A device's interrupt line (edge). */
  raiseGsi(gsi: number): void {
    const v = this.gsiVector.get(gsi);
    if (v !== undefined) this.raise(v);
  }
  private raise(v: number): void {
    this.pending.add(v);
    this.raised.set(v, (this.raised.get(v) ?? 0) + 1);
  }
  /** All interrupts raised so far. */
  interruptCount(): number {
    let n = 0;
    for (const c of this.raised.values()) n += c;
    return n;
  }

  // Device-side DMA (what a bus-mastering device does): checked against allocated memory.
  devRead(addr: number, size: number): number {
    if (!this.inDma(addr, size)) {
      this.deviceFaults.push(`device read 0x${addr.toString(16)}`);
      return 0;
    }
    return this.memRead(addr, size);
  }
  devWrite(addr: number, size: number, value: number): void {
    if (!this.inDma(addr, size)) this.deviceFaults.push(`device write 0x${addr.toString(16)}`);
    else this.memWrite(addr, size, value);
  }
  devCopyOut(addr: number, len: number): Uint8Array {
    if (!this.inDma(addr, len)) {
      this.deviceFaults.push(`device read 0x${addr.toString(16)} +${len}`);
      return new Uint8Array(len);
    }
    return this.ram.slice(addr - RAM_BASE, addr - RAM_BASE + len);
  }
  devCopyIn(addr: number, bytes: Uint8Array): void {
    if (!this.inDma(addr, bytes.length))
      this.deviceFaults.push(`device write 0x${addr.toString(16)} +${bytes.length}`);
    else this.ram.set(bytes, addr - RAM_BASE);
  }
}

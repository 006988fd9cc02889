/**
 * One PCI function found by enumeration: its address, identity (vendor, device, class) and access to
 * its own configuration space. Drivers get these from enumerate() and never build addresses themselves.
 */
import type { ConfigAccess } from './config.js';

/** Standard configuration header offsets (PCI Local Bus 3.0 §6.1). */
export const PCI_VENDOR = 0x00;
export const PCI_DEVICE = 0x02;
export const PCI_COMMAND = 0x04;
export const PCI_STATUS = 0x06;
export const PCI_REVISION = 0x08;
export const PCI_HEADER_TYPE = 0x0e;
export const PCI_BAR0 = 0x10;
export const PCI_SECONDARY_BUS = 0x19;
export const PCI_SUBSYSTEM_ID = 0x2e;
export const PCI_CAP_PTR = 0x34;
export const PCI_INTERRUPT_LINE = 0x3c;

export const CMD_IO = 0x1;
export const CMD_MEMORY = 0x2;
export const CMD_BUS_MASTER = 0x4;
export const CMD_INTX_DISABLE = 0x400;
export const STATUS_CAP_LIST = 0x10;

/** Lowercase hex of a non-negative integer, zero-padded to `width` digits. */
export function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

export class PciFunction {
  readonly vendorId: number;
  readonly deviceId: number;
  readonly classCode: number;
  readonly subclass: number;
  readonly progIf: number;
  readonly revision: number;
  /** Header layout: 0 device, 1 PCI-to-PCI bridge, 2 CardBus (bit 7, multi-function, masked off). */
  readonly headerType: number;

  constructor(
    readonly cfg: ConfigAccess,
    readonly bus: number,
    readonly dev: number,
    readonly fn: number,
  ) {
    this.vendorId = cfg.read16(bus, dev, fn, PCI_VENDOR);
    this.deviceId = cfg.read16(bus, dev, fn, PCI_DEVICE);
    const classReg = cfg.read32(bus, dev, fn, PCI_REVISION);
    this.revision = classReg & 0xff;
    this.progIf = (classReg >>> 8) & 0xff;
    this.subclass = (classReg >>> 16) & 0xff;
    this.classCode = (classReg >>> 24) & 0xff;
    this.headerType = cfg.read8(bus, dev, fn, PCI_HEADER_TYPE) & 0x7f;
  }

  /** "bb:dd.f", as lspci writes it. */
  get name(): string {
    return `${hex(this.bus, 2)}:${hex(this.dev, 2)}.${this.fn}`;
  }

  read8(off: number): number {
    return this.cfg.read8(this.bus, this.dev, this.fn, off);
  }
  read16(off: number): number {
    return this.cfg.read16(this.bus, this.dev, this.fn, off);
  }
  read32(off: number): number {
    return this.cfg.read32(this.bus, this.dev, this.fn, off);
  }
  write8(off: number, value: number): void {
    this.cfg.write8(this.bus, this.dev, this.fn, off, value);
  }
  write16(off: number, value: number): void {
    this.cfg.write16(this.bus, this.dev, this.fn, off, value);
  }
  write32(off: number, value: number): void {
    this.cfg.write32(this.bus, this.dev, this.fn, off, value);
  }

  /** Sets bits in the command register (memory/I/O decode, bus mastering) without touching the others. */
  enable(bits: number): void {
    this.write16(PCI_COMMAND, this.read16(PCI_COMMAND) | bits);
  }
}

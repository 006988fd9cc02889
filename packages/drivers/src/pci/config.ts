/**
 * PCI configuration space access: the legacy mechanism (address port 0xCF8, data port 0xCFC; the first
 * 256 bytes of each function) and ECAM (memory-mapped, 4 KiB per function, from the ACPI MCFG table on
 * q35). Both sit behind ConfigAccess so enumeration and the drivers do not care which one the machine has.
 */
import type { Hw } from '../hw.js';

/** Read/write access to the configuration space of function (bus, dev, fn). */
export interface ConfigAccess {
  read8(bus: number, dev: number, fn: number, off: number): number;
  read16(bus: number, dev: number, fn: number, off: number): number;
  read32(bus: number, dev: number, fn: number, off: number): number;
  write8(bus: number, dev: number, fn: number, off: number, value: number): void;
  write16(bus: number, dev: number, fn: number, off: number, value: number): void;
  write32(bus: number, dev: number, fn: number, off: number, value: number): void;
  /** How many bytes of each function's space this mechanism reaches (256 legacy, 4096 ECAM). */
  readonly size: number;
}

const CONFIG_ADDRESS = 0xcf8;
const CONFIG_DATA = 0xcfc;

/** Configuration mechanism #1 through ports 0xCF8/0xCFC. */
export class LegacyConfig implements ConfigAccess {
  readonly size = 256;
  constructor(private readonly hw: Hw) {}

  private select(bus: number, dev: number, fn: number, off: number): void {
    const address =
      (0x80000000 | ((bus & 0xff) << 16) | ((dev & 0x1f) << 11) | ((fn & 7) << 8) | (off & 0xfc)) >>> 0;
    this.hw.out32(CONFIG_ADDRESS, address);
  }

  read8(bus: number, dev: number, fn: number, off: number): number {
    this.select(bus, dev, fn, off);
    return this.hw.in8(CONFIG_DATA + (off & 3));
  }
  read16(bus: number, dev: number, fn: number, off: number): number {
    this.select(bus, dev, fn, off);
    return this.hw.in16(CONFIG_DATA + (off & 2));
  }
  read32(bus: number, dev: number, fn: number, off: number): number {
    this.select(bus, dev, fn, off);
    return this.hw.in32(CONFIG_DATA) >>> 0;
  }
  write8(bus: number, dev: number, fn: number, off: number, value: number): void {
    this.select(bus, dev, fn, off);
    this.hw.out8(CONFIG_DATA + (off & 3), value);
  }
  write16(bus: number, dev: number, fn: number, off: number, value: number): void {
    this.select(bus, dev, fn, off);
    this.hw.out16(CONFIG_DATA + (off & 2), value);
  }
  write32(bus: number, dev: number, fn: number, off: number, value: number): void {
    this.select(bus, dev, fn, off);
    this.hw.out32(CONFIG_DATA, value);
  }
}

/** Enhanced configuration access: bus b's function space at base + ((b - startBus) << 20 | dev << 15 | fn << 12). */
export class EcamConfig implements ConfigAccess {
  readonly size = 4096;
  constructor(
    private readonly hw: Hw,
    private readonly base: number,
    private readonly startBus: number,
    private readonly endBus: number,
  ) {}

  /** The function's byte address, or -1 outside the buses this ECAM window decodes (reads give all-ones). */
  private at(bus: number, dev: number, fn: number, off: number): number {
    if (bus < this.startBus || bus > this.endBus) return -1;
    return (
      this.base + (bus - this.startBus) * 0x100000 + (dev & 0x1f) * 0x8000 + (fn & 7) * 0x1000 + (off & 0xfff)
    );
  }

  read8(bus: number, dev: number, fn: number, off: number): number {
    const a = this.at(bus, dev, fn, off);
    return a < 0 ? 0xff : this.hw.read8(a);
  }
  read16(bus: number, dev: number, fn: number, off: number): number {
    const a = this.at(bus, dev, fn, off & ~1);
    return a < 0 ? 0xffff : this.hw.read16(a);
  }
  read32(bus: number, dev: number, fn: number, off: number): number {
    const a = this.at(bus, dev, fn, off & ~3);
    return a < 0 ? 0xffffffff : this.hw.read32(a) >>> 0;
  }
  write8(bus: number, dev: number, fn: number, off: number, value: number): void {
    const a = this.at(bus, dev, fn, off);
    if (a >= 0) this.hw.write8(a, value);
  }
  write16(bus: number, dev: number, fn: number, off: number, value: number): void {
    const a = this.at(bus, dev, fn, off & ~1);
    if (a >= 0) this.hw.write16(a, value);
  }
  write32(bus: number, dev: number, fn: number, off: number, value: number): void {
    const a = this.at(bus, dev, fn, off & ~3);
    if (a >= 0) this.hw.write32(a, value);
  }
}

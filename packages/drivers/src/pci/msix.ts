/**
 * MSI-X: the capability (message control, table and PBA locations) and the vector table in a memory BAR,
 * 16 bytes per entry (address low, address high, data, vector control with its mask bit). Entries are
 * written while masked and unmasked last, and the function is enabled with its function-mask set until
 * the table is programmed, so no half-written message is ever sent.
 */
import type { Hw } from '../hw.js';
import { type Bar, BarKind } from './bar.js';
import type { Capability } from './capability.js';
import type { PciFunction } from './function.js';

const CTRL_ENABLE = 0x8000;
const CTRL_FUNCTION_MASK = 0x4000;
const ENTRY_MASKED = 1;

export class MsixTable {
  /** Entries in the table (message control's table size + 1). */
  readonly size: number;
  /** Physical address of entry 0. */
  readonly tableAddress: number;

  private constructor(
    private readonly hw: Hw,
    private readonly f: PciFunction,
    private readonly capOffset: number,
    size: number,
    tableAddress: number,
  ) {
    this.size = size;
    this.tableAddress = tableAddress;
  }

  /**
   * Reads the capability and finds the table in its BAR; null when the BIR names no memory BAR or the
   * table does not fit inside it (a device that lies about its table is not programmed).
   */
  static open(hw: Hw, f: PciFunction, cap: Capability, bars: Bar[]): MsixTable | null {
    const control = f.read16(cap.offset + 2);
    const size = (control & 0x7ff) + 1;
    const table = f.read32(cap.offset + 4) >>> 0;
    const bir = table & 7;
    const offset = (table & 0xfffffff8) >>> 0;
    let bar: Bar | null = null;
    for (const b of bars) if (b.index === bir) bar = b;
    if (bar === null || (bar.kind !== BarKind.Mem32 && bar.kind !== BarKind.Mem64)) return null;
    if (offset + size * 16 > bar.size) return null;
    return new MsixTable(hw, f, cap.offset, size, bar.address + offset);
  }

  /** Turns MSI-X on with the whole function masked (call before programming entries). */
  enableMasked(): void {
    const control = this.f.read16(this.capOffset + 2);
    this.f.write16(this.capOffset + 2, control | CTRL_ENABLE | CTRL_FUNCTION_MASK);
  }

  /** Clears the function mask: programmed, unmasked entries may now send. */
  unmaskFunction(): void {
    const control = this.f.read16(this.capOffset + 2);
    this.f.write16(this.capOffset + 2, (control | CTRL_ENABLE) & ~CTRL_FUNCTION_MASK);
  }

  /** Writes entry `i`'s message (masked while written) and unmasks it. False if `i` is past the table. */
  program(i: number, address: number, data: number): boolean {
    if (i < 0 || i >= this.size) return false;
    const e = this.tableAddress + i * 16;
    this.hw.write32(e + 12, ENTRY_MASKED);
    this.hw.write32(e, address);
    this.hw.write32(e + 4, 0);
    this.hw.write32(e + 8, data);
    this.hw.write32(e + 12, 0);
    return true;
  }

  mask(i: number): void {
    if (i >= 0 && i < this.size) this.hw.write32(this.tableAddress + i * 16 + 12, ENTRY_MASKED);
  }

  /** Turns MSI-X off (the device falls back to INTx or nothing). */
  disable(): void {
    const control = this.f.read16(this.capOffset + 2);
    this.f.write16(this.capOffset + 2, control & ~CTRL_ENABLE);
  }
}

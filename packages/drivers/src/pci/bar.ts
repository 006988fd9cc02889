/**
 * Base address registers: decoding (I/O, 32-bit memory, 64-bit memory over two registers, prefetchable)
 * and sizing by writing all-ones and reading back which address bits stick. Decoding is switched off in
 * the command register while a BAR holds all-ones, so the device never answers at a bogus address.
 */
import { CMD_IO, CMD_MEMORY, PCI_BAR0, PCI_COMMAND, type PciFunction } from './function.js';

export enum BarKind {
  None = 0,
  Io = 1,
  Mem32 = 2,
  Mem64 = 3,
}

/** One decoded BAR; `address` and `size` are below 2^53 (a 64-bit BAR's halves combined). */
export interface Bar {
  readonly index: number;
  readonly kind: BarKind;
  readonly address: number;
  readonly size: number;
  readonly prefetchable: boolean;
}

const TWO32 = 0x100000000;

/** The six BARs of a type-0 header (a 64-bit BAR takes two slots; the upper slot reads as None). */
export function readBars(f: PciFunction): Bar[] {
  const bars: Bar[] = [];
  const count = f.headerType === 1 ? 2 : f.headerType === 0 ? 6 : 0;
  const command = f.read16(PCI_COMMAND);
  f.write16(PCI_COMMAND, command & ~(CMD_IO | CMD_MEMORY));
  let i = 0;
  while (i < count) {
    const off = PCI_BAR0 + i * 4;
    const original = f.read32(off) >>> 0;
    f.write32(off, 0xffffffff);
    const probe = f.read32(off) >>> 0;
    f.write32(off, original);
    if ((original & 1) === 1) {
      const mask = (probe & 0xfffffffc) >>> 0;
      const size = mask === 0 ? 0 : (~mask + 1) & 0xffff;
      bars.push({
        index: i,
        kind: size === 0 ? BarKind.None : BarKind.Io,
        address: (original & 0xfffffffc) >>> 0,
        size,
        prefetchable: false,
      });
      i++;
      continue;
    }
    const type = (original >>> 1) & 3;
    const prefetchable = (original & 8) !== 0;
    const lowMask = (probe & 0xfffffff0) >>> 0;
    if (type === 2 && i + 1 < count) {
      const hiOff = off + 4;
      const hiOriginal = f.read32(hiOff) >>> 0;
      f.write32(hiOff, 0xffffffff);
      const hiProbe = f.read32(hiOff) >>> 0;
      f.write32(hiOff, hiOriginal);
      const size = sizeOf64(lowMask, hiProbe);
      const address = hiOriginal * TWO32 + ((original & 0xfffffff0) >>> 0);
      bars.push({ index: i, kind: size === 0 ? BarKind.None : BarKind.Mem64, address, size, prefetchable });
      bars.push({ index: i + 1, kind: BarKind.None, address: 0, size: 0, prefetchable: false });
      i += 2;
      continue;
    }
    const size = lowMask === 0 ? 0 : ((~lowMask >>> 0) + 1) >>> 0;
    const kind = size === 0 ? BarKind.None : BarKind.Mem32;
    bars.push({ index: i, kind, address: (original & 0xfffffff0) >>> 0, size, prefetchable });
    i++;
  }
  f.write16(PCI_COMMAND, command);
  return bars;
}

/** Size of a 64-bit BAR from the bits that stuck in both halves: the lowest set address bit. */
function sizeOf64(lowMask: number, hiMask: number): number {
  if (lowMask !== 0) return (~lowMask >>> 0) + 1;
  if (hiMask === 0) return 0;
  // Only high bits stuck: the size is 2^32 times the lowest set bit of the high half.
  let bit = 1;
  while ((hiMask & bit) === 0 && bit < 0x80000000) bit = bit * 2;
  return bit * TWO32;
}

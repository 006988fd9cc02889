/**
 * The capability list: a chain of (id, next) records from the pointer at 0x34. Walked with a bound and
 * with pointers masked to dword alignment and checked to lie past the header, so a looping or dangling
 * list (hostile or broken hardware) ends instead of spinning or reading the header as capabilities.
 */
import { PCI_CAP_PTR, PCI_STATUS, type PciFunction, STATUS_CAP_LIST } from './function.js';

export const CAP_MSI = 0x05;
export const CAP_VENDOR = 0x09;
export const CAP_PCIE = 0x10;
export const CAP_MSIX = 0x11;

export interface Capability {
  readonly id: number;
  /** Offset of the capability's first byte (its id) in configuration space. */
  readonly offset: number;
}

/** At most this many records: 256 bytes of space hold at most 48 four-byte capabilities past the header. */
const MAX_CAPS = 48;

export function capabilities(f: PciFunction): Capability[] {
  const caps: Capability[] = [];
  if ((f.read16(PCI_STATUS) & STATUS_CAP_LIST) === 0) return caps;
  let ptr = f.read8(PCI_CAP_PTR) & 0xfc;
  const seen = new Uint8Array(256);
  while (ptr >= 0x40 && caps.length < MAX_CAPS && seen[ptr] === 0) {
    seen[ptr] = 1;
    caps.push({ id: f.read8(ptr), offset: ptr });
    ptr = f.read8(ptr + 1) & 0xfc;
  }
  return caps;
}

/** The first capability with this id, or null. */
export function findCapability(f: PciFunction, id: number): Capability | null {
  for (const c of capabilities(f)) if (c.id === id) return c;
  return null;
}

/** An MSI capability's layout (message control at +2): what a driver needs to program it. */
export interface MsiInfo {
  readonly offset: number;
  readonly is64: boolean;
  readonly perVectorMask: boolean;
  /** Vectors the function asks for (2^multiple-message-capable). */
  readonly vectors: number;
}

export function msiInfo(f: PciFunction, cap: Capability): MsiInfo {
  const control = f.read16(cap.offset + 2);
  return {
    offset: cap.offset,
    is64: (control & 0x80) !== 0,
    perVectorMask: (control & 0x100) !== 0,
    vectors: 1 << ((control >>> 1) & 7),
  };
}

/** Programs and enables single-vector MSI (address, data), leaving MSI-X alone. */
export function enableMsi(f: PciFunction, info: MsiInfo, address: number, data: number): void {
  const o = info.offset;
  f.write32(o + 4, address);
  if (info.is64) {
    f.write32(o + 8, 0);
    f.write16(o + 12, data);
  } else f.write16(o + 8, data);
  const control = f.read16(o + 2);
  f.write16(o + 2, (control & ~0x70) | 1);
}

/**
 * The `Hw` of a booted image: every method is one of the compiler's hardware intrinsics (`@toro/hw`,
 * packages/toolchain/src/compiler/frontend/hw.ts, routines in runtime/hw.asm). This file compiles only
 * into a Toro image (the package's `"toro": { "hardware": true }` lets it import `@toro/hw`); on Node
 * the simulated machine of test/sim implements `Hw` instead.
 *
 * Interrupts: the kernel does not deliver device interrupts to compiled code yet, so this Hw has no
 * vectors (irqAlloc / irqRoute answer -1) and the drivers poll: virtio-pci reads its ISR status, the
 * virtio-mmio transport its interrupt status register. The network owner's loop (../boot/net0.ts)
 * polls continuously while there is work and sleeps a millisecond at a time when idle.
 */
import {
  barrier,
  bytesAddress,
  copyIn,
  in8,
  in16,
  in32,
  out8,
  out16,
  out32,
  pageAlloc,
  read8,
  read16,
  read32,
  read64,
  write8,
  write16,
  write32,
  write64,
} from '@toro/hw';
import type { Hw, MsiMessage } from '../hw.js';

const PAGE = 4096;

export class MachineHw implements Hw {
  in8(port: number): number {
    return in8(port);
  }
  in16(port: number): number {
    return in16(port);
  }
  in32(port: number): number {
    return in32(port);
  }
  out8(port: number, value: number): void {
    out8(port, value);
  }
  out16(port: number, value: number): void {
    out16(port, value);
  }
  out32(port: number, value: number): void {
    out32(port, value);
  }
  read8(addr: number): number {
    return read8(addr);
  }
  read16(addr: number): number {
    return read16(addr);
  }
  read32(addr: number): number {
    return read32(addr);
  }
  read64(addr: number): number {
    return read64(addr);
  }
  write8(addr: number, value: number): void {
    write8(addr, value);
  }
  write16(addr: number, value: number): void {
    write16(addr, value);
  }
  write32(addr: number, value: number): void {
    write32(addr, value);
  }
  write64(addr: number, value: number): void {
    write64(addr, value);
  }

  /** Whole pages from the kernel (aligned to their power-of-two size, so to any align ≤ 4096). */
  dmaAlloc(bytes: number, align: number): number {
    if (bytes <= 0 || align > PAGE) return 0;
    return pageAlloc(Math.ceil(bytes / PAGE));
  }
  copyFromPhys(addr: number, dst: Uint8Array, off: number, len: number): void {
    checkRange(dst, off, len);
    if (len > 0) copyIn(bytesAddress(dst) + off, addr, len);
  }
  copyToPhys(addr: number, src: Uint8Array, off: number, len: number): void {
    checkRange(src, off, len);
    if (len > 0) copyIn(addr, bytesAddress(src) + off, len);
  }
  barrier(): void {
    barrier();
  }

  irqAlloc(_cpu: number): number {
    return -1;
  }
  irqRoute(_gsi: number, _cpu: number): number {
    return -1;
  }
  msi(_cpu: number, vector: number): MsiMessage {
    return { address: 0xfee00000, data: vector };
  }
  irqEnable(_vector: number): void {}
  irqDisable(_vector: number): void {}
  irqTake(_vector: number): boolean {
    return false;
  }
}

function checkRange(bytes: Uint8Array, off: number, len: number): void {
  if (!(off >= 0 && len >= 0 && off + len <= bytes.length))
    throw new RangeError(`copy of ${len} bytes at ${off} is outside a buffer of ${bytes.length}`);
}

/**
 * The `Hw` of a booted image: every method is one of the compiler's hardware intrinsics (`@toro/hw`,
 * packages/toolchain/src/compiler/frontend/hw.ts, routines in runtime/hw.asm). This file compiles only
 * into a Toro image (the package's `"toro": { "hardware": true }` lets it import `@toro/hw`); on Node
 * the simulated machine of test/sim implements `Hw` instead.
 *
 * Interrupts (the kernel's irq.asm): vectors belong to the calling CPU, the one the device is dedicated
 * to, so irqAlloc / irqRoute / msi answer only for that CPU. An interrupt only records its arrival
 * (irqTake); the driver's thread sleeps in wait() until an enabled vector of its CPU arrived, kick(),
 * or its deadline (../sockets/owner.ts: interrupts when idle, polling under load).
 */
import {
  barrier,
  bytesAddress,
  copyIn,
  in8,
  in16,
  in32,
  irqAlloc,
  irqDisable,
  irqEnable,
  irqKick,
  irqMsiAddress,
  irqRoute,
  irqTake,
  irqWait,
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
import { currentCpu } from '@toro/sdk';
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

  irqAlloc(cpu: number): number {
    return cpu === currentCpu() ? irqAlloc() : -1;
  }
  irqRoute(gsi: number, cpu: number): number {
    return cpu === currentCpu() && gsi >= 0 ? irqRoute(gsi) : -1;
  }
  /** The calling CPU's MSI address (`cpu` is the caller's: vectors are only handed out to it). */
  msi(_cpu: number, vector: number): MsiMessage {
    return { address: irqMsiAddress(), data: vector };
  }
  irqEnable(vector: number): void {
    irqEnable(vector);
  }
  irqDisable(vector: number): void {
    irqDisable(vector);
  }
  irqTake(vector: number): boolean {
    return irqTake(vector) === 1;
  }

  /**
   * Sleeps the calling thread (the CPU's other threads run) until an enabled vector of this CPU
   * arrived or kick() was called (true), or `ms` milliseconds passed (false).
   */
  wait(ms: number): boolean {
    return irqWait(Math.max(0, Math.ceil(ms * 1e6))) === 1;
  }

  /** Ends this CPU's wait() early, or makes the next one return at once. */
  kick(): void {
    irqKick();
  }
}

function checkRange(bytes: Uint8Array, off: number, len: number): void {
  if (!(off >= 0 && len >= 0 && off + len <= bytes.length))
    throw new RangeError(`copy of ${len} bytes at ${off} is outside a buffer of ${bytes.length}`);
}

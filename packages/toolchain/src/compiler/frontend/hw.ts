/**
 * `@toro/hw`: the hardware intrinsics, as drivers see them. Each function is one instruction or a short
 * routine of ../runtime/hw.asm (--target toro only), called directly with integer arguments; no value is
 * boxed and nothing is allocated. packages/drivers/src/machine/machine-hw.ts wraps them into the `Hw`
 * contract (packages/drivers/src/hw.ts states the semantics: volatile, in program order, each call a
 * compiler barrier — compiled code keeps no value in a register across a call anyway).
 *
 * Who may import it: a module whose nearest package.json says `"toro": { "hardware": true }` (the
 * drivers); anything else gets TORO2014 at the import, and a program built for Linux TORO2015.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const HW_MODULE = '@toro/hw';
export const HW_FILE_NAME = '/toro-lib/hw.d.ts';

/** Each declared function: the runtime routine it calls, its parameter count, whether it returns a number. */
export const HW_FUNCTIONS: Record<string, { symbol: string; params: number; returns: boolean }> = {
  in8: { symbol: '__hw_in8', params: 1, returns: true },
  in16: { symbol: '__hw_in16', params: 1, returns: true },
  in32: { symbol: '__hw_in32', params: 1, returns: true },
  out8: { symbol: '__hw_out8', params: 2, returns: false },
  out16: { symbol: '__hw_out16', params: 2, returns: false },
  out32: { symbol: '__hw_out32', params: 2, returns: false },
  read8: { symbol: '__hw_read8', params: 1, returns: true },
  read16: { symbol: '__hw_read16', params: 1, returns: true },
  read32: { symbol: '__hw_read32', params: 1, returns: true },
  read64: { symbol: '__hw_read64', params: 1, returns: true },
  write8: { symbol: '__hw_write8', params: 2, returns: false },
  write16: { symbol: '__hw_write16', params: 2, returns: false },
  write32: { symbol: '__hw_write32', params: 2, returns: false },
  write64: { symbol: '__hw_write64', params: 2, returns: false },
  barrier: { symbol: '__hw_barrier', params: 0, returns: false },
  pageAlloc: { symbol: '__hw_page_alloc', params: 1, returns: true },
  bytesAddress: { symbol: '__hw_bytes_address', params: 1, returns: true },
  copyIn: { symbol: '__hw_copy', params: 3, returns: false },
  cmdlineAddress: { symbol: '__hw_cmdline', params: 0, returns: true },
  clockNs: { symbol: '__hw_clock_ns', params: 0, returns: true },
  irqAlloc: { symbol: '__hw_irq_alloc', params: 0, returns: true },
  irqRoute: { symbol: '__hw_irq_route', params: 1, returns: true },
  irqMsiAddress: { symbol: '__hw_irq_msi_address', params: 0, returns: true },
  irqEnable: { symbol: '__hw_irq_enable', params: 1, returns: true },
  irqDisable: { symbol: '__hw_irq_disable', params: 1, returns: true },
  irqTake: { symbol: '__hw_irq_take', params: 1, returns: true },
  irqWait: { symbol: '__hw_irq_wait', params: 1, returns: true },
  irqKick: { symbol: '__hw_irq_kick', params: 0, returns: false },
};

export const HW_SOURCE = `
/** Port input (IN) of 8, 16, 32 bits. */
export declare function in8(port: number): number;
export declare function in16(port: number): number;
export declare function in32(port: number): number;
/** Port output (OUT); the value is truncated to the width. */
export declare function out8(port: number, value: number): void;
export declare function out16(port: number, value: number): void;
export declare function out32(port: number, value: number): void;
/** Physical memory loads (identity mapped below 4 GiB; MMIO and RAM alike). */
export declare function read8(addr: number): number;
export declare function read16(addr: number): number;
export declare function read32(addr: number): number;
export declare function read64(addr: number): number;
/** Physical memory stores; the value is truncated to the width. */
export declare function write8(addr: number, value: number): void;
export declare function write16(addr: number, value: number): void;
export declare function write32(addr: number, value: number): void;
export declare function write64(addr: number, value: number): void;
/** MFENCE. */
export declare function barrier(): void;
/** A zeroed block of pages (rounded up to a power of two, aligned to its size) from this CPU's memory; 0 if none. */
export declare function pageAlloc(pages: number): number;
/** The address of element 0 of a Uint8Array's bytes (valid until the next allocation: the heap moves). */
export declare function bytesAddress(bytes: Uint8Array): number;
/** Copies len bytes from address src to address dst (no allocation between, so a bytesAddress stays valid). */
export declare function copyIn(dst: number, src: number, len: number): void;
/** The kernel command line (NUL-terminated), or 0. */
export declare function cmdlineAddress(): number;
/** The kernel's monotonic clock, nanoseconds since boot. */
export declare function clockNs(): number;
/** A free interrupt vector of this CPU, for an MSI / MSI-X message; -1 when none is left. */
export declare function irqAlloc(): number;
/** Routes I/O APIC input gsi (edge, active high) to a new vector of this CPU; the vector, or -1. */
export declare function irqRoute(gsi: number): number;
/** The MSI address that targets this CPU (the message data is the vector). */
export declare function irqMsiAddress(): number;
/** Lets vector end irqWait (0), or -1 when it is not a vector of this CPU. */
export declare function irqEnable(vector: number): number;
/** Stops vector from ending irqWait (arrivals are still recorded); 0, or -1. */
export declare function irqDisable(vector: number): number;
/** 1 if vector arrived since the last irqTake (clearing that), 0 if not, -1 if not a vector of this CPU. */
export declare function irqTake(vector: number): number;
/** Sleeps (other threads run) until an enabled vector of this CPU is pending or irqKick: 1; time up: 0. */
export declare function irqWait(ns: number): number;
/** Ends this CPU's irqWait early (or makes the next one return at once). */
export declare function irqKick(): void;
`;

const hardwarePackages = new Map<string, boolean>();

/** Whether `file` belongs to a package whose package.json has `"toro": { "hardware": true }`. */
export function mayUseHardware(file: string): boolean {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      let known = hardwarePackages.get(pkg);
      if (known === undefined) {
        try {
          const json = JSON.parse(readFileSync(pkg, 'utf8')) as { toro?: { hardware?: unknown } };
          known = json.toro?.hardware === true;
        } catch {
          known = false;
        }
        hardwarePackages.set(pkg, known);
      }
      return known;
    }
    if (path.dirname(dir) === dir) return false;
  }
}

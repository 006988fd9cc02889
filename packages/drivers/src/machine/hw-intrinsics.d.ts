/**
 * For TypeScript's checker only (tsc, editors): the declarations of `@toro/hw`, the compiler's hardware
 * intrinsics. Toro's compiler uses its own copy (packages/toolchain/src/compiler/frontend/hw.ts) and
 * documents each there; the two must declare the same functions.
 */
declare module '@toro/hw' {
  export function in8(port: number): number;
  export function in16(port: number): number;
  export function in32(port: number): number;
  export function out8(port: number, value: number): void;
  export function out16(port: number, value: number): void;
  export function out32(port: number, value: number): void;
  export function read8(addr: number): number;
  export function read16(addr: number): number;
  export function read32(addr: number): number;
  export function read64(addr: number): number;
  export function write8(addr: number, value: number): void;
  export function write16(addr: number, value: number): void;
  export function write32(addr: number, value: number): void;
  export function write64(addr: number, value: number): void;
  export function barrier(): void;
  export function pageAlloc(pages: number): number;
  export function bytesAddress(bytes: Uint8Array): number;
  export function copyIn(dst: number, src: number, len: number): void;
  export function cmdlineAddress(): number;
  export function clockNs(): number;
  export function irqAlloc(): number;
  export function irqRoute(gsi: number): number;
  export function irqMsiAddress(): number;
  export function irqEnable(vector: number): number;
  export function irqDisable(vector: number): number;
  export function irqTake(vector: number): number;
  export function irqWait(ns: number): number;
  export function irqKick(): void;
}

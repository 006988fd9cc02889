/**
 * The hardware-access contract: the ONLY way a driver touches the machine. In a booted image every
 * method is a compiler intrinsic (one instruction or a short kernel call, no allocation); on Node.js the
 * simulated machine of test/sim implements it. Drivers never assume anything beyond what is written here.
 *
 * Numbers: port numbers and register values are unsigned integers that fit their width (8/16/32 bits);
 * physical addresses are integers below 2^53 (the kernel identity-maps RAM and MMIO below 4 GiB, so in
 * practice below 2^32, and 64-bit BARs above 4 GiB are refused by the drivers until the kernel maps them).
 * 64-bit accesses take and return numbers below 2^53: a 64-bit register whose value may exceed that is
 * read as two 32-bit halves with read32, which every device the drivers use allows.
 *
 * Ordering (x86-64, TSO): each access below is a volatile access performed in program order, and each
 * call is a compiler barrier (the compiler keeps no memory value in a register across it). With TSO that
 * already orders store→store (descriptors before the ring index) and load→load (ring index before the
 * entries it covers). The one reordering x86 does, a later load passing an earlier store, is what
 * `barrier()` prevents: a full fence (MFENCE). Drivers call it where a store must be visible before a
 * load (publishing the avail index, then reading whether the device wants a notification; re-enabling
 * interrupts, then re-checking the used index).
 */

/** An MSI / MSI-X message: the 32-bit address and data a device writes to raise an interrupt. */
export interface MsiMessage {
  readonly address: number;
  readonly data: number;
}

/** Hardware access for one CPU's drivers (the CPU a device is dedicated to). */
export interface Hw {
  /** Port I/O input of 8, 16, 32 bits (IN). */
  in8(port: number): number;
  in16(port: number): number;
  in32(port: number): number;
  /** Port I/O output of 8, 16, 32 bits (OUT); the value is truncated to the width. */
  out8(port: number, value: number): void;
  out16(port: number, value: number): void;
  out32(port: number, value: number): void;

  /** Physical memory reads (MMIO and RAM alike; little-endian; naturally aligned). */
  read8(addr: number): number;
  read16(addr: number): number;
  read32(addr: number): number;
  /** A 64-bit read; the value must be below 2^53 (else the result is rounded: use two read32). */
  read64(addr: number): number;
  /** Physical memory writes; the value is truncated to the width. */
  write8(addr: number, value: number): void;
  write16(addr: number, value: number): void;
  write32(addr: number, value: number): void;
  /** A 64-bit write of an integer below 2^53 (one MOV; the upper bits above 53 are written as 0). */
  write64(addr: number, value: number): void;

  /**
   * Zeroed memory for DMA: its physical address, aligned to `align` (a power of two, at most 4096),
   * `bytes` long, never moved or freed while the driver lives, from the calling CPU's NUMA-local memory.
   * Returns 0 when there is no memory.
   */
  dmaAlloc(bytes: number, align: number): number;
  /** Copies `len` bytes of physical memory at `addr` into `dst[off…off+len)`. */
  copyFromPhys(addr: number, dst: Uint8Array, off: number, len: number): void;
  /** Copies `src[off…off+len)` to physical memory at `addr`. */
  copyToPhys(addr: number, src: Uint8Array, off: number, len: number): void;

  /** A full memory fence (MFENCE): every earlier load and store is globally visible before any later one. */
  barrier(): void;

  /** A free interrupt vector on `cpu` for an MSI / MSI-X message; -1 when none is left. */
  irqAlloc(cpu: number): number;
  /**
   * Routes I/O APIC input `gsi` (a virtio-mmio device's line, edge-triggered, active high) to a vector
   * on `cpu` and returns the vector; -1 when the line does not exist or no vector is left.
   */
  irqRoute(gsi: number, cpu: number): number;
  /** The MSI message that raises `vector` on `cpu` (address 0xFEE00000 | apic id << 12, data = vector). */
  msi(cpu: number, vector: number): MsiMessage;
  /** Lets `vector` wake its CPU (an interrupt that came while disabled stays pending). */
  irqEnable(vector: number): void;
  /** Stops `vector` from waking its CPU; arrivals are still recorded for irqTake. */
  irqDisable(vector: number): void;
  /**
   * Whether `vector` fired since the last irqTake, clearing the record. The kernel's interrupt entry only
   * records the arrival (and sends the EOI): the driver's work happens in its poll, on its own CPU.
   */
  irqTake(vector: number): boolean;
}

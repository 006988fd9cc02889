/**
 * @toro/kernel: where the kernel's assembly sources are, for the toolchain to assemble.
 *
 * The kernel is NASM-syntax assembly in ../asm/. `kernel.asm` is the one file to assemble (it sets
 * `org` and the sections and %includes the rest, resolved relative to the asm folder); `sources` lists
 * every file so builds can tell when the kernel changed. The banner it prints is documented in
 * ../README.md.
 */
import { fileURLToPath } from 'node:url';

/** Absolute path of the folder holding the kernel's .asm files (with a trailing separator). */
export const asmDir: string = fileURLToPath(new URL('../asm/', import.meta.url));

/** The top-level file to hand to the assembler; the others are reached through %include. */
export const entryFile = 'kernel.asm';

/** Every source file of the kernel, relative to asmDir, entry file first. */
export const sources: readonly string[] = [
  'kernel.asm',
  'defs.asm',
  'pvh.asm',
  'longmode.asm',
  'main.asm',
  'serial.asm',
  'print.asm',
  'memmap.asm',
  'acpi.asm',
  'fwcfg.asm',
  'exit.asm',
  'cmdline.asm',
  'percpu.asm',
  'cpu.asm',
  'gdt.asm',
  'idt.asm',
  'fault.asm',
  'apic.asm',
  'time.asm',
  'topology.asm',
  'paging.asm',
  'smp.asm',
  'trampoline.asm',
  'faulttest.asm',
  'mech_defs.asm',
  'mem_page.asm',
  'mem_object.asm',
  'matrix.asm',
  'sched.asm',
  'stack_window.asm',
  'irq.asm',
  'cpu_main.asm',
  'isolate.asm',
  'abi.asm',
  'selftest.asm',
  'image_end.asm',
  'st_sched.asm',
  'st_alloc.asm',
  'st_coalesce.asm',
  'st_matrix.asm',
  'st_threads.asm',
  'st_mem.asm',
  'st_bench.asm',
  'st_abi.asm',
];

/** Linked after a compiled service's objects (assembled on its own): marks the end of the image. */
export const imageEndFile = 'image_end.asm';

/** Symbol of the 32-bit PVH entry point, for the image writer's Xen note. */
export const pvhEntrySymbol = 'pvh_entry';

/** What the toolchain's buildBootImage needs to know about the kernel (its `kernel` option). */
export const kernelBuildInput = { asmDir, entryFile, pvhEntrySymbol, imageEndFile } as const;

/** Kernel version, as printed in the banner's first line. */
export const kernelVersion = '0.1.0';

export {
  type Banner,
  type CpuInfo,
  type MemmapEntry,
  type MemoryType,
  type NodeRange,
  parseBanner,
  type TscSource,
} from './banner.js';

/** Absolute path of the folder holding the BIOS boot path's .asm files (with a trailing separator). */
export const bootDir: string = fileURLToPath(new URL('../boot/', import.meta.url));

/** The BIOS boot path's sources: the MBR and the loader it starts (both include boot_defs.asm). */
export const bootSources: readonly string[] = [
  'mbr.asm',
  'bios_loader.asm',
  'boot_defs.asm',
  'boot_console.asm',
];

/** What the toolchain's disk writer needs to assemble the BIOS boot code (its `boot` option). */
export const biosBootInput = {
  includePaths: [bootDir, asmDir],
  mbrFile: `${bootDir}mbr.asm`,
  loaderFile: `${bootDir}bios_loader.asm`,
} as const;

/**
 * Builds the kernel's bootable ELF for tests: `nasm -f bin` (the reference assembler, until Toro's own
 * assembler and linker take over) → LinkedImage → the toolchain's ELF writer.
 */
import { join } from 'node:path';
import { writeElf } from '../../../toolchain/src/image/elf.js';
import type { LinkedImage } from '../../../toolchain/src/link/image.js';
import { linkedImageFromNasm, nasmBin } from '../../../toolchain/test/image/nasm-image.js';
import { asmDir, entryFile, pvhEntrySymbol } from '../../src/index.js';

export interface BuiltKernel {
  image: LinkedImage;
  elf: Uint8Array;
  pvhEntry: bigint;
}

/** Assembles the kernel, with optional -D overrides (tests use them to reach error paths). */
export async function buildKernel(defines: Record<string, string> = {}): Promise<BuiltKernel> {
  const image = linkedImageFromNasm(await nasmBin(join(asmDir, entryFile), { includeDir: asmDir, defines }));
  const entry = image.symbols.find((s) => s.name === pvhEntrySymbol);
  if (!entry) throw new Error(`the kernel has no ${pvhEntrySymbol} symbol`);
  const elf = writeElf(image, { entry: entry.address, pvhEntry: entry.address });
  return { image, elf, pvhEntry: entry.address };
}

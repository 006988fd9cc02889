/**
 * Builds the kernel's bootable ELF for tests, two ways:
 * - buildKernel(): `nasm -f bin` (the reference assembler) → LinkedImage from its map → writeElf;
 * - buildKernelWithToro(): Toro's own assembler → Toro's linker → writeElf, the path `toro build` takes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assemble, formatDiagnostic } from '../../../toolchain/src/asm/index.js';
import { writeElf } from '../../../toolchain/src/image/elf.js';
import type { LinkedImage } from '../../../toolchain/src/link/image.js';
import { link } from '../../../toolchain/src/link/index.js';
import { linkedImageFromNasm, nasmBin } from '../../../toolchain/test/image/nasm-image.js';
import { asmDir, entryFile, pvhEntrySymbol } from '../../src/index.js';

export interface BuiltKernel {
  image: LinkedImage;
  elf: Uint8Array;
  pvhEntry: bigint;
}

/** Assembles the kernel with nasm, with optional -D overrides (tests use them to reach error paths). */
export async function buildKernel(defines: Record<string, string> = {}): Promise<BuiltKernel> {
  const image = linkedImageFromNasm(await nasmBin(join(asmDir, entryFile), { includeDir: asmDir, defines }));
  return withElf(image);
}

/** Assembles and links the kernel with Toro's toolchain; any diagnostic (even a warning) fails. */
export async function buildKernelWithToro(): Promise<BuiltKernel> {
  const file = join(asmDir, entryFile);
  const { object, diagnostics } = assemble(await readFile(file, 'utf8'), { file, includePaths: [asmDir] });
  if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  return withElf(link([object]));
}

function withElf(image: LinkedImage): BuiltKernel {
  const entry = image.symbols.find((s) => s.name === pvhEntrySymbol);
  if (!entry) throw new Error(`the kernel has no ${pvhEntrySymbol} symbol`);
  const elf = writeElf(image, { entry: entry.address, pvhEntry: entry.address });
  return { image, elf, pvhEntry: entry.address };
}

/**
 * The linker's output: every section placed at an address, every symbol resolved.
 *
 * Image writers consume this: ../image/bin.ts lays it out flat (like `nasm -f bin`), ../image/elf.ts
 * writes an ELF64 with one PT_LOAD per section, a PVH entry note and a symbol table.
 */

export interface PlacedSection {
  name: string;
  /** Address the code was assembled for (NASM's vstart; equals loadAddress unless vstart/vfollows). */
  address: bigint;
  /** Where the bytes sit in the loaded image (NASM's start; physical address in the ELF). */
  loadAddress: bigint;
  /** Final bytes, relocations applied; empty for nobits. */
  bytes: Uint8Array;
  size: number;
  nobits: boolean;
  flags: { write: boolean; exec: boolean };
}

export interface ResolvedSymbol {
  name: string;
  address: bigint;
  section?: string;
  global: boolean;
}

export interface LinkedImage {
  /**
   * The address that corresponds to file offset 0 in a flat image (NASM's `org`; the first section's
   * start when no org was given). Set by the bin-style linker.
   */
  origin?: bigint;
  sections: PlacedSection[];
  symbols: ResolvedSymbol[];
}

/**
 * Reads the symbol table (.symtab + its .strtab) out of an ELF64 image, for turning guest addresses back
 * into names (fault reports, see ../vm/fault-report.ts). Only what symbolization needs: name, address, size,
 * and whether the symbol lies in an executable section. Section-less (absolute, undefined) symbols and
 * section/file symbols are left out: they do not name code.
 */

import {
  EHDR_SIZE,
  ELF_MAGIC,
  ELFCLASS64,
  ELFDATA2LSB,
  SHDR_SIZE,
  SHF_EXECINSTR,
  SHN_LORESERVE,
  SHN_UNDEF,
  SHT_SYMTAB,
  STT_FILE,
  STT_FUNC,
  STT_SECTION,
  SYM_SIZE,
} from './elf-format.js';

export interface ImageSymbol {
  name: string;
  address: bigint;
  size: bigint;
  /** The symbol's section is executable (SHF_EXECINSTR). */
  code: boolean;
  /** STT_FUNC: a function, as opposed to a NASM local label (`parent.local`), which is STT_NOTYPE. */
  func: boolean;
}

interface SectionHeader {
  type: number;
  flags: bigint;
  offset: number;
  size: number;
  link: number;
}

/** Every named, section-relative symbol of the ELF64 little-endian image `bytes`, by address. */
export function readElfSymbols(bytes: Uint8Array): ImageSymbol[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isElf64 =
    bytes.length >= EHDR_SIZE &&
    ELF_MAGIC.every((b, i) => bytes[i] === b) &&
    bytes[4] === ELFCLASS64 &&
    bytes[5] === ELFDATA2LSB;
  if (!isElf64) throw new Error('not a little-endian ELF64 image');
  const shoff = Number(view.getBigUint64(0x28, true));
  const shentsize = view.getUint16(0x3a, true);
  const shnum = view.getUint16(0x3c, true);
  const headers: SectionHeader[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    if (at + SHDR_SIZE > bytes.length)
      throw new Error('ELF section header table runs past the end of the file');
    headers.push({
      type: view.getUint32(at + 4, true),
      flags: view.getBigUint64(at + 8, true),
      offset: Number(view.getBigUint64(at + 24, true)),
      size: Number(view.getBigUint64(at + 32, true)),
      link: view.getUint32(at + 40, true),
    });
  }
  const symtab = headers.find((h) => h.type === SHT_SYMTAB);
  if (!symtab) return [];
  const strtab = headers[symtab.link];
  if (!strtab) throw new Error('ELF .symtab links to a missing string table');
  const decoder = new TextDecoder();
  const symbols: ImageSymbol[] = [];
  for (let at = symtab.offset + SYM_SIZE; at + SYM_SIZE <= symtab.offset + symtab.size; at += SYM_SIZE) {
    const nameOffset = view.getUint32(at, true);
    const type = bytes[at + 4]! & 0xf;
    const shndx = view.getUint16(at + 6, true);
    if (shndx === SHN_UNDEF || shndx >= SHN_LORESERVE || type === STT_SECTION || type === STT_FILE) continue;
    const start = strtab.offset + nameOffset;
    let end = start;
    while (end < bytes.length && bytes[end] !== 0) end++;
    const name = decoder.decode(bytes.subarray(start, end));
    if (name === '') continue;
    symbols.push({
      name,
      address: view.getBigUint64(at + 8, true),
      size: view.getBigUint64(at + 16, true),
      code: ((headers[shndx]?.flags ?? 0n) & BigInt(SHF_EXECINSTR)) !== 0n,
      func: type === STT_FUNC,
    });
  }
  return symbols.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

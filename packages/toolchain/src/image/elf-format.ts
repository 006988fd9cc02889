/**
 * ELF64 constants and record sizes shared by the image writer (elf.ts) and the boot-image checker
 * (elf-read.ts). Values are from the System V gABI and the x86-64 psABI; the PVH note type is from
 * Xen's public/elfnote.h.
 */

export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const; // "\x7fELF"
export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const EV_CURRENT = 1;
export const ELFOSABI_SYSV = 0;

export const ET_EXEC = 2;
export const EM_386 = 3;
export const EM_X86_64 = 62;

/** Sizes of the ELF64 records. */
export const EHDR_SIZE = 64;
export const PHDR_SIZE = 56;
export const SHDR_SIZE = 64;
export const SYM_SIZE = 24;
export const NOTE_HEADER_SIZE = 12; // namesz, descsz, type: three 32-bit words in ELF64 too

export const PT_LOAD = 1;
export const PT_NOTE = 4;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHF_WRITE = 1;
export const SHF_ALLOC = 2;
export const SHF_EXECINSTR = 4;
export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;

export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STT_NOTYPE = 0;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;

/** The PVH entry note: owner "Xen", type XEN_ELFNOTE_PHYS32_ENTRY, descriptor = 32-bit physical entry. */
export const XEN_NOTE_NAME = 'Xen';
export const XEN_ELFNOTE_PHYS32_ENTRY = 18;

/** Page size the loadable segments are aligned to (file offset congruent to address modulo this). */
export const PAGE_SIZE = 0x1000;

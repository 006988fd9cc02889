/**
 * The ELF64 image writer: turns a LinkedImage into the file QEMU boots with `-kernel`.
 *
 * File layout (all little-endian):
 *   ELF header | program headers (one PT_LOAD per non-empty section, in address order, then PT_NOTE)
 *   | the Xen PVH note | section contents, each at a file offset congruent to its address modulo
 *   the page size | .symtab | .strtab | .shstrtab | section header table.
 * PT_LOAD: p_vaddr = the section's address, p_paddr = its load address (what PVH loaders use),
 * flags R plus W/X from the section, and for nobits sections p_filesz = 0 < p_memsz.
 * The PT_NOTE holds XEN_ELFNOTE_PHYS32_ENTRY (owner "Xen", type 18) with the 32-bit physical entry
 * point as an 8-byte descriptor (the width Linux uses; QEMU reads it as a host word).
 */
import type { LinkedImage, PlacedSection } from '../link/image.js';
import {
  EHDR_SIZE,
  ELF_MAGIC,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFOSABI_SYSV,
  EM_X86_64,
  ET_EXEC,
  EV_CURRENT,
  PAGE_SIZE,
  PF_R,
  PF_W,
  PF_X,
  PHDR_SIZE,
  PT_LOAD,
  PT_NOTE,
  SHDR_SIZE,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHT_NOBITS,
  SHT_NOTE,
  SHT_PROGBITS,
  SHT_STRTAB,
  SHT_SYMTAB,
  SYM_SIZE,
  XEN_ELFNOTE_PHYS32_ENTRY,
  XEN_NOTE_NAME,
} from './elf-format.js';
import { buildSymbolTable } from './elf-symbols.js';
import { type ElfNote, encodeNote } from './notes.js';
import { StringTable } from './string-table.js';

export interface ElfOptions {
  /** e_entry. PVH loaders ignore it; other tools (gdb) show it. */
  entry: bigint;
  /**
   * Physical address of the 32-bit PVH entry point, written into the Xen note. Leave it out for an image
   * nothing boots through PVH (a Linux executable from the compiler's --target linux).
   */
  pvhEntry?: bigint;
  /** More notes for the PT_NOTE segment, after the PVH note (e.g. the Toro layout note). */
  notes?: ElfNote[];
}

export class ElfWriteError extends Error {
  override name = 'ElfWriteError';
}

/** One entry of the section header table, before it is serialised. */
interface SectionHeader {
  name: string;
  type: number;
  flags: number;
  address: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  align: number;
  entsize: number;
}

export function writeElf(image: LinkedImage, opts: ElfOptions): Uint8Array {
  const sections = [...image.sections].sort((a, b) => compare(a.loadAddress, b.loadAddress));
  checkSections(sections);
  if (opts.pvhEntry !== undefined) checkPvhEntry(sections, opts.pvhEntry);
  const loads = sections.filter((s) => s.size > 0);
  const allNotes = [...(opts.pvhEntry !== undefined ? [pvhNote(opts.pvhEntry)] : []), ...(opts.notes ?? [])];
  const noteParts = allNotes.map(encodeNote);
  const note = new Uint8Array(noteParts.reduce((n, p) => n + p.length, 0));
  let noteAt = 0;
  for (const part of noteParts) {
    note.set(part, noteAt);
    noteAt += part.length;
  }

  // Section header indices: 0 null, then the placed sections, then the non-loaded ones.
  const sectionIndex = new Map(sections.map((s, i) => [s.name, i + 1]));
  const noteIndex = sections.length + 1;
  const symtabIndex = noteIndex + 1;
  const strtabIndex = symtabIndex + 1;
  const shstrtabIndex = strtabIndex + 1;
  const symbols = buildSymbolTable(image.symbols, sections, sectionIndex);

  // Lay the file out front to back.
  // A PT_NOTE only when there are notes.
  const phnum = loads.length + (note.length > 0 ? 1 : 0);
  let end = EHDR_SIZE + PHDR_SIZE * phnum;
  const noteOffset = alignUp(end, 4);
  end = noteOffset + note.length;
  const contentOffset = new Map<PlacedSection, number>();
  for (const s of sections) {
    const offset = congruentOffset(end, s.address);
    contentOffset.set(s, offset);
    if (!s.nobits) end = offset + s.size;
  }
  const symtabOffset = alignUp(end, 8);
  end = symtabOffset + symbols.symtab.length;
  const strtabOffset = end;
  end += symbols.strtab.length;

  const headers: SectionHeader[] = [
    ...sections.map((s) => sectionHeader(s, contentOffset.get(s)!)),
    {
      name: '.note.Xen',
      type: SHT_NOTE,
      flags: 0,
      address: 0n,
      offset: noteOffset,
      size: note.length,
      link: 0,
      info: 0,
      align: 4,
      entsize: 0,
    },
    {
      name: '.symtab',
      type: SHT_SYMTAB,
      flags: 0,
      address: 0n,
      offset: symtabOffset,
      size: symbols.symtab.length,
      link: strtabIndex,
      info: symbols.firstGlobal,
      align: 8,
      entsize: SYM_SIZE,
    },
    {
      name: '.strtab',
      type: SHT_STRTAB,
      flags: 0,
      address: 0n,
      offset: strtabOffset,
      size: symbols.strtab.length,
      link: 0,
      info: 0,
      align: 1,
      entsize: 0,
    },
  ];
  const names = new StringTable();
  const nameOffsets = headers.map((h) => names.add(h.name));
  const shstrtabName = names.add('.shstrtab');
  const shstrtab = names.bytes();
  const shstrtabOffset = end;
  end += shstrtab.length;
  headers.push({
    name: '.shstrtab',
    type: SHT_STRTAB,
    flags: 0,
    address: 0n,
    offset: shstrtabOffset,
    size: shstrtab.length,
    link: 0,
    info: 0,
    align: 1,
    entsize: 0,
  });
  nameOffsets.push(shstrtabName);
  const shoff = alignUp(end, 8);
  const shnum = headers.length + 1;
  const out = new Uint8Array(shoff + SHDR_SIZE * shnum);
  const view = new DataView(out.buffer);

  // ELF header.
  out.set(ELF_MAGIC, 0);
  out[4] = ELFCLASS64;
  out[5] = ELFDATA2LSB;
  out[6] = EV_CURRENT;
  out[7] = ELFOSABI_SYSV;
  view.setUint16(16, ET_EXEC, true);
  view.setUint16(18, EM_X86_64, true);
  view.setUint32(20, EV_CURRENT, true);
  view.setBigUint64(24, opts.entry, true);
  view.setBigUint64(32, BigInt(EHDR_SIZE), true); // e_phoff: right after this header
  view.setBigUint64(40, BigInt(shoff), true);
  view.setUint32(48, 0, true); // e_flags: none defined for x86-64 (QEMU refuses some bits)
  view.setUint16(52, EHDR_SIZE, true);
  view.setUint16(54, PHDR_SIZE, true);
  view.setUint16(56, phnum, true);
  view.setUint16(58, SHDR_SIZE, true);
  view.setUint16(60, shnum, true);
  view.setUint16(62, shstrtabIndex, true);

  // Program headers.
  loads.forEach((s, i) => {
    const at = EHDR_SIZE + PHDR_SIZE * i;
    const flags = PF_R | (s.flags.write ? PF_W : 0) | (s.flags.exec ? PF_X : 0);
    writeProgramHeader(view, at, {
      type: PT_LOAD,
      flags,
      offset: contentOffset.get(s)!,
      vaddr: s.address,
      paddr: s.loadAddress,
      filesz: s.nobits ? 0 : s.size,
      memsz: s.size,
      align: PAGE_SIZE,
    });
  });
  if (note.length > 0)
    writeProgramHeader(view, EHDR_SIZE + PHDR_SIZE * loads.length, {
      type: PT_NOTE,
      flags: PF_R,
      offset: noteOffset,
      vaddr: 0n,
      paddr: 0n,
      filesz: note.length,
      memsz: note.length,
      align: 4, // QEMU pads the note's name and descriptor to p_align: 4 is what the note is laid out for
    });

  // Contents.
  out.set(note, noteOffset);
  for (const s of sections) if (!s.nobits) out.set(s.bytes, contentOffset.get(s)!);
  out.set(symbols.symtab, symtabOffset);
  out.set(symbols.strtab, strtabOffset);
  out.set(shstrtab, shstrtabOffset);

  // Section header table; entry 0 stays all zero (SHT_NULL).
  headers.forEach((h, i) => {
    const at = shoff + SHDR_SIZE * (i + 1);
    view.setUint32(at, nameOffsets[i]!, true);
    view.setUint32(at + 4, h.type, true);
    view.setBigUint64(at + 8, BigInt(h.flags), true);
    view.setBigUint64(at + 16, h.address, true);
    view.setBigUint64(at + 24, BigInt(h.offset), true);
    view.setBigUint64(at + 32, BigInt(h.size), true);
    view.setUint32(at + 40, h.link, true);
    view.setUint32(at + 44, h.info, true);
    view.setBigUint64(at + 48, BigInt(h.align), true);
    view.setBigUint64(at + 56, BigInt(h.entsize), true);
  });
  return out;
}

/** The Xen PVH note: "Xen\0" and the entry as a 64-bit little-endian word. */
function pvhNote(pvhEntry: bigint): ElfNote {
  const desc = new Uint8Array(8);
  new DataView(desc.buffer).setBigUint64(0, pvhEntry, true);
  return { name: XEN_NOTE_NAME, type: XEN_ELFNOTE_PHYS32_ENTRY, desc };
}

function sectionHeader(s: PlacedSection, offset: number): SectionHeader {
  const flags = SHF_ALLOC | (s.flags.write ? SHF_WRITE : 0) | (s.flags.exec ? SHF_EXECINSTR : 0);
  return {
    name: s.name,
    type: s.nobits ? SHT_NOBITS : SHT_PROGBITS,
    flags,
    address: s.address,
    offset,
    size: s.size,
    link: 0,
    info: 0,
    align: naturalAlignment(s.address),
    entsize: 0,
  };
}

interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  filesz: number;
  memsz: number;
  align: number;
}

function writeProgramHeader(view: DataView, at: number, ph: ProgramHeader): void {
  view.setUint32(at, ph.type, true);
  view.setUint32(at + 4, ph.flags, true);
  view.setBigUint64(at + 8, BigInt(ph.offset), true);
  view.setBigUint64(at + 16, ph.vaddr, true);
  view.setBigUint64(at + 24, ph.paddr, true);
  view.setBigUint64(at + 32, BigInt(ph.filesz), true);
  view.setBigUint64(at + 40, BigInt(ph.memsz), true);
  view.setBigUint64(at + 48, BigInt(ph.align), true);
}

/** Sections must have consistent sizes and must not overlap where they are loaded. */
function checkSections(sorted: readonly PlacedSection[]): void {
  const names = new Set<string>();
  for (const s of sorted) {
    if (names.has(s.name)) throw new ElfWriteError(`two sections are named ${s.name}`);
    names.add(s.name);
    if (!s.nobits && s.bytes.length !== s.size) {
      throw new ElfWriteError(`section ${s.name} has ${s.bytes.length} bytes but size ${s.size}`);
    }
    if (s.address < 0n || s.loadAddress < 0n)
      throw new ElfWriteError(`section ${s.name} has a negative address`);
  }
  sorted.forEach((s, i) => {
    const next = sorted[i + 1];
    if (next && next.size > 0 && s.loadAddress + BigInt(s.size) > next.loadAddress) {
      throw new ElfWriteError(`sections ${s.name} and ${next.name} overlap in the load image`);
    }
  });
}

/** The PVH note holds a 32-bit physical address, and it must land in code that is actually loaded. */
function checkPvhEntry(sections: readonly PlacedSection[], pvhEntry: bigint): void {
  if (pvhEntry < 0n || pvhEntry > 0xffff_ffffn) {
    throw new ElfWriteError(`PVH entry 0x${pvhEntry.toString(16)} is not a 32-bit physical address`);
  }
  const inCode = sections.some(
    (s) =>
      s.flags.exec && !s.nobits && pvhEntry >= s.loadAddress && pvhEntry < s.loadAddress + BigInt(s.size),
  );
  if (!inCode) {
    throw new ElfWriteError(`PVH entry 0x${pvhEntry.toString(16)} is not inside an executable section`);
  }
}

/** The smallest offset >= `from` that is congruent to `address` modulo the page size. */
function congruentOffset(from: number, address: bigint): number {
  const want = Number(address % BigInt(PAGE_SIZE));
  const delta = (want - (from % PAGE_SIZE) + PAGE_SIZE) % PAGE_SIZE;
  return from + delta;
}

/** Largest power of two (up to a page) dividing `address`: what the placement guarantees. */
function naturalAlignment(address: bigint): number {
  let align = 1;
  while (align < PAGE_SIZE && address % BigInt(align * 2) === 0n) align *= 2;
  return align;
}

function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

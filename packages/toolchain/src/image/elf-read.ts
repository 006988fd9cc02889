/**
 * Checks that a file is something Toro can boot, before QEMU is started: an ELF64 x86-64 executable
 * whose program headers include a PT_NOTE with the Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY).
 *
 * QEMU itself gives poor messages for these mistakes (or tries other boot protocols), so `toro run`
 * asks validateBootImage() first and reports the specific problem.
 */
import {
  EHDR_SIZE,
  ELF_MAGIC,
  ELFCLASS64,
  ELFDATA2LSB,
  EM_X86_64,
  PHDR_SIZE,
  PT_LOAD,
  PT_NOTE,
  XEN_ELFNOTE_PHYS32_ENTRY,
  XEN_NOTE_NAME,
} from './elf-format.js';
import { type ElfNote, readNotes } from './notes.js';

export type BootImageProblem = 'not-elf' | 'not-x86-64' | 'truncated' | 'no-pvh-note';

export type BootImageCheck =
  | { ok: true; pvhEntry: bigint; entry: bigint }
  | { ok: false; problem: BootImageProblem; message: string };

export class BootImageError extends Error {
  override name = 'BootImageError';
  constructor(
    readonly problem: BootImageProblem,
    message: string,
  ) {
    super(message);
  }
}

/** The image's PVH entry point; throws BootImageError saying what is wrong otherwise. */
export function readPvhEntry(bytes: Uint8Array): bigint {
  const check = validateBootImage(bytes);
  if (!check.ok) throw new BootImageError(check.problem, check.message);
  return check.pvhEntry;
}

export function validateBootImage(bytes: Uint8Array): BootImageCheck {
  if (bytes.length < ELF_MAGIC.length || ELF_MAGIC.some((b, i) => bytes[i] !== b)) {
    return fail('not-elf', 'not an ELF file (no \\x7fELF magic)');
  }
  if (bytes.length < EHDR_SIZE) return fail('truncated', 'ELF header is cut short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const elfClass = bytes[4];
  const machine = view.getUint16(18, bytes[5] === ELFDATA2LSB);
  if (elfClass !== ELFCLASS64 || bytes[5] !== ELFDATA2LSB || machine !== EM_X86_64) {
    const bits = elfClass === ELFCLASS64 ? '64-bit' : elfClass === 1 ? '32-bit' : 'unknown-class';
    const endian = bytes[5] === ELFDATA2LSB ? 'little-endian' : 'big-endian';
    return fail(
      'not-x86-64',
      `ELF file is ${bits} ${endian} for machine ${machine}; Toro boots 64-bit little-endian x86-64 (machine ${EM_X86_64}) images`,
    );
  }
  const entry = view.getBigUint64(24, true);
  const phoff = Number(view.getBigUint64(32, true));
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  if (phnum > 0 && phentsize < PHDR_SIZE)
    return fail('truncated', `program header size ${phentsize} is too small`);
  if (phoff + phnum * phentsize > bytes.length)
    return fail('truncated', 'program headers run past the end of the file');
  for (const segment of noteSegments(bytes)) {
    if (segment.offset + segment.size > bytes.length)
      return fail('truncated', 'a PT_NOTE segment runs past the end of the file');
    const pvhEntry = findPvhEntry(bytes, segment);
    if (pvhEntry !== undefined) return { ok: true, pvhEntry, entry };
  }
  return fail(
    'no-pvh-note',
    `no PVH entry note (PT_NOTE "${XEN_NOTE_NAME}" type ${XEN_ELFNOTE_PHYS32_ENTRY}): QEMU cannot boot it with -kernel`,
  );
}

/** Where a PT_NOTE segment's notes are in the file, and their alignment (4 or 8). */
interface NoteSegment {
  offset: number;
  size: number;
  align: number;
}

/** One ELF64 program header, the fields the readers here use. */
interface ProgramHeader {
  type: number;
  offset: number;
  paddr: bigint;
  filesz: number;
  memsz: number;
  align: number;
}

/** The program headers of an ELF64 file, those whose header lies inside `bytes`, in order. */
function programHeaders(bytes: Uint8Array): ProgramHeader[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const phoff = Number(view.getBigUint64(32, true));
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  const headers: ProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + PHDR_SIZE > bytes.length) continue;
    headers.push({
      type: view.getUint32(at, true),
      offset: Number(view.getBigUint64(at + 8, true)),
      paddr: view.getBigUint64(at + 24, true),
      filesz: Number(view.getBigUint64(at + 32, true)),
      memsz: Number(view.getBigUint64(at + 40, true)),
      align: Number(view.getBigUint64(at + 48, true)),
    });
  }
  return headers;
}

/** The PT_NOTE program headers of an ELF64 file, those whose header lies inside `bytes`. */
function noteSegments(bytes: Uint8Array): NoteSegment[] {
  return programHeaders(bytes)
    .filter((h) => h.type === PT_NOTE)
    .map((h) => ({ offset: h.offset, size: h.filesz, align: h.align === 8 ? 8 : 4 }));
}

/** The PVH entry among one PT_NOTE segment's notes (a 32- or 64-bit descriptor), if there is one. */
function findPvhEntry(bytes: Uint8Array, segment: NoteSegment): bigint | undefined {
  for (const note of readNotes(bytes, segment.offset, segment.size, segment.align)) {
    if (note.type !== XEN_ELFNOTE_PHYS32_ENTRY || note.name !== XEN_NOTE_NAME) continue;
    const view = new DataView(note.desc.buffer, note.desc.byteOffset, note.desc.byteLength);
    if (note.desc.length === 4) return BigInt(view.getUint32(0, true));
    if (note.desc.length === 8) return view.getBigUint64(0, true);
  }
  return undefined;
}

/** Every note in every PT_NOTE segment of an ELF64 file (empty when it is not one). */
export function readImageNotes(bytes: Uint8Array): ElfNote[] {
  if (bytes.length < EHDR_SIZE || ELF_MAGIC.some((b, i) => bytes[i] !== b) || bytes[4] !== ELFCLASS64)
    return [];
  return noteSegments(bytes).flatMap((segment) =>
    readNotes(bytes, segment.offset, segment.size, segment.align),
  );
}

function fail(problem: BootImageProblem, message: string): BootImageCheck {
  return { ok: false, problem, message };
}

/** A PT_LOAD segment as a loader places it: physical address, bytes from the file, bytes in memory. */
export interface LoadSegment {
  offset: number;
  paddr: bigint;
  filesz: number;
  memsz: number;
}

/** The PT_LOAD segments of a boot image, in program-header order; throws BootImageError when it is not one. */
export function readLoadSegments(bytes: Uint8Array): LoadSegment[] {
  readPvhEntry(bytes);
  return programHeaders(bytes)
    .filter((h) => h.type === PT_LOAD)
    .map(({ offset, paddr, filesz, memsz }) => {
      if (filesz > 0 && offset + filesz > bytes.length)
        throw new BootImageError('truncated', 'a PT_LOAD segment runs past the end of the file');
      return { offset, paddr, filesz, memsz };
    });
}

/** How many bytes of `bytes` the ELF occupies (its headers, contents and section table): what follows is padding. */
export function elfFileLength(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const phoff = Number(view.getBigUint64(32, true));
  const shoff = Number(view.getBigUint64(40, true));
  const phnum = view.getUint16(56, true);
  const shentsize = view.getUint16(58, true);
  const shnum = view.getUint16(60, true);
  let end = Math.max(EHDR_SIZE, phoff + phnum * PHDR_SIZE, shoff + shnum * shentsize);
  for (const s of readLoadSegments(bytes)) if (s.filesz > 0) end = Math.max(end, s.offset + s.filesz);
  return Math.min(end, bytes.length);
}

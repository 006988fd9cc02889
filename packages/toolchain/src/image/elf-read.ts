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
  NOTE_HEADER_SIZE,
  PHDR_SIZE,
  PT_NOTE,
  XEN_ELFNOTE_PHYS32_ENTRY,
  XEN_NOTE_NAME,
} from './elf-format.js';

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
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (view.getUint32(at, true) !== PT_NOTE) continue;
    const offset = Number(view.getBigUint64(at + 8, true));
    const size = Number(view.getBigUint64(at + 32, true));
    const align = Number(view.getBigUint64(at + 48, true));
    if (offset + size > bytes.length)
      return fail('truncated', 'a PT_NOTE segment runs past the end of the file');
    const pvhEntry = findPvhEntry(view, offset, size, align === 8 ? 8 : 4);
    if (pvhEntry !== undefined) return { ok: true, pvhEntry, entry };
  }
  return fail(
    'no-pvh-note',
    `no PVH entry note (PT_NOTE "${XEN_NOTE_NAME}" type ${XEN_ELFNOTE_PHYS32_ENTRY}): QEMU cannot boot it with -kernel`,
  );
}

/** Walks the notes of one PT_NOTE segment; name and descriptor are padded to `align`. */
function findPvhEntry(view: DataView, start: number, size: number, align: number): bigint | undefined {
  const end = start + size;
  let at = start;
  while (at + NOTE_HEADER_SIZE <= end) {
    const namesz = view.getUint32(at, true);
    const descsz = view.getUint32(at + 4, true);
    const type = view.getUint32(at + 8, true);
    const nameAt = at + NOTE_HEADER_SIZE;
    const descAt = nameAt + alignUp(namesz, align);
    const next = descAt + alignUp(descsz, align);
    if (next > end) return undefined;
    if (type === XEN_ELFNOTE_PHYS32_ENTRY && noteName(view, nameAt, namesz) === XEN_NOTE_NAME) {
      if (descsz === 4) return BigInt(view.getUint32(descAt, true));
      if (descsz === 8) return view.getBigUint64(descAt, true);
    }
    at = next;
  }
  return undefined;
}

function noteName(view: DataView, at: number, size: number): string {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + at, size);
  const text = new TextDecoder().decode(bytes);
  return text.endsWith('\0') ? text.slice(0, -1) : text;
}

function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function fail(problem: BootImageProblem, message: string): BootImageCheck {
  return { ok: false, problem, message };
}

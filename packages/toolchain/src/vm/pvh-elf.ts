/**
 * A minimal ELF64 writer for the runner's own tiny guests (the KVM probe and test guests).
 *
 * It wraps one flat blob of 32-bit code, loaded at a physical address, into an x86-64 ELF that QEMU boots
 * through the PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY). The real kernel image is written by ../image/elf.ts;
 * this one stays local to vm/ so the runner can probe KVM without depending on the linker.
 *
 * Layout: ELF header (64) | 2 program headers (2 x 56) | note (24) | code.
 * PT_LOAD maps the code only; the note has its own PT_NOTE with p_align 4, because QEMU 7.2 aligns the note
 * name up to p_align when it looks for the descriptor.
 */

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const PHNUM = 2;
const NOTE_OFFSET = EHDR_SIZE + PHDR_SIZE * PHNUM;
/** namesz, descsz, type (12) + "Xen\0" (4) + 8-byte physical entry. */
const NOTE_SIZE = 12 + 4 + 8;
const XEN_ELFNOTE_PHYS32_ENTRY = 18;
const PT_LOAD = 1;
const PT_NOTE = 4;
const EM_X86_64 = 62;

export interface FlatGuest {
  /** The guest's code, assembled for `loadAddress` (e.g. NASM `org 0x100000`, `bits 32`). */
  code: Uint8Array;
  /** Physical load address of `code`; QEMU's PVH loader wants it at or above 1 MiB. */
  loadAddress: number;
  /** Physical address of the 32-bit PVH entry point; defaults to `loadAddress`. */
  entry?: number;
}

export function writePvhElf(guest: FlatGuest): Uint8Array {
  const entry = guest.entry ?? guest.loadAddress;
  // Page-align the code's file offset so p_offset and p_vaddr agree modulo the page size.
  const codeOffset = Math.ceil((NOTE_OFFSET + NOTE_SIZE) / 0x1000) * 0x1000;
  const out = new Uint8Array(codeOffset + guest.code.length);
  const view = new DataView(out.buffer);
  const u16 = (at: number, v: number) => view.setUint16(at, v, true);
  const u32 = (at: number, v: number) => view.setUint32(at, v, true);
  const u64 = (at: number, v: number | bigint) => view.setBigUint64(at, BigInt(v), true);

  // e_ident: magic, ELFCLASS64, little-endian, version 1, System V ABI.
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  u16(16, 2); // ET_EXEC
  u16(18, EM_X86_64);
  u32(20, 1);
  u64(24, entry);
  u64(32, EHDR_SIZE); // e_phoff
  u64(40, 0); // no section headers
  u32(48, 0);
  u16(52, EHDR_SIZE);
  u16(54, PHDR_SIZE);
  u16(56, PHNUM);
  u16(58, 64); // e_shentsize (unused, but the conventional value)
  u16(60, 0);
  u16(62, 0);

  const load = EHDR_SIZE;
  u32(load, PT_LOAD);
  u32(load + 4, 0x7); // R|W|X: the tiny guests keep data next to code
  u64(load + 8, codeOffset);
  u64(load + 16, guest.loadAddress);
  u64(load + 24, guest.loadAddress);
  u64(load + 32, guest.code.length);
  u64(load + 40, guest.code.length);
  u64(load + 48, 0x1000);

  const note = EHDR_SIZE + PHDR_SIZE;
  u32(note, PT_NOTE);
  u32(note + 4, 0x4);
  u64(note + 8, NOTE_OFFSET);
  u64(note + 16, 0);
  u64(note + 24, 0);
  u64(note + 32, NOTE_SIZE);
  u64(note + 40, NOTE_SIZE);
  u64(note + 48, 4);

  u32(NOTE_OFFSET, 4); // namesz: "Xen\0"
  u32(NOTE_OFFSET + 4, 8); // descsz
  u32(NOTE_OFFSET + 8, XEN_ELFNOTE_PHYS32_ENTRY);
  out.set([0x58, 0x65, 0x6e, 0], NOTE_OFFSET + 12);
  u64(NOTE_OFFSET + 16, entry);

  out.set(guest.code, codeOffset);
  return out;
}

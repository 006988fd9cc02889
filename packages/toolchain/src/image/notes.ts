/**
 * ELF notes: encoding and walking the entries of a PT_NOTE segment. Each note is a header (namesz,
 * descsz, type: three 32-bit words, in ELF64 too), the name with its NUL, and the descriptor, each padded
 * to the segment's alignment (4 for the notes Toro writes, which is what QEMU's PVH loader expects).
 */
import { NOTE_HEADER_SIZE } from './elf-format.js';

export interface ElfNote {
  name: string;
  type: number;
  desc: Uint8Array;
}

function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** One note's bytes, name and descriptor padded to 4. */
export function encodeNote(note: ElfNote): Uint8Array {
  const name = new TextEncoder().encode(`${note.name}\0`);
  const descAt = NOTE_HEADER_SIZE + alignUp(name.length, 4);
  const out = new Uint8Array(descAt + alignUp(note.desc.length, 4));
  const view = new DataView(out.buffer);
  view.setUint32(0, name.length, true);
  view.setUint32(4, note.desc.length, true);
  view.setUint32(8, note.type, true);
  out.set(name, NOTE_HEADER_SIZE);
  out.set(note.desc, descAt);
  return out;
}

/** The notes in `size` bytes at `start`; stops at the first entry that would run past the end. */
export function readNotes(bytes: Uint8Array, start: number, size: number, align: number): ElfNote[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = Math.min(start + size, bytes.length);
  const notes: ElfNote[] = [];
  let at = start;
  while (at + NOTE_HEADER_SIZE <= end) {
    const namesz = view.getUint32(at, true);
    const descsz = view.getUint32(at + 4, true);
    const type = view.getUint32(at + 8, true);
    const nameAt = at + NOTE_HEADER_SIZE;
    const descAt = nameAt + alignUp(namesz, align);
    const next = descAt + alignUp(descsz, align);
    if (next > end) break;
    const rawName = new TextDecoder().decode(bytes.subarray(nameAt, nameAt + namesz));
    const name = rawName.endsWith('\0') ? rawName.slice(0, -1) : rawName;
    notes.push({ name, type, desc: bytes.slice(descAt, descAt + descsz) });
    at = next;
  }
  return notes;
}

/**
 * The machine layout `toro build` records in the image (CPUs, memory), so that `toro run IMAGE` boots it
 * the way it was built without a toro.json nearby. Stored as an ELF note named "Toro", type 1, whose
 * descriptor is a small JSON object.
 */
import { readImageNotes } from './elf-read.js';
import type { ElfNote } from './notes.js';

export const TORO_NOTE_NAME = 'Toro';
export const TORO_NOTE_LAYOUT = 1;

export interface MachineLayout {
  cpus: number;
  /** Memory as the user wrote it, e.g. "512M". */
  memory: string;
}

export function layoutNote(layout: MachineLayout): ElfNote {
  const json = JSON.stringify({ cpus: layout.cpus, memory: layout.memory });
  return { name: TORO_NOTE_NAME, type: TORO_NOTE_LAYOUT, desc: new TextEncoder().encode(json) };
}

/** The layout recorded in an image, or undefined when it has none (or one this version cannot read). */
export function readLayout(image: Uint8Array): MachineLayout | undefined {
  const note = readImageNotes(image).find((n) => n.name === TORO_NOTE_NAME && n.type === TORO_NOTE_LAYOUT);
  if (!note) return undefined;
  try {
    const raw = JSON.parse(new TextDecoder().decode(note.desc)) as Partial<MachineLayout>;
    if (typeof raw.cpus !== 'number' || typeof raw.memory !== 'string') return undefined;
    return { cpus: raw.cpus, memory: raw.memory };
  } catch {
    return undefined;
  }
}

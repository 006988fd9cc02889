/**
 * The object file: the hand-off from the assembler (or, later, the compiler's back end) to the linker.
 *
 * An object holds named sections of bytes, the symbols defined in them, and relocations that the linker
 * resolves once every section has an address. Nothing in it is absolute except what the source made so
 * (`org`, `start=`, `vstart=`, `equ` constants).
 */
import type { SourcePos, Value } from './value.js';

export interface Section {
  name: string;
  /** Contents; for a nobits section (like .bss) this is empty and `size` says how much to reserve. */
  bytes: Uint8Array;
  size: number;
  /** Alignment of the section start in bytes (a power of two). */
  align: number;
  /**
   * True when the source fixed the alignment (`align=`, or an `align`/`sectalign` directive inside the
   * section). NASM's bin layout aligns the first section to the origin only in that case.
   */
  alignDefined?: boolean;
  nobits: boolean;
  /** Permissions wanted in the image (ELF segment flags). */
  flags: { write: boolean; exec: boolean };
  /** NASM bin-format placement attributes, when the source gave them. */
  start?: bigint;
  vstart?: bigint;
  follows?: string;
  vfollows?: string;
}

export interface SymbolDef {
  name: string;
  /** Section the symbol lives in; absent for an absolute symbol (`equ`, or labels in `absolute`/struc). */
  section?: string;
  /** Offset within the section, or the value for an absolute symbol. */
  value: bigint;
  global: boolean;
  /** Where it was defined, for diagnostics and the image's symbol table. */
  pos?: SourcePos;
}

export interface Relocation {
  /** Section holding the field. */
  section: string;
  /** Offset of the field within that section. */
  offset: number;
  size: 1 | 2 | 4 | 8;
  /** The value to store: address of `value.base` (a symbol or section name) + addend. */
  value: Value;
  /** For PC-relative fields: subtract the address of (section start + `pcrelFrom`). */
  pcrelFrom?: number;
  range: 'signed' | 'unsigned' | 'any';
  pos?: SourcePos;
}

export interface ObjectFile {
  /** Source file name, for messages. */
  file: string;
  /** `org` of the source, if it set one (bin format: the address of the first section). */
  org?: bigint;
  sections: Section[];
  symbols: SymbolDef[];
  /** Names this object uses but does not define (`extern`). */
  externs: string[];
  relocations: Relocation[];
}

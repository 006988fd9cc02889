/**
 * @toro/toolchain: everything between source and a running VM, one folder per stage.
 * See docs/architecture.md for how the stages hand off to each other.
 */
export * from './asm/index.js';
export * from './build/index.js';
export {
  buildLinuxExecutable,
  type CompileDiagnostic,
  CompileFailed,
  compileProgram,
  compileService,
  type EmbeddedFile,
  formatDiagnostic as formatCompileDiagnostic,
} from './compiler/index.js';
export * from './disk/index.js';
export { writeBin } from './image/bin.js';
export { type ElfOptions, writeElf } from './image/elf.js';
export {
  BootImageError,
  type BootImageProblem,
  readImageNotes,
  validateBootImage,
} from './image/elf-read.js';
export { type ImageSymbol, readElfSymbols } from './image/elf-symtab.js';
export { layoutNote, type MachineLayout, readLayout } from './image/layout-note.js';
export type { ElfNote } from './image/notes.js';
export * from './link/index.js';
export type { ObjectFile, Relocation, Section, SymbolDef } from './obj/object.js';
export type { Fixup, SourcePos, Value } from './obj/value.js';
export * from './vm/index.js';
export * as x86 from './x86/index.js';

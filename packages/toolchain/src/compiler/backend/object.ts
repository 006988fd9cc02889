/**
 * Back end entry: IR module → ObjectFile (.text with every function, .data with the static string
 * objects and the global slots, and for the program .rodata with its stack-trace table) plus the
 * machine-code → source position map.
 */
import { ByteBuffer } from '../../obj/bytes.js';
import type { ObjectFile, Relocation, SymbolDef } from '../../obj/object.js';
import type { IrModule } from '../ir/types.js';
import { RT } from '../runtime/symbols.js';
import { stringObject, VALUE } from './abi.js';
import { CodeBuffer, type PositionEntry } from './code-buffer.js';
import { type EmbeddedFile, emitEmbeddedFiles } from './embedded-files.js';
import { FunctionEmitter } from './emit.js';
import { emitStackCapture, stackTable } from './stack-table.js';

export interface BackendResult {
  object: ObjectFile;
  /** Offsets are relative to the start of this object's .text. */
  positions: PositionEntry[];
}

/**
 * `withGlobals`: this object defines the global slots and the embedded files' table (the program's;
 * the runtime's has neither).
 */
export function emitModule(
  m: IrModule,
  file: string,
  withGlobals = true,
  files: readonly EmbeddedFile[] = [],
): BackendResult {
  const code = new CodeBuffer();
  // The program's `main` only runs the modules' top-level code (../frontend/lower/module.ts): it
  // goes after the end of the code that stack traces show, as Node shows no frame for that.
  const runner = withGlobals ? m.functions.find((f) => f.name === RT.main) : undefined;
  const shown = m.functions.filter((f) => f !== runner);
  for (const fn of shown) new FunctionEmitter(code, fn).emit();
  // The program's stack-trace table and its capture routine (./stack-table.ts).
  const textEnd = code.offset;
  if (runner) new FunctionEmitter(code, runner).emit();
  const stack = withGlobals ? stackTable(code, shown, textEnd) : undefined;
  if (stack) {
    code.symbols.push({ name: RT.programText, section: '.text', value: 0n, global: true });
    code.symbols.push({ name: RT.programTextEnd, section: '.text', value: BigInt(textEnd), global: true });
    emitStackCapture(code);
  }
  const text = code.finish();

  const data = new ByteBuffer();
  const dataSymbols: SymbolDef[] = [];
  const dataRelocations: Relocation[] = [];
  if (withGlobals) {
    dataSymbols.push({ name: RT.globalCount, section: '.data', value: 0n, global: true });
    data.appendWord(BigInt(m.globals));
    dataSymbols.push({ name: RT.globals, section: '.data', value: BigInt(data.length), global: true });
    // HOLE until the declaration runs: a function reading it earlier throws ReferenceError.
    for (let g = 0; g < m.globals; g++) data.appendWord(VALUE.HOLE);
  }
  for (const d of m.data) {
    dataSymbols.push({ name: d.name, section: '.data', value: BigInt(data.length), global: false });
    data.append(stringObject(d.text));
  }
  if (withGlobals) emitEmbeddedFiles(files, data, dataSymbols, dataRelocations);

  const object: ObjectFile = {
    file,
    sections: [
      {
        name: '.text',
        bytes: text,
        size: text.length,
        align: 16,
        nobits: false,
        flags: { write: false, exec: true },
      },
      {
        name: '.data',
        bytes: data.toBytes(),
        size: data.length,
        align: 4096,
        nobits: false,
        flags: { write: true, exec: false },
      },
    ],
    symbols: [...code.symbols, ...dataSymbols, ...(stack?.symbols ?? [])],
    externs: [],
    relocations: [...code.relocations, ...dataRelocations],
  };
  if (stack)
    object.sections.push({
      name: '.rodata',
      bytes: stack.bytes,
      size: stack.bytes.length,
      // A page of its own: the loader maps each section with its own permissions.
      align: 4096,
      alignDefined: true,
      nobits: false,
      flags: { write: false, exec: false },
    });
  return { object, positions: code.positions };
}

/**
 * The assembler driver: preprocess → parse → passes until stable → ObjectFile.
 *
 * Like NASM, the first pass sees forward references as unknown (jumps to them are assumed short);
 * later passes use the previous pass's label values. When a pass ends with every label where the
 * previous pass put it, that pass's output is final. Diagnostics come from that final pass only, so
 * forward references never produce spurious errors.
 */
import { readFileSync } from 'node:fs';
import type { ObjectFile, SymbolDef } from '../obj/object.js';
import type { Bits } from '../x86/operand.js';
import { type Diagnostic, DiagnosticBag } from './diagnostic.js';
import { Parser } from './parse.js';
import { Pass, type SymbolInfo } from './pass.js';
import { preprocess } from './preprocess.js';

export interface AssembleOptions {
  /** Source file name, used in diagnostics and to resolve `%include`/`incbin` relative paths. */
  file?: string;
  /** Extra directories searched by `%include` and `incbin` (NASM's `-i`). */
  includePaths?: string[];
  /** Reads a file; defaults to the real file system. Return undefined when it does not exist. */
  readFile?: (path: string) => Uint8Array | undefined;
  /** Predefined single-line macros (NASM's `-D NAME=value`). */
  defines?: Record<string, string>;
  /** Initial `bits` (NASM's bin default is 16). */
  bits?: Bits;
  /** Upper bound on optimisation passes before reporting non-convergence. */
  maxPasses?: number;
}

export interface AssembleResult {
  object: ObjectFile;
  diagnostics: Diagnostic[];
  /** Number of passes run (for tests and curiosity). */
  passes: number;
}

function defaultReadFile(path: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    return undefined;
  }
}

function sameSymbols(a: Map<string, SymbolInfo>, b: Map<string, SymbolInfo>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w) return false;
    if (
      w.value.addend !== v.value.addend ||
      w.value.base !== v.value.base ||
      w.value.known !== v.value.known
    ) {
      return false;
    }
  }
  return true;
}

export function assemble(source: string, options: AssembleOptions = {}): AssembleResult {
  const file = options.file ?? '<input>';
  const readFile = options.readFile ?? defaultReadFile;
  const includePaths = options.includePaths ?? [];
  const pre = new DiagnosticBag();
  let lines: ReturnType<typeof preprocess> = [];
  try {
    lines = preprocess(source, { file, includePaths, readFile, defines: options.defines ?? {}, diags: pre });
  } catch (e) {
    pre.error(
      { file, line: 1, col: 1 },
      `internal preprocessor error: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const stmts = new Parser(pre).parseAll(lines);

  const maxPasses = options.maxPasses ?? 100;
  let prev = new Map<string, SymbolInfo>();
  let prevExterns = new Set<string>();
  let pass: Pass | undefined;
  let converged = false;
  let n = 0;
  while (n < maxPasses) {
    n++;
    pass = new Pass(stmts, prev, prevExterns, {
      readFile,
      includePaths,
      mainFile: file,
      defaultBits: options.bits ?? 16,
    });
    pass.run();
    if (n > 1 && sameSymbols(pass.symbols, prev)) {
      converged = true;
      break;
    }
    prev = pass.symbols;
    prevExterns = pass.externs;
  }
  const final = pass as Pass;
  // Report in source order: parse errors and pass errors interleave by position.
  const diagnostics = [...pre.list, ...final.diags.list].sort((a, b) =>
    a.file === b.file ? a.line - b.line || a.col - b.col : 0,
  );
  if (!converged) {
    diagnostics.push({
      severity: 'error',
      file,
      line: 1,
      col: 1,
      message: `unable to find stable label values after ${n} passes`,
      hint: 'some instruction keeps changing size; give jumps an explicit `short`/`near` or sizes `strict`',
    });
  }
  return { object: buildObject(final, file), diagnostics, passes: n };
}

function buildObject(pass: Pass, file: string): ObjectFile {
  const symbols: SymbolDef[] = [];
  const sectionNames = new Set(pass.sections.keys());
  for (const [name, info] of pass.symbols) {
    const v = info.value;
    const def: SymbolDef = { name, value: v.addend, global: pass.globals.has(name), pos: info.pos };
    if (v.base !== undefined) {
      if (!sectionNames.has(v.base)) continue;
      def.section = v.base;
    }
    symbols.push(def);
  }
  const obj: ObjectFile = {
    file,
    sections: [...pass.sections.values()].map((s) => s.toSection()),
    symbols,
    externs: [...pass.externs].filter((e) => !pass.symbols.has(e)),
    relocations: [...pass.sections.values()].flatMap((s) => s.relocations),
  };
  if (pass.org !== undefined) obj.org = pass.org;
  return obj;
}

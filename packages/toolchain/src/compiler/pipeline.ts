/**
 * The compiler, one stage after the other (like QBE's main.c). `--dump=<stage>` prints the IR after
 * the named stage; the verifier runs after every IR stage.
 *
 *   parse+check   frontend/program.ts      TypeScript program under strict, our lib, type checker
 *   lower         frontend/lower/*.ts      AST → IR (refuses unsupported constructs with TORO2xxx)
 *   cleanup       passes/cleanup.ts        drop unreachable blocks
 *   inline        passes/inline.ts         small functions copied into their callers
 *   fold          passes/fold.ts           constant folding with JS semantics
 *   emit          backend/object.ts        isel + frame layout + encode() → ObjectFile
 */
import type { ObjectFile } from '../obj/object.js';
import type { PositionEntry } from './backend/code-buffer.js';
import type { EmbeddedFile } from './backend/embedded-files.js';
import { emitModule } from './backend/object.js';
import { type CompileDiagnostic, makeDiagnostic } from './frontend/diagnostics.js';
import {
  dedupe,
  type LowerResult,
  lowerProgram,
  lowerRuntime,
  scanForbidden,
} from './frontend/lower/module.js';
import { buildFrontEnd, buildRuntimeFrontEnd } from './frontend/program.js';
import { printModule } from './ir/print.js';
import type { IrModule } from './ir/types.js';
import { verifyModule } from './ir/verify.js';
import { cleanupModule } from './passes/cleanup.js';
import { foldModule } from './passes/fold.js';
import { inlineModule } from './passes/inline.js';

export type Target = 'linux' | 'toro';

export const IR_STAGES = ['lower', 'cleanup', 'inline', 'fold'] as const;
export type DumpStage = (typeof IR_STAGES)[number];

const PASSES: { name: DumpStage; run: (m: IrModule) => IrModule }[] = [
  { name: 'cleanup', run: cleanupModule },
  { name: 'inline', run: inlineModule },
  { name: 'fold', run: foldModule },
];

export interface CompileOptions {
  entry: string;
  target: Target;
  /** Print the IR after this stage into `dumps`. */
  dump?: DumpStage;
  /** Files compiled into the program, for `embeddedFiles()` (./backend/embedded-files.ts). */
  files?: readonly EmbeddedFile[];
}

export interface CompileResult {
  /** Undefined when there were errors. */
  object?: ObjectFile;
  diagnostics: CompileDiagnostic[];
  /** The IR text after the requested stage. */
  dump?: string;
  /** Machine code offset (in the object's .text) → source line. */
  positions: PositionEntry[];
}

export function compileProgram(options: CompileOptions): CompileResult {
  const fe = buildFrontEnd(options.entry);
  if (fe.entry.text === '' && fe.diagnostics.length === 0 && !fe.program.getSourceFile(fe.entry.fileName)) {
    return { diagnostics: [makeDiagnostic('TORO1001', [options.entry])], positions: [] };
  }
  if (fe.diagnostics.some((d) => d.category === 'error')) {
    // Constructs Toro refuses are reported too: the checker's complaint about them (a `with` in
    // strict code, a missing Generator type) is not the whole story.
    const ours: CompileDiagnostic[] = [];
    for (const sf of fe.modules.length > 0 ? fe.modules : [fe.entry])
      scanForbidden(sf, (e) => ours.push(makeDiagnostic(e.code, e.args, e.node)));
    return { diagnostics: dedupe([...ours, ...fe.diagnostics]), positions: [] };
  }
  if (fe.sdkBacked && options.target !== 'toro')
    return { diagnostics: [makeDiagnostic('TORO2016', [fe.sdkBacked.text], fe.sdkBacked)], positions: [] };
  if (fe.hardware && options.target !== 'toro')
    return { diagnostics: [makeDiagnostic('TORO2015', [], fe.hardware)], positions: [] };
  return finish(lowerProgram(fe.checker, fe.modules), options);
}

let runtimeCache: ObjectFile | undefined;

/**
 * The runtime's TypeScript (runtime/lib) compiled by this compiler, once per process: it does not
 * depend on the program, so every program links the same object.
 */
export function compileRuntime(): ObjectFile {
  if (runtimeCache) return runtimeCache;
  const fe = buildRuntimeFrontEnd();
  const errors = fe.diagnostics.filter((d) => d.category === 'error');
  const result =
    errors.length > 0
      ? { diagnostics: errors, positions: [] }
      : finish(lowerRuntime(fe.checker, fe.runtime), { entry: 'runtime', target: 'linux' }, false);
  if (!result.object)
    throw new Error(
      `internal error: the runtime does not compile:\n${result.diagnostics.map((d) => `${d.file}(${d.line},${d.col}): ${d.code} ${d.message}`).join('\n')}`,
    );
  runtimeCache = result.object;
  return runtimeCache;
}

function finish(lowered: LowerResult, options: CompileOptions, program = true): CompileResult {
  if (lowered.diagnostics.length > 0) return { diagnostics: lowered.diagnostics, positions: [] };
  let m = lowered.module;
  let dump = options.dump === 'lower' ? printModule(m) : undefined;
  for (const pass of PASSES) {
    m = pass.run(m);
    verifyModule(m);
    if (options.dump === pass.name) dump = printModule(m);
  }
  const { object, positions } = emitModule(m, options.entry, program, options.files);
  const result: CompileResult = { object, diagnostics: [], positions };
  if (dump !== undefined) result.dump = dump;
  return result;
}

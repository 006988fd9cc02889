/**
 * What every target links: the runtime's core and OS layer, the runtime's TypeScript, and the
 * program — in that order (the OS layer's entry comes first in .text after the core).
 */
import type { ObjectFile } from '../../obj/object.js';
import type { EmbeddedFile } from '../backend/embedded-files.js';
import { type CompileDiagnostic, formatDiagnostic } from '../frontend/diagnostics.js';
import { compileProgram, compileRuntime, type Target } from '../pipeline.js';
import { coreObjects } from '../runtime/core.js';

export class CompileFailed extends Error {
  override name = 'CompileFailed';
  constructor(readonly diagnostics: CompileDiagnostic[]) {
    super(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  }
}

/**
 * Compiles `entry` for `target`, with `files` for `embeddedFiles()`; throws CompileFailed with every
 * diagnostic when it does not compile.
 */
export function compileService(
  entry: string,
  target: Target,
  files: readonly EmbeddedFile[] = [],
): ObjectFile[] {
  const { object, diagnostics } = compileProgram({ entry, target, files });
  if (!object) throw new CompileFailed(diagnostics);
  return [...coreObjects(target), compileRuntime(), object];
}

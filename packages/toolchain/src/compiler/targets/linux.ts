/**
 * --target linux: links the compiled program with the runtime core into a static ELF64 executable
 * that Linux runs directly (_start, no libc, syscalls for write/mmap/exit).
 */
import { writeElf } from '../../image/elf.js';
import { link } from '../../link/index.js';
import { LINUX } from '../backend/abi.js';
import { type CompileDiagnostic, formatDiagnostic } from '../frontend/diagnostics.js';
import { compileProgram, compileRuntime } from '../pipeline.js';
import { coreObject } from '../runtime/core.js';
import { RT } from '../runtime/symbols.js';

export class CompileFailed extends Error {
  override name = 'CompileFailed';
  constructor(readonly diagnostics: CompileDiagnostic[]) {
    super(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  }
}

export function buildLinuxExecutable(entry: string): Uint8Array {
  const { object, diagnostics } = compileProgram({ entry, target: 'linux' });
  if (!object) throw new CompileFailed(diagnostics);
  const image = link([coreObject(), compileRuntime(), object], { org: LINUX.ORG });
  const start = image.symbols.find((s) => s.name === RT.start);
  if (!start) throw new Error('internal error: the runtime defines no _start');
  return writeElf(image, { entry: start.address });
}

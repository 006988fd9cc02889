/**
 * Assembles one NASM-syntax file from disk into an object, or throws BuildError with every diagnostic.
 * `%include` and `incbin` resolve relative to the file, then to `includePaths`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { assemble } from '../asm/assemble.js';
import type { Diagnostic } from '../asm/diagnostic.js';
import type { ObjectFile } from '../obj/object.js';
import { BuildError } from './errors.js';

export interface AssembleFileOptions {
  includePaths?: string[];
  defines?: Record<string, string>;
}

export interface AssembledFile {
  object: ObjectFile;
  /** Warnings (errors throw). */
  warnings: Diagnostic[];
}

export function assembleFile(path: string, options: AssembleFileOptions = {}): AssembledFile {
  const file = resolve(path);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BuildError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      [],
    );
  }
  const { object, diagnostics } = assemble(source, {
    file,
    includePaths: [dirname(file), ...(options.includePaths ?? [])],
    defines: options.defines,
  });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new BuildError(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${path}`, diagnostics);
  }
  return { object, warnings: diagnostics };
}

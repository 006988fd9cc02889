/**
 * The NASM-syntax assembler's public surface.
 *
 * `assemble()` turns source text into an ObjectFile (sections, symbols, relocations) plus diagnostics;
 * `assembleToBin()` also links it alone and writes the flat image `nasm -f bin` would produce.
 */
import { writeBin } from '../image/bin.js';
import { LinkError, link } from '../link/index.js';
import { type AssembleOptions, assemble } from './assemble.js';
import type { Diagnostic } from './diagnostic.js';

export { type AssembleOptions, type AssembleResult, assemble } from './assemble.js';
export { type Diagnostic, formatDiagnostic, type Severity } from './diagnostic.js';

export interface BinResult {
  /** The flat image; empty when there were errors. */
  bytes: Uint8Array;
  /** Final addresses of every label. */
  symbols: Map<string, bigint>;
  diagnostics: Diagnostic[];
}

export function assembleToBin(source: string, options: AssembleOptions = {}): BinResult {
  const { object, diagnostics } = assemble(source, options);
  const symbols = new Map<string, bigint>();
  if (diagnostics.some((d) => d.severity === 'error'))
    return { bytes: new Uint8Array(0), symbols, diagnostics };
  try {
    const image = link([object]);
    for (const s of image.symbols) symbols.set(s.name, s.address);
    return { bytes: writeBin(image), symbols, diagnostics };
  } catch (e) {
    if (e instanceof LinkError)
      return { bytes: new Uint8Array(0), symbols, diagnostics: [...diagnostics, ...e.diagnostics] };
    throw e;
  }
}

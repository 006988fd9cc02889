/**
 * Diagnostics reported by the assembler and linker: `file(line,col): error: message`, the offending source
 * text and a hint saying what would have been accepted.
 */
import type { SourcePos } from '../obj/value.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  file: string;
  line: number;
  col: number;
  message: string;
  hint?: string;
  source?: string;
}

/** The conventional one-line-plus-context rendering used by the CLI. */
export function formatDiagnostic(d: Diagnostic): string {
  let out = `${d.file}(${d.line},${d.col}): ${d.severity}: ${d.message}`;
  if (d.source !== undefined) {
    out += `\n    ${d.source}`;
    out += `\n    ${' '.repeat(Math.max(0, d.col - 1))}^`;
  }
  if (d.hint) out += `\n    hint: ${d.hint}`;
  return out;
}

/** An error carrying a column within the current line; caught and turned into a Diagnostic. */
export class AsmError extends Error {
  constructor(
    message: string,
    readonly col?: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'AsmError';
  }
}

/** Collects diagnostics for one pass (or one preprocessing run). */
export class DiagnosticBag {
  readonly list: Diagnostic[] = [];

  add(severity: Severity, pos: SourcePos, message: string, hint?: string, source?: string): void {
    const d: Diagnostic = { severity, file: pos.file, line: pos.line, col: pos.col, message };
    if (hint !== undefined) d.hint = hint;
    if (source !== undefined) d.source = source;
    this.list.push(d);
  }

  error(pos: SourcePos, message: string, hint?: string, source?: string): void {
    this.add('error', pos, message, hint, source);
  }

  warning(pos: SourcePos, message: string, hint?: string, source?: string): void {
    this.add('warning', pos, message, hint, source);
  }

  get hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }
}

/**
 * Link errors: collected as diagnostics (with source positions when a relocation carries one) and
 * thrown together once a linking step is done.
 */
import type { Diagnostic } from '../asm/diagnostic.js';
import { formatDiagnostic } from '../asm/diagnostic.js';
import type { SourcePos } from '../obj/value.js';

export class LinkError extends Error {
  readonly diagnostics: Diagnostic[] = [];

  constructor() {
    super('link failed');
    this.name = 'LinkError';
  }

  add(file: string, message: string, pos?: SourcePos, hint?: string): void {
    const d: Diagnostic = {
      severity: 'error',
      file: pos?.file ?? file,
      line: pos?.line ?? 0,
      col: pos?.col ?? 0,
      message,
    };
    if (hint !== undefined) d.hint = hint;
    this.diagnostics.push(d);
  }

  throwIfAny(): void {
    if (this.diagnostics.length === 0) return;
    this.message = this.diagnostics.map(formatDiagnostic).join('\n');
    throw this;
  }
}

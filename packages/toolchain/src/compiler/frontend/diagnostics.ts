/**
 * Toro's own diagnostics: codes and messages live as data in ../diagnostics.json; this file formats
 * them like tsc (`src/a.ts(3,7): error TORO2001: generator functions is not supported yet`) and
 * defines `Unsupported`, thrown by the lowering at the first construct it cannot compile.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

const require = createRequire(import.meta.url);
const TABLE = require('../diagnostics.json') as Record<
  string,
  { category: 'error' | 'warning'; message: string }
>;

export type DiagnosticCode = keyof typeof TABLE & string;

export interface CompileDiagnostic {
  /** `TORO2001`, or `TS2322` for the type checker's own. */
  code: string;
  category: 'error' | 'warning';
  message: string;
  file?: string;
  /** 1-based. */
  line?: number;
  col?: number;
}

export function diagnosticMessage(code: string, args: readonly string[]): string {
  const entry = TABLE[code];
  if (!entry) throw new Error(`internal error: unknown diagnostic ${code}`);
  return entry.message.replace(/\{(\d+)\}/g, (_, n: string) => args[Number(n)] ?? '');
}

export function makeDiagnostic(code: string, args: readonly string[], node?: ts.Node): CompileDiagnostic {
  const d: CompileDiagnostic = {
    code,
    category: TABLE[code]?.category ?? 'error',
    message: diagnosticMessage(code, args),
  };
  if (node) {
    const sf = node.getSourceFile();
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    d.file = sf.fileName;
    d.line = line + 1;
    d.col = character + 1;
  }
  return d;
}

export function fromTsDiagnostic(t: ts.Diagnostic): CompileDiagnostic {
  const d: CompileDiagnostic = {
    code: `TS${t.code}`,
    category: t.category === ts.DiagnosticCategory.Error ? 'error' : 'warning',
    message: ts.flattenDiagnosticMessageText(t.messageText, '\n'),
  };
  if (t.file && t.start !== undefined) {
    const { line, character } = t.file.getLineAndCharacterOfPosition(t.start);
    d.file = t.file.fileName;
    d.line = line + 1;
    d.col = character + 1;
  }
  return d;
}

/** tsc's format; the path is shown relative to `cwd`. */
export function formatDiagnostic(d: CompileDiagnostic, cwd = process.cwd()): string {
  const where = d.file ? `${path.relative(cwd, d.file) || d.file}(${d.line},${d.col}): ` : '';
  return `${where}${d.category} ${d.code}: ${d.message}`;
}

/** Thrown by the lowering; caught per function so one program reports every unsupported construct. */
export class Unsupported extends Error {
  constructor(
    readonly node: ts.Node,
    readonly code: DiagnosticCode,
    readonly args: string[],
  ) {
    super(diagnosticMessage(code, args));
  }
}

export const unsupported = (node: ts.Node, what: string): Unsupported =>
  new Unsupported(node, 'TORO2001', [what]);

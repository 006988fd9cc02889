/**
 * Front end entry: builds the TypeScript program (the user's entry file, the runtime's TypeScript
 * sources from ../runtime/lib, and our lib instead of TypeScript's) under `strict`, and returns it
 * with the checker's diagnostics.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { type CompileDiagnostic, fromTsDiagnostic } from './diagnostics.js';
import { LIB_FILE_NAME, LIB_SOURCE } from './lib.js';

export const RUNTIME_LIB_DIR = fileURLToPath(new URL('../runtime/lib/', import.meta.url));

export interface FrontEnd {
  program: ts.Program;
  checker: ts.TypeChecker;
  entry: ts.SourceFile;
  runtime: ts.SourceFile[];
  diagnostics: CompileDiagnostic[];
}

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noLib: true,
  types: [],
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  noEmit: true,
  allowImportingTsExtensions: false,
};

export function runtimeSourcePaths(): string[] {
  return readdirSync(RUNTIME_LIB_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => path.join(RUNTIME_LIB_DIR, f));
}

export function buildFrontEnd(entry: string): FrontEnd {
  const entryPath = path.resolve(entry);
  const runtimePaths = runtimeSourcePaths();
  const host = ts.createCompilerHost(COMPILER_OPTIONS, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    fileName === LIB_FILE_NAME
      ? ts.createSourceFile(fileName, LIB_SOURCE, languageVersion, true)
      : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => f === LIB_FILE_NAME || fileExists(f);
  const program = ts.createProgram({
    rootNames: [LIB_FILE_NAME, entryPath, ...runtimePaths],
    options: COMPILER_OPTIONS,
    host,
  });
  const checker = program.getTypeChecker();
  const diagnostics = [
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
    ...program.getGlobalDiagnostics(),
  ].map(fromTsDiagnostic);
  const entryFile = program.getSourceFile(entryPath);
  const runtime = runtimePaths
    .map((p) => program.getSourceFile(p))
    .filter((s): s is ts.SourceFile => s !== undefined);
  if (!entryFile) {
    return {
      program,
      checker,
      entry: ts.createSourceFile(entryPath, '', ts.ScriptTarget.ES2022),
      runtime,
      diagnostics,
    };
  }
  return { program, checker, entry: entryFile, runtime, diagnostics };
}

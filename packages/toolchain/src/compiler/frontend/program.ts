/**
 * Front end entry: builds a TypeScript program under `strict` with our lib instead of TypeScript's,
 * and returns it with the checker's diagnostics. Two kinds: the user's program (lib + entry file),
 * and the runtime's (lib + ../runtime/lib/*.ts), which is compiled once per process and linked with
 * every program (../runtime/compiled.ts). The lib's parsed source is shared by every program.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { type CompileDiagnostic, fromTsDiagnostic } from './diagnostics.js';
import { LIB_FILE_NAME, LIB_SOURCE } from './lib.js';
import { SDK_FILE_NAME, SDK_MODULE, SDK_SOURCE } from './sdk.js';

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

let libSource: ts.SourceFile | undefined;
let sdkSource: ts.SourceFile | undefined;

function createProgram(roots: string[]): ts.Program {
  const host = ts.createCompilerHost(COMPILER_OPTIONS, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (fileName === SDK_FILE_NAME) {
      sdkSource ??= ts.createSourceFile(fileName, SDK_SOURCE, languageVersion, true);
      return sdkSource;
    }
    if (fileName !== LIB_FILE_NAME) return getSourceFile(fileName, languageVersion, onError, shouldCreate);
    libSource ??= ts.createSourceFile(fileName, LIB_SOURCE, languageVersion, true);
    return libSource;
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => f === LIB_FILE_NAME || f === SDK_FILE_NAME || fileExists(f);
  // `@toro/sdk` is the compiler's own declaration of the SDK (./sdk.ts), installed or not.
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, options) =>
    literals.map((literal) =>
      literal.text === SDK_MODULE
        ? {
            resolvedModule: {
              resolvedFileName: SDK_FILE_NAME,
              extension: ts.Extension.Dts,
              isExternalLibraryImport: false,
            },
          }
        : ts.resolveModuleName(literal.text, containingFile, options, host, undefined, redirected),
    );
  return ts.createProgram({ rootNames: [LIB_FILE_NAME, ...roots], options: COMPILER_OPTIONS, host });
}

function diagnosticsOf(program: ts.Program): CompileDiagnostic[] {
  return [
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
    ...program.getGlobalDiagnostics(),
  ].map(fromTsDiagnostic);
}

/** The runtime's program: lib + every ../runtime/lib source (entry is the first of them). */
export function buildRuntimeFrontEnd(): FrontEnd {
  const paths = runtimeSourcePaths();
  const program = createProgram(paths);
  const runtime = paths
    .map((p) => program.getSourceFile(p))
    .filter((s): s is ts.SourceFile => s !== undefined);
  return {
    program,
    checker: program.getTypeChecker(),
    entry: runtime[0],
    runtime,
    diagnostics: diagnosticsOf(program),
  };
}

export function buildFrontEnd(entry: string): FrontEnd {
  const entryPath = path.resolve(entry);
  const program = createProgram([entryPath]);
  const checker = program.getTypeChecker();
  const diagnostics = diagnosticsOf(program);
  const entryFile = program.getSourceFile(entryPath);
  const runtime: ts.SourceFile[] = [];
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

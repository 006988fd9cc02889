/**
 * Front end entry: builds a TypeScript program under `strict` with our lib instead of TypeScript's,
 * and returns it with the checker's diagnostics. Two kinds: the user's program (lib + the entry
 * file and every module it imports, ./modules.ts), and the runtime's (lib + ../runtime/lib/*.ts),
 * which is compiled once per process and linked with every program (../runtime/compiled.ts). The
 * lib's parsed source is shared by every program. Imports resolve as TypeScript's bundler
 * resolution does, with the project's tsconfig `paths`/`baseUrl`; `@toro/sdk` is ./sdk.ts; a
 * package whose entry is JavaScript or declarations but that ships `src/index.ts` resolves there.
 */
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { type CompileDiagnostic, fromTsDiagnostic } from './diagnostics.js';
import { HW_FILE_NAME, HW_MODULE, HW_SOURCE } from './hw.js';
import { LIB_FILE_NAME, LIB_SOURCE } from './lib.js';
import { moduleGraph } from './modules.js';
import { SDK_FILE_NAME, SDK_HTTP_MODULE, SDK_MODULE, SDK_SOCKETS_MODULE, SDK_SOURCE } from './sdk.js';

export const RUNTIME_LIB_DIR = fileURLToPath(new URL('../runtime/lib/', import.meta.url));

export interface FrontEnd {
  program: ts.Program;
  checker: ts.TypeChecker;
  entry: ts.SourceFile;
  /** The program's modules in evaluation order, the entry last (./modules.ts); empty for the runtime. */
  modules: ts.SourceFile[];
  runtime: ts.SourceFile[];
  diagnostics: CompileDiagnostic[];
  /** Where the program first imports `@toro/hw` (./hw.ts), if it does. */
  hardware?: ts.StringLiteral;
  /** Where the program first uses an SDK name backed by program source (the sockets), if it does. */
  sdkBacked?: ts.Identifier;
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
let hwSource: ts.SourceFile | undefined;

/** What the resolver met: specifiers that name a package with only JavaScript to offer. */
interface Resolutions {
  withoutSource: Set<ts.StringLiteralLike>;
  /** The file each specifier resolved to. */
  files: Map<ts.StringLiteralLike, string>;
}

const isTypeScriptSource = (ext: string) =>
  ext === ts.Extension.Ts || ext === ts.Extension.Tsx || ext === ts.Extension.Mts || ext === ts.Extension.Cts;

/** `name` of a bare specifier `name` or `@scope/name` (no subpath), else undefined. */
function barePackage(spec: string): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('/')) return undefined;
  const parts = spec.split('/');
  const n = spec.startsWith('@') ? 2 : 1;
  return parts.length === n ? spec : undefined;
}

/** `<package dir>/src/index.ts` of the package `name` seen from `from`'s folder, if it exists. */
function sourceEntry(name: string, from: string): string | undefined {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(pkg, 'package.json'))) {
      const index = path.join(realpathSync(pkg), 'src', 'index.ts');
      return existsSync(index) ? index : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The `paths`/`baseUrl` of the tsconfig.json nearest above `entry` (nothing else of it applies). */
function projectPaths(entry: string): ts.CompilerOptions {
  const file = ts.findConfigFile(path.dirname(entry), ts.sys.fileExists);
  if (!file) return {};
  const read = ts.readConfigFile(file, ts.sys.readFile);
  if (read.error) return {};
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(file), undefined, file);
  const o = parsed.options;
  const out: ts.CompilerOptions = {};
  if (o.paths) out.paths = o.paths;
  if (o.baseUrl) out.baseUrl = o.baseUrl;
  // Set by TypeScript when `paths` comes without `baseUrl`: they are relative to the tsconfig.
  const base = (o as Record<string, unknown>).pathsBasePath;
  if (typeof base === 'string') (out as Record<string, unknown>).pathsBasePath = base;
  return out;
}

let driversSources: string | undefined;

/**
 * The SDK's TypeScript backends in @toro/drivers' src/sockets (./sdk.ts): index.ts for the sockets
 * (SDK_SOCKETS_MODULE), serve.ts for HTTP (SDK_HTTP_MODULE).
 */
function sdkBackend(module: string): string | undefined {
  if (driversSources === undefined) {
    const drivers = sourceEntry('@toro/drivers', fileURLToPath(import.meta.url));
    if (drivers !== undefined) driversSources = path.join(path.dirname(drivers), 'sockets');
  }
  if (driversSources === undefined) return undefined;
  return path.join(driversSources, module === SDK_HTTP_MODULE ? 'serve.ts' : 'index.ts');
}

function createProgram(roots: string[], options: ts.CompilerOptions, seen?: Resolutions): ts.Program {
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (fileName === SDK_FILE_NAME) {
      sdkSource ??= ts.createSourceFile(fileName, SDK_SOURCE, languageVersion, true);
      return sdkSource;
    }
    if (fileName === HW_FILE_NAME) {
      hwSource ??= ts.createSourceFile(fileName, HW_SOURCE, languageVersion, true);
      return hwSource;
    }
    if (fileName !== LIB_FILE_NAME) return getSourceFile(fileName, languageVersion, onError, shouldCreate);
    libSource ??= ts.createSourceFile(fileName, LIB_SOURCE, languageVersion, true);
    return libSource;
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => f === LIB_FILE_NAME || f === SDK_FILE_NAME || f === HW_FILE_NAME || fileExists(f);
  const resolve = (
    literal: ts.StringLiteralLike,
    containingFile: string,
    redirected?: ts.ResolvedProjectReference,
  ) => {
    // `@toro/sdk` is the compiler's own declaration of the SDK (./sdk.ts), installed or not;
    // `@toro/hw` its hardware intrinsics (./hw.ts).
    if (literal.text === SDK_MODULE || literal.text === HW_MODULE)
      return {
        resolvedModule: {
          resolvedFileName: literal.text === SDK_MODULE ? SDK_FILE_NAME : HW_FILE_NAME,
          extension: ts.Extension.Dts,
          isExternalLibraryImport: false,
        },
      };
    if (literal.text === SDK_SOCKETS_MODULE || literal.text === SDK_HTTP_MODULE) {
      const file = sdkBackend(literal.text);
      if (file !== undefined) seen?.files.set(literal, file);
      if (file !== undefined)
        return {
          resolvedModule: {
            resolvedFileName: file,
            extension: ts.Extension.Ts,
            isExternalLibraryImport: false,
          },
        };
    }
    const r = ts.resolveModuleName(literal.text, containingFile, options, host, undefined, redirected);
    const m = r.resolvedModule;
    if (m) seen?.files.set(literal, m.resolvedFileName);
    if (m && isTypeScriptSource(m.extension)) {
      // A workspace package's TypeScript is the program's source, not a library's declarations.
      return { ...r, resolvedModule: { ...m, isExternalLibraryImport: false } };
    }
    const pkg = barePackage(literal.text);
    const index = pkg ? sourceEntry(pkg, containingFile) : undefined;
    if (index) seen?.files.set(literal, index);
    if (index)
      return {
        resolvedModule: {
          resolvedFileName: index,
          extension: ts.Extension.Ts,
          isExternalLibraryImport: false,
        },
      };
    // Resolved, but to JavaScript or declarations only: refused where it is imported (./modules.ts).
    if (seen && m) seen.withoutSource.add(literal);
    return r;
  };
  host.resolveModuleNameLiterals = (literals, containingFile, redirected) =>
    literals.map((literal) => resolve(literal, containingFile, redirected));
  return ts.createProgram({ rootNames: [LIB_FILE_NAME, ...roots], options, host });
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
  const program = createProgram(paths, COMPILER_OPTIONS);
  const runtime = paths
    .map((p) => program.getSourceFile(p))
    .filter((s): s is ts.SourceFile => s !== undefined);
  return {
    program,
    checker: program.getTypeChecker(),
    entry: runtime[0],
    modules: [],
    runtime,
    diagnostics: diagnosticsOf(program),
  };
}

export function buildFrontEnd(entry: string): FrontEnd {
  const entryPath = path.resolve(entry);
  const seen: Resolutions = { withoutSource: new Set(), files: new Map() };
  const program = createProgram([entryPath], { ...COMPILER_OPTIONS, ...projectPaths(entryPath) }, seen);
  const checker = program.getTypeChecker();
  let diagnostics = diagnosticsOf(program);
  const entryFile = program.getSourceFile(entryPath);
  const runtime: ts.SourceFile[] = [];
  if (!entryFile) {
    return {
      program,
      checker,
      entry: ts.createSourceFile(entryPath, '', ts.ScriptTarget.ES2022),
      modules: [],
      runtime,
      diagnostics,
    };
  }
  const fileOf = (spec: ts.StringLiteral) => {
    const name = seen.files.get(spec);
    return name === undefined ? undefined : program.getSourceFile(name);
  };
  const graph = moduleGraph(checker, entryFile, fileOf, (spec) => seen.withoutSource.has(spec));
  if (graph.diagnostics.length > 0) {
    // Ours says why such a package cannot be imported; the checker's missing-declarations
    // complaint (TS7016) at the same specifier says less.
    const at = new Set(graph.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}`));
    diagnostics = [
      ...graph.diagnostics,
      ...diagnostics.filter((d) => !(d.code === 'TS7016' && at.has(`${d.file}:${d.line}:${d.col}`))),
    ];
  }
  const fe: FrontEnd = { program, checker, entry: entryFile, modules: graph.order, runtime, diagnostics };
  if (graph.hardware) fe.hardware = graph.hardware;
  if (graph.sdkBacked) fe.sdkBacked = graph.sdkBacked;
  return fe;
}

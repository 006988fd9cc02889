/**
 * The program as a graph of modules (../README.md "Modules"): which files an import brings in,
 * the order their bodies run in (ECMAScript's: depth-first, each module after the modules it
 * requests, in the order it requests them, once, cycles cut where they close), and which imports
 * reach a package without TypeScript source (refused: there is nothing to compile). One walk of
 * each file's top-level statements, one checker lookup per import: linear in the program.
 */
import path from 'node:path';
import ts from 'typescript';
import { type CompileDiagnostic, makeDiagnostic } from './diagnostics.js';
import { HW_MODULE, mayUseHardware } from './hw.js';
import { LIB_FILE_NAME } from './lib.js';
import { SDK_FILE_NAME, SDK_MODULE } from './sdk.js';

export interface ModuleGraph {
  /** Every program module, in evaluation order (the entry last). */
  order: ts.SourceFile[];
  diagnostics: CompileDiagnostic[];
  /** The first import of `@toro/hw` (a program that has one links the hardware intrinsics), if any. */
  hardware?: ts.StringLiteral;
  /** The first use of an SDK name backed by program source (the sockets), if any. */
  sdkBacked?: ts.Identifier;
}

/** The declarations of `sf` that request another module, in source order. */
function requests(sf: ts.SourceFile): (ts.ImportDeclaration | ts.ExportDeclaration)[] {
  const out: (ts.ImportDeclaration | ts.ExportDeclaration)[] = [];
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) || (ts.isExportDeclaration(s) && s.moduleSpecifier)) out.push(s);
  }
  return out;
}

/**
 * Whether a request survives type erasure, as TypeScript (and swc, which the tests run Node on)
 * emit it: `import type` / `export type` never do, a bare `import './x'` always does, an import
 * with bindings only when one of them is used as a value in the file (`used`).
 */
function evaluated(
  checker: ts.TypeChecker,
  decl: ts.ImportDeclaration | ts.ExportDeclaration,
  used: ReadonlySet<ts.Symbol>,
): boolean {
  if (ts.isExportDeclaration(decl)) {
    if (decl.isTypeOnly) return false;
    const c = decl.exportClause;
    return !(c && ts.isNamedExports(c) && c.elements.length > 0 && c.elements.every((e) => e.isTypeOnly));
  }
  const clause = decl.importClause;
  if (!clause) return true;
  if (clause.isTypeOnly) return false;
  const names: ts.Identifier[] = [];
  if (clause.name) names.push(clause.name);
  const nb = clause.namedBindings;
  if (nb && ts.isNamespaceImport(nb)) names.push(nb.name);
  if (nb && ts.isNamedImports(nb)) for (const e of nb.elements) if (!e.isTypeOnly) names.push(e.name);
  return names.some((n) => {
    const sym = checker.getSymbolAtLocation(n);
    return sym !== undefined && used.has(sym);
  });
}

/** The import aliases of `sf` that some value position of the file names. */
function valueUses(checker: ts.TypeChecker, sf: ts.SourceFile): Set<ts.Symbol> {
  const bound = new Set<string>();
  for (const r of requests(sf)) {
    const clause = ts.isImportDeclaration(r) ? r.importClause : undefined;
    if (!clause || clause.isTypeOnly) continue;
    if (clause.name) bound.add(clause.name.text);
    const nb = clause.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) bound.add(nb.name.text);
    if (nb && ts.isNamedImports(nb)) for (const e of nb.elements) bound.add(e.name.text);
  }
  const used = new Set<ts.Symbol>();
  if (bound.size === 0) return used;
  const visit = (n: ts.Node): void => {
    if (ts.isTypeNode(n) || ts.isImportDeclaration(n) || ts.isInterfaceDeclaration(n)) return;
    if (ts.isTypeAliasDeclaration(n)) return;
    if (ts.isHeritageClause(n) && n.token === ts.SyntaxKind.ImplementsKeyword) return;
    if (ts.isExportDeclaration(n) && n.isTypeOnly) return;
    if (ts.isIdentifier(n) && bound.has(n.text)) {
      const sym = ts.isShorthandPropertyAssignment(n.parent)
        ? checker.getShorthandAssignmentValueSymbol(n.parent)
        : checker.getSymbolAtLocation(n);
      if (sym) used.add(sym);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return used;
}

const isCompiled = (sf: ts.SourceFile) =>
  !sf.isDeclarationFile && sf.fileName !== LIB_FILE_NAME && sf.fileName !== SDK_FILE_NAME;

/** The file that declares what `sym` (an import alias) finally names, if it is program source. */
function backingFile(checker: ts.TypeChecker, sym: ts.Symbol): ts.SourceFile | undefined {
  const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
  const decl = target.declarations?.[0];
  const sf = decl?.getSourceFile();
  return sf !== undefined && isCompiled(sf) ? sf : undefined;
}

/**
 * The program files behind the SDK names that an import of `@toro/sdk` in `sf` uses as values: the
 * named imports used, or for `import * as ns` the members read as `ns.name`.
 */
function sdkBackings(
  checker: ts.TypeChecker,
  sf: ts.SourceFile,
  r: ts.ImportDeclaration | ts.ExportDeclaration,
  used: ReadonlySet<ts.Symbol>,
): { files: ts.SourceFile[]; first?: ts.Identifier } {
  const out = new Set<ts.SourceFile>();
  let first: ts.Identifier | undefined;
  const clause = ts.isImportDeclaration(r) ? r.importClause : undefined;
  const nb = clause?.namedBindings;
  if (ts.isExportDeclaration(r) && r.exportClause && ts.isNamedExports(r.exportClause)) {
    for (const e of r.exportClause.elements) {
      const sym = e.isTypeOnly ? undefined : checker.getSymbolAtLocation(e.name);
      const file = sym ? backingFile(checker, sym) : undefined;
      if (file) out.add(file);
      if (file && ts.isIdentifier(e.name)) first ??= e.name;
    }
  }
  if (nb && ts.isNamedImports(nb)) {
    for (const e of nb.elements) {
      const sym = e.isTypeOnly ? undefined : checker.getSymbolAtLocation(e.name);
      const file = sym && used.has(sym) ? backingFile(checker, sym) : undefined;
      if (file) out.add(file);
      if (file) first ??= e.name;
    }
  }
  if (nb && ts.isNamespaceImport(nb)) {
    const ns = nb.name.text;
    const visit = (n: ts.Node): void => {
      if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === ns) {
        const sym = checker.getSymbolAtLocation(n.name);
        const file = sym ? backingFile(checker, sym) : undefined;
        if (file) out.add(file);
        if (file && ts.isIdentifier(n.name)) first ??= n.name;
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return first === undefined ? { files: [...out] } : { files: [...out], first };
}

/**
 * The module graph from `entry`: evaluation order and the refused package imports
 * (`fileOf`: the file the resolver found for a specifier; `withoutSource`: it found only
 * JavaScript or declarations).
 */
export function moduleGraph(
  checker: ts.TypeChecker,
  entry: ts.SourceFile,
  fileOf: (spec: ts.StringLiteral) => ts.SourceFile | undefined,
  withoutSource: (spec: ts.StringLiteral) => boolean,
): ModuleGraph {
  const order: ts.SourceFile[] = [];
  const diagnostics: CompileDiagnostic[] = [];
  const seen = new Set<ts.SourceFile>();
  let hardware: ts.StringLiteral | undefined;
  let sdkBacked: ts.Identifier | undefined;
  const visit = (sf: ts.SourceFile): void => {
    seen.add(sf);
    const used = valueUses(checker, sf);
    for (const r of requests(sf)) {
      if (!evaluated(checker, r, used)) continue;
      const spec = r.moduleSpecifier as ts.StringLiteral;
      if (spec.text === HW_MODULE) {
        // The hardware intrinsics are the drivers' alone (./hw.ts).
        if (!mayUseHardware(sf.fileName))
          diagnostics.push(makeDiagnostic('TORO2014', [path.basename(sf.fileName)], spec));
        hardware ??= spec;
        continue;
      }
      const file = fileOf(spec);
      if (spec.text === SDK_MODULE || file?.fileName === SDK_FILE_NAME) {
        // Most of the SDK is the runtime's; what it re-exports from TypeScript (the sockets) is
        // program source, brought in where the service uses it.
        const backed = sdkBackings(checker, sf, r, used);
        sdkBacked ??= backed.first;
        for (const backing of backed.files) if (!seen.has(backing)) visit(backing);
        continue;
      }
      if (!file || !isCompiled(file)) {
        // An unresolved relative import is the checker's TS2307; a package without a .ts source
        // (compiled JavaScript with or without declarations) is ours.
        if (file || withoutSource(spec)) diagnostics.push(makeDiagnostic('TORO2013', [spec.text], spec));
        continue;
      }
      if (!seen.has(file)) visit(file);
    }
    order.push(sf);
  };
  visit(entry);
  const graph: ModuleGraph = { order, diagnostics };
  if (hardware) graph.hardware = hardware;
  if (sdkBacked) graph.sdkBacked = sdkBacked;
  return graph;
}

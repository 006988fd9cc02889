/**
 * Lowers the whole program to an IrModule: every function declaration of the entry file and of the
 * runtime sources, then `main` (the entry file's top-level statements). Each function that hits an
 * unsupported construct yields a diagnostic and the others still get checked.
 */
import ts from 'typescript';
import type { IrFunction, IrModule } from '../../ir/types.js';
import { RT } from '../../runtime/symbols.js';
import { type CompileDiagnostic, makeDiagnostic, Unsupported, unsupported } from '../diagnostics.js';
import { checkPromisesAwaited } from './awaited.js';
import { analyzeCaptures } from './closures.js';
import { ModuleContext } from './context.js';
import { isConstEnum } from './enums.js';
import { describe } from './expressions.js';
import { checkSdkUses } from './sdk-calls.js';
import { FunctionLowering } from './statements.js';
import { clsOfType } from './types.js';

export interface LowerResult {
  module: IrModule;
  diagnostics: CompileDiagnostic[];
}

/** The runtime's sources (../../runtime/lib): every function, no `main`, no global slots. */
export function lowerRuntime(checker: ts.TypeChecker, runtime: ts.SourceFile[]): LowerResult {
  const mod = new ModuleContext(checker, new Set(runtime));
  const diagnostics: CompileDiagnostic[] = [];
  const report = (e: Unsupported) => diagnostics.push(makeDiagnostic(e.code, e.args, e.node));
  const functions = runtime.flatMap((sf) => lowerFunctions(mod, sf, report));
  return {
    module: { functions, data: mod.data, globals: 0, globalNames: [] },
    diagnostics: dedupe(diagnostics),
  };
}

/** The file's top-level function declarations with a body; one that cannot be lowered is reported. */
function lowerFunctions(
  mod: ModuleContext,
  sf: ts.SourceFile,
  report: (e: Unsupported) => void,
): IrFunction[] {
  const functions: IrFunction[] = [];
  for (const s of sf.statements) {
    if (!ts.isFunctionDeclaration(s) || !s.body) continue;
    try {
      functions.push(FunctionLowering.fn(mod, s));
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      report(e);
    }
  }
  return functions;
}

/** The user's program: its functions and `main`; calls into the runtime go by symbol (RT). */
export function lowerProgram(checker: ts.TypeChecker, entry: ts.SourceFile): LowerResult {
  const mod = new ModuleContext(checker, new Set());
  const diagnostics: CompileDiagnostic[] = [];
  const report = (e: Unsupported) => diagnostics.push(makeDiagnostic(e.code, e.args, e.node));

  for (const s of entry.statements) {
    if (isSdkImport(s)) continue; // ./sdk-calls.ts lowers (or refuses) what it imports
    if (isEmptyExport(s)) continue; // `export {}`: makes the file a module (top-level await)
    if (ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s) || ts.isExportDeclaration(s)) {
      diagnostics.push(makeDiagnostic('TORO2007', [], s));
    }
  }
  scanForbidden(entry, report);
  checkPromisesAwaited(checker, entry, report);
  checkSdkUses(checker, entry, report);
  declareGlobals(mod, entry, report);
  analyzeCaptures(mod, entry);

  const functions = lowerFunctions(mod, entry, report);
  functions.push(FunctionLowering.main(mod, entry, RT.main, report));
  functions.push(...mod.nested);
  return {
    module: { functions, data: mod.data, globals: mod.globalNames.length, globalNames: mod.globalNames },
    diagnostics: dedupe(diagnostics),
  };
}

/** Top-level variables become global slots before any function that uses them is lowered. */
function declareGlobals(mod: ModuleContext, entry: ts.SourceFile, report: (e: Unsupported) => void): void {
  for (const s of entry.statements) {
    if (ts.isClassDeclaration(s) && s.name) {
      const sym = mod.checker.getSymbolAtLocation(s.name);
      if (sym) mod.addGlobal(sym, 'v');
      continue;
    }
    if (ts.isEnumDeclaration(s) && !isConstEnum(s)) {
      const sym = mod.checker.getSymbolAtLocation(s.name);
      // An enum merged from several declarations is refused where the second one is lowered.
      if (sym && !mod.globals.has(sym)) mod.addGlobal(sym, 'v');
      continue;
    }
    if (!ts.isVariableStatement(s)) continue;
    for (const d of s.declarationList.declarations) {
      for (const name of boundNames(d.name)) {
        const sym = mod.checker.getSymbolAtLocation(name);
        if (!sym) continue;
        try {
          mod.addGlobal(
            sym,
            clsOfType(mod.checker, mod.checker.getTypeOfSymbolAtLocation(sym, name), name, false),
          );
        } catch (e) {
          if (!(e instanceof Unsupported)) throw e;
          report(e);
        }
      }
    }
  }
  const assigned = (target: ts.Expression) => {
    const sym = ts.isIdentifier(target)
      ? mod.resolveSymbol(mod.checker.getSymbolAtLocation(target))
      : undefined;
    if (sym && mod.globals.has(sym)) mod.unstable.add(sym);
  };
  const visit = (n: ts.Node, inFunction: boolean): void => {
    if (inFunction) {
      if (
        ts.isBinaryExpression(n) &&
        n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
        n.operatorToken.kind <= ts.SyntaxKind.LastAssignment
      ) {
        assigned(n.left);
      } else if (
        (ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) &&
        (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)
      ) {
        assigned(n.operand);
      }
    }
    ts.forEachChild(n, (c) => visit(c, inFunction || ts.isFunctionLike(n)));
  };
  visit(entry, false);
}

/** The names a declaration binds (through destructuring patterns). */
function boundNames(name: ts.BindingName): ts.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : boundNames(e.name)));
}

/**
 * Constructs refused wherever they appear, even in code the lowering would not reach first (so a
 * program gets every such diagnostic at once, at the construct's own position).
 */
export function scanForbidden(sf: ts.SourceFile, report: (e: Unsupported) => void): void {
  const visit = (n: ts.Node): void => {
    if (ts.isWithStatement(n)) report(unsupported(n, describe(n)));
    else if (
      (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isMethodDeclaration(n)) &&
      n.asteriskToken
    ) {
      report(unsupported(n, 'generator functions'));
    } else if (
      ts.isIdentifier(n) &&
      n.text === 'eval' &&
      ts.isCallExpression(n.parent) &&
      n.parent.expression === n
    ) {
      report(new Unsupported(n, 'TORO2004', ['eval']));
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}

/** `export {}`, which only marks the file as a module. */
function isEmptyExport(s: ts.Statement): boolean {
  return (
    ts.isExportDeclaration(s) &&
    !s.moduleSpecifier &&
    s.exportClause !== undefined &&
    ts.isNamedExports(s.exportClause) &&
    s.exportClause.elements.length === 0
  );
}

/** `import … from '@toro/sdk'` (../sdk.ts). */
export function isSdkImport(n: ts.Node): n is ts.ImportDeclaration {
  return (
    ts.isImportDeclaration(n) &&
    ts.isStringLiteral(n.moduleSpecifier) &&
    n.moduleSpecifier.text === '@toro/sdk'
  );
}

export function dedupe(ds: CompileDiagnostic[]): CompileDiagnostic[] {
  const seen = new Set<string>();
  return ds
    .filter((d) => {
      const key = `${d.file}:${d.line}:${d.col}:${d.code}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}

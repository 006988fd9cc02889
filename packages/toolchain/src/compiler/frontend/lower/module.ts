/**
 * Lowers the whole program to an IrModule: every function declaration of the program's modules (or
 * of the runtime sources), each module's top-level statements, and `main` running them in order.
 * Each function that hits an unsupported construct yields a diagnostic and the others still get
 * checked.
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

/**
 * The user's program: every module's functions, one function per module running its top-level
 * statements (`module:<stem>`), and `main`, which runs those in evaluation order (`modules`, the
 * entry last). Calls into the runtime go by symbol (RT).
 */
export function lowerProgram(checker: ts.TypeChecker, modules: readonly ts.SourceFile[]): LowerResult {
  const mod = new ModuleContext(checker, new Set());
  const diagnostics: CompileDiagnostic[] = [];
  const report = (e: Unsupported) => diagnostics.push(makeDiagnostic(e.code, e.args, e.node));
  const entry = modules[modules.length - 1];
  mod.nameModules([entry, ...modules.slice(0, -1)]);

  for (const sf of modules) {
    for (const s of sf.statements) {
      if (ts.isImportEqualsDeclaration(s)) report(unsupported(s, "'import … = require(…)'"));
      else if (ts.isExportAssignment(s) && s.isExportEquals) report(unsupported(s, "'export ='"));
    }
    scanForbidden(sf, report);
    checkPromisesAwaited(checker, sf, report);
    checkSdkUses(checker, sf, report);
    declareGlobals(mod, sf, report, sf !== entry);
  }
  for (const sf of modules) analyzeCaptures(mod, sf);

  const functions = modules.flatMap((sf) => lowerFunctions(mod, sf, report));
  const inits = modules.map((sf) => {
    const init = FunctionLowering.main(mod, sf, mod.initSymbol(sf), report, sf === entry);
    functions.push(init);
    return init.name;
  });
  functions.push(...mod.nested);
  // Last, so that the back end leaves it out of the stack-trace table: no frame of Node's shows
  // the modules being run.
  functions.push(FunctionLowering.runner(mod, entry, RT.main, inits));
  return {
    module: { functions, data: mod.data, globals: mod.globalNames.length, globalNames: mod.globalNames },
    diagnostics: dedupe(diagnostics),
  };
}

/** Top-level variables become global slots before any function that uses them is lowered. */
function declareGlobals(
  mod: ModuleContext,
  entry: ts.SourceFile,
  report: (e: Unsupported) => void,
  imported: boolean,
): void {
  for (const s of entry.statements) {
    if (imported && ts.isExportAssignment(s) && !s.isExportEquals && !ts.isIdentifier(s.expression)) {
      // `export default <expression>`: its value lives in a slot of its own, named `default`.
      const sym = defaultExportSymbol(mod.checker, entry);
      if (sym) {
        try {
          mod.addGlobal(sym, clsOfType(mod.checker, mod.checker.getTypeAtLocation(s.expression), s, false));
        } catch (e) {
          if (!(e instanceof Unsupported)) throw e;
          report(e);
        }
      }
      continue;
    }
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

/** The symbol of `sf`'s default export (what `import d from` binds). */
export function defaultExportSymbol(checker: ts.TypeChecker, sf: ts.SourceFile): ts.Symbol | undefined {
  return checker.getSymbolAtLocation(sf)?.exports?.get('default' as ts.__String);
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
    .sort(
      (a, b) =>
        (a.file ?? '').localeCompare(b.file ?? '') ||
        (a.line ?? 0) - (b.line ?? 0) ||
        (a.col ?? 0) - (b.col ?? 0),
    );
}

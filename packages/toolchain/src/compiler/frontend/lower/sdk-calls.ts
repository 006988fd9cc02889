/**
 * Calls to `@toro/sdk` (../sdk.ts declares it): each compiled SDK function is `rt.sdk.<name>` in the
 * runtime (../../runtime/lib/sdk.ts), called with every argument boxed (missing optional ones as
 * `undefined`) and its boxed result checked into the call's type. The SDK's other functions and
 * classes are refused with TORO2009 naming them, wherever they are used.
 */
import ts from 'typescript';
import { VALUE } from '../../backend/abi.js';
import type { Operand } from '../../ir/types.js';
import { Unsupported, unsupported } from '../diagnostics.js';
import { SDK_COMPILED, SDK_FILE_NAME } from '../sdk.js';
import type { ExpressionLowering } from './expressions.js';
import { fromHeap } from './objects.js';

const UNDEFINED: Operand = { k: 'con', cls: 'v', bits: VALUE.UNDEFINED };

export const isSdkDeclaration = (decl: ts.Node): boolean => decl.getSourceFile().fileName === SDK_FILE_NAME;

export function sdkCall(
  L: ExpressionLowering,
  node: ts.CallExpression,
  decl: ts.FunctionDeclaration,
): Operand {
  const name = decl.name?.text ?? '';
  if (!SDK_COMPILED.has(name)) throw new Unsupported(node.expression, 'TORO2009', [name]);
  const args = node.arguments.map((a) => {
    if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
    return L.coerce(L.expr(a), 'v');
  });
  while (args.length < decl.parameters.length) args.push(UNDEFINED);
  const result = L.callRt(`rt.sdk.${name}`, 'v', args);
  const type = L.checker.getTypeAtLocation(node);
  if (type.flags & (ts.TypeFlags.Never | ts.TypeFlags.Void | ts.TypeFlags.Undefined)) return UNDEFINED;
  return L.clsOf(node) === 'v' ? result : fromHeap(L, result, node);
}

/** Every use of an SDK function or class that has no compiled backend yet: TORO2009, naming it. */
export function checkSdkUses(
  checker: ts.TypeChecker,
  sf: ts.SourceFile,
  report: (e: Unsupported) => void,
): void {
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && !ts.isImportSpecifier(n.parent) && !ts.isImportClause(n.parent)) {
      let sym = checker.getSymbolAtLocation(n);
      if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
      const decl = sym?.valueDeclaration;
      if (decl && (ts.isFunctionDeclaration(decl) || ts.isClassDeclaration(decl)) && isSdkDeclaration(decl)) {
        if (!SDK_COMPILED.has(n.text)) report(new Unsupported(n, 'TORO2009', [n.text]));
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}

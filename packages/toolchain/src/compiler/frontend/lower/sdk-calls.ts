/**
 * Calls to `@toro/sdk` (../sdk.ts declares it): each compiled SDK function is `rt.sdk.<name>` in the
 * runtime (../../runtime/lib/sdk.ts), called with every argument boxed (missing optional ones as
 * `undefined`) and its boxed result checked into the call's type. The SDK's other functions and
 * classes are refused with TORO2009 naming them, wherever they are used.
 */
import ts from 'typescript';
import { VALUE } from '../../backend/abi.js';
import { conD, type Operand } from '../../ir/types.js';
import { RT } from '../../runtime/symbols.js';
import { Unsupported, unsupported } from '../diagnostics.js';
import { LIB_FILE_NAME } from '../lib.js';
import { SDK_COMPILED, SDK_FILE_NAME } from '../sdk.js';
import { declarationOf } from './context.js';
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
  if (name === 'spawnOn') {
    checkSpawnOnTarget(L.checker, node);
    for (const a of node.arguments.slice(2)) checkCopyable(L.checker, a);
  }
  return finish(L, node, `rt.sdk.${name}`, [], decl);
}

/**
 * A value sent on a channel or passed to spawnOn is copied (./wire.ts rules): if its static type can
 * hold a function (a method-less interface cannot; a class with methods is copied by its fields), it
 * could not cross — TORO2012 at compile time, where `toro dev` would only fail when it happens.
 */
function checkCopyable(checker: ts.TypeChecker, e: ts.Expression): void {
  const path = functionIn(checker, checker.getTypeAtLocation(e), new Set(), 0);
  if (path !== undefined)
    throw new Unsupported(e, 'TORO2012', [
      e.getText(),
      path === '' ? 'it is a function' : `${path} is a function`,
    ]);
}

/** Where a function sits in values of type `t` ('' = `t` itself), or undefined. */
function functionIn(
  checker: ts.TypeChecker,
  t: ts.Type,
  seen: Set<ts.Type>,
  depth: number,
): string | undefined {
  if (seen.has(t) || depth > 6) return undefined;
  seen.add(t);
  if (t.isUnion() || t.isIntersection()) {
    for (const m of t.types) {
      const p = functionIn(checker, m, seen, depth);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  if (t.getCallSignatures().length > 0) return '';
  if (!(t.flags & ts.TypeFlags.Object)) return undefined;
  if (checker.isArrayType(t) || checker.isTupleType(t)) {
    for (const arg of checker.getTypeArguments(t as ts.TypeReference)) {
      const p = functionIn(checker, arg, seen, depth + 1);
      if (p !== undefined) return `[]${p === '' ? '' : `.${p}`}`;
    }
    return undefined;
  }
  const sym = t.getSymbol();
  const home = sym?.declarations?.[0]?.getSourceFile().fileName;
  if (home === SDK_FILE_NAME && sym?.name === 'Channel') return undefined; // the copy is the same channel
  if (home === LIB_FILE_NAME) {
    // Map, Set and their read-only views hold what their type arguments say; other lib objects are data.
    if (!['Map', 'Set', 'ReadonlyMap', 'ReadonlySet'].includes(sym?.name ?? '')) return undefined;
    for (const arg of checker.getTypeArguments(t as ts.TypeReference)) {
      const p = functionIn(checker, arg, seen, depth + 1);
      if (p !== undefined) return `an element${p === '' ? '' : `.${p}`}`;
    }
    return undefined;
  }
  const decl0 = sym?.valueDeclaration;
  const isClassInstance = decl0 !== undefined && ts.isClassDeclaration(decl0);
  for (const prop of checker.getPropertiesOfType(t)) {
    const decl = prop.valueDeclaration;
    // A class's methods stay behind (instances are copied by their fields).
    if (
      isClassInstance &&
      decl &&
      (ts.isMethodDeclaration(decl) || ts.isGetAccessor(decl) || ts.isSetAccessor(decl))
    )
      continue;
    const p = functionIn(checker, checker.getTypeOfSymbol(prop), seen, depth + 1);
    if (p !== undefined) return p === '' ? prop.name : `${prop.name}.${p}`;
  }
  return undefined;
}

/**
 * spawnOn's function runs in another CPU's isolate, which has its own copy of the module: it must be
 * a top-level `export function` (the SDK's rule under `toro dev` too), so no captured state crosses.
 */
function checkSpawnOnTarget(checker: ts.TypeChecker, node: ts.CallExpression): void {
  const f = node.arguments[1];
  if (!f) return;
  const decl = ts.isIdentifier(f) ? declarationOf(checker, f) : undefined;
  const ok =
    decl !== undefined &&
    ts.isFunctionDeclaration(decl) &&
    ts.isSourceFile(decl.parent) &&
    (ts.getModifiers(decl) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  if (!ok) throw new Unsupported(f, 'TORO2011', [f.getText()]);
}

/** The SDK interfaces whose objects the runtime makes (their methods are `rt.sdk.<Interface>_<m>`). */
const RUNTIME_INTERFACES = new Set(['Thread', 'Channel']);

/**
 * Whether `decl` is a method of an SDK interface the runtime implements. The sockets' interfaces
 * (Listener, Connection, UdpSocket) are implemented by TypeScript classes compiled with the service
 * (../sdk.ts SDK_SOCKETS_MODULE): their methods are called as any object's are.
 */
export function isRuntimeSdkMethod(decl: ts.Node): decl is ts.MethodSignature {
  return (
    ts.isMethodSignature(decl) &&
    isSdkDeclaration(decl) &&
    ts.isInterfaceDeclaration(decl.parent) &&
    RUNTIME_INTERFACES.has(decl.parent.name.text)
  );
}

/**
 * `x.m(...)` where `m` is a method of one of the SDK's interfaces (Thread, Channel): the runtime's
 * `rt.sdk.<Interface>_<m>(x, ...)`, which checks that `x` is one the runtime made.
 */
export function sdkMethodCall(
  L: ExpressionLowering,
  node: ts.CallExpression,
  callee: ts.PropertyAccessExpression,
  decl: ts.MethodSignature,
): Operand {
  const owner = ts.isInterfaceDeclaration(decl.parent) ? decl.parent.name.text : '';
  const name = `${owner}_${callee.name.text}`;
  if (!SDK_COMPILED.has(name))
    throw new Unsupported(callee.name, 'TORO2009', [`${owner}.${callee.name.text}`]);
  if (name === 'Channel_send' && node.arguments[0]) checkCopyable(L.checker, node.arguments[0]);
  return finish(L, node, `rt.sdk.${name}`, [L.coerce(L.expr(callee.expression), 'v')], decl);
}

/** Boxed arguments after `first` (a rest parameter's gathered into an array), the call, its result. */
function finish(
  L: ExpressionLowering,
  node: ts.CallExpression,
  symbol: string,
  first: Operand[],
  decl: ts.SignatureDeclaration,
): Operand {
  const rest = decl.parameters.findIndex((p) => p.dotDotDotToken);
  const args = [...first];
  let gathered: Operand | undefined;
  node.arguments.forEach((a, k) => {
    if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
    const v = L.coerce(L.expr(a), 'v');
    if (rest < 0 || k < rest) {
      args.push(v);
      return;
    }
    gathered ??= L.callRt(RT.arrayNew, 'v', [conD(0)]);
    L.callRt(RT.arrayPush, 'd', [gathered, v]);
  });
  const fixed = rest < 0 ? decl.parameters.length : rest;
  while (args.length < first.length + fixed) args.push(UNDEFINED);
  if (rest >= 0) args.push(gathered ?? L.callRt(RT.arrayNew, 'v', [conD(0)]));
  const result = L.callRt(symbol, 'v', args);
  const type = L.checker.getTypeAtLocation(node);
  if (type.flags & (ts.TypeFlags.Never | ts.TypeFlags.Void | ts.TypeFlags.Undefined)) return UNDEFINED;
  return L.clsOf(node) === 'v' ? result : fromHeap(L, result, node);
}

/**
 * For `for await` over one of the sockets' interfaces: the method each round calls (`accept` for a
 * Listener, `read` for a Connection), the loop ending when it gives undefined, as the SDK's async
 * iterators do under `toro dev`.
 */
export function sdkIterationMethod(checker: ts.TypeChecker, e: ts.Expression): string | undefined {
  const decl = checker.getTypeAtLocation(e).getSymbol()?.declarations?.[0];
  if (decl === undefined || !ts.isInterfaceDeclaration(decl) || !isSdkDeclaration(decl)) return undefined;
  if (decl.name.text === 'Listener') return 'accept';
  if (decl.name.text === 'Connection') return 'read';
  return undefined;
}

/** Whether `e`'s type is the SDK's Channel (for `for await`). */
export function isSdkChannel(checker: ts.TypeChecker, e: ts.Expression): boolean {
  const decl = checker.getTypeAtLocation(e).getSymbol()?.declarations?.[0];
  return (
    decl !== undefined &&
    ts.isInterfaceDeclaration(decl) &&
    decl.name.text === 'Channel' &&
    isSdkDeclaration(decl)
  );
}

/** Every use of an SDK function or class that has no compiled backend yet: TORO2009, naming it. */
export function checkSdkUses(
  checker: ts.TypeChecker,
  sf: ts.SourceFile,
  report: (e: Unsupported) => void,
): void {
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && !ts.isImportSpecifier(n.parent) && !ts.isImportClause(n.parent)) {
      const decl = declarationOf(checker, n);
      if (decl && (ts.isFunctionDeclaration(decl) || ts.isClassDeclaration(decl)) && isSdkDeclaration(decl)) {
        if (!SDK_COMPILED.has(n.text)) report(new Unsupported(n, 'TORO2009', [n.text]));
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}

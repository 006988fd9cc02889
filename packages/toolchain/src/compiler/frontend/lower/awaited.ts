/**
 * The rule that makes compiled async functions exact: they run to completion where they are called
 * (../../README.md "Async functions"), which is what JavaScript does too as long as nothing else can
 * run meanwhile — that is, as long as every promise is awaited the moment it is made. So:
 *   - a call whose result is a Promise must be awaited (`await f()`) or returned from an async
 *     function (`return f()`, or an async arrow's expression body);
 *   - a function that returns a Promise may be called, named by a const, be the module's default
 *     export (the SDK's `main`, which the runtime awaits) or be started as a thread (the SDK's spawn
 *     and spawnOn: the thread waits for it), but not be passed on or stored otherwise (a callback
 *     would be called without an await).
 * Anything else is refused with TORO2010 at the call or the reference, never run in another order.
 */
import ts from 'typescript';
import { Unsupported } from '../diagnostics.js';
import { SDK_FILE_NAME } from '../sdk.js';
import { declarationOf } from './context.js';

const isAsync = (n: ts.Node): boolean =>
  ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);

function isPromiseType(type: ts.Type): boolean {
  if (type.isUnion()) return type.types.some(isPromiseType);
  const name = type.getSymbol()?.getName();
  return name === 'Promise' || name === 'PromiseLike';
}

/** The node whose value `n` becomes, looking through parentheses. */
function consumer(n: ts.Node): ts.Node {
  let p = n.parent;
  while (ts.isParenthesizedExpression(p)) p = p.parent;
  return p;
}

function enclosingFunction(n: ts.Node): ts.SignatureDeclaration | undefined {
  for (let p = n.parent; p; p = p.parent) if (ts.isFunctionLike(p)) return p;
  return undefined;
}

function awaitedOrReturned(call: ts.Expression): boolean {
  const p = consumer(call);
  if (ts.isAwaitExpression(p)) return true;
  if (ts.isReturnStatement(p)) {
    const f = enclosingFunction(p);
    return f !== undefined && isAsync(f);
  }
  return ts.isArrowFunction(p) && p.body !== undefined && isAsync(p);
}

/** A function value whose call gives a Promise (an async function, or one typed to return a Promise). */
function returnsPromise(checker: ts.TypeChecker, n: ts.Node): boolean {
  const sigs = checker.getTypeAtLocation(n).getCallSignatures();
  return sigs.length > 0 && sigs.some((sig) => isPromiseType(sig.getReturnType()));
}

/**
 * An argument of the SDK's spawn or spawnOn: the new thread calls it and waits for it to finish (the
 * thread's own await), however long it takes.
 */
function isThreadStart(checker: ts.TypeChecker, p: ts.Node, n: ts.Node): boolean {
  if (!ts.isCallExpression(p) || !p.arguments.some((a) => a === n)) return false;
  const decl = declarationOf(checker, p.expression);
  return (
    decl !== undefined &&
    ts.isFunctionDeclaration(decl) &&
    decl.getSourceFile().fileName === SDK_FILE_NAME &&
    (decl.name?.text === 'spawn' || decl.name?.text === 'spawnOn')
  );
}

/** Part of a type annotation (a type's name is not a value). */
function inType(n: ts.Node): boolean {
  for (let p = n.parent; p && !ts.isStatement(p); p = p.parent) if (ts.isTypeNode(p)) return true;
  return false;
}

const isConst = (d: ts.VariableDeclaration): boolean =>
  ts.isVariableDeclarationList(d.parent) && (d.parent.flags & ts.NodeFlags.Const) !== 0;

export function checkPromisesAwaited(
  checker: ts.TypeChecker,
  sf: ts.SourceFile,
  report: (e: Unsupported) => void,
): void {
  const refuse = (n: ts.Node, what: string) => report(new Unsupported(n, 'TORO2010', [what]));
  const visit = (n: ts.Node): void => {
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && isPromiseType(checker.getTypeAtLocation(n))) {
      if (!awaitedOrReturned(n)) refuse(n, 'a promise that is not awaited at once');
    } else if (
      (ts.isArrowFunction(n) ||
        ts.isFunctionExpression(n) ||
        ts.isIdentifier(n) ||
        ts.isPropertyAccessExpression(n)) &&
      !inType(n) &&
      !ts.isImportSpecifier(n.parent) &&
      returnsPromise(checker, n)
    ) {
      const p = consumer(n);
      const fine =
        (ts.isCallExpression(p) && p.expression === n) ||
        (ts.isPropertyAccessExpression(n.parent) && n.parent.name === n) ||
        (ts.isVariableDeclaration(p) && p.initializer === n && isConst(p)) ||
        (ts.isExportAssignment(p) && !p.isExportEquals) ||
        ts.isFunctionLike(p) ||
        isThreadStart(checker, p, n) ||
        (ts.isVariableDeclaration(p) && p.name === n);
      if (!fine) refuse(n, 'an async function used as a value');
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}

/**
 * The rule that makes compiled async functions exact: they run to completion where they are called
 * (../../README.md "Async functions"), which is what JavaScript does too as long as nothing else can
 * run meanwhile — that is, as long as every promise is awaited the moment it is made. So:
 *   - a call whose result is a Promise must be awaited (`await f()`) or returned from an async
 *     function (`return f()`, or an async arrow's expression body);
 *   - a function that returns a Promise may be called, named by a const, be the module's default
 *     export (the SDK's `main`, which the runtime awaits), be started as a thread (the SDK's spawn
 *     and spawnOn: the thread waits for it), or go where the type it goes to is a function type
 *     declared to return a Promise (a parameter, property, variable or return type such as
 *     `(req: Request) => Response | Promise<Response>`): every call through that type gives a
 *     Promise, which the first rule makes the caller await. It may not go anywhere else (a callback
 *     typed `() => void` would be called without an await).
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

/**
 * Whether every call through `type` gives a Promise by its declaration: each of its function members'
 * signatures is declared in a type (a function type, a method or call signature, a declared function or
 * method), not inferred from the value that flows in, and declares a Promise among its results. A type
 * argument inferred from the async function itself has that function's own signature, so it does not
 * count.
 */
function callsGivePromises(checker: ts.TypeChecker, type: ts.Type, value: ts.Node): boolean {
  const members = type.isUnion() ? type.types : [type];
  const own = declarationOf(checker, value);
  let functions = 0;
  for (const m of members) {
    const sigs = m.getCallSignatures();
    if (sigs.length === 0) continue;
    functions++;
    for (const sig of sigs) {
      const d = sig.getDeclaration() as ts.SignatureDeclaration | undefined;
      if (d === undefined || d === value || d === own || ts.isArrowFunction(d) || ts.isFunctionExpression(d))
        return false;
      if (!isPromiseType(checker.getSignatureFromDeclaration(d)?.getReturnType() ?? sig.getReturnType()))
        return false;
    }
  }
  return functions > 0;
}

/** The type `n` goes to as declared: the callee's parameter (before inference) or the contextual type. */
function targetType(checker: ts.TypeChecker, n: ts.Node, p: ts.Node): ts.Type | undefined {
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression !== n) {
    const i = (p.arguments ?? []).findIndex(
      (a) => a === n || (ts.isParenthesizedExpression(a) && a.expression === n),
    );
    const decl = checker.getResolvedSignature(p)?.getDeclaration() as ts.SignatureDeclaration | undefined;
    const param = decl?.parameters[i];
    if (param === undefined || param.dotDotDotToken !== undefined) return undefined;
    return checker.getTypeAtLocation(param);
  }
  if (ts.isShorthandPropertyAssignment(n.parent)) {
    const object = checker.getContextualType(n.parent.parent);
    const prop = object?.getProperty(n.parent.name.text);
    return prop === undefined ? undefined : checker.getTypeOfSymbol(prop);
  }
  return ts.isExpression(n) ? checker.getContextualType(n) : undefined;
}

/** Whether the type `n` goes to says every call through it gives a Promise (so each is awaited). */
function goesWherePromisesAreAwaited(checker: ts.TypeChecker, n: ts.Node, p: ts.Node): boolean {
  const target = targetType(checker, n, p);
  return target !== undefined && callsGivePromises(checker, target, n);
}

/** The name a declaration gives (a parameter, property, type or variable), not a use of a value. */
const isDeclarationName = (n: ts.Node): boolean =>
  (ts.isDeclarationStatement(n.parent) ||
    ts.isParameter(n.parent) ||
    ts.isPropertyDeclaration(n.parent) ||
    ts.isPropertySignature(n.parent)) &&
  (n.parent as ts.NamedDeclaration).name === n;

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
      !ts.isExportSpecifier(n.parent) &&
      !isDeclarationName(n) &&
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
        (ts.isVariableDeclaration(p) && p.name === n) ||
        (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.left === n);
      if (!fine && !goesWherePromisesAreAwaited(checker, n, p))
        refuse(n, 'an async function used as a value');
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}

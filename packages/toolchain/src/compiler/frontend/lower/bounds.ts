/**
 * Bounds-check elimination where it is provable: in
 *
 *     for (let i = <integer ≥ 0>; i < a.length; i++) { …a[i]… }
 *
 * the loop's condition reads `a.length` (which checks that `a` is an array) before every iteration, `i`
 * starts as a non-negative integer and only grows by one, so `a[i]` is an integer index inside the array
 * — as long as nothing in the body can shrink `a` or change `i` or `a`. The body is therefore allowed no
 * call, `new`, `await`, nested function, `delete`, accessor property (a getter runs code), and no
 * assignment to `i` or `a`. Then `a[i]` reads and writes the array's store directly (./objects.ts),
 * with no runtime call; anything else keeps the checked runtime call.
 */
import ts from 'typescript';

export interface InBounds {
  array: ts.Symbol;
  index: ts.Symbol;
}

const K = ts.SyntaxKind;

export function provenInBounds(checker: ts.TypeChecker, s: ts.ForStatement): InBounds | undefined {
  const init = s.initializer;
  if (!init || !ts.isVariableDeclarationList(init) || !(init.flags & ts.NodeFlags.Let)) return undefined;
  if (init.declarations.length !== 1) return undefined;
  const d = init.declarations[0];
  if (!ts.isIdentifier(d.name) || !d.initializer || !ts.isNumericLiteral(d.initializer)) return undefined;
  const start = Number(d.initializer.text);
  if (!Number.isInteger(start) || start < 0) return undefined;
  const index = checker.getSymbolAtLocation(d.name);
  const cond = s.condition;
  if (!index || !cond || !ts.isBinaryExpression(cond) || cond.operatorToken.kind !== K.LessThanToken)
    return undefined;
  if (!isSymbol(checker, cond.left, index)) return undefined;
  const len = cond.right;
  if (!ts.isPropertyAccessExpression(len) || len.name.text !== 'length' || !ts.isIdentifier(len.expression))
    return undefined;
  if (!checker.isArrayType(checker.getTypeAtLocation(len.expression))) return undefined;
  const array = checker.getSymbolAtLocation(len.expression);
  if (!array || !isIncrement(checker, s.incrementor, index)) return undefined;
  return safeBody(checker, s.statement, index, array) ? { array, index } : undefined;
}

function isSymbol(checker: ts.TypeChecker, e: ts.Node, sym: ts.Symbol): boolean {
  return ts.isIdentifier(e) && checker.getSymbolAtLocation(e) === sym;
}

function isIncrement(checker: ts.TypeChecker, e: ts.Expression | undefined, index: ts.Symbol): boolean {
  if (!e) return false;
  if ((ts.isPostfixUnaryExpression(e) || ts.isPrefixUnaryExpression(e)) && e.operator === K.PlusPlusToken)
    return isSymbol(checker, e.operand, index);
  return (
    ts.isBinaryExpression(e) &&
    e.operatorToken.kind === K.PlusEqualsToken &&
    isSymbol(checker, e.left, index) &&
    ts.isNumericLiteral(e.right) &&
    e.right.text === '1'
  );
}

function safeBody(checker: ts.TypeChecker, body: ts.Node, index: ts.Symbol, array: ts.Symbol): boolean {
  let safe = true;
  const assigned = (target: ts.Expression) =>
    isSymbol(checker, target, index) || isSymbol(checker, target, array);
  const visit = (n: ts.Node): void => {
    if (!safe) return;
    if (
      ts.isCallExpression(n) ||
      ts.isNewExpression(n) ||
      ts.isTaggedTemplateExpression(n) ||
      ts.isAwaitExpression(n) ||
      ts.isYieldExpression(n) ||
      ts.isDeleteExpression(n) ||
      ts.isFunctionLike(n) ||
      ts.isClassLike(n)
    ) {
      safe = false;
      return;
    }
    if (
      ts.isBinaryExpression(n) &&
      n.operatorToken.kind >= K.FirstAssignment &&
      n.operatorToken.kind <= K.LastAssignment &&
      assigned(n.left)
    )
      safe = false;
    if (
      (ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) &&
      (n.operator === K.PlusPlusToken || n.operator === K.MinusMinusToken) &&
      assigned(n.operand)
    )
      safe = false;
    if (ts.isPropertyAccessExpression(n)) {
      const decl = checker.getSymbolAtLocation(n.name)?.valueDeclaration;
      if (decl && (ts.isGetAccessor(decl) || ts.isSetAccessor(decl))) safe = false;
    }
    ts.forEachChild(n, visit);
  };
  visit(body);
  return safe;
}

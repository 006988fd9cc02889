/**
 * What a stack trace shows of the program (../../README.md "Stack traces"): the source position V8
 * gives a call, `new`, or property read, and the name V8 gives a function's frame. The lowering
 * records the first on the IR instructions (./expressions.ts expr) and the second on each function
 * (./statements.ts); the back end turns both into the image's stack table (../../backend/stack-table.ts).
 */
import ts from 'typescript';

const K = ts.SyntaxKind;

export interface SourcePosition {
  line: number;
  col: number;
}

export function positionOf(source: ts.SourceFile, at: number): SourcePosition {
  const { line, character } = source.getLineAndCharacterOfPosition(at);
  return { line: line + 1, col: character + 1 };
}

/**
 * Where V8 reports an expression that can throw or call: a call at its callee's name (`o.m()` at
 * `m`, `f()` at `f`), `new C()` at `new`, a property read at the property's name; undefined for
 * every other expression (it keeps the position of the expression around it).
 */
export function v8Position(node: ts.Expression, source: ts.SourceFile): SourcePosition | undefined {
  if (ts.isCallExpression(node)) {
    let callee: ts.Expression = node.expression;
    while (ts.isParenthesizedExpression(callee) || ts.isNonNullExpression(callee)) callee = callee.expression;
    if (ts.isPropertyAccessExpression(callee)) return positionOf(source, callee.name.getStart(source));
    return positionOf(source, callee.getStart(source));
  }
  if (ts.isNewExpression(node)) return positionOf(source, node.getStart(source));
  if (ts.isPropertyAccessExpression(node)) return positionOf(source, node.name.getStart(source));
  if (ts.isElementAccessExpression(node)) return positionOf(source, node.argumentExpression.getStart(source));
  return undefined;
}

/**
 * V8's name for a function's frame: `f` for a declaration (or an arrow/function expression bound
 * to `const f`), `C.m` for a method (static ones too), `new C` for a constructor, `get x [as x]`
 * for an accessor, `Object.m` for an object literal's method; empty for anonymous functions (the
 * frame then shows only its position, as for the top level).
 */
export function frameName(decl: ts.FunctionLikeDeclaration, className: string | undefined): string {
  const own =
    decl.name && (ts.isIdentifier(decl.name) || ts.isStringLiteral(decl.name)) ? decl.name.text : '';
  switch (decl.kind) {
    case K.Constructor:
      return `new ${className ?? ''}`;
    case K.GetAccessor:
      return `get ${own} [as ${own}]`;
    case K.SetAccessor:
      return `set ${own} [as ${own}]`;
    case K.MethodDeclaration:
      if (className !== undefined) return `${className}.${own}`;
      return ts.isObjectLiteralExpression(decl.parent) ? `Object.${own}` : own;
    case K.FunctionDeclaration:
      return own;
    default: {
      if (own !== '') return own;
      // V8 names an anonymous function after the variable it initialises.
      const p = decl.parent;
      if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
      return '';
    }
  }
}

/** Where a function's frame stands before its first call: its first statement (or its body). */
export function functionStart(decl: ts.FunctionLikeDeclaration, source: ts.SourceFile): SourcePosition {
  const body = decl.body;
  if (body && ts.isBlock(body) && body.statements.length > 0)
    return positionOf(source, body.statements[0].getStart(source));
  return positionOf(source, (body ?? decl).getStart(source));
}

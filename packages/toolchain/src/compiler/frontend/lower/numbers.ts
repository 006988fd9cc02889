/**
 * Number built-ins: `Number(x)`, `Number.isInteger/isSafeInteger/isNaN/isFinite/parseInt/parseFloat`,
 * the global `parseInt parseFloat isNaN isFinite`, and the methods `x.toFixed(f)` and
 * `x.toString(radix)`: calls into ../../runtime/lib/numconv.ts.
 */
import ts from 'typescript';
import { VALUE } from '../../backend/abi.js';
import { conD, type Operand } from '../../ir/types.js';
import { RT } from '../../runtime/symbols.js';
import { unsupported } from '../diagnostics.js';
import type { ExpressionLowering } from './expressions.js';

type Lowering = ExpressionLowering;

const UNDEFINED: Operand = { k: 'con', cls: 'v', bits: VALUE.UNDEFINED };

function plain(node: ts.CallExpression): ts.Expression[] {
  return node.arguments.map((a) => {
    if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
    return a;
  });
}

const boxed = (L: Lowering, a: ts.Expression | undefined): Operand =>
  a ? L.coerce(L.expr(a), 'v') : UNDEFINED;

/** A call of a global or a `Number.` function; undefined when `name` is not one of them. */
export function numberFunction(L: Lowering, node: ts.CallExpression, name: string): Operand | undefined {
  const args = plain(node);
  const rt = (fn: string, cls: 'd' | 'w', values: Operand[]) => L.callRt(`rt.numconv.${fn}`, cls, values);
  switch (name) {
    case 'Number': {
      const a = args[0];
      if (!a) return conD(0);
      const v = L.expr(a);
      if (L.b.cls(v) === 'd') return v;
      return rt('toNumber', 'd', [L.coerce(v, 'v')]);
    }
    case 'parseInt': {
      const s = L.coerce(L.expr(args[0]), 'v');
      return rt('parseIntString', 'd', [s, boxed(L, args[1])]);
    }
    case 'parseFloat':
      return rt('parseFloatString', 'd', [L.coerce(L.expr(args[0]), 'v')]);
    case 'isInteger':
      return rt('isInteger', 'w', [boxed(L, args[0])]);
    case 'isSafeInteger':
      return rt('isSafeInteger', 'w', [boxed(L, args[0])]);
    case 'Number.isNaN':
    case 'isNaN':
      return rt('isNaNValue', 'w', [boxed(L, args[0])]);
    case 'Number.isFinite':
    case 'isFinite':
      return rt('isFiniteValue', 'w', [boxed(L, args[0])]);
  }
  return undefined;
}

/** `x.toFixed(f)`, `x.toString(radix)` on a number. */
export function numberMethod(
  L: Lowering,
  node: ts.CallExpression,
  callee: ts.PropertyAccessExpression,
): Operand {
  const x = L.number(callee.expression);
  const args = plain(node);
  const name = callee.name.text;
  if (name === 'toFixed') return L.callRt(RT.numconvToFixed, 'v', [x, boxed(L, args[0])]);
  if (name === 'toString') return L.callRt(RT.numconvToStringRadix, 'v', [x, boxed(L, args[0])]);
  throw unsupported(callee.name, `the number method '${name}'`);
}

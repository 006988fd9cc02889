/**
 * TypeScript types → IR value classes (../../ir/types.ts Cls):
 *   number (and number literals, unions of them)   d
 *   boolean (and true/false)                       w
 *   string, null, undefined, void, and any union   v  (boxed)
 *   arrays, objects, interfaces, functions         v  (references, ../../backend/abi.ts HEAP)
 *   unknown, never                                 v
 *   a type parameter (also `this`, `T[K]`)          the class of its constraint (unknown: v)
 * Anything else is refused with a diagnostic.
 *
 * Generic code is compiled once for every instantiation (no monomorphisation): a value whose type is
 * a type parameter is treated as its constraint, which is what every instantiation has in common.
 * Since the program's functions take and return every value boxed, a caller that knows `T = number`
 * unboxes what a generic function returns, with the representation check of any boxed read.
 */
import ts from 'typescript';
import type { Cls } from '../../ir/types.js';
import { Unsupported } from '../diagnostics.js';

const F = ts.TypeFlags;

const GENERIC = F.TypeParameter | F.IndexedAccess | F.Substitution | F.Conditional;

/** `t` with type parameters (at the top) replaced by their base constraint; unconstrained → unknown. */
export function concrete(checker: ts.TypeChecker, t: ts.Type): ts.Type {
  let cur = t;
  for (let k = 0; k < 16 && cur.flags & GENERIC; k++)
    cur = checker.getBaseConstraintOfType(cur) ?? checker.getUnknownType();
  return cur.flags & GENERIC ? checker.getUnknownType() : cur;
}

export function clsOfType(checker: ts.TypeChecker, type: ts.Type, node: ts.Node, _runtime = false): Cls {
  const t = concrete(checker, type);
  if (t.flags & F.Any) throw new Unsupported(node, 'TORO2003', []);
  if (t.flags & F.NumberLike) return 'd';
  if (t.flags & F.BooleanLike) return 'w';
  if (t.flags & (F.StringLike | F.Null | F.Undefined | F.Void)) return 'v';
  // `never` has no values (the code holding one does not run, as after an exhaustive switch).
  if (t.flags & (F.Unknown | F.Never)) return 'v';
  if (t.isUnion()) {
    const classes = t.types.map((m) => clsOfType(checker, m, node));
    if (classes.every((c) => c === 'w')) return 'w';
    if (classes.every((c) => c === 'd')) return 'd';
    return 'v';
  }
  if (t.isIntersection()) {
    // A value of `A & B` is one of A and one of B: a branded number (`number & { tag: 1 }`) is a
    // number, `T & {}` (T narrowed by a test) is whatever T is, objects stay objects.
    const classes = t.types.map((m) => clsOfType(checker, m, node));
    if (classes.includes('d')) return 'd';
    if (classes.includes('w')) return 'w';
    return 'v';
  }
  if (isObject(t)) return 'v';
  throw new Unsupported(node, 'TORO2002', [checker.typeToString(t)]);
}

/** Arrays, object types, interfaces, function types: always references. Type parameters are not. */
function isObject(t: ts.Type): boolean {
  return (t.flags & (F.Object | F.NonPrimitive)) !== 0;
}

export function isArrayType(checker: ts.TypeChecker, t: ts.Type): boolean {
  return checker.isArrayType(concrete(checker, t));
}

export function isStringType(checker: ts.TypeChecker, type: ts.Type): boolean {
  const t = concrete(checker, type);
  if (t.isUnion()) return t.types.every((m) => (concrete(checker, m).flags & F.StringLike) !== 0);
  return (t.flags & F.StringLike) !== 0;
}

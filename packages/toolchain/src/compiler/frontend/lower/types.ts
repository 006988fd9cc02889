/**
 * TypeScript types → IR value classes (../../ir/types.ts Cls):
 *   number (and number literals, unions of them)   d
 *   boolean (and true/false)                       w
 *   string, null, undefined, void, and any union   v  (boxed)
 *   arrays, objects, interfaces, functions         v  (references, ../../backend/abi.ts HEAP)
 *   unknown                                        v
 * Anything else is refused with a diagnostic.
 */
import ts from 'typescript';
import type { Cls } from '../../ir/types.js';
import { Unsupported } from '../diagnostics.js';

const F = ts.TypeFlags;

function isPrimitive(t: ts.Type): boolean {
  return (t.flags & (F.NumberLike | F.BooleanLike | F.StringLike | F.Null | F.Undefined | F.Void)) !== 0;
}

export function clsOfType(checker: ts.TypeChecker, t: ts.Type, node: ts.Node, _runtime = false): Cls {
  if (t.flags & F.Any) throw new Unsupported(node, 'TORO2003', []);
  if (t.flags & F.NumberLike) return 'd';
  if (t.flags & F.BooleanLike) return 'w';
  if (t.flags & (F.StringLike | F.Null | F.Undefined | F.Void)) return 'v';
  if (t.flags & F.Unknown) return 'v';
  if (t.isUnion()) {
    if (t.types.every((m) => m.flags & F.BooleanLike)) return 'w';
    if (t.types.every((m) => m.flags & F.NumberLike)) return 'd';
    if (t.types.every((m) => isPrimitive(m) || isObject(m))) return 'v';
  }
  if (isObject(t)) return 'v';
  throw new Unsupported(node, 'TORO2002', [checker.typeToString(t)]);
}

/** Arrays, object types, interfaces, function types: always references. Type parameters are not. */
function isObject(t: ts.Type): boolean {
  return (t.flags & (F.Object | F.NonPrimitive)) !== 0;
}

export function isArrayType(checker: ts.TypeChecker, t: ts.Type): boolean {
  return checker.isArrayType(t);
}

export function isStringType(t: ts.Type): boolean {
  if (t.isUnion()) return t.types.every((m) => (m.flags & F.StringLike) !== 0);
  return (t.flags & F.StringLike) !== 0;
}

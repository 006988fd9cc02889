/**
 * Enums → IR. Every member's value is a compile-time constant (the checker computes it, also for
 * initialisers that use other members), so `E.A` and `E['A']` are folded to their number or string
 * wherever they appear, and a `const enum` leaves nothing behind.
 *
 * A regular top-level enum is also an object in its global slot, built where the declaration
 * stands, because it can be used as a value: printed, passed, or indexed by a number for the reverse
 * mapping (`E[E.A]` is 'A'). Its keys are laid out as JavaScript orders the object TypeScript's
 * output builds: array-index keys (the reverse mappings of non-negative integers) first in
 * ascending order, then the other keys in creation order (each member's name, then its reverse key
 * when that is not an index). The object is never written (TypeScript makes enums read-only), so
 * this order holds for its whole life.
 */
import ts from 'typescript';
import { conD, conL, type Operand } from '../../ir/types.js';
import { RT } from '../../runtime/symbols.js';
import { unsupported } from '../diagnostics.js';
import type { ExpressionLowering } from './expressions.js';

export const isConstEnum = (decl: ts.EnumDeclaration): boolean =>
  (ts.getModifiers(decl) ?? []).some((m) => m.kind === ts.SyntaxKind.ConstKeyword);

/** The folded value of `E.A` / `E['A']` when `node` names an enum member, else undefined. */
export function enumConstant(L: ExpressionLowering, node: ts.Expression): Operand | undefined {
  if (!ts.isPropertyAccessExpression(node) && !ts.isElementAccessExpression(node)) return undefined;
  const v = L.checker.getConstantValue(node);
  if (v === undefined) return undefined;
  return typeof v === 'number' ? conD(v) : L.string(v, node);
}

/** Whether `node` is an enum object (`typeof E`), for `E[n]` and `E[key]`. */
export function isEnumObject(L: ExpressionLowering, node: ts.Expression): boolean {
  const sym = L.checker.getTypeAtLocation(node).getSymbol();
  return (
    sym !== undefined && (sym.flags & ts.SymbolFlags.Enum) !== 0 && (sym.flags & ts.SymbolFlags.Type) !== 0
  );
}

const isIndex = (v: number) => Number.isInteger(v) && v >= 0 && v < 2 ** 32 - 1;

/** The enum declaration statement (top level): builds the enum object in its global slot. */
export function lowerEnum(L: ExpressionLowering, decl: ts.EnumDeclaration): void {
  if ((ts.getModifiers(decl) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword))
    throw unsupported(decl, 'declared enums');
  const indexKeys = new Map<number, string>();
  const others = new Map<string, number | string>();
  for (const m of decl.members) {
    const v = L.checker.getConstantValue(m);
    if (v === undefined) throw unsupported(m, 'enum members whose value is not a constant');
    if (ts.isComputedPropertyName(m.name)) throw unsupported(m.name, 'computed enum member names');
    const name = m.name.text;
    others.set(name, v);
    if (typeof v !== 'number') continue;
    // The reverse mapping: a later member with the same value overwrites the name.
    if (isIndex(v)) indexKeys.set(v, name);
    else others.set(String(v), name);
  }
  if (isConstEnum(decl)) return;
  const sym = L.checker.getSymbolAtLocation(decl.name);
  if ((sym?.declarations ?? []).filter(ts.isEnumDeclaration).length > 1)
    throw unsupported(decl, 'enums declared in several parts');
  const storage = sym && L.mod.globals.get(sym);
  if (!storage) throw unsupported(decl, 'enums declared inside functions');
  const entries: [string, number | string][] = [
    ...[...indexKeys.entries()].sort((a, b) => a[0] - b[0]).map(([k, n]): [string, string] => [String(k), n]),
    ...others.entries(),
  ];
  const o = L.callRt(RT.objectNew, 'v', [conD(entries.length)]);
  const keys = L.b.emit('ldw', 'v', o, conL(1n));
  const values = L.b.emit('ldw', 'v', o, conL(2n));
  entries.forEach(([k, v], i) => {
    L.b.effect('stw', keys, conL(BigInt(i)), L.string(k, decl));
    const value = typeof v === 'number' ? L.coerce(conD(v), 'v') : L.string(v, decl);
    L.b.effect('stw', values, conL(BigInt(i)), value);
  });
  L.write(storage, o);
}

/** `E[n]` (the reverse mapping: the member name of a number) and `E[key]` with a string key. */
export function enumElement(L: ExpressionLowering, node: ts.ElementAccessExpression): Operand {
  const obj = L.coerce(L.expr(node.expression), 'v');
  const index = node.argumentExpression;
  const key = L.isString(index)
    ? L.coerce(L.expr(index), 'v')
    : L.callRt(RT.numberToString, 'v', [L.number(index)]);
  return L.callRt(RT.objectGet, 'v', [obj, key]);
}

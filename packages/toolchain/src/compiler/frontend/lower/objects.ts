/**
 * Arrays and objects → IR: literals, element and property access (as references that can be read
 * and written, for `=`, compound assignment and `++`), and the array methods. The work happens in
 * the runtime (../../runtime/lib/array.ts, object.ts), which checks every object's kind, so a value
 * that is not what its static type claims gets JavaScript's TypeError or a run-time refusal, never a
 * wrong memory access. A number, boolean or string read back from the heap is checked likewise
 * (`fromHeap`): an out-of-bounds read typed `number` stops with a TypeError instead of printing a
 * NaN-boxed `undefined` as a number.
 */
import ts from 'typescript';
import { VALUE } from '../../backend/abi.js';
import { type Cls, conD, conL, type Operand } from '../../ir/types.js';
import { RT } from '../../runtime/symbols.js';
import { unsupported } from '../diagnostics.js';
import { makeClosure } from './closures.js';
import { enumConstant, enumElement, isEnumObject } from './enums.js';
import type { ExpressionLowering } from './expressions.js';
import { binaryKind, binaryProperty, typedElement } from './typed-arrays.js';
import { concrete, isArrayType, isStringType } from './types.js';

type Lowering = ExpressionLowering;

const UNDEFINED: Operand = { k: 'con', cls: 'v', bits: VALUE.UNDEFINED };

/** Something that can be read and assigned: a variable, `o.name` or `a[i]`. */
export interface Reference {
  read(): Operand;
  /** The boxed value without the check of `fromHeap` (for `===`). */
  readRaw?(): Operand;
  write(value: Operand): void;
}

/** Whether `node` is an array (null and undefined set aside: `a?.[i]` on `T[] | undefined`). */
export const isArray = (L: Lowering, node: ts.Node): boolean => {
  const t = concrete(L.checker, L.checker.getNonNullableType(L.typeOf(node)));
  return isArrayType(L.checker, t) || L.checker.isTupleType(t);
};

/**
 * Map, Set (ReadonlyMap and ReadonlySet are their read-only types: the checker keeps the writes
 * out), or an iterator of our lib (keys()/values()/entries(), taken as snapshot arrays).
 */
export function collectionKind(L: Lowering, node: ts.Node): 'Map' | 'Set' | 'Iterator' | undefined {
  const sym = concrete(L.checker, L.checker.getNonNullableType(L.typeOf(node))).getSymbol();
  if (!sym || !L.fromLib(sym)) return undefined;
  if (sym.name === 'Map' || sym.name === 'ReadonlyMap') return 'Map';
  if (sym.name === 'Set' || sym.name === 'ReadonlySet') return 'Set';
  if (sym.name === 'IterableIterator') return 'Iterator';
  return undefined;
}

/** An array to walk for `for...of` and spread: the array itself, or a collection's snapshot. */
export function iterable(L: Lowering, node: ts.Expression): Operand {
  if (isArray(L, node)) return L.coerce(L.expr(node), 'v');
  // A typed array is walked live by rt.array.length/get, which take typed arrays too.
  if (binaryKind(L, node)?.what === 'typed') return L.coerce(L.expr(node), 'v');
  if (collectionKind(L, node)) return L.callRt(RT.iterate, 'v', [L.coerce(L.expr(node), 'v')]);
  throw unsupported(node, 'iterating over this type');
}

/** `m.get(k)`, `s.add(v)`, ... on a Map or Set. */
export function collectionMethod(
  L: Lowering,
  node: ts.CallExpression,
  callee: ts.PropertyAccessExpression,
  kind: 'Map' | 'Set',
): Operand {
  const self = L.coerce(L.expr(callee.expression), 'v');
  const args = node.arguments.map((a) => {
    if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
    return L.coerce(L.expr(a), 'v');
  });
  const arg = (k: number) => args[k] ?? UNDEFINED;
  const name = callee.name.text;
  switch (name) {
    case 'get':
      if (kind === 'Map') return fromHeap(L, L.callRt(RT.mapGet, 'v', [self, arg(0)]), node);
      break;
    case 'set':
      if (kind === 'Map') return L.callRt(RT.mapSet, 'v', [self, arg(0), arg(1)]);
      break;
    case 'add':
      if (kind === 'Set') return L.callRt(RT.setAdd, 'v', [self, arg(0)]);
      break;
    case 'has':
      return L.callRt(RT.collectionHas, 'w', [self, arg(0)]);
    case 'delete':
      return L.callRt(RT.collectionDelete, 'w', [self, arg(0)]);
    case 'clear':
      L.b.call(RT.collectionClear, undefined, [self]);
      return UNDEFINED;
    case 'forEach':
      L.b.call(RT.collectionForEach, undefined, [self, arg(0)]);
      return UNDEFINED;
    case 'keys':
    case 'values':
    case 'entries': {
      const which = name === 'keys' ? 0 : name === 'values' ? 1 : 2;
      return L.callRt(RT.collectionSnapshot, 'v', [self, conD(which)]);
    }
  }
  throw unsupported(callee.name, `the ${kind} method '${name}'`);
}
const isStringish = (L: Lowering, node: ts.Node): boolean =>
  isStringType(L.checker, L.checker.getNonNullableType(L.typeOf(node)));

/** A value of class v read from the heap, converted to `node`'s class with a representation check. */
export function fromHeap(L: Lowering, op: Operand, node: ts.Node): Operand {
  const cls: Cls = L.clsOf(node);
  if (cls === 'd') {
    // Any bits that are not a NaN are a number: only NaN patterns need the runtime's tag test.
    const b = L.b;
    const t = b.temp('d');
    b.assign(t, 'copy', L.coerce(op, 'd'));
    const slow = b.newBlock('checknan');
    const done = b.newBlock('checked');
    b.jnz(b.emit('ceqd', 'w', { k: 'tmp', id: t }, { k: 'tmp', id: t }), done, slow);
    b.place(slow);
    b.assign(t, 'copy', L.callRt(RT.expectNumber, 'd', [op]));
    b.jmp(done);
    b.place(done);
    return { k: 'tmp', id: t };
  }
  if (cls === 'w') return L.callRt(RT.expectBoolean, 'w', [op]);
  if (isStringType(L.checker, L.typeOf(node))) return L.callRt(RT.expectString, 'v', [op]);
  return op;
}

/** A property name as an interned key; names that look like array indices are refused. */
function key(L: Lowering, name: ts.PropertyName): Operand {
  let text: string;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) text = name.text;
  else if (ts.isStringLiteral(name)) text = name.text;
  else throw unsupported(name, 'computed and numeric property names');
  if (/^(0|[1-9][0-9]*)$/.test(text)) throw unsupported(name, 'numeric property names');
  return L.string(text, name);
}

export function arrayLiteral(L: Lowering, node: ts.ArrayLiteralExpression): Operand {
  if (node.elements.some(ts.isSpreadElement)) return spreadArray(L, node.elements);
  const values: (Operand | undefined)[] = node.elements.map((e) => {
    if (ts.isSpreadElement(e)) throw unsupported(e, 'spread');
    if (ts.isOmittedExpression(e)) return undefined;
    return L.coerce(L.expr(e), 'v');
  });
  const a = L.callRt(RT.arrayNew, 'v', [conD(values.length)]);
  const store = L.b.emit('ldw', 'v', a, conL(1n));
  values.forEach((v, k) => {
    if (v) L.b.effect('stw', store, conL(BigInt(k)), v);
  });
  return a;
}

/**
 * An array built from elements and `...spread`s of arrays, in order (array literals with spread, and
 * the arguments a rest parameter collects).
 */
export function spreadArray(L: Lowering, elements: readonly ts.Expression[]): Operand {
  const a = L.callRt(RT.arrayNew, 'v', [conD(0)]);
  for (const e of elements) {
    if (ts.isOmittedExpression(e)) throw unsupported(e, 'holes next to spread');
    if (ts.isSpreadElement(e)) {
      L.b.call(RT.arrayAppendAll, undefined, [a, iterable(L, e.expression)]);
    } else L.callRt(RT.arrayPush, 'd', [a, L.coerce(L.expr(e), 'v')]);
  }
  return a;
}

export function objectLiteral(L: Lowering, node: ts.ObjectLiteralExpression): Operand {
  if (node.properties.some(ts.isSpreadAssignment)) return spreadObject(L, node);
  const entries: { key: Operand; value: Operand }[] = [];
  for (const p of node.properties) {
    if (ts.isPropertyAssignment(p)) {
      entries.push({ key: key(L, p.name), value: L.coerce(L.expr(p.initializer), 'v') });
    } else if (ts.isShorthandPropertyAssignment(p)) {
      const sym = L.checker.getShorthandAssignmentValueSymbol(p);
      const storage = sym && (L.locals.get(sym) ?? L.mod.globals.get(sym));
      if (!storage) throw unsupported(p, 'this shorthand property');
      entries.push({ key: key(L, p.name), value: L.coerce(L.read(storage), 'v') });
    } else if (ts.isMethodDeclaration(p) && !p.asteriskToken && p.body) {
      // A method is a function-valued property; calls pass the object as `this`.
      const k = key(L, p.name);
      const name = ts.isIdentifier(p.name) ? p.name.text : '';
      entries.push({ key: k, value: makeClosure(L, L.lowerNested(p), L.childEnv(), name, p) });
    } else throw unsupported(p, 'accessors in object literals');
  }
  const o = L.callRt(RT.objectNew, 'v', [conD(entries.length)]);
  const keys = L.b.emit('ldw', 'v', o, conL(1n));
  const vals = L.b.emit('ldw', 'v', o, conL(2n));
  entries.forEach((e, k) => {
    L.b.effect('stw', keys, conL(BigInt(k)), e.key);
    L.b.effect('stw', vals, conL(BigInt(k)), e.value);
  });
  return o;
}

/**
 * An object literal with `...spread`s: built property by property in source order, so a later
 * property overwrites an earlier one's value and keeps its place (rt.object.spread copies the own
 * properties of each spread value).
 */
function spreadObject(L: Lowering, node: ts.ObjectLiteralExpression): Operand {
  const o = L.callRt(RT.objectNew, 'v', [conD(0)]);
  for (const p of node.properties) {
    if (ts.isSpreadAssignment(p)) {
      L.b.call(RT.objectSpread, undefined, [o, L.coerce(L.expr(p.expression), 'v')]);
      continue;
    }
    let value: Operand;
    if (ts.isPropertyAssignment(p)) value = L.coerce(L.expr(p.initializer), 'v');
    else if (ts.isShorthandPropertyAssignment(p)) {
      const sym = L.checker.getShorthandAssignmentValueSymbol(p);
      const storage = sym && (L.locals.get(sym) ?? L.mod.globals.get(sym));
      if (!storage) throw unsupported(p, 'this shorthand property');
      value = L.coerce(L.read(storage), 'v');
    } else if (ts.isMethodDeclaration(p) && !p.asteriskToken && p.body) {
      const name = ts.isIdentifier(p.name) ? p.name.text : '';
      value = makeClosure(L, L.lowerNested(p), L.childEnv(), name, p);
    } else throw unsupported(p, 'accessors in object literals');
    L.b.call(RT.objectDefine, undefined, [o, key(L, p.name), value]);
  }
  return o;
}

/** `o.name` / `a.length` / `a[i]` / `s[i]` as a reference; the object (and index) evaluated once. */
export function memberReference(
  L: Lowering,
  node: ts.PropertyAccessExpression | ts.ElementAccessExpression,
): Reference {
  const target = node.expression;
  const folded = enumConstant(L, node);
  if (folded) {
    return {
      read: () => folded,
      readRaw: () => folded,
      write: () => {
        throw unsupported(node, 'assigning to an enum member');
      },
    };
  }
  if (ts.isElementAccessExpression(node) && isEnumObject(L, target)) {
    const value = () => enumElement(L, node);
    return {
      read: () => fromHeap(L, value(), node),
      readRaw: value,
      write: () => {
        throw unsupported(node, 'assigning to an enum member');
      },
    };
  }
  const guard = (v: Operand) => {
    if (node.questionDotToken) L.guardNullish(v, node);
    return v;
  };
  const binary = binaryKind(L, target);
  if (binary && ts.isPropertyAccessExpression(node)) return binaryProperty(L, node, binary);
  if (binary?.what === 'typed' && ts.isElementAccessExpression(node))
    return typedElement(L, node, binary.kind);
  if (ts.isPropertyAccessExpression(node)) {
    const name = node.name.text;
    const kind = collectionKind(L, target);
    if (kind === 'Map' || kind === 'Set') {
      if (name !== 'size') throw unsupported(node, `'${name}' as a value`);
      const obj = guard(L.coerce(L.expr(target), 'v'));
      return {
        read: () => L.callRt(RT.collectionSize, 'd', [obj]),
        write: () => {
          throw unsupported(node, "assigning a collection's size");
        },
      };
    }
    if (isArray(L, target) || isStringish(L, target)) {
      if (name !== 'length') throw unsupported(node, `'${name}' as a value`);
      const obj = guard(L.coerce(L.expr(target), 'v'));
      const rt = isArray(L, target) ? RT.arrayLength : RT.stringLength;
      return {
        read: () =>
          rt === RT.arrayLength ? L.callRt(rt, 'd', [obj]) : L.b.emit('ltod', 'd', L.callRt(rt, 'l', [obj])),
        write: () => {
          throw unsupported(node, "assigning an array's length");
        },
      };
    }
    if (L.checker.getTypeAtLocation(target).getCallSignatures().length > 0)
      throw unsupported(node, 'properties of functions');
    if (target.kind === ts.SyntaxKind.SuperKeyword) {
      const self = L.thisOperand(target);
      const value = () => L.callRt(RT.superGet, 'v', [L.parentClass(target), key(L, node.name), self]);
      return {
        read: () => fromHeap(L, value(), node),
        readRaw: value,
        write: () => {
          throw unsupported(node, "assigning to a 'super' property");
        },
      };
    }
    const obj = guard(L.coerce(L.expr(target), 'v'));
    const k = key(L, node.name);
    return {
      read: () => fromHeap(L, L.callRt(RT.objectGet, 'v', [obj, k]), node),
      readRaw: () => L.callRt(RT.objectGet, 'v', [obj, k]),
      write: (v) => {
        L.b.call(RT.objectSet, undefined, [obj, k, L.coerce(v, 'v')]);
      },
    };
  }
  const index = node.argumentExpression;
  if (isStringish(L, target)) {
    const s = guard(L.coerce(L.expr(target), 'v'));
    const i = L.number(index);
    return {
      read: () => fromHeap(L, L.callRt(RT.charAt, 'v', [s, i]), node),
      readRaw: () => L.callRt(RT.charAt, 'v', [s, i]),
      write: () => {
        throw unsupported(node, 'assigning to a character of a string');
      },
    };
  }
  if (!isArray(L, target) && L.isString(index)) {
    // `o[key]` with a string key (index signatures, Record): a property lookup by name.
    const o = guard(L.coerce(L.expr(target), 'v'));
    const k = L.coerce(L.expr(index), 'v');
    return {
      read: () => fromHeap(L, L.callRt(RT.objectGet, 'v', [o, k]), node),
      readRaw: () => L.callRt(RT.objectGet, 'v', [o, k]),
      write: (v) => {
        L.b.call(RT.objectSetKey, undefined, [o, k, L.coerce(v, 'v')]);
      },
    };
  }
  if (!isArray(L, target)) throw unsupported(node, 'element access on a value that is not an array');
  if (L.clsOf(index) !== 'd') throw unsupported(index, 'array keys that are not numbers');
  const a = guard(L.coerce(L.expr(target), 'v'));
  const i = L.expr(index);
  if (provenIndex(L, target, index)) {
    // ./bounds.ts proved `i` an integer index inside the array: its store's word, directly.
    const at = () => ({
      store: L.b.emit('ldw', 'v', a, conL(1n)),
      slot: L.b.emit('dtol', 'l', L.coerce(i, 'd')),
    });
    const element = () => {
      const { store, slot } = at();
      const t = L.b.temp('v', 'elem');
      L.b.assign(t, 'ldw', store, slot);
      const hole = L.b.newBlock('hole');
      const done = L.b.newBlock('element');
      L.b.jnz(
        L.b.emit('ceql', 'w', { k: 'tmp', id: t }, { k: 'con', cls: 'v', bits: VALUE.HOLE }),
        hole,
        done,
      );
      L.b.place(hole);
      L.b.assign(t, 'copy', { k: 'con', cls: 'v', bits: VALUE.UNDEFINED });
      L.b.jmp(done);
      L.b.place(done);
      return { k: 'tmp', id: t } as Operand;
    };
    return {
      read: () => fromHeap(L, element(), node),
      readRaw: element,
      write: (v) => {
        const value = L.coerce(v, 'v');
        const { store, slot } = at();
        L.b.effect('stw', store, slot, value);
      },
    };
  }
  return {
    read: () => fromHeap(L, L.callRt(RT.arrayGet, 'v', [a, i]), node),
    readRaw: () => L.callRt(RT.arrayGet, 'v', [a, i]),
    write: (v) => {
      L.b.call(RT.arraySet, undefined, [a, i, L.coerce(v, 'v')]);
    },
  };
}

/** `a.method(...)` on an array. */
export function arrayMethod(
  L: Lowering,
  node: ts.CallExpression,
  callee: ts.PropertyAccessExpression,
): Operand {
  const name = callee.name.text;
  const a = L.coerce(L.expr(callee.expression), 'v');
  if (callee.questionDotToken) L.guardNullish(a, callee);
  if (name === 'concat') return L.callRt(RT.arrayConcatArrays, 'v', [a, spreadArray(L, node.arguments)]);
  if (name === 'push' && node.arguments.some(ts.isSpreadElement)) {
    // `a.push(...xs)`: the arguments are collected first (they may spread `a` itself).
    L.b.call(RT.arrayAppendAll, undefined, [a, spreadArray(L, node.arguments)]);
    return L.callRt(RT.arrayLength, 'd', [a]);
  }
  const args = node.arguments.map((x) => {
    if (ts.isSpreadElement(x)) throw unsupported(x, 'spread');
    return x;
  });
  const value = (k: number) => (args[k] ? L.coerce(L.expr(args[k]), 'v') : UNDEFINED);
  switch (name) {
    case 'push':
    case 'unshift': {
      const vs = args.map((_, k) => value(k));
      if (vs.length === 0) return L.callRt(RT.arrayLength, 'd', [a]);
      const order = name === 'push' ? vs : [...vs].reverse();
      let n: Operand = conD(0);
      for (const v of order) n = L.callRt(name === 'push' ? RT.arrayPush : RT.arrayUnshift, 'd', [a, v]);
      return n;
    }
    case 'pop':
      return fromHeap(L, L.callRt(RT.arrayPop, 'v', [a]), node);
    case 'shift':
      return fromHeap(L, L.callRt(RT.arrayShift, 'v', [a]), node);
    case 'slice':
      return L.callRt(RT.arraySlice, 'v', [a, value(0), value(1)]);
    case 'splice': {
      const start = value(0);
      const count = value(1);
      const items = arrayOf(
        L,
        args.slice(2).map((_, k) => value(k + 2)),
      );
      return L.callRt(RT.arraySplice, 'v', [a, start, count, items, conD(args.length)]);
    }
    case 'indexOf':
      return L.callRt(RT.arrayIndexOf, 'd', [a, value(0), value(1)]);
    case 'includes':
      return L.callRt(RT.arrayIncludes, 'w', [a, value(0), value(1)]);
    case 'join':
      return L.callRt(RT.arrayJoin, 'v', [a, value(0)]);
    case 'reverse':
      return L.callRt(RT.arrayReverse, 'v', [a]);
    case 'at':
      return fromHeap(L, L.callRt(RT.arrayAt, 'v', [a, value(0)]), node);
    case 'fill':
      return L.callRt(RT.arrayFill, 'v', [a, value(0), value(1), value(2)]);
    case 'lastIndexOf':
      return L.callRt(RT.arrayLastIndexOf, 'd', [a, value(0), value(1)]);
    case 'findLast':
      return fromHeap(L, L.callRt(RT.arrayFindLast, 'v', [a, value(0)]), node);
    case 'findLastIndex':
      return L.callRt(RT.arrayFindLastIndex, 'd', [a, value(0)]);
    case 'flat':
      return L.callRt(RT.arrayFlat, 'v', [a, value(0)]);
    case 'flatMap':
      return L.callRt(RT.arrayFlatMap, 'v', [a, value(0)]);
    case 'keys':
    case 'values':
    case 'entries':
      // for...of over these walks the live array (../statements.ts forOf); elsewhere a snapshot.
      return L.callRt(RT.arrayIterSnapshot, 'v', [a, conD(['keys', 'values', 'entries'].indexOf(name))]);
    case 'map':
    case 'filter':
    case 'some':
    case 'every':
    case 'find':
    case 'findIndex':
    case 'forEach':
    case 'sort': {
      const rt = RT[`array${name[0].toUpperCase()}${name.slice(1)}` as keyof typeof RT];
      const cls = name === 'some' || name === 'every' ? 'w' : name === 'findIndex' ? 'd' : 'v';
      const r = L.callRt(rt, cls, [a, value(0)]);
      return name === 'find' ? fromHeap(L, r, node) : name === 'forEach' ? UNDEFINED : r;
    }
    case 'reduce': {
      const f = value(0);
      const init = value(1);
      const r = L.callRt(RT.arrayReduce, 'v', [
        a,
        f,
        init,
        { k: 'con', cls: 'w', bits: args.length > 1 ? 1n : 0n },
      ]);
      return fromHeap(L, r, node);
    }
  }
  throw unsupported(callee.name, `the array method '${name}'`);
}

/** A new array holding `items` (boxed operands), for the runtime. */
export function arrayOf(L: Lowering, items: Operand[]): Operand {
  const a = L.callRt(RT.arrayNew, 'v', [conD(items.length)]);
  const store = L.b.emit('ldw', 'v', a, conL(1n));
  items.forEach((v, k) => {
    L.b.effect('stw', store, conL(BigInt(k)), v);
  });
  return a;
}

/** Whether `target[index]` is an (array, index) pair an enclosing `for` proved in bounds (./bounds.ts). */
function provenIndex(L: Lowering, target: ts.Expression, index: ts.Expression): boolean {
  if (!ts.isIdentifier(target) || !ts.isIdentifier(index)) return false;
  const array = L.checker.getSymbolAtLocation(target);
  const i = L.checker.getSymbolAtLocation(index);
  return L.inBounds.some((p) => p.array === array && p.index === i);
}

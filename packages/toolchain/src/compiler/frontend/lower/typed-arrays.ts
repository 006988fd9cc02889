/**
 * Binary data → IR: `new ArrayBuffer/Uint8Array…/DataView`, their properties and methods
 * (../../runtime/lib/typed.ts), and a typed array's `ta[i]`, `ta[i] = x`, `ta.length`, which are
 * the inline IR ops `ldta stta lenta` (../../ir/ops.ts) when the static type names the kind.
 */
import ts from 'typescript';
import { TYPED_ARRAY_NAMES, VALUE } from '../../backend/abi.js';
import { conD, conL, type Operand } from '../../ir/types.js';
import { RT } from '../../runtime/symbols.js';
import { unsupported } from '../diagnostics.js';
import type { ExpressionLowering } from './expressions.js';
import { fromHeap, type Reference } from './objects.js';
import { concrete } from './types.js';

type Lowering = ExpressionLowering;

const UNDEFINED: Operand = { k: 'con', cls: 'v', bits: VALUE.UNDEFINED };

export type BinaryKind = { what: 'typed'; kind: number } | { what: 'ArrayBuffer' | 'DataView' };

/** What binary type `node` has (null and undefined set aside), if any. */
export function binaryKind(L: Lowering, node: ts.Node): BinaryKind | undefined {
  const sym = concrete(L.checker, L.checker.getNonNullableType(L.typeOf(node))).getSymbol();
  if (!sym || !L.fromLib(sym)) return undefined;
  return binaryName(sym.name);
}

function binaryName(name: string): BinaryKind | undefined {
  const kind = (TYPED_ARRAY_NAMES as readonly string[]).indexOf(name);
  if (kind >= 0) return { what: 'typed', kind };
  if (name === 'ArrayBuffer' || name === 'DataView') return { what: name };
  return undefined;
}

function args(L: Lowering, list: readonly ts.Expression[] | undefined, n: number): Operand[] {
  const out: Operand[] = [];
  for (const a of list ?? []) {
    if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
    out.push(L.coerce(L.expr(a), 'v'));
  }
  while (out.length < n) out.push(UNDEFINED);
  return out;
}

/** `new ArrayBuffer(n)`, `new Uint8Array(…)`, `new DataView(…)`; undefined for other names. */
export function newBinary(L: Lowering, node: ts.NewExpression, name: string): Operand | undefined {
  const k = binaryName(name);
  if (!k) return undefined;
  const a = args(L, node.arguments, 3);
  if (k.what === 'ArrayBuffer') return L.callRt(RT.typedBufferNew, 'v', [a[0]]);
  if (k.what !== 'typed') return L.callRt(RT.typedViewNew, 'v', [a[0], a[1], a[2]]);
  return L.callRt(RT.typedConstruct, 'v', [conD(k.kind), a[0], a[1], a[2]]);
}

/** TextEncoder or TextDecoder (our lib's), if `node` is one. */
export function textKind(L: Lowering, node: ts.Node): 'TextEncoder' | 'TextDecoder' | undefined {
  const sym = concrete(L.checker, L.checker.getNonNullableType(L.typeOf(node))).getSymbol();
  if (!sym || !L.fromLib(sym)) return undefined;
  return sym.name === 'TextEncoder' || sym.name === 'TextDecoder' ? sym.name : undefined;
}

/**
 * `new TextEncoder()` / `new TextDecoder(label?)`: a plain object `{ encoding: 'utf-8' }` (the
 * label's type admits UTF-8's names only); `encode`/`decode` are calls on the static type.
 */
export function newText(L: Lowering, node: ts.NewExpression, name: string): Operand | undefined {
  if (name !== 'TextEncoder' && name !== 'TextDecoder') return undefined;
  for (const a of node.arguments ?? []) L.expr(a);
  const o = L.callRt(RT.objectNew, 'v', [conD(0)]);
  L.b.call(RT.objectDefine, undefined, [o, L.string('encoding', node), L.string('utf-8', node)]);
  return o;
}

/** `encoder.encode(s)` / `decoder.decode(bytes)`. */
export function textMethod(
  L: Lowering,
  node: ts.CallExpression,
  callee: ts.PropertyAccessExpression,
  kind: 'TextEncoder' | 'TextDecoder',
): Operand {
  const self = L.coerce(L.expr(callee.expression), 'v');
  if (callee.questionDotToken) L.guardNullish(self, callee);
  const a = args(L, node.arguments, 1);
  const name = callee.name.text;
  if (kind === 'TextEncoder' && name === 'encode') return L.callRt(RT.textEncode, 'v', [a[0]]);
  if (kind === 'TextDecoder' && name === 'decode') return L.callRt(RT.textDecode, 'v', [a[0]]);
  throw unsupported(callee.name, `the ${kind} method '${name}'`);
}

/** `Uint8Array.from(src, f?)` / `Uint8Array.of(...items)`. */
export function typedStatic(L: Lowering, node: ts.CallExpression, name: string, method: string): Operand {
  const k = binaryName(name);
  if (!k || k.what !== 'typed') throw unsupported(node, `${name}.${method}`);
  if (method === 'of') {
    const items = L.callRt(RT.arrayNew, 'v', [conD(0)]);
    for (const a of node.arguments) L.callRt(RT.arrayPush, 'd', [items, L.coerce(L.expr(a), 'v')]);
    return L.callRt(RT.typedFromValues, 'v', [conD(k.kind), items, UNDEFINED]);
  }
  if (method === 'from') {
    const a = args(L, node.arguments, 2);
    return L.callRt(RT.typedFromValues, 'v', [conD(k.kind), a[0], a[1]]);
  }
  throw unsupported(node, `${name}.${method}`);
}

/** `x.length` / `x.byteLength` / `x.byteOffset` / `x.buffer` of a binary value. */
export function binaryProperty(L: Lowering, node: ts.PropertyAccessExpression, k: BinaryKind): Reference {
  const obj = L.coerce(L.expr(node.expression), 'v');
  if (node.questionDotToken) L.guardNullish(obj, node);
  const name = node.name.text;
  const readonly = () => {
    throw unsupported(node, `assigning '${name}'`);
  };
  if (name === 'length' && k.what === 'typed')
    return { read: () => L.b.emit('lenta', 'd', obj), write: readonly };
  if (name === 'byteLength' || name === 'byteOffset')
    return {
      read: () => L.callRt(name === 'byteLength' ? RT.typedByteLength : RT.typedByteOffset, 'd', [obj]),
      write: readonly,
    };
  if (name === 'buffer' && k.what !== 'ArrayBuffer')
    return { read: () => L.callRt(RT.typedBuffer, 'v', [obj]), write: readonly };
  throw unsupported(node, `'${name}' of a binary value`);
}

/** `ta[i]`: the inline checked load and store of the static kind. */
export function typedElement(L: Lowering, node: ts.ElementAccessExpression, kind: number): Reference {
  if (L.clsOf(node.argumentExpression) !== 'd')
    throw unsupported(node.argumentExpression, 'typed array keys that are not numbers');
  const ta = L.coerce(L.expr(node.expression), 'v');
  if (node.questionDotToken) L.guardNullish(ta, node);
  const i = L.coerce(L.expr(node.argumentExpression), 'd');
  const K = conL(BigInt(kind));
  const raw = () => L.b.emit('ldta', 'v', K, ta, i);
  return {
    // A number read (the usual case) checks its representation only off the inline fast path.
    read: () => (L.clsOf(node) === 'd' ? L.b.emit('ldtan', 'd', K, ta, i) : fromHeap(L, raw(), node)),
    readRaw: raw,
    write: (v) => {
      L.b.effect('stta', K, ta, i, L.coerce(v, 'd'));
    },
  };
}

const DATAVIEW_KINDS: Record<string, number> = {
  Int8: 0,
  Uint8: 1,
  Int16: 3,
  Uint16: 4,
  Int32: 5,
  Uint32: 6,
  Float32: 7,
  Float64: 8,
};

/** A method call on a binary value. */
export function binaryMethod(
  L: Lowering,
  node: ts.CallExpression,
  callee: ts.PropertyAccessExpression,
  k: BinaryKind,
): Operand {
  const self = L.coerce(L.expr(callee.expression), 'v');
  if (callee.questionDotToken) L.guardNullish(self, callee);
  const name = callee.name.text;
  const a = args(L, node.arguments, 3);
  if (k.what === 'ArrayBuffer') {
    if (name === 'slice') return L.callRt(RT.typedBufferSlice, 'v', [self, a[0], a[1]]);
    throw unsupported(callee.name, `the ArrayBuffer method '${name}'`);
  }
  if (k.what === 'DataView') {
    const m = /^(get|set)(\w+)$/.exec(name);
    const kind = m ? DATAVIEW_KINDS[m[2]] : undefined;
    if (!m || kind === undefined) throw unsupported(callee.name, `the DataView method '${name}'`);
    if (m[1] === 'get') return L.callRt(RT.typedViewGet, 'd', [self, conD(kind), a[0], a[1]]);
    L.b.call(RT.typedViewSet, undefined, [self, conD(kind), a[0], a[1], a[2]]);
    return UNDEFINED;
  }
  const rt = (fn: string, cls: 'v' | 'd' | 'w', n: number) =>
    L.callRt(RT[`typed${fn[0].toUpperCase()}${fn.slice(1)}` as keyof typeof RT], cls, [
      self,
      ...a.slice(0, n),
    ]);
  switch (name) {
    case 'subarray':
    case 'slice':
      return rt(name, 'v', 2);
    case 'set':
      L.b.call(RT.typedSetFrom, undefined, [self, a[0], a[1]]);
      return UNDEFINED;
    case 'fill':
      return rt('fill', 'v', 3);
    case 'indexOf':
    case 'lastIndexOf':
      return rt(name, 'd', 2);
    case 'includes':
      return rt('includes', 'w', 2);
    case 'join':
      return rt('join', 'v', 1);
    case 'reverse':
      return rt('reverse', 'v', 0);
    case 'at':
    case 'find':
      return fromHeap(L, rt(name, 'v', 1), node);
    case 'findIndex':
      return rt('findIndex', 'd', 1);
    case 'some':
    case 'every':
      return rt(name, 'w', 1);
    case 'forEach':
      L.b.call(RT.typedForEach, undefined, [self, a[0]]);
      return UNDEFINED;
    case 'map':
    case 'filter':
      return rt(name, 'v', 1);
    case 'reduce': {
      const r = L.callRt(RT.typedReduce, 'v', [
        self,
        a[0],
        a[1],
        { k: 'con', cls: 'w', bits: node.arguments.length > 1 ? 1n : 0n },
      ]);
      return fromHeap(L, r, node);
    }
    case 'keys':
    case 'values':
    case 'entries':
      return L.callRt(RT.typedToArray, 'v', [self, conD(['keys', 'values', 'entries'].indexOf(name))]);
  }
  throw unsupported(callee.name, `the typed array method '${name}'`);
}

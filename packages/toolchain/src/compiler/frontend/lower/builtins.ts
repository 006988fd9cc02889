/**
 * Calls: the program's own functions, the built-ins our lib declares (console.log, Math.*), and in
 * runtime sources the intrinsics (`declare function __name(...)`) that become IR ops or calls into
 * ../../runtime/core.asm.
 */
import ts from 'typescript';
import { MAX_ARGS, TYPED_ARRAY_NAMES, VALUE } from '../../backend/abi.js';
import { FunctionBuilder } from '../../ir/builder.js';
import { bitsDouble, type Cls, conD, conL, type IrFunction, type Operand } from '../../ir/types.js';
import { RT } from '../../runtime/symbols.js';
import { Unsupported, unsupported } from '../diagnostics.js';
import { superConstructorCall } from './classes.js';
import { makeClosure } from './closures.js';
import type { ExpressionLowering } from './expressions.js';
import { hwCall, isHwDeclaration } from './hw-calls.js';
import { numberFunction, numberMethod } from './numbers.js';
import { arrayMethod, collectionKind, collectionMethod, fromHeap, isArray, spreadArray } from './objects.js';
import { isRuntimeSdkMethod, isSdkDeclaration, sdkCall, sdkMethodCall } from './sdk-calls.js';
import { fromCharCode, stringMethod } from './strings.js';
import { binaryKind, binaryMethod, textKind, textMethod, typedStatic } from './typed-arrays.js';
import { isStringType } from './types.js';

type Lowering = ExpressionLowering;

export function lowerCall(L: Lowering, node: ts.CallExpression): Operand {
  const callee = L.namespaceMember(node.expression) ?? node.expression;
  if (callee.kind === ts.SyntaxKind.SuperKeyword) return superConstructorCall(L, node);
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
    const sym = L.checker.getSymbolAtLocation(callee.expression);
    if (sym && L.fromLib(sym)) {
      if (callee.expression.text === 'console' && callee.name.text === 'log') return consoleLog(L, node, 1);
      if (callee.expression.text === 'console' && callee.name.text === 'error') return consoleLog(L, node, 2);
      if (callee.expression.text === 'Math') return math(L, node, callee.name.text);
      if (callee.expression.text === 'String' && callee.name.text === 'fromCharCode')
        return fromCharCode(L, node);
      if (callee.expression.text === 'JSON') return json(L, node, callee.name.text);
      if (callee.expression.text === 'Date' && callee.name.text === 'now')
        return L.callRt(RT.timeNow, 'd', []);
      if (callee.expression.text === 'Object') {
        const which = ['keys', 'values', 'entries'].indexOf(callee.name.text);
        const a = node.arguments[0];
        if (which < 0 || !a || ts.isSpreadElement(a)) throw unsupported(node, `Object.${callee.name.text}`);
        return L.callRt(RT.objectOwnEntries, 'v', [L.coerce(L.expr(a), 'v'), conD(which)]);
      }
      if (callee.expression.text === 'Array' && callee.name.text === 'from') {
        const [src, f] = node.arguments.map((a) => {
          if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
          return L.coerce(L.expr(a), 'v');
        });
        return L.callRt(RT.arrayFrom, 'v', [src, f ?? undefinedValue()]);
      }
      if (callee.expression.text === 'Array' && callee.name.text === 'isArray') {
        const a = node.arguments[0];
        if (!a || ts.isSpreadElement(a)) throw unsupported(node, 'Array.isArray without one argument');
        const tag = L.b.call(RT.tagOf, 'l', [L.coerce(L.expr(a), 'v')]) as Operand;
        return L.b.emit('ceql', 'w', tag, conL(5n));
      }
      if ((TYPED_ARRAY_NAMES as readonly string[]).includes(callee.expression.text))
        return typedStatic(L, node, callee.expression.text, callee.name.text);
      if (callee.expression.text === 'Number') {
        const n = callee.name.text;
        const r = numberFunction(L, node, n === 'isNaN' || n === 'isFinite' ? `Number.${n}` : n);
        if (r) return r;
      }
    }
  }
  if (
    ts.isPropertyAccessExpression(callee) &&
    !callee.questionDotToken &&
    !node.questionDotToken &&
    (L.typeOf(callee.expression).flags & ts.TypeFlags.NumberLike) !== 0
  )
    return numberMethod(L, node, callee);
  if (
    ts.isPropertyAccessExpression(callee) &&
    !node.questionDotToken &&
    // Inside an optional chain (`s?.trim()`, `s?.trim().split(…)`) a nullish receiver has left already.
    (callee.questionDotToken || callee.expression.flags & ts.NodeFlags.OptionalChain
      ? isStringType(L.checker, L.checker.getNonNullableType(L.typeOf(callee.expression)))
      : L.isString(callee.expression))
  )
    return stringMethod(L, node, callee);
  if (ts.isPropertyAccessExpression(callee) && isArray(L, callee.expression))
    return arrayMethod(L, node, callee);
  if (ts.isPropertyAccessExpression(callee) && !node.questionDotToken) {
    const binary = binaryKind(L, callee.expression);
    if (binary) return binaryMethod(L, node, callee, binary);
    const text = textKind(L, callee.expression);
    if (text) return textMethod(L, node, callee, text);
  }
  if (ts.isPropertyAccessExpression(callee) && !callee.questionDotToken && !node.questionDotToken) {
    const kind = collectionKind(L, callee.expression);
    if (kind === 'Map' || kind === 'Set') return collectionMethod(L, node, callee, kind);
  }
  const sym = ts.isIdentifier(callee)
    ? L.mod.resolveSymbol(L.checker.getSymbolAtLocation(callee))
    : undefined;
  const decl = sym?.valueDeclaration;
  if (decl && ts.isFunctionDeclaration(decl) && isSdkDeclaration(decl)) return sdkCall(L, node, decl);
  if (decl && ts.isFunctionDeclaration(decl) && isHwDeclaration(decl)) return hwCall(L, node, decl);
  if (ts.isPropertyAccessExpression(callee)) {
    const method = L.checker.getSymbolAtLocation(callee.name)?.valueDeclaration;
    if (method && isRuntimeSdkMethod(method)) return sdkMethodCall(L, node, callee, method);
  }
  if (ts.isIdentifier(callee) && sym && L.fromLib(sym)) {
    if (callee.text === 'eval') throw new Unsupported(callee, 'TORO2004', ['eval']);
    if (callee.text === 'isNaN' || callee.text === 'isFinite') {
      // The global ones convert with ToNumber; their parameter is a number here, so that is it.
      const x = L.number(node.arguments[0] as ts.Expression);
      if (callee.text === 'isNaN') return L.b.emit('cned', 'w', x, x);
      const finite = L.b.emit('sub', 'd', x, x);
      return L.b.emit('ceqd', 'w', finite, finite);
    }
    const numeric = numberFunction(L, node, callee.text);
    if (numeric) return numeric;
    if (callee.text === 'atob' || callee.text === 'btoa') {
      const a = node.arguments[0];
      if (!a || ts.isSpreadElement(a)) throw unsupported(node, `${callee.text} without one argument`);
      return L.callRt(callee.text === 'atob' ? RT.textAtob : RT.textBtoa, 'v', [L.coerce(L.expr(a), 'v')]);
    }
    if (callee.text === 'Boolean') {
      const a = node.arguments[0];
      if (!a) return { k: 'con', cls: 'w', bits: 0n };
      if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
      return L.truthy(L.expr(a));
    }
    if (callee.text === 'String') {
      const a = node.arguments[0];
      if (!a) return L.string('', node);
      if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
      return L.toStr(L.expr(a), a);
    }
    throw unsupported(callee, `'${callee.text}'`);
  }
  if (ts.isIdentifier(callee) && decl && ts.isFunctionDeclaration(decl) && !decl.body) {
    if (L.mod.isRuntime(decl) && callee.text.startsWith('__')) return intrinsic(L, node, callee.text);
    throw unsupported(callee, 'calling a declared function without a body');
  }
  const userDirect =
    decl && ts.isFunctionDeclaration(decl) && ts.isSourceFile(decl.parent) && !L.mod.isRuntime(decl);
  const restAt = userDirect ? decl.parameters.findIndex((p) => p.dotDotDotToken) : -1;
  const args = node.arguments.map((a, k) => {
    if (ts.isSpreadElement(a) && (restAt < 0 || k < restAt)) throw unsupported(a, 'spread');
    return a;
  });
  if (decl && ts.isFunctionDeclaration(decl) && L.mod.isRuntime(decl)) {
    // The runtime's own functions: direct, native classes.
    const values = args.map((a, k) => {
      const param = decl.parameters[k];
      const cls = L.clsOfTypeNode(L.checker.getTypeAtLocation(param), param);
      return L.coerce(L.expr(a), cls);
    });
    if (values.length > MAX_ARGS) throw new Unsupported(node, 'TORO2006', [String(MAX_ARGS)]);
    const ret = returnCls(L, decl);
    const result = L.b.call(L.mod.functionSymbol(decl), ret, values);
    return result ? L.coerce(result, L.clsOf(node)) : undefinedValue();
  }
  if (args.length > MAX_ARGS - 2) throw new Unsupported(node, 'TORO2006', [String(MAX_ARGS - 2)]);
  if (decl && ts.isFunctionDeclaration(decl) && ts.isSourceFile(decl.parent)) {
    // A top-level function of the program: a direct call, no closure. Missing arguments are
    // undefined; a rest parameter receives the array of the remaining ones.
    const fixed = restAt >= 0 ? args.slice(0, restAt) : args;
    const values = fixed.map((a) => L.coerce(L.expr(a), 'v'));
    while (values.length < decl.parameters.length) values.push(undefinedValue());
    if (restAt >= 0) values[restAt] = spreadArray(L, args.slice(restAt));
    const result = L.b.call(L.mod.functionSymbol(decl), 'v', [
      undefinedValue(),
      undefinedValue(),
      ...values,
    ]) as Operand;
    // A generic function's result is as wide as its type parameter: checked where it is unboxed.
    return decl.typeParameters ? fromHeap(L, result, node) : L.coerce(result, L.clsOf(node));
  }
  if (L.checker.getNonNullableType(L.checker.getTypeAtLocation(callee)).getCallSignatures().length === 0)
    throw unsupported(callee, 'calling this kind of expression');
  if (ts.isElementAccessExpression(callee)) {
    // `a[i](...)`: the element, called with the array as this.
    if (!isArray(L, callee.expression) || callee.questionDotToken)
      throw unsupported(callee, 'calling an element of this value');
    const self = L.coerce(L.expr(callee.expression), 'v');
    const fv = L.callRt(RT.arrayGet, 'v', [self, L.number(callee.argumentExpression)]);
    if (node.questionDotToken) L.guardNullish(fv, node);
    const f = L.callRt(RT.expectFunction, 'v', [fv]);
    const values = args.map((a) => L.coerce(L.expr(a), 'v'));
    return fromHeap(L, L.b.calli([f, self, ...values]), node);
  }
  if (ts.isPropertyAccessExpression(callee)) {
    // `o.m(...)`: the property's function, called with `o` as this.
    if (callee.expression.kind === ts.SyntaxKind.SuperKeyword) return superCall(L, node, callee, args);
    if (!ts.isIdentifier(callee.name)) throw unsupported(callee.name, 'private names');
    const self = L.coerce(L.expr(callee.expression), 'v');
    if (callee.questionDotToken) L.guardNullish(self, callee);
    const key = L.string(callee.name.text, callee.name);
    let f: Operand;
    if (node.questionDotToken) {
      // `o.m?.()`: no call (undefined) when o.m is null or undefined.
      const m = L.callRt(RT.objectGet, 'v', [self, key]);
      L.guardNullish(m, node);
      f = L.callRt(RT.expectFunction, 'v', [m]);
    } else f = L.callRt(RT.method, 'v', [self, key, L.string(callee.getText(), callee)]);
    const values = args.map((a) => L.coerce(L.expr(a), 'v'));
    return fromHeap(L, L.b.calli([f, self, ...values]), node);
  }
  // A function value: checked to be a closure, then called through it.
  const fv = L.coerce(L.expr(callee), 'v');
  if (node.questionDotToken) L.guardNullish(fv, node);
  const f = L.callRt(RT.expectFunction, 'v', [fv]);
  const values = args.map((a) => L.coerce(L.expr(a), 'v'));
  return fromHeap(L, L.b.calli([f, undefinedValue(), ...values]), node);
}

/**
 * `Number`, `String` or `Boolean` as a function value (`xs.map(Number)`, `xs.filter(Boolean)`): a
 * closure over a small wrapper with the program's calling convention that converts its first
 * argument as the call `Number(x)` / `String(x)` / `Boolean(x)` would. The wrapper is made once per
 * program and its closure once per run, kept in a global slot (so `Number === Number`).
 */
export function builtinFunctionValue(L: Lowering, name: string, node: ts.Node): Operand | undefined {
  if (name !== 'Number' && name !== 'String' && name !== 'Boolean') return undefined;
  const symbol = `ts.builtin.${name}`;
  let index = L.mod.builtinValues.get(symbol);
  if (index === undefined) {
    index = L.mod.globalNames.length;
    L.mod.globalNames.push(name);
    L.mod.builtinValues.set(symbol, index);
    L.mod.nested.push(builtinWrapper(L, name, symbol));
  }
  const b = L.b;
  const slot = conL(BigInt(index));
  const result = b.temp('v');
  const current = b.emit('loadg', 'v', slot);
  b.assign(result, 'copy', current);
  const make = b.newBlock('builtin');
  const done = b.newBlock('builtin.done');
  b.jnz(b.emit('ceql', 'w', current, { k: 'con', cls: 'v', bits: VALUE.HOLE }), make, done);
  b.place(make);
  const c = makeClosure(L, symbol, undefinedValue(), name, node);
  b.effect('storeg', slot, c);
  b.assign(result, 'copy', c);
  b.jmp(done);
  b.place(done);
  return { k: 'tmp', id: result };
}

function builtinWrapper(L: Lowering, name: string, symbol: string): IrFunction {
  const b = new FunctionBuilder(symbol, L.source.fileName);
  b.fn.ret = 'v';
  b.fn.frame = { name, line: 1, col: 1 };
  b.param('v', 'closure');
  b.param('v', 'this');
  const x: Operand = { k: 'tmp', id: b.param('v', 'x') };
  let r: Operand;
  if (name === 'Number') r = b.emit('boxd', 'v', b.call(RT.numconvToNumber, 'd', [x]) as Operand);
  else if (name === 'String') r = b.call(RT.toStringValue, 'v', [x]) as Operand;
  else r = b.emit('boxw', 'v', b.call(RT.truthy, 'w', [x]) as Operand);
  b.ret(r);
  return b.fn;
}

/** `super.m(...)` in a method: the parent's m, called with this method's `this`. */
function superCall(
  L: Lowering,
  node: ts.CallExpression,
  callee: ts.PropertyAccessExpression,
  args: ts.Expression[],
): Operand {
  const self = L.thisOperand(callee.expression);
  const f = L.callRt(RT.expectFunction, 'v', [
    L.callRt(RT.superGet, 'v', [L.parentClass(callee), L.string(callee.name.text, callee.name), self]),
  ]);
  const values = args.map((a) => L.coerce(L.expr(a), 'v'));
  return fromHeap(L, L.b.calli([f, self, ...values]), node);
}

const undefinedValue = (): Operand => ({ k: 'con', cls: 'v', bits: 0xfff9_0000_0000_0000n });

/** Class a function returns in, or undefined for void/never functions. */
export function returnCls(L: Lowering, decl: ts.FunctionDeclaration): Cls | undefined {
  const sig = L.checker.getSignatureFromDeclaration(decl);
  if (!sig) throw unsupported(decl, 'this function signature');
  const t = L.checker.getReturnTypeOfSignature(sig);
  if (t.flags & (ts.TypeFlags.Void | ts.TypeFlags.Never)) return undefined;
  return L.clsOfTypeNode(t, decl.type ?? decl);
}

/** console.log (fd 1: stdout) and console.error (fd 2: stderr), formatted alike. */
function consoleLog(L: Lowering, node: ts.CallExpression, fd: 1 | 2): Operand {
  const args = node.arguments;
  if (args.some(ts.isSpreadElement)) {
    if (fd === 2) throw unsupported(node, 'spread into console.error');
    L.b.call(RT.logSpread, undefined, [spreadArray(L, args)]);
    return undefinedValue();
  }
  const first = args[0];
  if (first && args.length > 1 && ts.isStringLiteralLike(first) && /%[sdifjoOc%]/.test(first.text)) {
    throw unsupported(first, 'console.log format specifiers');
  }
  let line: Operand | undefined;
  // Every argument is evaluated before any is formatted (a later argument may change an earlier one).
  const values = args.map((a) => {
    if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
    // Node prints a live iterator (`[Map Iterator] { ... }`); ours are snapshot arrays.
    if (collectionKind(L, a) === 'Iterator') throw unsupported(a, 'printing an iterator');
    return L.expr(a);
  });
  for (const [k, a] of args.entries()) {
    const v = values[k];
    let text: Operand;
    if (L.isString(a)) text = L.coerce(v, 'v');
    else if (L.b.cls(v) === 'd') text = L.callRt(RT.logNumber, 'v', [v]);
    else text = L.callRt(RT.inspectValue, 'v', [L.coerce(v, 'v')]);
    line = line === undefined ? text : L.concat(L.concat(line, L.string(' ', a)), text);
  }
  L.b.call(fd === 1 ? RT.writeLine : RT.consoleErrorLine, undefined, [line ?? L.string('', node)]);
  return undefinedValue();
}

/** JSON.parse(text) and JSON.stringify(value, replacer?, space?): ../../runtime/lib/json.ts. */
function json(L: Lowering, node: ts.CallExpression, name: string): Operand {
  const args = node.arguments.map((a) => {
    if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
    return L.coerce(L.expr(a), 'v');
  });
  const arg = (k: number) => args[k] ?? undefinedValue();
  if (name === 'parse') return L.callRt(RT.jsonParse, 'v', [arg(0)]);
  if (name === 'stringify') return L.callRt(RT.jsonStringify, 'v', [arg(0), arg(1), arg(2)]);
  throw unsupported(node, `JSON.${name}`);
}

function math(L: Lowering, node: ts.CallExpression, name: string): Operand {
  if ((name === 'min' || name === 'max') && node.arguments.some(ts.isSpreadElement))
    return L.callRt(RT.extremeOf, 'd', [
      spreadArray(L, node.arguments),
      { k: 'con', cls: 'w', bits: name === 'max' ? 1n : 0n },
    ]);
  const args = node.arguments.map((a) => {
    if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
    return L.number(a);
  });
  const one: Record<string, string> = {
    floor: 'floor',
    ceil: 'ceil',
    trunc: 'trunc',
    sqrt: 'sqrt',
    abs: 'abs',
  };
  if (one[name]) return L.b.emit(one[name], 'd', args[0] ?? conD(Number.NaN));
  if (name === 'round' || name === 'sign')
    return L.callRt(`rt.math.${name}`, 'd', [args[0] ?? conD(Number.NaN)]);
  if (name === 'clz32') return L.callRt(RT.clz32, 'd', [args[0] ?? conD(0)]);
  if (name === 'imul') return L.callRt(RT.imul, 'd', [args[0] ?? conD(0), args[1] ?? conD(0)]);
  if (name === 'pow')
    return L.callRt(RT.pow, 'd', [args[0] ?? conD(Number.NaN), args[1] ?? conD(Number.NaN)]);
  if (name === 'min' || name === 'max') {
    if (args.length === 0) return conD(name === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY);
    // Every argument is evaluated (and converted) before any comparison, as in JS.
    let acc = args[0];
    for (const a of args.slice(1)) acc = L.callRt(name === 'min' ? RT.min : RT.max, 'd', [acc, a]);
    return acc;
  }
  throw unsupported(node, `Math.${name}`);
}

/** A numeric-constant argument of an intrinsic (a literal or a runtime `const`). */
function constArg(node: ts.CallExpression, op: Operand): number {
  if (op.k === 'con' && op.cls === 'd') return bitsDouble(op.bits);
  throw unsupported(node, 'a global slot that is not a constant');
}

/** Intrinsics available to runtime sources only (declared there with `declare function`). */
function intrinsic(L: Lowering, node: ts.CallExpression, name: string): Operand {
  const a = node.arguments.map((x) => L.expr(x));
  const b = L.b;
  const int = (op: Operand) => b.emit('dtol', 'l', L.coerce(op, 'd'));
  const num = (op: Operand | undefined) => (op ? b.emit('ltod', 'd', op) : conD(0));
  switch (name) {
    case '__str_len':
      return num(b.call(RT.stringLength, 'l', [a[0]]));
    case '__str_byte':
      return num(b.call(RT.stringUnit, 'l', [a[0], int(a[1])]));
    case '__str_hash':
      return num(b.call(RT.stringHash, 'l', [a[0]]));
    case '__str_equals':
      return b.emit('ceql', 'w', b.call(RT.stringUnitsEqual, 'l', [a[0], a[1]]) as Operand, conL(1n));
    case '__str_alloc':
      return b.call(RT.allocString, 'v', [int(a[0])]) as Operand;
    case '__str_alloc16':
      return b.call(RT.allocString16, 'v', [int(a[0])]) as Operand;
    case '__str_wide':
      return b.call(RT.stringWide, 'w', [a[0]]) as Operand;
    case '__str_set':
      b.call(RT.stringSetUnit, undefined, [a[0], int(a[1]), int(a[2])]);
      return undefinedValue();
    case '__str_copy':
      b.call(RT.stringCopy, undefined, [a[0], int(a[1]), a[2]]);
      return undefinedValue();
    case '__write':
      b.call(RT.write, undefined, [int(a[0]), a[1]]);
      return undefinedValue();
    case '__exit':
      b.call(RT.exit, undefined, [int(a[0])]);
      return undefinedValue();
    case '__scratch_get':
      return b.emit('loads', 'd', a[0]);
    case '__scratch_set':
      b.effect('stores', a[0], a[1]);
      return undefinedValue();
    case '__tag':
      return num(b.call(RT.tagOf, 'l', [a[0]]));
    case '__as_number':
      return L.coerce(a[0], 'd');
    case '__as_string':
      return a[0];
    case '__same':
      return b.emit('ceql', 'w', a[0], a[1]);
    case '__as_boolean':
      return L.coerce(a[0], 'w');
    case '__alloc':
      return b.call(RT.allocWords, 'v', [int(a[0]), int(a[1])]) as Operand;
    case '__ld':
      return b.emit('ldw', 'v', L.coerce(a[0], 'v'), int(a[1]));
    case '__st':
      b.effect('stw', L.coerce(a[0], 'v'), int(a[1]), L.coerce(a[2], 'v'));
      return undefinedValue();
    // Binary data (./typed-arrays.ts, ../../runtime/lib/typed.ts): a BYTES store and its elements.
    case '__bytes_new':
      return b.call(RT.allocBytes, 'v', [int(a[0])]) as Operand;
    case '__obj_find':
      return num(b.call(RT.objectFind, 'l', [L.coerce(a[0], 'v'), L.coerce(a[1], 'v')]));
    case '__bytes_move':
      b.call(RT.bytesMove, undefined, [
        L.coerce(a[0], 'v'),
        int(a[1]),
        L.coerce(a[2], 'v'),
        int(a[3]),
        int(a[4]),
      ]);
      return undefinedValue();
    case '__ldb':
      return b.emit('ldb', 'd', conL(BigInt(constArg(node, a[0]))), L.coerce(a[1], 'v'), int(a[2]));
    case '__stb':
      b.effect(
        'stb',
        conL(BigInt(constArg(node, a[0]))),
        L.coerce(a[1], 'v'),
        int(a[2]),
        L.coerce(a[3], 'd'),
      );
      return undefinedValue();
    case '__len':
      return num(b.call(RT.headerLength, 'l', [L.coerce(a[0], 'v')]));
    case '__call': {
      // A plain function call from the runtime: `this` is undefined (./closures.ts convention).
      const [f, ...rest] = a.map((x) => L.coerce(x, 'v'));
      return b.calli([f, undefinedValue(), ...rest]);
    }
    case '__callm':
    case '__callm1':
      return b.calli(a.map((x) => L.coerce(x, 'v')));
    case '__throw':
      b.call(RT.throw, undefined, [L.coerce(a[0], 'v')]);
      return undefinedValue();
    case '__gget':
      return b.emit('loadg', 'v', conL(BigInt(constArg(node, a[0]))));
    case '__gset':
      b.effect('storeg', conL(BigInt(constArg(node, a[0]))), L.coerce(a[1], 'v'));
      return undefinedValue();
    case '__stack_capture':
      return num(b.call(RT.stackCapture, 'l', [int(a[0])]));
    case '__stack_table':
      return { k: 'sym', name: RT.stackTable };
    case '__stack_names':
      return { k: 'sym', name: RT.stackNames };
    case '__files_table':
      return { k: 'sym', name: RT.filesTable };
    case '__hole':
      return { k: 'con', cls: 'v', bits: VALUE.HOLE };
    // The OS layer (runtime/os-*.asm), for the SDK (runtime/lib/sdk.ts).
    case '__os_cpu_count':
      return num(b.call(RT.osCpuCount, 'l', []));
    case '__os_cpu_id':
      return num(b.call(RT.osCpuId, 'l', []));
    case '__os_cpu_node':
      return num(b.call(RT.osCpuNode, 'l', [int(a[0])]));
    case '__os_node_count':
      return num(b.call(RT.osNodeCount, 'l', []));
    case '__os_node_mem':
      return num(b.call(RT.osNodeMem, 'l', [int(a[0]), int(a[1])]));
    // Threads (runtime/threads.asm); the calls that may switch save the running thread's state.
    case '__sleep_ns':
      b.call(RT.sleepNs, undefined, [int(a[0])]);
      return undefinedValue();
    case '__yield':
      b.call(RT.yieldThread, undefined, []);
      return undefinedValue();
    case '__block':
      b.call(RT.block, undefined, []);
      return undefinedValue();
    case '__wake':
      b.call(RT.wake, undefined, [int(a[0])]);
      return undefinedValue();
    case '__thread_new':
      return num(b.call(RT.threadNew, 'l', [L.coerce(a[0], 'v'), L.coerce(a[1], 'v')]));
    // Messages between CPUs (runtime/threads.asm over the OS layer), for runtime/lib/sdk.ts.
    case '__msg_send':
      b.call(RT.msgSend, undefined, [int(a[0]), int(a[1]), int(a[2]), int(a[3]), int(a[4])]);
      return undefinedValue();
    case '__msg_recv':
      return num(b.call(RT.msgRecv, 'l', []));
    case '__msg_word':
      return num(b.call(RT.msgWord, 'l', [int(a[0])]));
    case '__closure_code':
      return num(b.call(RT.closureCode, 'l', [L.coerce(a[0], 'v')]));
    case '__closure_new':
      return b.call(RT.closureNew, 'v', [int(a[0])]) as Operand;
    case '__wire_pack':
      return num(b.call(RT.wirePack, 'l', [L.coerce(a[0], 'v')]));
    case '__wire_unpack':
      return b.call(RT.wireUnpack, 'v', [int(a[0])]) as Operand;
    case '__console_block':
      b.call(RT.consoleBlock, undefined, [int(a[0])]);
      return undefinedValue();
    case '__console_owner':
      b.call(RT.consoleOwner, undefined, [int(a[0])]);
      return undefinedValue();
    case '__uncaught_banner':
      b.call(RT.uncaughtBanner, undefined, []);
      return undefinedValue();
    case '__ref_address':
      return num(b.call(RT.refAddress, 'l', [L.coerce(a[0], 'v')]));
    case '__gc_epoch':
      return num(b.call(RT.gcEpoch, 'l', []));
    case '__wall_ms':
      return num(b.call(RT.wallClockMs, 'l', []));
    case '__sdk_state':
      return b.call(RT.sdkState, 'v', []) as Operand;
    case '__sdk_set_state':
      b.call(RT.sdkSetState, undefined, [L.coerce(a[0], 'v')]);
      return undefinedValue();
    case '__thread_current':
      return num(b.call(RT.threadCurrent, 'l', []));
    case '__thread_value':
      return b.call(RT.threadValue, 'v', [int(a[0]), int(a[1])]) as Operand;
    case '__thread_set_value':
      b.call(RT.threadSetValue, undefined, [int(a[0]), int(a[1]), L.coerce(a[2], 'v')]);
      return undefinedValue();
    case '__thread_word':
      return num(b.call(RT.threadWord, 'l', [int(a[0]), int(a[1])]));
    case '__thread_set_word':
      b.call(RT.threadSetWord, undefined, [int(a[0]), int(a[1]), int(a[2])]);
      return undefinedValue();
  }
  throw unsupported(node, `intrinsic ${name}`);
}

/**
 * Expressions → IR. `expr(node)` returns an operand whose class is the class of the node's type as
 * the checker sees it there (so a narrowed `string | number` variable read as a number is unboxed).
 * JavaScript semantics are kept exactly: arithmetic is IEEE double, bitwise operators go through
 * ToInt32, `+` concatenates as soon as one side is a string, `&&`/`||` yield an operand, not a boolean.
 */
import ts from 'typescript';
import { HEAP, VALUE } from '../../backend/abi.js';
import { FunctionBuilder } from '../../ir/builder.js';
import { type Cls, conD, conL, conW, type Operand } from '../../ir/types.js';
import { RT } from '../../runtime/symbols.js';
import { Unsupported, unsupported } from '../diagnostics.js';
import type { InBounds } from './bounds.js';
import { builtinFunctionValue, lowerCall } from './builtins.js';
import { type ClassInfo, classValue, newInstance } from './classes.js';
import { makeClosure } from './closures.js';
import { BUILTIN_CLASSES, type ModuleContext, type Storage } from './context.js';
import { positionOf, v8Position } from './frames.js';
import {
  arrayLiteral,
  arrayOf,
  fromHeap,
  memberReference,
  objectLiteral,
  type Reference,
} from './objects.js';
import { newBinary, newText } from './typed-arrays.js';
import { clsOfType, concrete, isStringType } from './types.js';

const K = ts.SyntaxKind;
export const conV = (bits: bigint): Operand => ({ k: 'con', cls: 'v', bits });

/** A module (a program file), as `import * as m` names it. */
export function isModuleSymbol(sym: ts.Symbol): boolean {
  return (sym.flags & ts.SymbolFlags.ValueModule) !== 0 && sym.declarations?.some(ts.isSourceFile) === true;
}

const ARITH: Partial<Record<ts.SyntaxKind, string>> = {
  [K.MinusToken]: 'sub',
  [K.AsteriskToken]: 'mul',
  [K.SlashToken]: 'div',
  [K.PercentToken]: 'rem',
};
const BITWISE: Partial<Record<ts.SyntaxKind, string>> = {
  [K.AmpersandToken]: 'and',
  [K.BarToken]: 'or',
  [K.CaretToken]: 'xor',
  [K.LessThanLessThanToken]: 'shl',
  [K.GreaterThanGreaterThanToken]: 'sar',
  [K.GreaterThanGreaterThanGreaterThanToken]: 'shr',
};
const COMPARE: Partial<Record<ts.SyntaxKind, string>> = {
  [K.LessThanToken]: 'cltd',
  [K.LessThanEqualsToken]: 'cled',
  [K.GreaterThanToken]: 'cgtd',
  [K.GreaterThanEqualsToken]: 'cged',
};
/** Compound assignment operator → the binary operator it applies. */
const COMPOUND: Partial<Record<ts.SyntaxKind, ts.SyntaxKind>> = {
  [K.PlusEqualsToken]: K.PlusToken,
  [K.MinusEqualsToken]: K.MinusToken,
  [K.AsteriskEqualsToken]: K.AsteriskToken,
  [K.SlashEqualsToken]: K.SlashToken,
  [K.PercentEqualsToken]: K.PercentToken,
  [K.AsteriskAsteriskEqualsToken]: K.AsteriskAsteriskToken,
  [K.AmpersandEqualsToken]: K.AmpersandToken,
  [K.BarEqualsToken]: K.BarToken,
  [K.CaretEqualsToken]: K.CaretToken,
  [K.LessThanLessThanEqualsToken]: K.LessThanLessThanToken,
  [K.GreaterThanGreaterThanEqualsToken]: K.GreaterThanGreaterThanToken,
  [K.GreaterThanGreaterThanGreaterThanEqualsToken]: K.GreaterThanGreaterThanGreaterThanToken,
};

export class ExpressionLowering {
  readonly b: FunctionBuilder;
  readonly locals = new Map<ts.Symbol, Storage>();
  readonly runtime: boolean;
  /** The function being lowered (the source file for `main`), and the one lowering it encloses. */
  node: ts.Node;
  parent?: ExpressionLowering;
  /** This function's own environment (when it has captured variables) and the one its closure carried. */
  envTemp?: Operand;
  incomingEnv?: Operand;
  /** Lowering the program's top-level statements (`main`), where top-level variables are read directly. */
  topLevel = false;
  /** (array, index) pairs the enclosing `for` loops prove in bounds (./bounds.ts). */
  readonly inBounds: InBounds[] = [];
  /** `this` of a method or constructor (every program function has the parameter; see ./closures.ts). */
  thisValue?: Operand;
  /** The class whose member is being lowered (for `super`). */
  classInfo?: ClassInfo;

  constructor(
    readonly mod: ModuleContext,
    symbol: string,
    readonly source: ts.SourceFile,
  ) {
    this.b = new FunctionBuilder(symbol, source.fileName);
    this.runtime = mod.runtimeFiles.has(source);
    this.node = source;
  }

  /** The environment holding `owner`'s captured variables, reached from this function. */
  private envBase(owner: ts.Node): Operand {
    for (let k = this.scopes.length - 1; k >= 0; k--)
      if (this.scopes[k].node === owner) return { k: 'tmp', id: this.scopes[k].env };
    // Up the closure's chain: each enclosing function's scopes, as they stood when the closure
    // was created (nested functions are lowered right there, so that is their current list).
    let op = this.incomingEnv ?? conV(VALUE.UNDEFINED);
    for (let cur = this.parent; cur; cur = cur.parent) {
      for (let k = cur.scopes.length - 1; k >= 0; k--) {
        if (cur.scopes[k].node === owner) return op;
        op = this.b.emit('ldw', 'v', op, { k: 'con', cls: 'l', bits: 0n });
      }
    }
    return op;
  }

  /** The environment a closure created here carries: the innermost scope's. */
  childEnv(): Operand {
    const inner = this.scopes.at(-1);
    if (inner) return { k: 'tmp', id: inner.env };
    return this.incomingEnv ?? conV(VALUE.UNDEFINED);
  }

  /**
   * Scopes with an environment, outermost first: the function's own (captured variables), then one
   * per enclosing loop whose body declares captured variables (a fresh one per iteration, so each
   * iteration's closures see their own binding). Each environment's word 0 is the next one out.
   */
  scopes: { node: ts.Node; env: number }[] = [];

  /** Where a newly declared variable lives: its owner's environment if captured, else a temporary. */
  declareLocal(sym: ts.Symbol, cls: Cls, name: string): Storage {
    const cap = this.mod.captured.get(sym);
    const s: Storage = cap
      ? { kind: 'env', owner: cap.owner, index: cap.index, cls }
      : { kind: 'temp', id: this.b.temp(cls, `${name}.${this.b.fn.temps.length}`), cls };
    this.locals.set(sym, s);
    return s;
  }

  get checker(): ts.TypeChecker {
    return this.mod.checker;
  }

  at(node: ts.Node): void {
    const { line, col } = positionOf(this.source, node.getStart(this.source));
    this.b.line = line;
    this.b.col = col;
  }

  /**
   * The type the checker gives `node`, except for a global that some function assigns: TypeScript
   * keeps narrowing such a variable across calls that may change it, so its declared type is used.
   * A type parameter gives its constraint (./types.ts concrete).
   */
  typeOf(node: ts.Node): ts.Type {
    let n = node;
    while (ts.isParenthesizedExpression(n)) n = n.expression;
    if (ts.isIdentifier(n)) {
      const sym = this.mod.resolveSymbol(this.checker.getSymbolAtLocation(n));
      if (sym && this.mod.unstable.has(sym)) return concrete(this.checker, this.checker.getTypeOfSymbol(sym));
    }
    return concrete(this.checker, this.checker.getTypeAtLocation(node));
  }

  clsOf(node: ts.Node): Cls {
    return clsOfType(this.checker, this.typeOf(node), node, this.runtime);
  }

  clsOfTypeNode(t: ts.Type, node: ts.Node): Cls {
    return clsOfType(this.checker, t, node, this.runtime);
  }

  isString(node: ts.Node): boolean {
    return isStringType(this.checker, this.typeOf(node));
  }

  /** Converts between classes: boxing and unboxing (the checker guarantees the value fits). */
  coerce(op: Operand, to: Cls): Operand {
    const from = this.b.cls(op);
    if (from === to) return op;
    if (op.k === 'con' && from !== 'w' && to !== 'w' && (from === 'd' || to === 'd'))
      return { ...op, cls: to };
    if (from === 'd' && to === 'v') return this.b.emit('boxd', 'v', op);
    if (from === 'w' && to === 'v') return this.b.emit('boxw', 'v', op);
    if (from === 'v' && to === 'd') return this.b.emit('unboxd', 'd', op);
    if (from === 'v' && to === 'w') return this.b.emit('unboxw', 'w', op);
    throw new Error(`internal error: cannot convert ${from} to ${to}`);
  }

  /** JavaScript ToBoolean as a w 0/1. */
  truthy(op: Operand): Operand {
    const cls = this.b.cls(op);
    if (cls === 'w') return op;
    if (cls === 'd') {
      const nonzero = this.b.emit('cned', 'w', op, conD(0));
      const notNan = this.b.emit('ceqd', 'w', op, op);
      return this.b.emit('and', 'w', nonzero, notNan);
    }
    return this.callRt(RT.truthy, 'w', [this.coerce(op, 'v')]);
  }

  callRt(symbol: string, ret: Cls, args: Operand[]): Operand {
    return this.b.call(symbol, ret, args) as Operand;
  }

  /** ToString for `+` and template literals (no console formatting: -0 gives "0"). */
  toStr(op: Operand, node: ts.Node): Operand {
    if (this.isString(node)) return this.coerce(op, 'v');
    if (this.b.cls(op) === 'd') return this.callRt(RT.numberToString, 'v', [op]);
    return this.callRt(RT.toStringValue, 'v', [this.coerce(op, 'v')]);
  }

  concat(a: Operand, b: Operand): Operand {
    return this.callRt(RT.concat, 'v', [a, b]);
  }

  string(text: string, node: ts.Node): Operand {
    return { k: 'sym', name: this.mod.stringLiteral(text, node) };
  }

  // ---- variables

  storageOf(id: ts.Identifier): Storage {
    return this.storageOfSymbol(this.mod.resolveSymbol(this.checker.getSymbolAtLocation(id)), id);
  }

  /** Where the variable `sym` (named by `id` in the source) lives. */
  storageOfSymbol(sym: ts.Symbol | undefined, id: ts.Identifier): Storage {
    if (!sym) throw unsupported(id, `'${id.text}'`);
    const s = this.locals.get(sym) ?? this.mod.globals.get(sym);
    if (s) return s;
    const cap = this.mod.captured.get(sym);
    if (cap) {
      const cls = this.clsOfTypeNode(this.checker.getTypeOfSymbol(sym), id);
      return { kind: 'env', owner: cap.owner, index: cap.index, cls };
    }
    const decl = sym.valueDeclaration;
    if (decl && (ts.isVariableDeclaration(decl) || ts.isParameter(decl)))
      throw new Unsupported(id, 'TORO2005', [id.text]);
    throw unsupported(id, `using '${id.text}' as a value`);
  }

  read(s: Storage): Operand {
    // A copy, so that side effects later in the same expression (`x + (x = 1)`) cannot change it.
    if (s.kind === 'temp') return this.b.emit('copy', s.cls, { k: 'tmp', id: s.id });
    const index: Operand = { k: 'con', cls: 'l', bits: BigInt(s.index) };
    if (s.kind === 'env') return this.coerce(this.b.emit('ldw', 'v', this.envBase(s.owner), index), s.cls);
    const v = this.b.emit('loadg', s.cls, index);
    if (s.name !== undefined && (!this.topLevel || (s.module !== undefined && s.module !== this.source))) {
      // A function may run before the top-level declaration did (the temporal dead zone), and so
      // may another module's top level (an import cycle): the slot still holds HOLE, and using it
      // as its static type could break memory safety.
      const early = this.b.newBlock('tdz');
      const ok = this.b.newBlock('init');
      this.b.jnz(this.b.emit('ceql', 'w', v, { k: 'con', cls: s.cls, bits: VALUE.HOLE }), early, ok);
      this.b.place(early);
      this.b.call(RT.referenceError, undefined, [
        this.string(`Cannot access '${s.name}' before initialization`, this.node),
      ]);
      this.b.unreachable();
      this.b.place(ok);
    }
    return v;
  }

  write(s: Storage, value: Operand): void {
    const v = this.coerce(value, s.cls);
    if (s.kind === 'temp') {
      this.b.assign(s.id, 'copy', v);
      return;
    }
    const index: Operand = { k: 'con', cls: 'l', bits: BigInt(s.index) };
    if (s.kind === 'env') this.b.effect('stw', this.envBase(s.owner), index, this.coerce(v, 'v'));
    else this.b.effect('storeg', index, v);
  }

  // ---- expressions

  /** The optional chain being lowered: where `?.` on a nullish value jumps to (result undefined). */
  private chain?: { root: ts.Expression; exit: import('../../ir/types.js').Block };

  /** `a?.b.c(d)`: the whole chain is undefined as soon as a `?.` finds null or undefined. */
  private optionalChain(node: ts.Expression): Operand {
    const b = this.b;
    const saved = this.chain;
    const exit = b.newBlock('chain.nullish');
    const end = b.newBlock('chain.end');
    const result = b.temp('v');
    this.chain = { root: node, exit };
    const v = this.expr(node);
    this.chain = saved;
    b.assign(result, 'copy', this.coerce(v, 'v'));
    b.jmp(end);
    b.place(exit);
    b.assign(result, 'copy', conV(VALUE.UNDEFINED));
    b.jmp(end);
    b.place(end);
    const cls = this.clsOf(node);
    return cls === 'v' ? { k: 'tmp', id: result } : this.coerce({ k: 'tmp', id: result }, cls);
  }

  /** At a `?.`: leave the chain when `value` is null or undefined. */
  guardNullish(value: Operand, node: ts.Node): void {
    if (!this.chain) throw unsupported(node, "'?.' here");
    const next = this.b.newBlock('chain');
    this.b.jnz(this.nullish(value), this.chain.exit, next);
    this.b.place(next);
  }

  expr(node: ts.Expression): Operand {
    // A call, `new` or property read gets V8's position (./frames.ts) for its instructions, so a
    // stack trace points where Node's would; its operands' own positions do not outlast them.
    const at = this.runtime ? undefined : v8Position(node, this.source);
    if (!at) return this.lowerExpr(node);
    const { line, col } = this.b;
    this.b.line = at.line;
    this.b.col = at.col;
    const v = this.lowerExpr(node);
    this.b.line = line;
    this.b.col = col;
    return v;
  }

  private lowerExpr(node: ts.Expression): Operand {
    const want = () => this.clsOf(node);
    if (node.flags & ts.NodeFlags.OptionalChain && this.chain?.root !== node && isChainRoot(node))
      return this.optionalChain(node);
    switch (node.kind) {
      case K.NumericLiteral:
        return conD(Number((node as ts.NumericLiteral).text));
      case K.StringLiteral:
      case K.NoSubstitutionTemplateLiteral:
        return this.string((node as ts.StringLiteral).text, node);
      case K.TrueKeyword:
        return conW(1);
      case K.FalseKeyword:
        return conW(0);
      case K.NullKeyword:
        return conV(VALUE.NULL);
      case K.ParenthesizedExpression:
        return this.expr((node as ts.ParenthesizedExpression).expression);
      case K.AwaitExpression: {
        // Compiled async functions run to completion where they are called, and every call to one is
        // awaited (../../README.md "Async functions"): the awaited value is the callee's boxed result.
        const v = this.expr((node as ts.AwaitExpression).expression);
        return this.b.cls(v) === 'v' && this.clsOf(node) !== 'v' ? fromHeap(this, v, node) : v;
      }
      case K.AsExpression:
      case K.NonNullExpression:
      case K.SatisfiesExpression:
      case K.TypeAssertionExpression: {
        const inner = (node as ts.AsExpression).expression;
        const v = this.expr(inner);
        // An assertion from a boxed value to a number, boolean or string is checked at run time.
        if (this.b.cls(v) === 'v' && !this.isString(inner)) return fromHeap(this, v, node);
        return this.coerce(v, want());
      }
      case K.Identifier:
        return this.identifier(node as ts.Identifier);
      case K.PrefixUnaryExpression:
        return this.prefix(node as ts.PrefixUnaryExpression);
      case K.PostfixUnaryExpression:
        return this.update(node as ts.PostfixUnaryExpression, true);
      case K.BinaryExpression:
        return this.binary(node as ts.BinaryExpression);
      case K.ConditionalExpression:
        return this.conditional(node as ts.ConditionalExpression);
      case K.TemplateExpression:
        return this.template(node as ts.TemplateExpression);
      case K.CallExpression:
        return lowerCall(this, node as ts.CallExpression);
      case K.PropertyAccessExpression: {
        const member = this.namespaceMember(node);
        if (member) return this.identifier(member);
        return this.property(node as ts.PropertyAccessExpression);
      }
      case K.ElementAccessExpression:
        return memberReference(this, node as ts.ElementAccessExpression).read();
      case K.ArrayLiteralExpression:
        return arrayLiteral(this, node as ts.ArrayLiteralExpression);
      case K.ObjectLiteralExpression:
        return objectLiteral(this, node as ts.ObjectLiteralExpression);
      case K.ArrowFunction:
      case K.FunctionExpression:
        return this.closure(node as ts.ArrowFunction | ts.FunctionExpression);
      case K.TypeOfExpression:
        return this.callRt(RT.typeOf, 'v', [
          this.coerce(this.expr((node as ts.TypeOfExpression).expression), 'v'),
        ]);
      case K.ThisKeyword:
        return this.thisOperand(node);
      case K.NewExpression:
        return this.newExpression(node as ts.NewExpression);
      default:
        throw unsupported(node, describe(node));
    }
  }

  private identifier(id: ts.Identifier): Operand {
    const sym = this.checker.getSymbolAtLocation(id);
    if (id.text === 'undefined' && !sym?.valueDeclaration) return conV(VALUE.UNDEFINED);
    if (sym && this.fromLib(sym)) {
      if (id.text === 'NaN') return conD(Number.NaN);
      if (id.text === 'Infinity') return conD(Number.POSITIVE_INFINITY);
      if (id.text === 'eval') throw new Unsupported(id, 'TORO2004', ['eval']);
      const slot = (BUILTIN_CLASSES as readonly string[]).indexOf(id.text);
      if (slot >= 0) return this.b.emit('loadg', 'v', conL(BigInt(slot)));
      const f = builtinFunctionValue(this, id.text, id);
      if (f) return f;
      throw unsupported(id, `'${id.text}' as a value`);
    }
    const target = this.mod.resolveSymbol(sym);
    if (target && isModuleSymbol(target))
      throw unsupported(id, `a module namespace object as a value (read its members: ${id.text}.name)`);
    const decl = target?.valueDeclaration;
    if (decl && ts.isFunctionDeclaration(decl) && decl.parameters.some((p) => p.dotDotDotToken))
      throw unsupported(id, 'a function with a rest parameter as a value');
    if (
      decl &&
      ts.isFunctionDeclaration(decl) &&
      decl.body &&
      ts.isSourceFile(decl.parent) &&
      !this.mod.isRuntime(decl)
    )
      return makeClosure(this, this.mod.functionSymbol(decl), conV(VALUE.UNDEFINED), id.text, id);
    if (
      decl &&
      this.mod.isRuntime(decl) &&
      ts.isVariableDeclaration(decl) &&
      decl.parent.flags & ts.NodeFlags.Const &&
      ts.isSourceFile(decl.parent.parent.parent) &&
      decl.initializer &&
      ts.isNumericLiteral(decl.initializer)
    ) {
      // The runtime's top-level `const NAME = 123` are compile-time constants.
      return conD(Number(decl.initializer.text));
    }
    return this.coerce(this.read(this.storageOf(id)), this.clsOf(id));
  }

  /** `this` in a method or constructor. */
  thisOperand(node: ts.Node): Operand {
    if (ts.isArrowFunction(this.node)) {
      // An arrow's `this` is its method's, kept in the method's environment (./closures.ts).
      const owner = thisOwner(node);
      const index = owner && this.mod.capturedThis.get(owner);
      if (!owner || index === undefined) throw unsupported(node, "'this' inside this arrow function");
      return this.read({ kind: 'env', owner, index, cls: 'v' });
    }
    const objectMethod = ts.isMethodDeclaration(this.node) && ts.isObjectLiteralExpression(this.node.parent);
    if ((!this.classInfo && !objectMethod) || !this.thisValue)
      throw unsupported(node, "'this' outside a class or object method");
    return this.thisValue;
  }

  /** The parent class object, for `super.m`. */
  parentClass(node: ts.Node): Operand {
    const p = this.classInfo?.parent;
    if (!p) throw unsupported(node, "'super' here");
    return classValue(this, p, node);
  }

  /**
   * `m.x` where `m` is a namespace import (`import * as m`, also `m.sub.x` through `export * as
   * sub`): the name `x`, which the checker resolves to the export itself, so the member is read
   * (called, constructed) exactly as an imported binding. Undefined for any other expression.
   */
  namespaceMember(node: ts.Expression): ts.Identifier | undefined {
    if (!ts.isPropertyAccessExpression(node) || !ts.isIdentifier(node.name)) return undefined;
    const base = node.expression;
    const name = ts.isIdentifier(base) ? base : this.namespaceMember(base);
    if (!name) return undefined;
    const sym = this.mod.resolveSymbol(this.checker.getSymbolAtLocation(name));
    return sym && isModuleSymbol(sym) ? node.name : undefined;
  }

  private newExpression(node: ts.NewExpression): Operand {
    const callee = this.namespaceMember(node.expression) ?? node.expression;
    if (!ts.isIdentifier(callee)) throw unsupported(node, "'new' on this expression");
    const sym = this.mod.resolveSymbol(this.checker.getSymbolAtLocation(callee));
    if (sym && this.fromLib(sym) && (callee.text === 'Map' || callee.text === 'Set')) {
      const init = node.arguments?.[0];
      const kind = callee.text === 'Map' ? HEAP.KIND_MAP : HEAP.KIND_SET;
      const v = init ? this.coerce(this.expr(init), 'v') : conV(VALUE.UNDEFINED);
      return this.callRt(RT.collectionNew, 'v', [conD(kind), v]);
    }
    if (sym && this.fromLib(sym)) {
      const binary = newBinary(this, node, callee.text) ?? newText(this, node, callee.text);
      if (binary) return binary;
      const slot = (BUILTIN_CLASSES as readonly string[]).indexOf(callee.text);
      if (slot < 0) throw unsupported(node, `'new ${callee.text}'`);
      const args = node.arguments ?? [];
      const msg = args[0] ? this.coerce(this.expr(args[0]), 'v') : conV(VALUE.UNDEFINED);
      return this.callRt(RT.makeError, 'v', [this.b.emit('loadg', 'v', conL(BigInt(slot))), msg]);
    }
    const decl = sym?.valueDeclaration;
    if (decl && ts.isClassDeclaration(decl) && ts.isSourceFile(decl.parent))
      return newInstance(this, decl, node);
    throw unsupported(node, "'new' on this expression");
  }

  fromLib(sym: ts.Symbol): boolean {
    return sym.declarations?.some((d) => d.getSourceFile().fileName.startsWith('/toro-lib/')) === true;
  }

  private property(node: ts.PropertyAccessExpression): Operand {
    if (ts.isIdentifier(node.expression) && node.expression.text === 'Math') {
      const sym = this.checker.getSymbolAtLocation(node.expression);
      if (sym && this.fromLib(sym)) {
        if (node.name.text === 'PI') return conD(Math.PI);
        if (node.name.text === 'E') return conD(Math.E);
      }
    }
    if (ts.isIdentifier(node.expression) && node.expression.text === 'Number') {
      const sym = this.checker.getSymbolAtLocation(node.expression);
      const value = NUMBER_CONSTANTS[node.name.text];
      if (sym && this.fromLib(sym) && value !== undefined) return conD(value);
    }
    return memberReference(this, node).read();
  }

  /** Lowers a nested function; returns its linker symbol. Overridden by FunctionLowering. */
  lowerNested(_node: ts.FunctionLikeDeclaration): string {
    throw unsupported(_node, 'nested functions');
  }

  private closure(node: ts.ArrowFunction | ts.FunctionExpression): Operand {
    const name =
      node.name?.text ??
      (ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)
        ? node.parent.name.text
        : '');
    return makeClosure(this, this.lowerNested(node), this.childEnv(), name, node);
  }

  /** An element or property read as the boxed value it is (no representation check). */
  unchecked(node: ts.Expression): Operand {
    // A link of an optional chain (`o?.x === true`) is read by the chain, which may end before it.
    if (node.flags & ts.NodeFlags.OptionalChain) return this.expr(node);
    if (ts.isElementAccessExpression(node) || ts.isPropertyAccessExpression(node)) {
      const ref = memberReference(this, node);
      if (ref.readRaw) return ref.readRaw();
    }
    return this.expr(node);
  }

  /** The assignable thing `node` names. */
  reference(node: ts.Expression): Reference {
    if (ts.isParenthesizedExpression(node)) return this.reference(node.expression);
    if (ts.isIdentifier(node)) {
      const s = this.storageOf(node);
      return {
        read: () => this.coerce(this.read(s), this.clsOf(node)),
        write: (v) => this.write(s, v),
      };
    }
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node))
      return memberReference(this, node);
    throw unsupported(node, 'assignment to this target');
  }

  private prefix(node: ts.PrefixUnaryExpression): Operand {
    switch (node.operator) {
      case K.PlusPlusToken:
      case K.MinusMinusToken:
        return this.update(node, false);
      case K.ExclamationToken:
        return this.b.emit('xor', 'w', this.truthy(this.expr(node.operand)), conW(1));
      case K.MinusToken:
        return this.b.emit('neg', 'd', this.number(node.operand));
      case K.PlusToken:
        return this.number(node.operand);
      case K.TildeToken: {
        const i = this.b.emit('dtoi32', 'w', this.number(node.operand));
        return this.b.emit('wtod', 'd', this.b.emit('xor', 'w', i, conW(-1)));
      }
    }
    throw unsupported(node, describe(node));
  }

  /** An operand that must be a number (the checker allows only numbers for arithmetic here). */
  number(node: ts.Expression): Operand {
    if (this.clsOf(node) !== 'd') throw unsupported(node, 'arithmetic on a non-number (implicit ToNumber)');
    return this.expr(node);
  }

  private update(node: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, postfix: boolean): Operand {
    const ref = this.reference(node.operand);
    const old = this.coerce(ref.read(), 'd');
    const oldCopy = postfix ? this.b.emit('copy', 'd', old) : old;
    const op = node.operator === K.PlusPlusToken ? 'add' : 'sub';
    const next = this.b.emit(op, 'd', oldCopy, conD(1));
    ref.write(next);
    return postfix ? oldCopy : next;
  }

  private binary(node: ts.BinaryExpression): Operand {
    const op = node.operatorToken.kind;
    if (op === K.EqualsToken) {
      if (ts.isArrayLiteralExpression(node.left)) return this.arrayAssignment(node.left, node.right);
      if (ts.isObjectLiteralExpression(node.left)) return this.objectAssignment(node.left, node.right);
      const ref = this.reference(node.left);
      const v = this.expr(node.right);
      ref.write(v);
      return this.coerce(v, this.clsOf(node));
    }
    const compound = COMPOUND[op];
    if (compound !== undefined) {
      const ref = this.reference(node.left);
      const left = ref.read();
      const v = this.apply(compound, left, node.left, this.expr(node.right), node.right, node);
      ref.write(v);
      return this.coerce(v, this.clsOf(node));
    }
    if (op === K.AmpersandAmpersandToken || op === K.BarBarToken || op === K.QuestionQuestionToken)
      return this.logical(node, op);
    if (
      op === K.QuestionQuestionEqualsToken ||
      op === K.BarBarEqualsToken ||
      op === K.AmpersandAmpersandEqualsToken
    )
      return this.logicalAssignment(node, op);
    if (op === K.CommaToken) {
      this.expr(node.left);
      return this.expr(node.right);
    }
    const strict = op === K.EqualsEqualsEqualsToken || op === K.ExclamationEqualsEqualsToken;
    // `a[i] === undefined` compares the element as it is, without the check that a number-typed
    // read would get.
    const left = strict ? this.unchecked(node.left) : this.expr(node.left);
    const right = strict ? this.unchecked(node.right) : this.expr(node.right);
    return this.apply(op, left, node.left, right, node.right, node);
  }

  /** `[a, b] = value` (e.g. a swap): every element is read before any target is written. */
  private arrayAssignment(left: ts.ArrayLiteralExpression, right: ts.Expression): Operand {
    const value = this.coerce(this.expr(right), 'v');
    const seq = this.callRt(RT.iterate, 'v', [value]);
    const parts: { target: ts.Expression; value: Operand }[] = [];
    left.elements.forEach((e, k) => {
      if (ts.isOmittedExpression(e)) return;
      if (
        ts.isSpreadElement(e) ||
        ts.isBinaryExpression(e) ||
        ts.isArrayLiteralExpression(e) ||
        ts.isObjectLiteralExpression(e)
      )
        throw unsupported(e, 'this destructuring assignment target');
      parts.push({ target: e, value: fromHeap(this, this.callRt(RT.arrayGet, 'v', [seq, conD(k)]), e) });
    });
    for (const p of parts) this.reference(p.target).write(p.value);
    return value;
  }

  /**
   * `({ a, b: x, c = 1, ...rest } = value)`: each property is read (and defaulted) in order and
   * assigned to its target (a variable, `o.p` or `a[i]`); `...rest` gets the properties not named.
   */
  private objectAssignment(left: ts.ObjectLiteralExpression, right: ts.Expression): Operand {
    const value = this.coerce(this.expr(right), 'v');
    const taken: Operand[] = [];
    for (const p of left.properties) {
      if (ts.isSpreadAssignment(p)) {
        const rest = this.callRt(RT.objectRestOf, 'v', [value, arrayOf(this, taken)]);
        this.assignTarget(p.expression, rest);
        continue;
      }
      let init: ts.Expression | undefined;
      let assign: (v: Operand) => void;
      if (ts.isShorthandPropertyAssignment(p)) {
        // `{ a }` assigns the variable a (the checker's symbol at the name is the property's).
        const storage = this.storageOfSymbol(this.checker.getShorthandAssignmentValueSymbol(p), p.name);
        init = p.objectAssignmentInitializer;
        assign = (v) => this.write(storage, fromHeap(this, v, p.name));
      } else if (ts.isPropertyAssignment(p)) {
        let target = p.initializer;
        if (ts.isBinaryExpression(target) && target.operatorToken.kind === K.EqualsToken) {
          init = target.right;
          target = target.left;
        }
        assign = (v) => this.assignTarget(target, v);
      } else throw unsupported(p, 'this destructuring assignment target');
      if (!ts.isIdentifier(p.name) && !ts.isStringLiteral(p.name))
        throw unsupported(p.name, 'computed and numeric property names');
      const key = this.string(p.name.text, p.name);
      taken.push(key);
      const raw = this.callRt(RT.objectGet, 'v', [value, key]);
      assign(init ? this.orDefault(raw, init, 'given') : raw);
    }
    return value;
  }

  /** Assigns a boxed value to a destructuring target, with the target's representation check. */
  private assignTarget(target: ts.Expression, v: Operand): void {
    if (ts.isObjectLiteralExpression(target) || ts.isArrayLiteralExpression(target))
      throw unsupported(target, 'nested destructuring assignment');
    this.reference(target).write(fromHeap(this, v, target));
  }

  /** `raw`, or the value of `init` when `raw` is undefined (a destructuring or pattern default). */
  orDefault(raw: Operand, init: ts.Expression, join: string): Operand {
    const b = this.b;
    const v = b.temp('v');
    b.assign(v, 'copy', raw);
    const missing = b.newBlock('default');
    const next = b.newBlock(join);
    b.jnz(b.emit('ceql', 'w', raw, conV(VALUE.UNDEFINED)), missing, next);
    b.place(missing);
    b.assign(v, 'copy', this.coerce(this.expr(init), 'v'));
    b.jmp(next);
    b.place(next);
    return { k: 'tmp', id: v };
  }

  /** Applies a binary operator to two evaluated operands. */
  private apply(
    op: ts.SyntaxKind,
    left: Operand,
    ln: ts.Expression,
    right: Operand,
    rn: ts.Expression,
    node: ts.Node,
  ): Operand {
    const b = this.b;
    if (op === K.PlusToken) {
      if (this.isString(ln) || this.isString(rn))
        return this.concat(this.toStr(left, ln), this.toStr(right, rn));
      return b.emit('add', 'd', this.numeric(left, ln), this.numeric(right, rn));
    }
    const arith = ARITH[op];
    if (arith) return b.emit(arith, 'd', this.numeric(left, ln), this.numeric(right, rn));
    if (op === K.AsteriskAsteriskToken)
      return this.callRt(RT.pow, 'd', [this.numeric(left, ln), this.numeric(right, rn)]);
    const bit = BITWISE[op];
    if (bit) {
      const x = b.emit('dtoi32', 'w', this.numeric(left, ln));
      const y = b.emit('dtoi32', 'w', this.numeric(right, rn));
      if (bit === 'shr') return b.emit('ltod', 'd', b.emit('shr', 'l', x, y));
      return b.emit('wtod', 'd', b.emit(bit, 'w', x, y));
    }
    const cmp = COMPARE[op];
    if (cmp) {
      if (this.isString(ln) && this.isString(rn)) {
        const order = this.callRt(RT.stringCompare, 'd', [this.coerce(left, 'v'), this.coerce(right, 'v')]);
        return b.emit(cmp, 'w', order, conD(0));
      }
      if (this.isString(ln) || this.isString(rn))
        throw unsupported(node, 'comparing a string with a number with < or >');
      return b.emit(cmp, 'w', this.numeric(left, ln), this.numeric(right, rn));
    }
    if (op === K.InKeyword)
      return this.callRt(RT.objectHasKey, 'w', [this.coerce(right, 'v'), this.coerce(left, 'v')]);
    if (op === K.InstanceOfKeyword)
      return this.callRt(RT.instanceOf, 'w', [this.coerce(left, 'v'), this.coerce(right, 'v')]);
    if (op === K.EqualsEqualsEqualsToken || op === K.ExclamationEqualsEqualsToken) {
      const eq = this.strictEquals(left, ln, right, rn);
      return op === K.EqualsEqualsEqualsToken ? eq : b.emit('xor', 'w', eq, conW(1));
    }
    if (op === K.EqualsEqualsToken || op === K.ExclamationEqualsToken) {
      // Loose equality equals strict equality when both sides have the same primitive type.
      const lc = this.clsOf(ln);
      const same = lc === this.clsOf(rn) && (lc !== 'v' || (this.isString(ln) && this.isString(rn)));
      if (!same) throw unsupported(node, "'==' between different types (use '===')");
      const eq = this.strictEquals(left, ln, right, rn);
      return op === K.EqualsEqualsToken ? eq : b.emit('xor', 'w', eq, conW(1));
    }
    throw unsupported(node, `the '${ts.tokenToString(op) ?? 'operator'}' operator`);
  }

  private numeric(op: Operand, node: ts.Expression): Operand {
    if (this.b.cls(op) !== 'd') throw unsupported(node, 'arithmetic on a non-number (implicit ToNumber)');
    return op;
  }

  strictEquals(left: Operand, ln: ts.Expression, right: Operand, rn: ts.Expression): Operand {
    const lc = this.b.cls(left);
    const rc = this.b.cls(right);
    if (lc === 'd' && rc === 'd') return this.b.emit('ceqd', 'w', left, right);
    if (lc === 'w' && rc === 'w') return this.b.emit('ceqw', 'w', left, right);
    if (
      this.isString(ln) &&
      this.isString(rn) &&
      lc === 'v' &&
      rc === 'v' &&
      this.checked(ln) &&
      this.checked(rn)
    )
      return this.callRt(RT.stringEquals, 'w', [left, right]);
    return this.callRt(RT.strictEquals, 'w', [this.coerce(left, 'v'), this.coerce(right, 'v')]);
  }

  /** Whether `node`'s value went through the representation check its static type implies. */
  private checked(node: ts.Expression): boolean {
    return !ts.isElementAccessExpression(node) && !ts.isPropertyAccessExpression(node);
  }

  /** Whether a value is null or undefined, as a w 0/1 (numbers and booleans never are). */
  nullish(op: Operand): Operand {
    if (this.b.cls(op) !== 'v') return conW(0);
    const u = this.b.emit('ceql', 'w', op, conV(VALUE.UNDEFINED));
    const n = this.b.emit('ceql', 'w', op, conV(VALUE.NULL));
    return this.b.emit('or', 'w', u, n);
  }

  /** Whether `&&` / `||` / `??` evaluates its right side, given the left value. */
  private needsRight(left: Operand, op: ts.SyntaxKind): Operand {
    if (op === K.QuestionQuestionToken || op === K.QuestionQuestionEqualsToken) return this.nullish(left);
    const t = this.truthy(left);
    if (op === K.AmpersandAmpersandToken || op === K.AmpersandAmpersandEqualsToken) return t;
    return this.b.emit('xor', 'w', t, conW(1));
  }

  /** `a ??= b`, `a ||= b`, `a &&= b`: the target is assigned only when the right side runs. */
  private logicalAssignment(node: ts.BinaryExpression, op: ts.SyntaxKind): Operand {
    const cls = this.clsOf(node);
    const ref = this.reference(node.left);
    const result = this.b.temp(cls);
    const left = ref.readRaw ? ref.readRaw() : ref.read();
    this.b.assign(result, 'copy', this.coerce(left, cls));
    const rhs = this.b.newBlock('rhs');
    const end = this.b.newBlock('end');
    this.b.jnz(this.needsRight(left, op), rhs, end);
    this.b.place(rhs);
    const v = this.expr(node.right);
    ref.write(v);
    this.b.assign(result, 'copy', this.coerce(v, cls));
    this.b.jmp(end);
    this.b.place(end);
    return { k: 'tmp', id: result };
  }

  private logical(node: ts.BinaryExpression, op: ts.SyntaxKind): Operand {
    const cls = this.clsOf(node);
    const l = node.left;
    const member = ts.isElementAccessExpression(l) || ts.isPropertyAccessExpression(l);
    if (op === K.QuestionQuestionToken && member && !(l.flags & ts.NodeFlags.OptionalChain))
      return this.nullishRead(node, cls);
    const result = this.b.temp(cls);
    const left = this.expr(node.left);
    const rhs = this.b.newBlock('rhs');
    const end = this.b.newBlock('end');
    const go = this.needsRight(left, op);
    if (op !== K.QuestionQuestionToken || this.b.cls(left) === 'v' || cls === this.b.cls(left))
      this.b.assign(result, 'copy', this.coerce(left, cls));
    this.b.jnz(go, rhs, end);
    this.b.place(rhs);
    this.b.assign(result, 'copy', this.coerce(this.expr(node.right), cls));
    this.b.jmp(end);
    this.b.place(end);
    return { k: 'tmp', id: result };
  }

  /**
   * `o[k] ?? d` / `o.p ?? d`: the element is tested as it is (a missing key typed `number` is
   * undefined here, as in JavaScript); only a value that is kept goes through its type's check.
   */
  private nullishRead(node: ts.BinaryExpression, cls: Cls): Operand {
    const result = this.b.temp(cls);
    const raw = this.unchecked(node.left);
    const keep = this.b.newBlock('keep');
    const rhs = this.b.newBlock('rhs');
    const end = this.b.newBlock('end');
    this.b.jnz(this.nullish(raw), rhs, keep);
    this.b.place(keep);
    const kept = this.b.cls(raw) === 'v' ? fromHeap(this, raw, node.left) : raw;
    this.b.assign(result, 'copy', this.coerce(kept, cls));
    this.b.jmp(end);
    this.b.place(rhs);
    this.b.assign(result, 'copy', this.coerce(this.expr(node.right), cls));
    this.b.jmp(end);
    this.b.place(end);
    return { k: 'tmp', id: result };
  }

  private conditional(node: ts.ConditionalExpression): Operand {
    const cls = this.clsOf(node);
    const result = this.b.temp(cls);
    const yes = this.b.newBlock('then');
    const no = this.b.newBlock('else');
    const end = this.b.newBlock('end');
    this.b.jnz(this.truthy(this.expr(node.condition)), yes, no);
    this.b.place(yes);
    this.b.assign(result, 'copy', this.coerce(this.expr(node.whenTrue), cls));
    this.b.jmp(end);
    this.b.place(no);
    this.b.assign(result, 'copy', this.coerce(this.expr(node.whenFalse), cls));
    this.b.jmp(end);
    this.b.place(end);
    return { k: 'tmp', id: result };
  }

  private template(node: ts.TemplateExpression): Operand {
    let acc = this.string(node.head.text, node.head);
    for (const span of node.templateSpans) {
      acc = this.concat(acc, this.toStr(this.expr(span.expression), span.expression));
      if (span.literal.text !== '') acc = this.concat(acc, this.string(span.literal.text, span.literal));
    }
    return acc;
  }
}

/** The method or constructor whose `this` an arrow function's `this` is (undefined elsewhere). */
export function thisOwner(node: ts.Node): ts.Node | undefined {
  let n: ts.Node | undefined = node.parent;
  while (n && (!ts.isFunctionLike(n) || ts.isArrowFunction(n))) {
    if (ts.isClassLike(n) || ts.isSourceFile(n)) return undefined;
    n = n.parent;
  }
  if (n && (ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isAccessor(n))) return n;
  return undefined;
}

/** The outermost expression of an optional chain (its parent does not continue the chain). */
function isChainRoot(node: ts.Expression): boolean {
  const p = node.parent;
  const continues =
    (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p) || ts.isCallExpression(p)) &&
    p.expression === node &&
    (p.flags & ts.NodeFlags.OptionalChain) !== 0;
  return !continues;
}

/** A readable name for a syntax kind, for "X is not supported yet". */
/** Number.* constants, computed by the host (the same IEEE doubles). */
const NUMBER_CONSTANTS: Record<string, number> = {
  MAX_SAFE_INTEGER: Number.MAX_SAFE_INTEGER,
  MIN_SAFE_INTEGER: Number.MIN_SAFE_INTEGER,
  EPSILON: Number.EPSILON,
  MAX_VALUE: Number.MAX_VALUE,
  MIN_VALUE: Number.MIN_VALUE,
  POSITIVE_INFINITY: Number.POSITIVE_INFINITY,
  NEGATIVE_INFINITY: Number.NEGATIVE_INFINITY,
  NaN: Number.NaN,
};

export function describe(node: ts.Node): string {
  if (ts.isFunctionLike(node) && 'asteriskToken' in node && node.asteriskToken) return 'generator functions';
  const names: Partial<Record<ts.SyntaxKind, string>> = {
    [K.WithStatement]: "the 'with' statement",
    [K.ArrayLiteralExpression]: 'array literals',
    [K.ObjectLiteralExpression]: 'object literals',
    [K.ArrowFunction]: 'arrow functions',
    [K.FunctionExpression]: 'function expressions',
    [K.ClassDeclaration]: 'classes',
    [K.ClassExpression]: 'classes',
    [K.NewExpression]: "'new'",
    [K.ElementAccessExpression]: 'element access',
    [K.YieldExpression]: "'yield'",
    [K.AwaitExpression]: "'await'",
    [K.TryStatement]: "'try'",
    [K.SwitchStatement]: "'switch'",
    [K.ForInStatement]: "'for...in'",
    [K.ForOfStatement]: "'for...of'",
    [K.LabeledStatement]: 'labeled statements',
    [K.TaggedTemplateExpression]: 'tagged templates',
    [K.DeleteExpression]: "'delete'",
    [K.VoidExpression]: "'void'",
    [K.RegularExpressionLiteral]: 'regular expressions',
    [K.BigIntLiteral]: 'bigint',
    [K.SpreadElement]: 'spread',
    [K.EnumDeclaration]: 'enums',
    [K.ImportDeclaration]: 'imports',
  };
  return names[node.kind] ?? `${ts.SyntaxKind[node.kind]}`;
}

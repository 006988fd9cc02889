/**
 * Classes → IR (../../runtime/lib/classes.ts has the run-time side and the CLASS layout).
 *
 * A top-level `class C` becomes, where the declaration stands in the program, a CLASS object in C's
 * global slot: `rt.classes.classNew(name, parent)`, one `defineMethod`/`defineAccessor`/
 * `defineStatic` per member (each method a closure over no environment, taking `this` as every
 * function of the program does, ./closures.ts), then the static fields in order.
 *
 * `new C(args)` allocates the instance (`rt.classes.construct`) and calls C's constructor function
 * `ts.class.C.constructor` directly (the class is known statically). A base class's constructor
 * defines the fields (declaration order, initialisers evaluated with `this`) and the parameter
 * properties, then runs its body; a derived one runs its body, whose `super(...)` calls the parent's
 * constructor and then defines the fields. A class without a constructor gets one that forwards its
 * parent's arity. Classes extending Error/TypeError/RangeError call rt.errors.initError for super.
 */
import ts from 'typescript';
import { VALUE } from '../../backend/abi.js';
import { conL, type IrFunction, type Operand } from '../../ir/types.js';
import { RT } from '../../runtime/symbols.js';
import { unsupported } from '../diagnostics.js';
import { makeClosure } from './closures.js';
import { BUILTIN_CLASSES } from './context.js';
import type { ExpressionLowering } from './expressions.js';
import type { FunctionLowering } from './statements.js';

const K = ts.SyntaxKind;
const conV = (bits: bigint): Operand => ({ k: 'con', cls: 'v', bits });
const UNDEFINED = conV(VALUE.UNDEFINED);

export type ParentClass = { kind: 'builtin'; slot: number } | { kind: 'user'; decl: ts.ClassDeclaration };

export interface ClassInfo {
  decl: ts.ClassDeclaration;
  name: string;
  /** `<module prefix>class.<name>`: its members' symbols start with it. */
  symbol: string;
  parent?: ParentClass;
}

export function classInfo(L: ExpressionLowering, decl: ts.ClassDeclaration): ClassInfo {
  if (!decl.name) throw unsupported(decl, 'anonymous classes');
  const info: ClassInfo = {
    decl,
    name: decl.name.text,
    symbol: `${L.mod.modulePrefix(decl)}class.${decl.name.text}`,
  };
  const parent = parentOf(L, decl);
  if (parent) info.parent = parent;
  return info;
}

function parentOf(L: ExpressionLowering, decl: ts.ClassDeclaration): ParentClass | undefined {
  const h = decl.heritageClauses?.find((c) => c.token === K.ExtendsKeyword);
  if (!h) return undefined;
  const e = L.namespaceMember(h.types[0].expression) ?? h.types[0].expression;
  if (!ts.isIdentifier(e)) throw unsupported(e, 'extending this expression');
  const sym = L.mod.resolveSymbol(L.checker.getSymbolAtLocation(e));
  if (sym && L.fromLib(sym)) {
    const slot = (BUILTIN_CLASSES as readonly string[]).indexOf(e.text);
    if (slot < 0) throw unsupported(e, `extending '${e.text}'`);
    return { kind: 'builtin', slot };
  }
  const d = sym?.valueDeclaration;
  if (d && ts.isClassDeclaration(d) && ts.isSourceFile(d.parent)) return { kind: 'user', decl: d };
  throw unsupported(e, 'extending this expression');
}

/** The class object of a built-in or user class. */
export function classValue(L: ExpressionLowering, c: ParentClass, node: ts.Node): Operand {
  if (c.kind === 'builtin') return L.b.emit('loadg', 'v', conL(BigInt(c.slot)));
  const name = c.decl.name;
  const sym = name && L.checker.getSymbolAtLocation(name);
  const storage = sym && L.mod.globals.get(sym);
  if (!storage) throw unsupported(node, 'this class');
  return L.read(storage);
}

const symbolOf = (info: ClassInfo, member: string) => `${info.symbol}.${member}`;

function constructorOf(decl: ts.ClassDeclaration): ts.ConstructorDeclaration | undefined {
  return decl.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body);
}

/** Number of arguments `new C(...)` passes to C's constructor function. */
export function constructorArity(L: ExpressionLowering, decl: ts.ClassDeclaration): number {
  const ctor = constructorOf(decl);
  if (ctor) return ctor.parameters.length;
  const p = parentOf(L, decl);
  if (!p) return 0;
  return p.kind === 'builtin' ? 1 : constructorArity(L, p.decl);
}

function memberName(m: ts.ClassElement): string {
  const n = m.name;
  if (!n) throw unsupported(m, 'this class member');
  if (ts.isPrivateIdentifier(n)) throw unsupported(n, 'private names (#x)');
  if (ts.isIdentifier(n) || ts.isStringLiteral(n)) {
    if (/^(0|[1-9][0-9]*)$/.test(n.text)) throw unsupported(n, 'numeric property names');
    return n.text;
  }
  throw unsupported(n, 'computed and numeric property names');
}

const isStatic = (m: ts.ClassElement) =>
  ts.canHaveModifiers(m) && (ts.getModifiers(m) ?? []).some((x) => x.kind === K.StaticKeyword);

/** The class declaration statement (top level): builds the class object and its members. */
export function lowerClass(L: FunctionLowering, decl: ts.ClassDeclaration): void {
  const info = classInfo(L, decl);
  const name = decl.name as ts.Identifier;
  const sym = L.checker.getSymbolAtLocation(name);
  const storage = sym && L.mod.globals.get(sym);
  if (!storage) throw unsupported(decl, 'this class');
  const parent = info.parent ? classValue(L, info.parent, decl) : conV(VALUE.NULL);
  const cls = L.callRt(RT.classNew, 'v', [L.string(info.name, name), parent]);
  L.write(storage, cls);
  const nested = (m: ts.FunctionLikeDeclaration, symbol: string, label: string): Operand => {
    L.mod.nested.push(L.lowerMember(m, symbol, info));
    return makeClosure(L, symbol, UNDEFINED, label, m);
  };
  const statics: ts.PropertyDeclaration[] = [];
  for (const m of decl.members) {
    if (ts.isSemicolonClassElement(m) || ts.isIndexSignatureDeclaration(m)) continue;
    if (ts.isConstructorDeclaration(m)) continue;
    if (ts.isClassStaticBlockDeclaration(m)) throw unsupported(m, 'static blocks');
    const key = memberName(m);
    const keyOp = L.string(key, m.name as ts.Node);
    if (ts.isPropertyDeclaration(m)) {
      if (isStatic(m)) statics.push(m);
      continue;
    }
    if (ts.isMethodDeclaration(m)) {
      if (!m.body) continue;
      const where = isStatic(m) ? 'static' : 'method';
      const f = nested(m, symbolOf(info, `${where}.${key}`), key);
      L.b.call(isStatic(m) ? RT.defineStatic : RT.defineMethod, undefined, [cls, keyOp, f]);
      continue;
    }
    if (ts.isGetAccessorDeclaration(m) || ts.isSetAccessorDeclaration(m)) {
      if (!m.body) continue;
      const getter = ts.isGetAccessorDeclaration(m);
      const where = isStatic(m) ? 'static.' : '';
      const f = nested(m, symbolOf(info, `${where}${getter ? 'get' : 'set'}.${key}`), key);
      L.b.call(isStatic(m) ? RT.classesDefineStaticAccessor : RT.defineAccessor, undefined, [
        cls,
        keyOp,
        f,
        { k: 'con', cls: 'd', bits: getter ? 0n : 0x3ff0000000000000n },
      ]);
      continue;
    }
    throw unsupported(m, 'this class member');
  }
  L.mod.nested.push(L.lowerConstructor(info));
  for (const m of statics) {
    const v = m.initializer ? L.coerce(L.expr(m.initializer), 'v') : UNDEFINED;
    L.b.call(RT.objectSet, undefined, [L.read(storage), L.string(memberName(m), m.name), v]);
  }
}

/** `new C(args)` for a class of the program. */
export function newInstance(
  L: ExpressionLowering,
  decl: ts.ClassDeclaration,
  node: ts.NewExpression,
): Operand {
  const info = classInfo(L, decl);
  if (decl.modifiers?.some((m) => m.kind === K.AbstractKeyword))
    throw unsupported(node, 'instantiating an abstract class');
  const obj = L.callRt(RT.construct, 'v', [
    classValue(L, { kind: 'user', decl }, node),
    L.string(info.name, node),
  ]);
  const args = (node.arguments ?? []).map((a) => {
    if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
    return L.coerce(L.expr(a), 'v');
  });
  const arity = constructorArity(L, decl);
  while (args.length < arity) args.push(UNDEFINED);
  L.b.call(symbolOf(info, 'constructor'), 'v', [UNDEFINED, obj, ...args.slice(0, arity)]);
  return obj;
}

/** `super(args)` in a derived constructor: the parent's constructor, then this class's fields. */
export function superConstructorCall(L: ExpressionLowering, node: ts.CallExpression): Operand {
  const info = L.classInfo;
  if (!info?.parent || !L.thisValue) throw unsupported(node, "'super' here");
  const self = L.thisValue;
  const args = node.arguments.map((a) => {
    if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
    return L.coerce(L.expr(a), 'v');
  });
  callParent(L, info, self, args);
  defineFields(L, info);
  return UNDEFINED;
}

function callParent(L: ExpressionLowering, info: ClassInfo, self: Operand, args: Operand[]): void {
  const p = info.parent;
  if (!p) return;
  if (p.kind === 'builtin') {
    L.b.call(RT.initError, undefined, [self, args[0] ?? UNDEFINED]);
    return;
  }
  const arity = constructorArity(L, p.decl);
  const values = args.slice(0, arity);
  while (values.length < arity) values.push(UNDEFINED);
  const parentInfo = classInfo(L, p.decl);
  L.b.call(symbolOf(parentInfo, 'constructor'), 'v', [UNDEFINED, self, ...values]);
}

/**
 * The constructor's parameter properties, then the instance fields in declaration order (a field
 * without initialiser is defined as undefined, as ES2022 class fields are): TypeScript's order, so
 * an initialiser may use a parameter property.
 */
export function defineFields(L: ExpressionLowering, info: ClassInfo): void {
  const self = L.thisValue as Operand;
  const ctor = constructorOf(info.decl);
  for (const p of ctor?.parameters ?? []) {
    if (!ts.isParameterPropertyDeclaration(p, ctor as ts.ConstructorDeclaration)) continue;
    if (!ts.isIdentifier(p.name)) throw unsupported(p.name, 'destructuring');
    const sym = parameterSymbol(L.checker, p);
    const storage = sym && L.locals.get(sym);
    if (!storage) throw unsupported(p.name, 'this parameter property');
    L.b.call(RT.objectDefine, undefined, [
      self,
      L.string(p.name.text, p.name),
      L.coerce(L.read(storage), 'v'),
    ]);
  }
  for (const m of info.decl.members) {
    if (!ts.isPropertyDeclaration(m) || isStatic(m)) continue;
    if (m.modifiers?.some((x) => x.kind === K.DeclareKeyword)) continue;
    const v = m.initializer ? L.coerce(L.expr(m.initializer), 'v') : UNDEFINED;
    L.b.call(RT.objectDefine, undefined, [self, L.string(memberName(m), m.name), v]);
  }
}

/** The constructor function of a class: its own, or the implicit one forwarding to the parent's. */
export function implicitConstructor(L: FunctionLowering, info: ClassInfo): IrFunction {
  const b = L.b;
  b.fn.ret = 'v';
  b.param('v', 'closure');
  const self = { k: 'tmp', id: b.param('v', 'this') } as const;
  L.thisValue = self;
  const n = info.parent ? constructorArity(L, info.decl) : 0;
  const args: Operand[] = [];
  for (let k = 0; k < n; k++) args.push({ k: 'tmp', id: b.param('v', `arg${k}`) });
  callParent(L, info, self, args);
  defineFields(L, info);
  b.ret(UNDEFINED);
  return b.fn;
}

/**
 * The variable a parameter declares. For a parameter property (`constructor(private n: number)`)
 * the checker answers the property's symbol at the name; the body's `n` is the parameter's.
 */
export function parameterSymbol(checker: ts.TypeChecker, p: ts.ParameterDeclaration): ts.Symbol | undefined {
  if (ts.isIdentifier(p.name) && ts.isParameterPropertyDeclaration(p, p.parent))
    return checker.getSymbolsOfParameterPropertyDeclaration(p, p.name.text)[0];
  return ts.isIdentifier(p.name) ? checker.getSymbolAtLocation(p.name) : undefined;
}

export { constructorOf };

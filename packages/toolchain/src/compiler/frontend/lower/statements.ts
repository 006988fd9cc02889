/**
 * Statements → IR, and one function (or the program's top level) → IrFunction. Control flow becomes
 * blocks and jumps; `let`/`const` become temporaries (or global slots at the program's top level).
 */
import ts from 'typescript';
import { HEAP, MAX_ARGS, VALUE } from '../../backend/abi.js';
import { type Block, type Cls, conD, conL, type IrFunction, type Operand } from '../../ir/types.js';
import { RT } from '../../runtime/symbols.js';
import { Unsupported, unsupported } from '../diagnostics.js';
import { provenInBounds } from './bounds.js';
import { returnCls } from './builtins.js';
import {
  type ClassInfo,
  constructorOf,
  defineFields,
  implicitConstructor,
  lowerClass,
  parameterSymbol,
} from './classes.js';
import { makeClosure } from './closures.js';
import type { ModuleContext, Storage } from './context.js';
import { lowerEnum } from './enums.js';
import { conV, describe, ExpressionLowering } from './expressions.js';
import { frameName, functionStart, positionOf } from './frames.js';
import { arrayOf, fromHeap, isArray, iterable } from './objects.js';
import { isSdkChannel, sdkIterationMethod } from './sdk-calls.js';

const K = ts.SyntaxKind;

export class FunctionLowering extends ExpressionLowering {
  /** Targets of break/continue: loops, switches (no `cont`) and labelled statements, innermost last. */
  private loops: { brk: Block; cont?: Block; tries: number; label?: string }[] = [];
  /** The label of the labelled loop about to be lowered. */
  private pendingLabel: string | undefined;
  /** The enclosing `try` regions of the statement being lowered, innermost last. */
  private tries: { rec: number; fin?: ts.Block }[] = [];

  constructor(mod: ModuleContext, symbol: string, source: ts.SourceFile, topLevel: boolean) {
    super(mod, symbol, source);
    this.topLevel = topLevel;
  }

  /** Lowers a top-level function declaration (of the program or of the runtime). */
  static fn(mod: ModuleContext, decl: ts.FunctionDeclaration): IrFunction {
    const L = new FunctionLowering(mod, mod.functionSymbol(decl), decl.getSourceFile(), false);
    L.lowerFunction(decl);
    return L.b.fn;
  }

  /** A method, accessor or constructor of a top-level class. */
  lowerMember(decl: ts.FunctionLikeDeclaration, symbol: string, info: ClassInfo): IrFunction {
    const L = new FunctionLowering(this.mod, symbol, decl.getSourceFile(), false);
    L.classInfo = info;
    L.lowerFunction(decl);
    return L.b.fn;
  }

  /** The constructor function of a class (../classes.ts). */
  lowerConstructor(info: ClassInfo): IrFunction {
    const ctor = constructorOf(info.decl);
    const symbol = `${info.symbol}.constructor`;
    if (ctor) return this.lowerMember(ctor, symbol, info);
    const L = new FunctionLowering(this.mod, symbol, info.decl.getSourceFile(), false);
    L.classInfo = info;
    const start = positionOf(L.source, info.decl.getStart(L.source));
    L.b.fn.frame = { name: `new ${info.name}`, ...start };
    return implicitConstructor(L, info);
  }

  override lowerNested(node: ts.FunctionLikeDeclaration): string {
    const name = node.name && ts.isIdentifier(node.name) ? node.name.text : 'anonymous';
    const L = new FunctionLowering(this.mod, this.mod.nestedSymbol(name, node), this.source, false);
    L.parent = this;
    L.lowerFunction(node);
    this.mod.nested.push(L.b.fn);
    return L.b.fn.name;
  }

  /**
   * Parameters and body. The runtime's functions take and return their native classes; the
   * program's take the closure first and every value boxed (./closures.ts).
   */
  private lowerFunction(decl: ts.FunctionLikeDeclaration): void {
    this.node = decl;
    const b = this.b;
    if (decl.asteriskToken) throw unsupported(decl, 'generator functions');
    const user = !this.runtime;
    if (user) {
      const start = functionStart(decl, this.source);
      b.fn.frame = { name: frameName(decl, this.classInfo?.name), ...start };
      b.line = start.line;
      b.col = start.col;
    }
    const max = user ? MAX_ARGS - 2 : MAX_ARGS;
    if (decl.parameters.length > max) throw new Unsupported(decl.parameters[max], 'TORO2006', [String(max)]);
    if (user) {
      b.fn.ret = 'v';
      const closure = b.param('v', 'closure');
      this.thisValue = { k: 'tmp', id: b.param('v', 'this') };
      if (this.parent) this.incomingEnv = b.emit('ldw', 'v', { k: 'tmp', id: closure }, conL(1n));
      const n = this.mod.envSize.get(decl) ?? 0;
      if (n > 0) {
        const env = this.callRt(RT.allocWords, 'v', [conL(BigInt(HEAP.KIND_WORDS)), conL(BigInt(n + 1))]);
        b.effect('stw', env, conL(0n), this.incomingEnv ?? conV(VALUE.UNDEFINED));
        this.envTemp = env;
        if (env.k === 'tmp') this.scopes.push({ node: decl, env: env.id });
        const thisIndex = this.mod.capturedThis.get(decl);
        if (thisIndex !== undefined) b.effect('stw', env, conL(BigInt(thisIndex)), this.thisValue);
      }
    } else {
      const ret = returnCls(this, decl as ts.FunctionDeclaration);
      if (ret !== undefined) b.fn.ret = ret;
    }
    const incoming: {
      sym: ts.Symbol | undefined;
      id: number;
      cls: Cls;
      node: ts.Identifier;
      name: string;
      init?: ts.Expression;
    }[] = [];
    // A caller through a function value does not know the arity: registers it does not fill hold
    // undefined (backend/emit.ts calli), so optional parameters must all be register arguments.
    const optional = decl.parameters.some((p) => p.initializer || p.questionToken || p.dotDotDotToken);
    if (optional && user && decl.parameters.length > 4)
      throw unsupported(decl.parameters[4], 'optional, default or rest parameters past the fourth');
    const patterns: { pattern: ts.BindingName; id: number; init?: ts.Expression }[] = [];
    for (const p of decl.parameters) {
      if (!ts.isIdentifier(p.name)) {
        if (!user || p.dotDotDotToken) throw unsupported(p.name, 'destructuring parameters');
        patterns.push({
          pattern: p.name,
          id: b.param('v', 'pattern'),
          ...(p.initializer ? { init: p.initializer } : {}),
        });
        continue;
      }
      if (!user && (p.initializer || p.questionToken || p.dotDotDotToken))
        throw unsupported(p, 'optional parameters in the runtime');
      if (p.dotDotDotToken && !(ts.isFunctionDeclaration(decl) && ts.isSourceFile(decl.parent)))
        throw unsupported(p, 'rest parameters outside top-level functions');
      const cls = this.clsOf(p.name);
      incoming.push({
        sym: parameterSymbol(this.checker, p),
        id: b.param(user ? 'v' : cls, p.name.text),
        cls,
        node: p.name,
        name: p.name.text,
        ...(p.initializer ? { init: p.initializer } : {}),
      });
    }
    for (const p of incoming) {
      if (!user) {
        if (p.sym) this.locals.set(p.sym, { kind: 'temp', id: p.id, cls: p.cls });
        continue;
      }
      const value: Operand = { k: 'tmp', id: p.id };
      if (!p.sym) continue;
      const storage = this.declareLocal(p.sym, p.cls, p.name);
      // The static type of a parameter is not a guarantee (bivariant methods, casts of function
      // values): a number, boolean or string parameter is checked on entry, like a heap read.
      const checked = (): Operand => fromHeap(this, value, p.node);
      if (!p.init) {
        this.write(storage, checked());
        continue;
      }
      // A default applies when the argument is undefined (missing or passed as undefined).
      const given = b.newBlock('arg');
      const missing = b.newBlock('default');
      const next = b.newBlock('param');
      b.jnz(b.emit('ceql', 'w', value, conV(VALUE.UNDEFINED)), missing, given);
      b.place(given);
      this.write(storage, checked());
      b.jmp(next);
      b.place(missing);
      this.write(storage, this.expr(p.init));
      b.jmp(next);
      b.place(next);
    }
    for (const p of patterns) {
      const raw: Operand = { k: 'tmp', id: p.id };
      this.bindPattern(p.pattern, p.init ? this.orDefault(raw, p.init, 'param') : raw);
    }
    const body = decl.body;
    if (!body) throw unsupported(decl, 'a function without a body');
    // A base class's constructor defines the fields first; a derived one does in super(...).
    if (ts.isConstructorDeclaration(decl) && this.classInfo && !this.classInfo.parent)
      defineFields(this, this.classInfo);
    if (ts.isBlock(body)) this.statement(body);
    else {
      this.at(body);
      b.ret(this.coerce(this.expr(body), 'v'));
    }
    this.finish();
  }

  /** Function declarations in a block are hoisted: their closures exist before its first statement. */
  private hoist(statements: readonly ts.Statement[]): void {
    for (const s of statements) {
      if (!ts.isFunctionDeclaration(s) || !s.name || !s.body) continue;
      const sym = this.checker.getSymbolAtLocation(s.name);
      if (!sym) continue;
      const storage = this.declareLocal(sym, 'v', s.name.text);
      this.write(storage, makeClosure(this, this.lowerNested(s), this.childEnv(), s.name.text, s));
    }
  }

  /**
   * `main`: creates the built-in classes, then runs every module's top-level code (`inits`, in
   * evaluation order). It shows in no stack trace (../module.ts puts it after the table's code).
   */
  static runner(mod: ModuleContext, entry: ts.SourceFile, symbol: string, inits: string[]): IrFunction {
    const L = new FunctionLowering(mod, symbol, entry, true);
    L.b.call(RT.initErrors, undefined, []);
    for (const init of inits) L.b.call(init, undefined, []);
    L.finish();
    return L.b.fn;
  }

  /**
   * A module's top-level statements, in order. The entry's then calls its `export default main`;
   * another module's `export default <expression>` stores the value in its slot.
   */
  static main(
    mod: ModuleContext,
    source: ts.SourceFile,
    symbol: string,
    onError: (e: Unsupported) => void,
    entry: boolean,
  ): IrFunction {
    const L = new FunctionLowering(mod, symbol, source, true);
    const first = source.statements.find((s) => !ts.isFunctionDeclaration(s));
    L.b.fn.frame = { name: '', ...positionOf(source, first ? first.getStart(source) : 0) };
    for (const s of source.statements) {
      if (ts.isFunctionDeclaration(s) || ts.isExportDeclaration(s) || ts.isImportDeclaration(s)) continue;
      if (ts.isImportEqualsDeclaration(s) || (isDefaultExport(s) && (entry || ts.isIdentifier(s.expression))))
        continue;
      try {
        if (isDefaultExport(s)) L.defaultValue(s);
        else L.statement(s);
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
        onError(e);
      }
    }
    const main = entry ? defaultExport(source) : undefined;
    if (main) {
      // `export default main`: called once the top-level code has run, on CPU 0 only (every CPU runs
      // the top-level code in its own isolate); its result is the exit status.
      try {
        L.at(main);
        const run = L.b.newBlock('main.run');
        const done = L.b.newBlock('main.done');
        L.b.jnz(L.b.emit('ceql', 'w', L.b.call(RT.osCpuId, 'l', []) as Operand, conL(0n)), run, done);
        L.b.place(run);
        const f = L.coerce(L.expr(main), 'v');
        L.b.call(RT.mainResult, undefined, [L.b.calli([f, conV(VALUE.UNDEFINED)])]);
        L.b.jmp(done);
        L.b.place(done);
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
        onError(e);
      }
    }
    L.finish();
    return L.b.fn;
  }

  /** `export default <expression>` of an imported module: evaluated here, kept in its slot. */
  private defaultValue(s: ts.ExportAssignment): void {
    this.at(s);
    const sym = this.checker.getSymbolAtLocation(this.source)?.exports?.get('default' as ts.__String);
    const slot = sym && this.mod.globals.get(sym);
    if (!slot) throw unsupported(s, "this 'export default'");
    this.write(slot, this.expr(s.expression));
  }

  private finish(): void {
    if (this.b.terminated) return;
    const ret = this.b.fn.ret;
    if (ret === undefined) this.b.ret();
    else if (ret === 'v') this.b.ret(conV(VALUE.UNDEFINED));
    else this.b.unreachable(); // the checker proved every path returns
  }

  statement(node: ts.Statement): void {
    this.at(node);
    const b = this.b;
    switch (node.kind) {
      case K.Block:
        if (!this.topLevel) this.hoist((node as ts.Block).statements);
        for (const s of (node as ts.Block).statements) this.statement(s);
        return;
      case K.EmptyStatement:
      case K.InterfaceDeclaration:
      case K.TypeAliasDeclaration:
        return;
      case K.ExpressionStatement:
        this.expr((node as ts.ExpressionStatement).expression);
        return;
      case K.VariableStatement:
        this.variables((node as ts.VariableStatement).declarationList);
        return;
      case K.IfStatement: {
        const s = node as ts.IfStatement;
        const yes = b.newBlock('then');
        const no = b.newBlock('else');
        const end = s.elseStatement ? b.newBlock('endif') : no;
        b.jnz(this.truthy(this.expr(s.expression)), yes, no);
        b.place(yes);
        this.statement(s.thenStatement);
        b.jmp(end);
        if (s.elseStatement) {
          b.place(no);
          this.statement(s.elseStatement);
          b.jmp(end);
        }
        b.place(end);
        return;
      }
      case K.WhileStatement: {
        const s = node as ts.WhileStatement;
        const head = b.newBlock('while');
        const body = b.newBlock('body');
        const end = b.newBlock('endwhile');
        const scope = this.loopScope(s);
        b.jmp(head);
        b.place(head);
        b.jnz(this.truthy(this.expr(s.expression)), body, end);
        b.place(body);
        scope?.fresh();
        this.loop(s.statement, end, head);
        b.jmp(head);
        b.place(end);
        scope?.pop();
        return;
      }
      case K.DoStatement: {
        const s = node as ts.DoStatement;
        const body = b.newBlock('do');
        const cond = b.newBlock('cond');
        const end = b.newBlock('enddo');
        const scope = this.loopScope(s);
        b.jmp(body);
        b.place(body);
        scope?.fresh();
        this.loop(s.statement, end, cond);
        b.jmp(cond);
        b.place(cond);
        this.at(s.expression);
        b.jnz(this.truthy(this.expr(s.expression)), body, end);
        b.place(end);
        scope?.pop();
        return;
      }
      case K.ForStatement: {
        const s = node as ts.ForStatement;
        const scope = this.loopScope(s);
        if (s.initializer) {
          if (ts.isVariableDeclarationList(s.initializer)) this.variables(s.initializer);
          else this.expr(s.initializer);
        }
        const head = b.newBlock('for');
        const body = b.newBlock('body');
        const step = b.newBlock('step');
        const end = b.newBlock('endfor');
        b.jmp(head);
        b.place(head);
        if (s.condition) b.jnz(this.truthy(this.expr(s.condition)), body, end);
        else b.jmp(body);
        b.place(body);
        const proof = this.runtime ? undefined : provenInBounds(this.checker, s);
        if (proof) this.inBounds.push(proof);
        this.loop(s.statement, end, step);
        if (proof) this.inBounds.pop();
        b.jmp(step);
        b.place(step);
        scope?.copy();
        if (s.incrementor) {
          this.at(s.incrementor);
          this.expr(s.incrementor);
        }
        b.jmp(head);
        b.place(end);
        scope?.pop();
        return;
      }
      case K.ForOfStatement:
        this.forOf(node as ts.ForOfStatement);
        return;
      case K.BreakStatement:
      case K.ContinueStatement: {
        const s = node as ts.BreakStatement;
        const isBreak = node.kind === K.BreakStatement;
        const target = [...this.loops]
          .reverse()
          .find((l) => (s.label ? l.label === s.label.text : isBreak || l.cont !== undefined));
        const to = target && (isBreak ? target.brk : target.cont);
        if (!target || !to) throw unsupported(s, 'this break or continue target');
        this.unwind(target.tries);
        b.jmp(to);
        return;
      }
      case K.LabeledStatement: {
        const s = node as ts.LabeledStatement;
        if (ts.isIterationStatement(s.statement, false)) {
          this.pendingLabel = s.label.text;
          this.statement(s.statement);
          return;
        }
        const end = b.newBlock('endlabel');
        this.loops.push({ brk: end, tries: this.tries.length, label: s.label.text });
        this.statement(s.statement);
        this.loops.pop();
        b.jmp(end);
        b.place(end);
        return;
      }
      case K.SwitchStatement:
        this.switchStatement(node as ts.SwitchStatement);
        return;
      case K.ReturnStatement: {
        const s = node as ts.ReturnStatement;
        if (this.topLevel) throw unsupported(s, "'return' at the top level");
        const ret = b.fn.ret;
        if (s.expression && ret !== undefined) {
          const v = this.coerce(this.expr(s.expression), ret);
          // A finally block run on the way out must not change the value being returned.
          const kept = this.tries.length > 0 ? this.b.emit('copy', ret, v) : v;
          this.unwind(0);
          b.ret(kept);
        } else {
          if (s.expression) this.expr(s.expression);
          this.unwind(0);
          if (ret === 'v') b.ret(conV(VALUE.UNDEFINED));
          else b.ret();
        }
        return;
      }
      case K.ThrowStatement: {
        const e = (node as ts.ThrowStatement).expression;
        b.call(RT.throwValue, undefined, [this.coerce(this.expr(e), 'v')]);
        b.unreachable();
        return;
      }
      case K.TryStatement:
        this.tryStatement(node as ts.TryStatement);
        return;
      case K.ClassDeclaration:
        if (!this.topLevel) throw unsupported(node, 'classes declared inside functions');
        lowerClass(this, node as ts.ClassDeclaration);
        return;
      case K.EnumDeclaration:
        lowerEnum(this, node as ts.EnumDeclaration);
        return;
      case K.FunctionDeclaration:
        if (this.topLevel) throw unsupported(node, 'function declarations inside blocks at the top level');
        return; // hoisted
      default:
        throw unsupported(node, describe(node));
    }
  }

  /**
   * `for (const x of a)` over an array (its length is read at every step, as the array iterator
   * does; holes read as undefined) or over a string (its code points, taken into an array first:
   * a surrogate pair is one character).
   */
  private forOf(s: ts.ForOfStatement): void {
    const b = this.b;
    if (s.awaitModifier) {
      this.forAwait(s);
      return;
    }
    const init = s.initializer;
    if (!ts.isVariableDeclarationList(init) || init.declarations.length !== 1)
      throw unsupported(init, "'for...of' without a let or const declaration");
    const d = init.declarations[0];
    // `for (const [i, x] of a.entries())` (also keys(), values()) walks the live array, as
    // JavaScript's array iterator does, instead of a snapshot.
    const live = arrayIteration(this, s.expression);
    const seq = live
      ? this.coerce(this.expr(live.array), 'v')
      : this.isString(s.expression)
        ? this.callRt(RT.strmethodsCodePoints, 'v', [this.coerce(this.expr(s.expression), 'v')])
        : iterable(this, s.expression);
    const i = this.b.temp('d', 'i');
    b.assign(i, 'copy', conD(0));
    // The loop variable (a destructuring pattern binds its names in the body, per iteration).
    const names: ts.Identifier[] = ts.isIdentifier(d.name) ? [d.name] : [];
    const scope = this.loopScope(s);
    const slots = names.map((n) => {
      const sym = this.checker.getSymbolAtLocation(n);
      if (!sym) throw unsupported(n, 'this declaration');
      return this.storageFor(sym, this.clsOf(n), n.text);
    });
    const head = b.newBlock('forof');
    const body = b.newBlock('body');
    const step = b.newBlock('step');
    const end = b.newBlock('endfor');
    b.jmp(head);
    b.place(head);
    const n = this.callRt(RT.arrayLength, 'd', [seq]);
    b.jnz(b.emit('cltd', 'w', { k: 'tmp', id: i }, n), body, end);
    b.place(body);
    scope?.fresh();
    const index: Operand = { k: 'tmp', id: i };
    let item: Operand;
    if (live?.which === 'keys') item = this.coerce(index, 'v');
    else if (live?.which === 'entries')
      item = this.callRt(RT.arrayPair, 'v', [
        this.coerce(index, 'v'),
        this.callRt(RT.arrayGet, 'v', [seq, index]),
      ]);
    else item = this.callRt(RT.arrayGet, 'v', [seq, index]);
    if (ts.isIdentifier(d.name)) this.write(slots[0], fromHeap(this, item, d.name));
    else this.bindPattern(d.name, item);
    this.loop(s.statement, end, step);
    b.jmp(step);
    b.place(step);
    b.assign(i, 'add', { k: 'tmp', id: i }, conD(1));
    b.jmp(head);
    b.place(end);
    scope?.pop();
  }

  /**
   * `for await (const v of ch)` over a @toro/sdk Channel: receives (rt.sdk.Channel_next, a hole once
   * the channel is closed and drained) until it is closed and drained, as the SDK's async iterator does.
   * Over a Listener or a Connection (the sockets): accept() or read() each round until undefined.
   */
  private forAwait(s: ts.ForOfStatement): void {
    const b = this.b;
    const method = sdkIterationMethod(this.checker, s.expression);
    if (method === undefined && !isSdkChannel(this.checker, s.expression))
      throw unsupported(s, "'for await' over anything but a @toro/sdk Channel, Listener or Connection");
    const init = s.initializer;
    if (!ts.isVariableDeclarationList(init) || init.declarations.length !== 1)
      throw unsupported(init, "'for await' without a let or const declaration");
    const d = init.declarations[0];
    const ch = this.coerce(this.expr(s.expression), 'v');
    const scope = this.loopScope(s);
    const slot = ts.isIdentifier(d.name)
      ? (() => {
          const sym = this.checker.getSymbolAtLocation(d.name);
          if (!sym) throw unsupported(d.name, 'this declaration');
          return this.storageFor(sym, this.clsOf(d.name), d.name.text);
        })()
      : undefined;
    const head = b.newBlock('forawait');
    const body = b.newBlock('body');
    const end = b.newBlock('endfor');
    b.jmp(head);
    b.place(head);
    let item: Operand;
    if (method === undefined) {
      item = this.callRt(RT.channelNext, 'v', [ch]);
      b.jnz(b.emit('ceql', 'w', item, { k: 'con', cls: 'v', bits: VALUE.HOLE }), end, body);
    } else {
      // A Listener's accept() or a Connection's read() (a compiled async method returns its value).
      const key = this.string(method, s.expression);
      const f = this.callRt(RT.method, 'v', [
        ch,
        key,
        this.string(`${s.expression.getText()}.${method}`, s.expression),
      ]);
      item = b.calli([f, ch]) as Operand;
      b.jnz(b.emit('ceql', 'w', item, { k: 'con', cls: 'v', bits: VALUE.UNDEFINED }), end, body);
    }
    b.place(body);
    scope?.fresh();
    if (slot && ts.isIdentifier(d.name)) this.write(slot, fromHeap(this, item, d.name));
    else this.bindPattern(d.name, item);
    this.loop(s.statement, end, head);
    b.jmp(head);
    b.place(end);
    scope?.pop();
  }

  /** Where a declared variable lives: a global at the top level unless a closure captures it. */
  private storageFor(sym: ts.Symbol, cls: Cls, name: string): Storage {
    if (this.topLevel && !this.mod.captured.has(sym))
      return this.mod.globals.get(sym) ?? this.mod.addGlobal(sym, cls);
    return this.declareLocal(sym, cls, name);
  }

  /**
   * The per-iteration environment of a loop that declares captured variables (./closures.ts):
   * allocated on entry; `fresh` replaces it at the top of an iteration, `copy` carries the current
   * values into a new one (a `for` loop's step); `pop` ends the scope.
   */
  private loopScope(node: ts.IterationStatement): { fresh(): void; copy(): void; pop(): void } | undefined {
    const n = this.mod.envSize.get(node) ?? 0;
    if (n === 0) return undefined;
    const b = this.b;
    const outer = this.childEnv();
    const env = b.temp('v', 'loopenv');
    const alloc = () => {
      const e = this.callRt(RT.allocWords, 'v', [conL(BigInt(HEAP.KIND_WORDS)), conL(BigInt(n + 1))]);
      b.effect('stw', e, conL(0n), outer);
      return e;
    };
    b.assign(env, 'copy', alloc());
    this.scopes.push({ node, env });
    return {
      fresh: () => b.assign(env, 'copy', alloc()),
      copy: () => {
        const next = alloc();
        for (let k = 1; k <= n; k++)
          b.effect('stw', next, conL(BigInt(k)), b.emit('ldw', 'v', { k: 'tmp', id: env }, conL(BigInt(k))));
        b.assign(env, 'copy', next);
      },
      pop: () => {
        this.scopes.pop();
      },
    };
  }

  /**
   * `try { T } catch (e) { C } finally { F }`. T runs under a handler whose landing block binds e and
   * runs C; with a finally, both run under an outer handler whose landing runs F and throws again,
   * and the normal path pops it and runs F. Leaving early (return, break, continue) pops and runs the
   * finally blocks in between (`unwind`).
   */
  private tryStatement(s: ts.TryStatement): void {
    const b = this.b;
    const fin = s.finallyBlock;
    const normal = b.newBlock('tryend');
    let outer: { rec: number; landing: Block } | undefined;
    if (fin) {
      const landing = b.newBlock('finally.throw');
      outer = { rec: b.tryenter(landing), landing };
      this.tries.push({ rec: outer.rec, fin });
    }
    if (s.catchClause) {
      const landing = b.newBlock('catch');
      const rec = b.tryenter(landing);
      this.tries.push({ rec });
      this.statement(s.tryBlock);
      this.tries.pop();
      b.tryleave(rec);
      b.jmp(normal);
      b.place(landing);
      const caught = b.emit('catchvalue', 'v');
      const d = s.catchClause.variableDeclaration;
      if (d) {
        if (!ts.isIdentifier(d.name)) throw unsupported(d.name, 'destructuring');
        const sym = this.checker.getSymbolAtLocation(d.name);
        if (sym) this.write(this.declareLocal(sym, 'v', d.name.text), caught);
      }
      this.statement(s.catchClause.block);
      b.jmp(normal);
    } else {
      this.statement(s.tryBlock);
      b.jmp(normal);
    }
    b.place(normal);
    if (fin && outer) {
      this.tries.pop();
      b.tryleave(outer.rec);
      this.statement(fin);
      const after = b.newBlock('endtry');
      b.jmp(after);
      b.place(outer.landing);
      const pending = b.emit('catchvalue', 'v');
      this.statement(fin);
      b.call(RT.throwValue, undefined, [pending]);
      b.unreachable();
      b.place(after);
    }
  }

  /** Leaves the try regions deeper than `depth`: pops their handlers and runs their finally blocks. */
  private unwind(depth: number): void {
    const saved = this.tries;
    for (let k = saved.length - 1; k >= depth; k--) {
      const t = saved[k];
      this.b.tryleave(t.rec);
      if (t.fin) {
        this.tries = saved.slice(0, k);
        this.statement(t.fin);
      }
    }
    this.tries = saved;
  }

  /**
   * `switch`: the discriminant once, then each case's test in order with ===; a match jumps to its
   * body and bodies fall through to the next; no match goes to `default` (wherever it stands) or out.
   */
  private switchStatement(s: ts.SwitchStatement): void {
    const b = this.b;
    const value = this.expr(s.expression);
    const disc = b.emit('copy', b.cls(value), value);
    const clauses = s.caseBlock.clauses;
    const bodies = clauses.map(() => b.newBlock('case'));
    const end = b.newBlock('endswitch');
    let fallback = end;
    clauses.forEach((c, k) => {
      if (ts.isDefaultClause(c)) {
        fallback = bodies[k];
        return;
      }
      this.at(c.expression);
      const right = this.unchecked(c.expression);
      const eq = this.strictEquals(disc, s.expression, right, c.expression);
      const next = b.newBlock('test');
      b.jnz(eq, bodies[k], next);
      b.place(next);
    });
    b.jmp(fallback);
    this.loops.push({ brk: end, tries: this.tries.length });
    clauses.forEach((c, k) => {
      b.place(bodies[k]);
      for (const st of c.statements) this.statement(st);
      b.jmp(k + 1 < bodies.length ? bodies[k + 1] : end);
    });
    this.loops.pop();
    b.place(end);
  }

  private loop(body: ts.Statement, brk: Block, cont: Block): void {
    const label = this.pendingLabel;
    this.pendingLabel = undefined;
    this.loops.push(
      label === undefined
        ? { brk, cont, tries: this.tries.length }
        : { brk, cont, tries: this.tries.length, label },
    );
    this.statement(body);
    this.loops.pop();
  }

  private variables(list: ts.VariableDeclarationList): void {
    if (!(list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)))
      throw unsupported(list, "'var' (use let or const)");
    for (const d of list.declarations) {
      if (!ts.isIdentifier(d.name)) {
        if (!d.initializer) throw unsupported(d, 'destructuring without an initialiser');
        this.bindPattern(d.name, this.coerce(this.expr(d.initializer), 'v'));
        continue;
      }
      const sym = this.checker.getSymbolAtLocation(d.name);
      if (!sym) throw unsupported(d, 'this declaration');
      const cls = this.clsOfTypeNode(this.checker.getTypeOfSymbolAtLocation(sym, d.name), d.name);
      const storage = this.storageFor(sym, cls, d.name.text);
      if (d.initializer) this.write(storage, this.expr(d.initializer));
      else if (cls === 'v') this.write(storage, conV(VALUE.UNDEFINED));
    }
  }

  /**
   * Destructuring: `{ a, b: c = 1, d: { e } }` reads properties, `[x, , y = 2, ...rest]` reads
   * elements of an array (or of a Map's/Set's entries); a default applies when the value read is
   * undefined. Each bound name gets the representation check of its declared type.
   */
  bindPattern(pattern: ts.BindingName, value: Operand): void {
    if (ts.isIdentifier(pattern)) {
      const sym = this.checker.getSymbolAtLocation(pattern);
      if (!sym) throw unsupported(pattern, 'this declaration');
      const storage = this.storageFor(sym, this.clsOf(pattern), pattern.text);
      this.write(storage, fromHeap(this, value, pattern));
      return;
    }
    if (ts.isObjectBindingPattern(pattern)) {
      const taken: Operand[] = [];
      for (const e of pattern.elements) {
        if (e.dotDotDotToken) {
          // `...rest`: the properties the pattern has not named (a copy, always a plain object).
          this.bindPattern(e.name, this.callRt(RT.objectRestOf, 'v', [value, arrayOf(this, taken)]));
          continue;
        }
        const name = e.propertyName ?? e.name;
        if (!ts.isIdentifier(name) && !ts.isStringLiteral(name))
          throw unsupported(name, 'this property name');
        const key = this.string(name.text, name);
        taken.push(key);
        const raw = this.callRt(RT.objectGet, 'v', [value, key]);
        this.bindElement(e, raw);
      }
      return;
    }
    const seq = this.callRt(RT.iterate, 'v', [value]);
    pattern.elements.forEach((e, k) => {
      if (ts.isOmittedExpression(e)) return;
      if (e.dotDotDotToken) {
        this.bindPattern(e.name, this.callRt(RT.arraySlice, 'v', [seq, conD(k), conV(VALUE.UNDEFINED)]));
        return;
      }
      this.bindElement(e, this.callRt(RT.arrayGet, 'v', [seq, conD(k)]));
    });
  }

  private bindElement(e: ts.BindingElement, raw: Operand): void {
    this.bindPattern(e.name, e.initializer ? this.orDefault(raw, e.initializer, 'bound') : raw);
  }
}

/** `export default x` (not `export = x`). */
function isDefaultExport(s: ts.Statement): s is ts.ExportAssignment {
  return ts.isExportAssignment(s) && !s.isExportEquals;
}

/** What the entry module exports as default: `export default main` or `export default function main() {}`. */
function defaultExport(source: ts.SourceFile): ts.Expression | undefined {
  for (const s of source.statements) {
    if (isDefaultExport(s)) return s.expression;
    if (
      ts.isFunctionDeclaration(s) &&
      s.name &&
      s.modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)
    )
      return s.name;
  }
  return undefined;
}

/** `a.keys()`, `a.values()` or `a.entries()` on an array, with no arguments: the array and which. */
function arrayIteration(
  L: ExpressionLowering,
  node: ts.Expression,
): { array: ts.Expression; which: 'keys' | 'values' | 'entries' } | undefined {
  if (!ts.isCallExpression(node) || node.arguments.length > 0 || node.questionDotToken) return undefined;
  const callee = node.expression;
  if (!ts.isPropertyAccessExpression(callee) || callee.questionDotToken || !isArray(L, callee.expression))
    return undefined;
  const which = callee.name.text;
  if (which !== 'keys' && which !== 'values' && which !== 'entries') return undefined;
  return { array: callee.expression, which };
}

/**
 * Builds one IrFunction block by block: the front end's only way to create IR.
 * A block is "open" until a terminator is added; instructions after a terminator go to a fresh,
 * unreachable block (dead code after `return`/`break`), which ../passes/cleanup.ts removes.
 */

import { OPS } from './ops.js';
import type { Block, Cls, Instr, IrFunction, Operand } from './types.js';
import { tmp } from './types.js';

export class FunctionBuilder {
  readonly fn: IrFunction;
  private current: Block;
  line: number | undefined;
  col: number | undefined;

  constructor(name: string, file?: string) {
    this.fn = { name, params: [], temps: [], blocks: [] };
    if (file !== undefined) this.fn.file = file;
    this.current = this.newBlock('start');
  }

  temp(cls: Cls, name = ''): number {
    this.fn.temps.push({ name: name || `t${this.fn.temps.length}`, cls });
    return this.fn.temps.length - 1;
  }

  param(cls: Cls, name: string): number {
    const t = this.temp(cls, name);
    this.fn.params.push(t);
    return t;
  }

  cls(op: Operand): Cls {
    if (op.k === 'tmp') return this.fn.temps[op.id].cls;
    if (op.k === 'con') return op.cls;
    return 'v';
  }

  /** A block not yet placed in the instruction stream; `place` makes it current. */
  newBlock(hint: string): Block {
    const b: Block = { label: `${hint}${this.fn.blocks.length}`, instrs: [] };
    this.fn.blocks.push(b);
    return b;
  }

  place(b: Block): void {
    this.current = b;
  }

  get terminated(): boolean {
    const last = this.current.instrs.at(-1);
    return last !== undefined && OPS[last.op]?.terminator === true;
  }

  private push(i: Instr): void {
    if (this.terminated) this.current = this.newBlock('dead');
    if (this.line !== undefined) i.line = this.line;
    if (this.col !== undefined) i.col = this.col;
    this.current.instrs.push(i);
  }

  /** Emits `op` with a fresh destination of class `cls`; returns the destination operand. */
  emit(op: string, cls: Cls, ...args: Operand[]): Operand {
    const dst = this.temp(cls);
    this.push({ op, dst, args });
    return tmp(dst);
  }

  /** Emits `op` into an existing temporary. */
  assign(dst: number, op: string, ...args: Operand[]): void {
    this.push({ op, dst, args });
  }

  effect(op: string, ...args: Operand[]): void {
    this.push({ op, args });
  }

  call(callee: string, ret: Cls | undefined, args: Operand[]): Operand | undefined {
    if (ret === undefined) {
      this.push({ op: 'call', args, callee });
      return undefined;
    }
    const dst = this.temp(ret);
    this.push({ op: 'call', dst, args, callee });
    return tmp(dst);
  }

  /** The raw code address of a function (a closure's code word). */
  fnaddr(symbol: string): Operand {
    const dst = this.temp('v');
    this.push({ op: 'fnaddr', dst, args: [], callee: symbol });
    return tmp(dst);
  }

  /** Calls the closure `args[0]` with `args` (the closure is its own first argument); result v. */
  calli(args: Operand[]): Operand {
    const dst = this.temp('v');
    this.push({ op: 'calli', dst, args });
    return tmp(dst);
  }

  /** Pushes a handler record (three fresh l temporaries) whose landing block is `landing`. */
  tryenter(landing: Block): number {
    const rec = this.temp('l', 'handler');
    this.temp('l', 'handler.rbp');
    this.temp('l', 'handler.landing');
    this.push({
      op: 'tryenter',
      args: [{ k: 'con', cls: 'l', bits: BigInt(rec) }],
      targets: [this.index(landing)],
    });
    return rec;
  }

  tryleave(rec: number): void {
    this.push({ op: 'tryleave', args: [{ k: 'con', cls: 'l', bits: BigInt(rec) }] });
  }

  jmp(to: Block): void {
    this.push({ op: 'jmp', args: [], targets: [this.index(to)] });
  }

  jnz(cond: Operand, yes: Block, no: Block): void {
    this.push({ op: 'jnz', args: [cond], targets: [this.index(yes), this.index(no)] });
  }

  ret(value?: Operand): void {
    this.push({ op: 'ret', args: value ? [value] : [] });
  }

  unreachable(): void {
    this.push({ op: 'unreachable', args: [] });
  }

  private index(b: Block): number {
    return this.fn.blocks.indexOf(b);
  }
}

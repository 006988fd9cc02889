/**
 * Inlining of small functions: a direct call to a small function of the program is replaced by a copy
 * of its body, its parameters assigned from the arguments and each `ret` turned into an assignment to
 * the call's result and a jump past it — the call, its frame and its prologue disappear.
 *
 * Which functions: the program's own (`ts.*`, never the module's main), of at most MAX_INSTRS
 * instructions, whose only calls are the runtime's entry checks of their parameters
 * (rt.console.expect*: they fail only when a type lied, see ../README.md "Values"), with no `try` (its
 * handler records live in consecutive temporaries) and no calls through function values. Such a body
 * cannot call anything that could capture a stack trace in a normal run, so traces keep every frame
 * Node shows. A call with fewer arguments than parameters is left alone.
 */
import type { Block, Instr, IrFunction, IrModule, Operand } from '../ir/types.js';
import { RT } from '../runtime/symbols.js';

const MAX_INSTRS = 24;
const ENTRY_CHECKS = new Set<string>([RT.expectNumber, RT.expectBoolean, RT.expectString]);

export function inlineModule(m: IrModule): IrModule {
  const small = new Map<string, IrFunction>();
  for (const f of m.functions) if (inlinable(f)) small.set(f.name, f);
  for (const f of m.functions) inlineInto(f, small);
  return m;
}

function inlinable(f: IrFunction): boolean {
  if (!f.name.startsWith('ts.') || f.name === RT.main) return false;
  let n = 0;
  for (const b of f.blocks) {
    for (const i of b.instrs) {
      n++;
      if (i.op === 'calli' || i.op === 'tryenter' || i.op === 'tryleave' || i.op === 'catchvalue')
        return false;
      if (i.op === 'call' && !ENTRY_CHECKS.has(i.callee ?? '')) return false;
    }
  }
  return n <= MAX_INSTRS;
}

function inlineInto(f: IrFunction, small: Map<string, IrFunction>): void {
  // Blocks added at the end keep every existing block's index, so the branches into them stay right.
  for (let bi = 0; bi < f.blocks.length; bi++) {
    const block = f.blocks[bi];
    const at = block.instrs.findIndex(
      // Only within one module: an instruction's position belongs to its function's file.
      (i) =>
        i.op === 'call' &&
        i.callee !== f.name &&
        small.has(i.callee ?? '') &&
        small.get(i.callee ?? '')?.file === f.file,
    );
    if (at < 0) continue;
    const call = block.instrs[at];
    const callee = small.get(call.callee as string) as IrFunction;
    if (call.args.length !== callee.params.length) continue;
    const rest: Block = { label: `${block.label}.after`, instrs: block.instrs.slice(at + 1) };
    const temps = callee.temps.map((t) => {
      f.temps.push({ name: `${callee.name}.${t.name}`, cls: t.cls });
      return f.temps.length - 1;
    });
    const rename = (o: Operand): Operand => (o.k === 'tmp' ? { k: 'tmp', id: temps[o.id] } : o);
    const entry = f.blocks.length;
    const after = entry + callee.blocks.length;
    const where = { line: call.line, col: call.col };
    block.instrs = block.instrs.slice(0, at);
    for (const [k, p] of callee.params.entries())
      block.instrs.push({ op: 'copy', dst: temps[p], args: [call.args[k]], ...where });
    block.instrs.push({ op: 'jmp', args: [], targets: [entry], ...where });
    for (const cb of callee.blocks) {
      const instrs: Instr[] = [];
      for (const i of cb.instrs) {
        if (i.op === 'ret') {
          if (call.dst !== undefined && i.args[0])
            instrs.push({ op: 'copy', dst: call.dst, args: [rename(i.args[0])], line: i.line, col: i.col });
          instrs.push({ op: 'jmp', args: [], targets: [after], line: i.line, col: i.col });
          continue;
        }
        const copy: Instr = { ...i, args: i.args.map(rename) };
        if (i.dst !== undefined) copy.dst = temps[i.dst];
        if (i.targets) copy.targets = i.targets.map((t) => t + entry);
        instrs.push(copy);
      }
      f.blocks.push({ label: `${cb.label}.${callee.name}`, instrs });
    }
    f.blocks.push(rest);
    // The continuation may hold more calls to inline: it is visited in its turn (it is a later block).
  }
}

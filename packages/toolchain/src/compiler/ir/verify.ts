/**
 * The IR verifier: run after every pass in ../pipeline.ts. It checks what the back end relies on —
 * every block ends in exactly one terminator, branch targets exist, operand and result classes match
 * the op table, every temporary used is assigned somewhere — and throws with the function's text.
 */
import { OPS } from './ops.js';
import { printFunction, printInstr } from './print.js';
import type { Cls, IrFunction, IrModule, Operand } from './types.js';

export class IrVerifyError extends Error {
  override name = 'IrVerifyError';
}

export function verifyModule(m: IrModule): void {
  for (const f of m.functions) verifyFunction(f);
}

export function verifyFunction(fn: IrFunction): void {
  const fail = (msg: string): never => {
    throw new IrVerifyError(`${fn.name}: ${msg}\n${printFunction(fn)}`);
  };
  const assigned = new Set<number>(fn.params);
  for (const b of fn.blocks) for (const i of b.instrs) if (i.dst !== undefined) assigned.add(i.dst);
  const clsOf = (o: Operand): Cls => (o.k === 'tmp' ? fn.temps[o.id].cls : o.k === 'con' ? o.cls : 'v');
  if (fn.blocks.length === 0) fail('no blocks');
  for (const b of fn.blocks) {
    if (b.instrs.length === 0) fail(`block @${b.label} is empty`);
    for (const [n, i] of b.instrs.entries()) {
      const info = OPS[i.op];
      const text = printInstr(fn, i);
      if (!info) {
        fail(`unknown op in \`${text}\``);
        continue;
      }
      const last = n === b.instrs.length - 1;
      if (last !== (info.terminator === true)) fail(`@${b.label}: terminator misplaced at \`${text}\``);
      for (const t of i.targets ?? []) if (!fn.blocks[t]) fail(`branch to a missing block in \`${text}\``);
      for (const a of i.args)
        if (a.k === 'tmp' && !assigned.has(a.id)) fail(`%${fn.temps[a.id].name} is never assigned`);
      if (i.op === 'call' || i.op === 'calli' || i.op === 'ret' || i.op === 'fnaddr') {
        if (i.op === 'ret' && i.args.length > 0 !== (fn.ret !== undefined))
          fail(`return value mismatch in \`${text}\``);
        if (i.op === 'ret' && i.args[0] && clsOf(i.args[0]) !== fn.ret)
          fail(`returns the wrong class in \`${text}\``);
        continue;
      }
      if (info.args.length !== i.args.length) fail(`wrong argument count in \`${text}\``);
      const dcls = i.dst !== undefined ? fn.temps[i.dst].cls : undefined;
      if ((info.res !== undefined) !== (dcls !== undefined)) fail(`result mismatch in \`${text}\``);
      if (info.res !== undefined && info.res !== '*' && info.res !== dcls)
        fail(`result class in \`${text}\``);
      info.args.forEach((want, k) => {
        const got = clsOf(i.args[k]);
        const expect =
          want === '*' ? (i.op === 'ceql' ? clsOf(i.args[0]) : i.op === 'storeg' ? got : dcls) : want;
        if (got !== expect) fail(`argument ${k + 1} is ${got}, wants ${expect} in \`${text}\``);
      });
    }
  }
}

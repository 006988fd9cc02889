/**
 * Constant folding: a pure double operation whose arguments are all constants is replaced by a copy
 * of its result, computed by the host's own JavaScript arithmetic — which is exactly the semantics
 * the compiled program must have. Only straight-line facts: temporaries assigned once in the whole
 * function with a constant are propagated into their uses.
 */
import { bitsDouble, conD, conW, type IrFunction, type IrModule, type Operand } from '../ir/types.js';

const D2: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
};
const CMP: Record<string, (a: number, b: number) => boolean> = {
  ceqd: (a, b) => a === b,
  cned: (a, b) => a !== b,
  cltd: (a, b) => a < b,
  cled: (a, b) => a <= b,
  cgtd: (a, b) => a > b,
  cged: (a, b) => a >= b,
};
const D1: Record<string, (a: number) => number> = {
  neg: (a) => -a,
  floor: Math.floor,
  ceil: Math.ceil,
  trunc: Math.trunc,
  sqrt: Math.sqrt,
  abs: Math.abs,
};

export function foldModule(m: IrModule): IrModule {
  for (const f of m.functions) foldFunction(f);
  return m;
}

export function foldFunction(fn: IrFunction): void {
  const assignments = new Map<number, number>();
  for (const b of fn.blocks)
    for (const i of b.instrs)
      if (i.dst !== undefined) assignments.set(i.dst, (assignments.get(i.dst) ?? 0) + 1);
  for (const p of fn.params) assignments.set(p, 2);
  const known = new Map<number, Operand>();
  const value = (o: Operand): Operand => (o.k === 'tmp' ? (known.get(o.id) ?? o) : o);
  for (const b of fn.blocks) {
    for (const i of b.instrs) {
      i.args = i.args.map(value);
      const ds = i.args.map((a) => (a.k === 'con' && a.cls === 'd' ? bitsDouble(a.bits) : undefined));
      const all = ds.length > 0 && ds.every((d) => d !== undefined);
      let result: Operand | undefined;
      if (all && D2[i.op] && ds.length === 2) result = conD(D2[i.op](ds[0] as number, ds[1] as number));
      else if (all && CMP[i.op] && ds.length === 2)
        result = conW(CMP[i.op](ds[0] as number, ds[1] as number) ? 1 : 0);
      else if (all && D1[i.op] && ds.length === 1) result = conD(D1[i.op](ds[0] as number));
      if (result) {
        i.op = 'copy';
        i.args = [result];
      }
      if (i.op === 'copy' && i.dst !== undefined && i.args[0].k === 'con' && assignments.get(i.dst) === 1) {
        known.set(i.dst, i.args[0]);
      }
    }
  }
}

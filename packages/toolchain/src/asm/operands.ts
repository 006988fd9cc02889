/**
 * Turns parsed operands into encoder operands for one pass: evaluates immediates and splits memory
 * expressions into base, index, scale and displacement the way NASM does (`[eax*3]` → `[eax+eax*2]`,
 * `[eax*2]` → `[eax+eax]` unless `nosplit`, an index that cannot be one swapped into the base).
 */
import type { Bits, MemOperand, Operand, Register } from '../x86/operand.js';
import { AsmError } from './diagnostic.js';
import { type EvalEnv, evaluate, evaluateLinear } from './evaluate.js';
import type { OperandAst } from './statement.js';

export interface OperandContext {
  bits: Bits;
  defaultRel: boolean;
}

const EA_HINT = 'an address is [base + index*scale + displacement] with scale 1, 2, 4 or 8';

export function buildOperand(op: OperandAst, env: EvalEnv, ctx: OperandContext): Operand {
  switch (op.k) {
    case 'reg':
      return { kind: 'reg', reg: op.reg };
    case 'imm': {
      const value = evaluate(op.expr, env);
      const imm: Operand = { kind: 'imm', value };
      if (op.size !== undefined) imm.size = op.size;
      if (op.strict) imm.strict = true;
      if (op.branch) imm.branch = op.branch;
      if (op.seg) imm.segment = evaluate(op.seg, env);
      return imm;
    }
    case 'mem':
      return buildMemory(op, env, ctx);
  }
}

function buildMemory(op: OperandAst & { k: 'mem' }, env: EvalEnv, ctx: OperandContext): MemOperand {
  if (!op.expr) throw new AsmError('empty memory reference', op.col, EA_HINT);
  const lin = evaluateLinear(op.expr, env);
  const regs = lin.regs.filter((r) => r.mul !== 0n);
  for (const r of regs) {
    if (!['gpr16', 'gpr32', 'gpr64'].includes(r.reg.cls)) {
      throw new AsmError(`register \`${r.reg.name}' cannot be used in a memory address`, op.col, EA_HINT);
    }
  }
  let base: Register | undefined;
  let index: Register | undefined;
  let scale: 1 | 2 | 4 | 8 = 1;
  const asScale = (m: bigint): 1 | 2 | 4 | 8 => {
    if (m === 1n || m === 2n || m === 4n || m === 8n) return Number(m) as 1 | 2 | 4 | 8;
    throw new AsmError(`invalid scale ${m} in memory reference`, op.col, EA_HINT);
  };
  if (regs.length > 2) throw new AsmError('too many registers in memory reference', op.col, EA_HINT);
  if (regs.length === 1) {
    const { reg, mul } = regs[0];
    if (mul === 1n && !op.nosplit) base = reg;
    else if ((mul === 3n || mul === 5n || mul === 9n) && !op.nosplit) {
      base = reg;
      index = reg;
      scale = asScale(mul - 1n);
    } else if (mul === 2n && !op.nosplit) {
      base = reg;
      index = reg;
    } else {
      index = reg;
      scale = asScale(mul);
    }
  } else if (regs.length === 2) {
    const [a, b] = regs;
    if (a.mul === 1n && b.mul === 1n) {
      base = a.reg;
      index = b.reg;
    } else if (a.mul === 1n) {
      base = a.reg;
      index = b.reg;
      scale = asScale(b.mul);
    } else if (b.mul === 1n) {
      base = b.reg;
      index = a.reg;
      scale = asScale(a.mul);
    } else {
      throw new AsmError('only one register in a memory reference may be scaled', op.col, EA_HINT);
    }
  }
  if (index && scale === 1 && base && (index.name === 'esp' || index.name === 'rsp')) {
    [base, index] = [index, base];
  }
  if (index && (index.name === 'esp' || index.name === 'rsp')) {
    throw new AsmError(`\`${index.name}' cannot be an index register`, op.col, EA_HINT);
  }
  const segIsFsGs = op.seg !== undefined && (op.seg.name === 'fs' || op.seg.name === 'gs');
  const rel = ctx.bits === 64 && !op.abs && (op.rel === true || (ctx.defaultRel && !segIsFsGs));
  const mem: MemOperand = { kind: 'mem', scale, disp: lin.value, rel };
  if (base) mem.base = base;
  if (index) mem.index = index;
  if (op.size !== undefined) mem.size = op.size;
  if (op.seg) mem.seg = op.seg;
  if (op.dispSize !== undefined) mem.dispSize = op.dispSize;
  if (op.nosplit) mem.nosplit = true;
  if (op.far) mem.far = true;
  return mem;
}

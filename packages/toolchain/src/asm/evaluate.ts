/**
 * Evaluates expression trees to `Value`s (NASM's relocatable expressions).
 *
 * Rules, as in NASM: adding a constant to a label keeps it relocatable; subtracting two labels with the
 * same base (same section) gives an absolute number; every other operator needs absolute operands.
 * A value that depends on a symbol not yet defined is `known: false` and never an error by itself.
 */
import type { Value } from '../obj/value.js';
import type { Register } from '../x86/operand.js';
import { AsmError } from './diagnostic.js';
import type { Expr } from './expr.js';
import { strValue } from './expr.js';

export interface EvalEnv {
  here(): Value;
  sectStart(): Value;
  /** The symbol's value, or undefined when it is not defined (yet). */
  lookup(name: string): Value | undefined;
  /** Called for each reference to a symbol that has no value at all. */
  undefinedSymbol(name: string, col: number): void;
  /**
   * The base assumed for a symbol not defined yet: NASM's first pass treats a forward reference as
   * being in the current section (so a jump to it is assumed short until proven otherwise).
   */
  forwardBase?(): string | undefined;
}

/** A memory address: registers with their multipliers, plus a displacement. */
export interface Linear {
  regs: { reg: Register; mul: bigint }[];
  value: Value;
}

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

function num(v: bigint, known = true): Value {
  return { addend: wrap(v), known };
}

export function evaluate(e: Expr, env: EvalEnv): Value {
  const lin = evaluateLinear(e, env);
  if (lin.regs.length > 0) {
    throw new AsmError(
      `register \`${lin.regs[0].reg.name}' is not allowed in this expression`,
      e.col,
      'registers belong only inside [ ] memory references',
    );
  }
  return lin.value;
}

/** Evaluates to an absolute number; relocatable values are an error (`what` names the context). */
export function evaluateAbsolute(e: Expr, env: EvalEnv, what: string): { v: bigint; known: boolean } {
  const val = evaluate(e, env);
  if (val.base !== undefined && val.known) {
    throw new AsmError(
      `${what} must be a constant, not an address`,
      e.col,
      'use a number, or a difference of two labels',
    );
  }
  return { v: val.addend, known: val.known };
}

function scalar(l: Linear): boolean {
  return l.regs.length === 0;
}

function addLin(a: Linear, b: Linear, sign: bigint, col: number): Linear {
  const regs = a.regs.map((r) => ({ ...r }));
  for (const r of b.regs) {
    const hit = regs.find((x) => x.reg.name === r.reg.name);
    if (hit) hit.mul += sign * r.mul;
    else regs.push({ reg: r.reg, mul: sign * r.mul });
  }
  const known = a.value.known && b.value.known;
  const addend = wrap(a.value.addend + sign * b.value.addend);
  const ab = a.value.base;
  const bb = b.value.base;
  let base: string | undefined;
  if (sign > 0n) {
    if (ab !== undefined && bb !== undefined && known) {
      throw new AsmError(
        'cannot add two addresses',
        col,
        'only one label may be added; subtract labels to get a distance',
      );
    }
    base = ab ?? bb;
  } else if (bb === undefined) {
    base = ab;
  } else if (ab === bb) {
    base = undefined;
  } else if (known) {
    throw new AsmError(
      `cannot subtract an address in \`${bb}' from ${ab === undefined ? 'a constant' : `an address in \`${ab}'`}`,
      col,
      'a difference of labels is only a constant when both are in the same section',
    );
  } else {
    base = ab;
  }
  const value: Value = { addend, known };
  if (base !== undefined) value.base = base;
  return { regs: regs.filter((r) => r.mul !== 0n), value };
}

function needScalar(l: Linear, op: string, col: number): bigint {
  if (!scalar(l))
    throw new AsmError(
      `register not allowed with operator \`${op}'`,
      col,
      'registers may only be added or scaled by a constant',
    );
  if (l.value.base !== undefined && l.value.known) {
    throw new AsmError(
      `\`${op}' operator may only be applied to scalar values`,
      col,
      'an address is only known at link time; use it plainly or as a difference of two labels',
    );
  }
  return l.value.addend;
}

function lit(v: bigint, known: boolean): Linear {
  return { regs: [], value: num(v, known) };
}

export function evaluateLinear(e: Expr, env: EvalEnv): Linear {
  switch (e.k) {
    case 'num':
      return lit(e.v, true);
    case 'str':
      return lit(strValue(e), true);
    case 'float':
      throw new AsmError(
        'floating-point constant not allowed here',
        e.col,
        'floats are accepted only by dd and dq',
      );
    case 'reg':
      return { regs: [{ reg: e.reg, mul: 1n }], value: num(0n) };
    case 'here':
      return { regs: [], value: env.here() };
    case 'sectstart':
      return { regs: [], value: env.sectStart() };
    case 'sym': {
      const v = env.lookup(e.name);
      if (v === undefined) {
        env.undefinedSymbol(e.name, e.col);
        const base = env.forwardBase?.();
        const value: Value = { addend: 0n, known: false };
        if (base !== undefined) value.base = base;
        return { regs: [], value };
      }
      return { regs: [], value: v };
    }
    case 'un': {
      const a = evaluateLinear(e.a, env);
      if (e.op === '+') return a;
      if (e.op === '-') return addLin(lit(0n, true), a, -1n, e.col);
      if (!a.value.known) return lit(0n, false);
      const x = needScalar(a, e.op, e.col);
      return lit(e.op === '~' ? ~x : x === 0n ? 1n : 0n, true);
    }
    case 'bin': {
      const a = evaluateLinear(e.a, env);
      const b = evaluateLinear(e.b, env);
      if (e.op === '+') return addLin(a, b, 1n, e.col);
      if (e.op === '-') return addLin(a, b, -1n, e.col);
      const known = a.value.known && b.value.known;
      if (e.op === '*') {
        if (scalar(a) && a.value.base === undefined && !scalar(b)) return scaleLin(b, a.value.addend, known);
        if (scalar(b) && b.value.base === undefined && !scalar(a)) return scaleLin(a, b.value.addend, known);
      }
      if (!known) {
        // Forward reference: no error yet, the value is recomputed in a later pass.
        if (!scalar(a) || !scalar(b))
          throw new AsmError(`register not allowed with operator \`${e.op}'`, e.col);
        return lit(0n, false);
      }
      const x = needScalar(a, e.op, e.col);
      const y = needScalar(b, e.op, e.col);
      return lit(binary(e.op, x, y, e.col), true);
    }
  }
}

function scaleLin(l: Linear, m: bigint, known: boolean): Linear {
  if (l.value.base !== undefined && known) {
    throw new AsmError('cannot multiply an address', undefined, 'only registers and constants may be scaled');
  }
  const value: Value = { addend: wrap(l.value.addend * m), known: known };
  return { regs: l.regs.map((r) => ({ reg: r.reg, mul: r.mul * m })).filter((r) => r.mul !== 0n), value };
}

function binary(op: string, x: bigint, y: bigint, col: number): bigint {
  const b = (c: boolean): bigint => (c ? 1n : 0n);
  switch (op) {
    case '*':
      return x * y;
    case '/':
    case '//':
    case '%':
    case '%%':
      if (y === 0n) throw new AsmError('division by zero', col);
      if (op === '/') return u64(x) / u64(y);
      if (op === '%') return u64(x) % u64(y);
      if (op === '//') return x / y;
      return x % y;
    // Shift counts are taken modulo 64, as the x86 shift instructions NASM compiles to do.
    case '<<':
    case '<<<':
      return x << (y & 63n);
    case '>>':
      return u64(x) >> (y & 63n);
    case '>>>':
      return x >> (y & 63n);
    case '&':
      return x & y;
    case '|':
      return x | y;
    case '^':
      return x ^ y;
    case '&&':
      return b(x !== 0n && y !== 0n);
    case '||':
      return b(x !== 0n || y !== 0n);
    case '^^':
      return b((x !== 0n) !== (y !== 0n));
    case '=':
    case '==':
      return b(x === y);
    case '!=':
    case '<>':
      return b(x !== y);
    case '<':
      return b(x < y);
    case '>':
      return b(x > y);
    case '<=':
      return b(x <= y);
    case '>=':
      return b(x >= y);
    case '<=>':
      return x < y ? -1n : x > y ? 1n : 0n;
  }
  throw new AsmError(`unknown operator \`${op}'`, col);
}

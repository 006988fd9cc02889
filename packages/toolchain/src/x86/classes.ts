/**
 * Operand classes: the vocabulary of the tables' operand column, and the test "does this operand fit".
 *
 * A class is parsed once from its table spelling. Matching is deliberately NASM's: an unsized memory
 * operand takes its size from a register operand of the same form (so `mov [eax], ebx` works but
 * `inc [eax]` does not), an absolute known immediate fits `imm8s` when it survives sign extension from a
 * byte at the form's operand size, relocatable values never fit a shrunk class, and not-yet-known values
 * (forward references in the first pass) fit every shrunk class unless `strict`, as in NASM.
 *
 *   r8 r16 r32 r64         general register of that size (r32na: any but eax)
 *   rm8 … rm64             that register, or memory of that size (or unsized, see above)
 *   m m8 m16 m32 m64 m80 m128   memory (m: any size)
 *   imm8 imm16 imm32 imm64 any immediate (an explicit size keyword must agree)
 *   imm8s                  immediate that fits a sign-extended byte at the operand size
 *   imm32u imm32s          for `mov r64, imm`: fits unsigned / signed 32 bits
 *   one                    the constant 1 (shift by one)
 *   rel8 rel               branch target (short / near)
 *   far, far16, far32      seg:offset immediate (far16/far32: written `word`/`dword`)
 *   mfar                   memory written with `far` (jmp far [eax])
 *   moffs8 … moffs64       [absolute address] without registers (mov al, [addr])
 *   al ax eax rax cl dx …  exactly that register
 *   sreg cr dr xmm         register of that class
 *   xmmrm32 xmmrm64 xmmrm128 xmm register or memory of that size (unsized memory allowed)
 */
import type { Bits, Operand, Register } from './operand.js';
import { register } from './registers.js';

export type ClassSpec =
  | { kind: 'gpr'; size: number; fixed?: Register; notAcc?: boolean }
  | { kind: 'rm'; size: number }
  | { kind: 'mem'; size?: number }
  | { kind: 'mfar' }
  | { kind: 'imm'; size: number }
  | { kind: 'imm8s' }
  | { kind: 'imm32u' }
  | { kind: 'imm32s' }
  | { kind: 'one' }
  | { kind: 'rel8' }
  | { kind: 'rel' }
  | { kind: 'far'; size?: 16 | 32 }
  | { kind: 'moffs'; size: number }
  | { kind: 'sreg'; fixed?: Register }
  | { kind: 'cr' }
  | { kind: 'dr' }
  | { kind: 'xmm' }
  | { kind: 'xmmrm'; size: number };

/** Parse one class name from a table row. */
export function parseClass(text: string): ClassSpec {
  let m = /^r(8|16|32|64)$/.exec(text);
  if (m) return { kind: 'gpr', size: Number(m[1]) };
  if (text === 'r32na') return { kind: 'gpr', size: 32, notAcc: true };
  m = /^rm(8|16|32|64)$/.exec(text);
  if (m) return { kind: 'rm', size: Number(m[1]) };
  m = /^m(8|16|32|64|80|128)?$/.exec(text);
  if (m) return { kind: 'mem', size: m[1] ? Number(m[1]) : undefined };
  m = /^imm(8|16|32|64)$/.exec(text);
  if (m) return { kind: 'imm', size: Number(m[1]) };
  m = /^moffs(8|16|32|64)$/.exec(text);
  if (m) return { kind: 'moffs', size: Number(m[1]) };
  m = /^far(16|32)$/.exec(text);
  if (m) return { kind: 'far', size: Number(m[1]) as 16 | 32 };
  m = /^xmmrm(32|64|128)$/.exec(text);
  if (m) return { kind: 'xmmrm', size: Number(m[1]) };
  switch (text) {
    case 'imm8s':
    case 'imm32u':
    case 'imm32s':
    case 'one':
    case 'rel8':
    case 'rel':
    case 'far':
    case 'mfar':
    case 'cr':
    case 'dr':
    case 'xmm':
      return { kind: text };
    case 'sreg':
      return { kind: 'sreg' };
  }
  const r = register(text);
  if (r?.cls === 'seg') return { kind: 'sreg', fixed: r };
  if (r && (r.cls === 'gpr8' || r.cls === 'gpr16' || r.cls === 'gpr32' || r.cls === 'gpr64')) {
    return { kind: 'gpr', size: Number(r.cls.slice(3)), fixed: r };
  }
  throw new Error(`unknown operand class '${text}'`);
}

/** Everything a class test may look at besides the operand itself. */
export interface MatchContext {
  bits: Bits;
  /** The form's operand size (from o16/o32/o64/o64nw), for sign-extension tests. */
  opSize?: number;
  /** The form's flags (`ds`, `um`). */
  defaultSize: boolean;
  unsizedMem?: boolean;
  /** All the instruction's operands and the form's classes, for size inference. */
  operands: Operand[];
  classes: ClassSpec[];
}

function regBits(r: Register): number | undefined {
  if (r.cls === 'gpr8' || r.cls === 'gpr16' || r.cls === 'gpr32' || r.cls === 'gpr64')
    return Number(r.cls.slice(3));
  return undefined;
}

/** Sign-extend the low `bits` of `v`. */
function signed(v: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, v);
}

function modeSize(bits: Bits): number {
  return bits === 16 ? 16 : 32;
}

/**
 * An unsized memory operand gets a size when another operand is a sized, non-fixed general register
 * of this form, or an immediate with an explicit size keyword.
 */
function inferredMemSize(ctx: MatchContext, self: number): number | undefined {
  for (let i = 0; i < ctx.operands.length; i++) {
    if (i === self) continue;
    const op = ctx.operands[i];
    const cls = ctx.classes[i];
    if (op.kind === 'reg' && ((cls.kind === 'gpr' && !cls.fixed) || cls.kind === 'rm'))
      return regBits(op.reg);
    if (op.kind === 'imm' && op.size !== undefined && (cls.kind === 'imm' || cls.kind === 'imm8s'))
      return op.size;
  }
  return undefined;
}

function isAbsoluteKnown(op: Operand): boolean {
  return op.kind === 'imm' && op.value.known && op.value.base === undefined && op.segment === undefined;
}

/**
 * NASM's first pass is optimistic about an immediate it cannot evaluate yet (a forward reference): it
 * fits every shrunk class (imm8s, imm32u/imm32s, one) unless written `strict`. Later passes see the
 * real value, so the instruction grows if it must; starting small decides which fixed point is reached.
 */
function isOptimistic(op: Operand): boolean {
  return op.kind === 'imm' && !op.value.known && op.segment === undefined && !op.strict;
}

/** Does operand `index` of the instruction fit `cls`? */
export function matchClass(cls: ClassSpec, index: number, ctx: MatchContext): boolean {
  const op = ctx.operands[index];
  switch (cls.kind) {
    case 'gpr':
      if (op.kind !== 'reg' || regBits(op.reg) !== cls.size) return false;
      if (cls.notAcc && op.reg.num === 0) return false;
      return !cls.fixed || (cls.fixed.num === op.reg.num && !op.reg.high8 && !op.reg.rexOnly);
    case 'rm':
      if (op.kind === 'reg') return regBits(op.reg) === cls.size;
      if (op.kind !== 'mem' || op.far) return false;
      if (op.size !== undefined) return op.size === cls.size;
      {
        const inferred = inferredMemSize(ctx, index);
        if (inferred !== undefined) return inferred === cls.size;
      }
      // cvtsi2sd xmm0, [rax] and friends: NASM takes the first (32-bit) form.
      if (ctx.unsizedMem) return true;
      // jmp [eax], call [eax]: NASM takes the mode's operand size.
      return ctx.defaultSize && cls.size === ctx.opSize && cls.size === defaultOpSize(ctx.bits);
    case 'mfar':
      return op.kind === 'mem' && op.far === true;
    case 'mem':
      if (op.kind !== 'mem' || op.far) return false;
      return cls.size === undefined || op.size === undefined || op.size === cls.size;
    case 'moffs':
      return op.kind === 'mem' && isMoffs(op, ctx.bits) && (op.size === undefined || op.size === cls.size);
    case 'imm':
      if (op.kind !== 'imm' || op.segment || op.branch) return false;
      // An imm32 sign-extended to 64 bits is written `qword` (NASM: `add qword [x], dword 1` is a mismatch).
      if (op.size !== undefined) return op.size === (cls.size === 32 && ctx.opSize === 64 ? 64 : cls.size);
      return !ctx.defaultSize || ctx.opSize === defaultOpSize(ctx.bits);
    case 'imm8s': {
      if (op.kind !== 'imm' || op.branch) return false;
      // An explicit `byte` also takes a value not known yet (`strict byte fwd` must fit later anyway).
      const unknownByte = !op.value.known && op.size === 8 && op.segment === undefined;
      if (!isAbsoluteKnown(op) && !isOptimistic(op) && !unknownByte) return false;
      const size = ctx.opSize ?? 8;
      if (op.size !== undefined && op.size !== 8 && (op.strict || op.size !== size)) return false;
      if (op.size === undefined && op.strict) return false;
      if ((op.size === undefined || op.size === 8) && ctx.defaultSize && size !== defaultOpSize(ctx.bits))
        return false;
      if (!op.value.known) return true;
      const v = signed(op.value.addend, Math.min(size, 32));
      return v >= -128n && v <= 127n;
    }
    case 'imm32u':
    case 'imm32s': {
      if (op.kind !== 'imm' || op.branch || op.strict) return false;
      if (!isAbsoluteKnown(op) && !isOptimistic(op)) return false;
      if (op.size !== undefined && op.size !== 64) return false;
      if (!op.value.known) return true;
      const v = signed(op.value.addend, 64);
      return cls.kind === 'imm32u' ? v >= 0n && v <= 0xffffffffn : v >= -0x80000000n && v <= 0x7fffffffn;
    }
    case 'one':
      return (
        op.kind === 'imm' &&
        (isOptimistic(op) || (isAbsoluteKnown(op) && op.value.addend === 1n)) &&
        !op.strict &&
        op.size === undefined
      );
    case 'rel8':
      return (
        op.kind === 'imm' &&
        !op.segment &&
        op.branch !== 'near' &&
        op.branch !== 'far' &&
        op.size === undefined
      );
    case 'rel':
      return op.kind === 'imm' && !op.segment && op.branch !== 'short' && op.branch !== 'far';
    case 'far':
      return (
        op.kind === 'imm' && op.segment !== undefined && (cls.size === undefined || op.size === cls.size)
      );
    case 'sreg':
      return op.kind === 'reg' && op.reg.cls === 'seg' && (!cls.fixed || cls.fixed.num === op.reg.num);
    case 'cr':
      return op.kind === 'reg' && op.reg.cls === 'cr';
    case 'dr':
      return op.kind === 'reg' && op.reg.cls === 'dr';
    case 'xmm':
      return op.kind === 'reg' && op.reg.cls === 'xmm';
    case 'xmmrm':
      if (op.kind === 'reg') return op.reg.cls === 'xmm';
      return op.kind === 'mem' && !op.far && (op.size === undefined || op.size === cls.size);
  }
}

/** The operand size an unsized immediate gets from the mode (push imm). */
export function defaultOpSize(bits: Bits): number {
  return bits === 64 ? 64 : modeSize(bits);
}

/**
 * NASM uses the short accumulator forms A0–A3 for a register-free absolute address in 16/32-bit
 * mode; in 64-bit mode only when the address is written as a 64-bit one (`[qword addr]`), since its
 * default `[addr]` there is the ModRM+SIB disp32 form.
 */
export function isMoffs(op: Operand, bits: Bits): boolean {
  if (op.kind !== 'mem' || op.base || op.index || op.far) return false;
  if (bits === 64) return op.dispSize === 64;
  if (op.dispSize === 64) return false;
  return op.dispSize === undefined || op.dispSize === bits;
}

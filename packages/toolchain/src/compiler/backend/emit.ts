/**
 * Instruction selection and emission for one IR function (x86-64, ./abi.ts conventions).
 *
 * Register allocation in this slice is the simplest correct one: every temporary owns a frame slot
 * (./abi.ts FRAME), each IR instruction loads its operands into scratch registers, computes, and
 * stores the result back. Nothing is live in a register between IR instructions, which is what makes
 * every slot a precise GC root. A linear-scan allocator can later keep non-reference temporaries in
 * registers without changing this file's per-op templates much.
 */

import { doubleBits, type Instr, type IrFunction, type Operand } from '../ir/types.js';
import { RT } from '../runtime/symbols.js';
import {
  ARG_REGS,
  ELEMENT,
  ELEMENT_SHIFT,
  frameBytes,
  HEAP,
  MAX_ARGS,
  slotOffset,
  TYPED,
  VALUE,
} from './abi.js';
import { type CodeBuffer, I, L, M, R, RIP } from './code-buffer.js';

const SIGN = 0x8000_0000_0000_0000n;
const ADDR_MASK = 0xffff_ffff_ffffn;
const TAG_REF_BITS = VALUE.TAG_REF << 48n;

/** setcc suffix for each double comparison, after `ucomisd a, b` (or b, a when swapped). */
const DOUBLE_CMP: Record<string, { cc: string; swap: boolean }> = {
  cltd: { cc: 'a', swap: true },
  cled: { cc: 'ae', swap: true },
  cgtd: { cc: 'a', swap: false },
  cged: { cc: 'ae', swap: false },
};

export class FunctionEmitter {
  /** Numbers the local labels of the typed-array templates. */
  private local = 0;

  constructor(
    private readonly code: CodeBuffer,
    private readonly fn: IrFunction,
  ) {}

  private slot(id: number) {
    return M('rbp', slotOffset(id));
  }

  private blockLabel(i: number): string {
    return `.L${this.fn.name}.${i}`;
  }

  /** Loads an operand into a general register (r11 is used for reference constants). */
  private gpr(reg: string, op: Operand): void {
    const c = this.code;
    if (op.k === 'tmp') c.ins('mov', R(reg), this.slot(op.id));
    else if (op.k === 'con') {
      if (op.bits === 0n) c.ins('xor', R(reg32(reg)), R(reg32(reg)));
      else c.ins('mov', R(reg), I(op.bits));
    } else {
      c.ins('lea', R(reg), RIP(op.name));
      c.ins('mov', R('r11'), I(TAG_REF_BITS));
      c.ins('or', R(reg), R('r11'));
    }
  }

  private xmm(reg: string, op: Operand): void {
    if (op.k === 'tmp') this.code.ins('movsd', R(reg), this.slot(op.id));
    else {
      this.gpr('r11', op);
      this.code.ins('movq', R(reg), R('r11'));
    }
  }

  private storeRax(i: Instr): void {
    if (i.dst !== undefined) this.code.ins('mov', this.slot(i.dst), R('rax'));
  }

  private storeXmm0(i: Instr): void {
    if (i.dst !== undefined) this.code.ins('movsd', this.slot(i.dst), R('xmm0'));
  }

  emit(): void {
    const c = this.code;
    const n = this.fn.temps.length;
    c.align(16);
    c.symbol(this.fn.name, true);
    const frame = this.fn.frame;
    if (frame && this.fn.file) c.position(this.fn.file, frame.line, frame.col);
    c.ins('push', R('rbp'));
    c.ins('mov', R('rbp'), R('rsp'));
    c.ins('sub', R('rsp'), I(frameBytes(n)));
    c.ins('mov', M('rbp', -8), I(n));
    if (n > 0) c.ins('xor', R('eax'), R('eax'));
    for (let s = 0; s < n; s++) c.ins('mov', this.slot(s), R('rax'));
    this.fn.params.forEach((p, k) => {
      if (k < ARG_REGS.length) c.ins('mov', this.slot(p), R(ARG_REGS[k]));
      else {
        c.ins('mov', R('rax'), M('rbp', 16 + 8 * (k - ARG_REGS.length)));
        c.ins('mov', this.slot(p), R('rax'));
      }
    });
    // Stack depth guard (core.asm "Stack depth"): below the limit, throw a RangeError.
    const overflow = `.L${this.fn.name}.overflow`;
    c.ins('cmp', R('rsp'), RIP(RT.stackLimit));
    c.ins('jb', L(overflow));
    const landings = new Set<number>();
    for (const b of this.fn.blocks)
      for (const i of b.instrs) if (i.op === 'tryenter') landings.add(i.targets?.[0] ?? 0);
    this.fn.blocks.forEach((b, bi) => {
      c.label(this.blockLabel(bi));
      // A landing block is entered from __rt_throw with only rbp restored.
      if (landings.has(bi)) c.ins('lea', R('rsp'), M('rbp', -frameBytes(n)));
      for (const ins of b.instrs) {
        if (ins.line !== undefined && this.fn.file) c.position(this.fn.file, ins.line, ins.col);
        this.instr(ins, bi);
      }
    });
    c.label(overflow);
    // V8 reports a stack overflow at the function's start (its first statement).
    if (frame && this.fn.file) c.position(this.fn.file, frame.line, frame.col);
    c.ins('call', L(RT.stackOverflowCheck));
    c.ins('ud2');
    c.resolveLabels();
  }

  private call(symbol: string, args: Operand[], i: Instr): void {
    if (args.length > MAX_ARGS) throw new Error(`internal error: ${args.length} arguments to ${symbol}`);
    const popped = this.pushStackArgs(args);
    args.slice(0, ARG_REGS.length).forEach((a, k) => {
      this.gpr(ARG_REGS[k], a);
    });
    this.code.ins('call', L(symbol));
    if (popped > 0) this.code.ins('add', R('rsp'), I(popped));
    this.storeRax(i);
  }

  /**
   * Arguments past the sixth go on the stack, the seventh at [rsp] at the call (rsp stays 16-byte
   * aligned); uses r10 only. Returns the bytes to pop after the call.
   */
  private pushStackArgs(args: Operand[]): number {
    const extra = args.slice(ARG_REGS.length);
    if (extra.length === 0) return 0;
    const pad = extra.length % 2 === 1 ? 8 : 0;
    if (pad) this.code.ins('sub', R('rsp'), I(8));
    for (const a of [...extra].reverse()) {
      this.gpr('r10', a);
      this.code.ins('push', R('r10'));
    }
    return pad + 8 * extra.length;
  }

  private instr(i: Instr, block: number): void {
    const c = this.code;
    const [a, b] = i.args;
    switch (i.op) {
      case 'copy':
      case 'boxd':
      case 'unboxd':
        this.gpr('rax', a);
        this.storeRax(i);
        return;
      case 'add':
      case 'sub':
      case 'mul':
      case 'div':
        this.xmm('xmm0', a);
        this.xmm('xmm1', b);
        c.ins(`${i.op}sd`, R('xmm0'), R('xmm1'));
        this.storeXmm0(i);
        return;
      case 'rem':
        this.call(RT.fmod, i.args, i);
        return;
      case 'neg':
      case 'abs':
        this.gpr('rax', a);
        c.ins('mov', R('rcx'), I(i.op === 'neg' ? SIGN : SIGN - 1n));
        c.ins(i.op === 'neg' ? 'xor' : 'and', R('rax'), R('rcx'));
        this.storeRax(i);
        return;
      case 'floor':
      case 'ceil':
      case 'trunc':
        // roundsd modes 1/2/3 (toward -inf, +inf, zero) with bit 3: no precision exception.
        this.xmm('xmm0', a);
        c.ins('roundsd', R('xmm0'), R('xmm0'), I(i.op === 'floor' ? 9 : i.op === 'ceil' ? 10 : 11));
        this.storeXmm0(i);
        return;
      case 'sqrt':
        this.xmm('xmm0', a);
        c.ins('sqrtsd', R('xmm0'), R('xmm0'));
        this.storeXmm0(i);
        return;
      case 'cltd':
      case 'cled':
      case 'cgtd':
      case 'cged': {
        const { cc, swap } = DOUBLE_CMP[i.op];
        this.xmm('xmm0', a);
        this.xmm('xmm1', b);
        c.ins('ucomisd', R(swap ? 'xmm1' : 'xmm0'), R(swap ? 'xmm0' : 'xmm1'));
        c.ins(`set${cc}`, R('al'));
        this.zeroExtendAl(i);
        return;
      }
      case 'ceqd':
      case 'cned':
        // Unordered (NaN) sets PF: == needs ZF and not PF, != is not ZF or PF.
        this.xmm('xmm0', a);
        this.xmm('xmm1', b);
        c.ins('ucomisd', R('xmm0'), R('xmm1'));
        c.ins(i.op === 'ceqd' ? 'sete' : 'setne', R('al'));
        c.ins(i.op === 'ceqd' ? 'setnp' : 'setp', R('cl'));
        c.ins(i.op === 'ceqd' ? 'and' : 'or', R('al'), R('cl'));
        this.zeroExtendAl(i);
        return;
      case 'and':
      case 'or':
      case 'xor':
        this.gpr('rax', a);
        this.gpr('rcx', b);
        c.ins(i.op, R('eax'), R('ecx'));
        c.ins('movsxd', R('rax'), R('eax'));
        this.storeRax(i);
        return;
      case 'shl':
      case 'sar':
      case 'shr':
        // 32-bit shifts mask the count to 5 bits, exactly JS's `& 31`.
        this.gpr('rax', a);
        this.gpr('rcx', b);
        c.ins(i.op, R('eax'), R('cl'));
        // A shift by 0 may leave rax's upper half alone: re-extend explicitly either way.
        c.ins(i.op === 'shr' ? 'mov' : 'movsxd', R(i.op === 'shr' ? 'eax' : 'rax'), R('eax'));
        this.storeRax(i);
        return;
      case 'ceqw':
      case 'cnew':
      case 'ceql':
        this.gpr('rax', a);
        this.gpr('rcx', b);
        c.ins('cmp', R('rax'), R('rcx'));
        c.ins(i.op === 'cnew' ? 'setne' : 'sete', R('al'));
        this.zeroExtendAl(i);
        return;
      case 'dtoi32':
        this.call(RT.toInt32, i.args, i);
        return;
      case 'wtod':
      case 'ltod':
        this.gpr('rax', a);
        c.ins('cvtsi2sd', R('xmm0'), R('rax'));
        this.storeXmm0(i);
        return;
      case 'dtol':
        this.xmm('xmm0', a);
        c.ins('cvttsd2si', R('rax'), R('xmm0'));
        this.storeRax(i);
        return;
      case 'boxw':
        this.gpr('rax', a);
        c.ins('mov', R('rcx'), I(VALUE.FALSE));
        c.ins('add', R('rax'), R('rcx'));
        this.storeRax(i);
        return;
      case 'unboxw':
        this.gpr('rax', a);
        c.ins('mov', R('rcx'), I(VALUE.TRUE));
        c.ins('cmp', R('rax'), R('rcx'));
        c.ins('sete', R('al'));
        this.zeroExtendAl(i);
        return;
      case 'loadg':
        c.ins('mov', R('rax'), RIP(RT.globals, 8 * constIndex(a)));
        this.storeRax(i);
        return;
      case 'storeg':
        this.gpr('rax', b);
        c.ins('mov', RIP(RT.globals, 8 * constIndex(a)), R('rax'));
        return;
      case 'loads':
      case 'stores':
        this.xmm('xmm0', a);
        c.ins('cvttsd2si', R('rax'), R('xmm0'));
        c.ins('lea', R('rcx'), RIP(RT.scratch));
        if (i.op === 'loads') {
          c.ins('mov', R('rax'), M('rcx', 0, 64, 'rax', 8));
          this.storeRax(i);
          return;
        }
        this.gpr('rdx', b);
        c.ins('mov', M('rcx', 0, 64, 'rax', 8), R('rdx'));
        return;
      case 'ldw':
        this.gpr('rcx', a);
        this.gpr('rdx', b);
        c.ins('mov', R('rax'), I(ADDR_MASK));
        c.ins('and', R('rcx'), R('rax'));
        c.ins('mov', R('rax'), M('rcx', 8, 64, 'rdx', 8));
        this.storeRax(i);
        return;
      case 'stw':
        this.gpr('rcx', a);
        this.gpr('rdx', b);
        this.gpr('rax', i.args[2]);
        c.ins('mov', R('r11'), I(ADDR_MASK));
        c.ins('and', R('rcx'), R('r11'));
        c.ins('mov', M('rcx', 8, 64, 'rdx', 8), R('rax'));
        return;
      case 'tryenter': {
        // Record at the lowest of its three slots: [0] previous record, [8] rbp, [16] landing.
        const k = constIndex(a);
        c.ins('lea', R('rax'), RIP(this.blockLabel(i.targets?.[0] ?? 0)));
        c.ins('mov', this.slot(k), R('rax'));
        c.ins('mov', this.slot(k + 1), R('rbp'));
        c.ins('mov', R('rax'), RIP(RT.handler));
        c.ins('mov', this.slot(k + 2), R('rax'));
        c.ins('lea', R('rax'), this.slot(k + 2));
        c.ins('mov', RIP(RT.handler), R('rax'));
        return;
      }
      case 'tryleave':
        c.ins('mov', R('rax'), this.slot(constIndex(a) + 2));
        c.ins('mov', RIP(RT.handler), R('rax'));
        return;
      case 'catchvalue':
        c.ins('mov', R('rax'), RIP(RT.exception));
        this.storeRax(i);
        return;
      case 'ldb':
        this.gpr('rax', b);
        c.ins('mov', R('r11'), I(ADDR_MASK));
        c.ins('and', R('rax'), R('r11'));
        this.gpr('rcx', i.args[2]);
        c.ins('lea', R('rax'), M('rax', 8, 64, 'rcx', 1));
        this.loadElement(constIndex(a), 'rax', 'rcx', false);
        this.storeRax(i);
        return;
      case 'stb':
        this.gpr('rax', b);
        c.ins('mov', R('r11'), I(ADDR_MASK));
        c.ins('and', R('rax'), R('r11'));
        this.gpr('rcx', i.args[2]);
        c.ins('lea', R('rax'), M('rax', 8, 64, 'rcx', 1));
        this.xmm('xmm0', i.args[3]);
        this.storeElement(constIndex(a), undefined);
        return;
      case 'ldta':
      case 'ldtan':
      case 'stta':
        this.typedElement(i);
        return;
      case 'lenta': {
        const slow = this.localLabel('lenslow');
        const done = this.localLabel('lendone');
        this.gpr('rax', a);
        this.typedObject(slow);
        c.ins('mov', R('rax'), M('rax', 8 + 8 * TYPED.LENGTH));
        this.storeRax(i);
        c.ins('jmp', L(done));
        c.label(slow);
        this.call(RT.typedLength, [a], i);
        c.label(done);
        return;
      }
      case 'fnaddr':
        c.ins('lea', R('rax'), RIP(i.callee ?? ''));
        this.storeRax(i);
        return;
      case 'call':
        this.call(i.callee ?? '', i.args, i);
        return;
      case 'calli':
        // The closure is also the callee's first argument (its environment comes from it).
        this.gpr('rax', a);
        c.ins('mov', R('r11'), I(ADDR_MASK));
        c.ins('and', R('rax'), R('r11'));
        c.ins('mov', R('rax'), M('rax', 8));
        // Loading arguments touches only their own registers, r10 and r11: rax keeps the code address.
        {
          const popped = this.pushStackArgs(i.args);
          i.args.slice(0, ARG_REGS.length).forEach((x, k) => {
            this.gpr(ARG_REGS[k], x);
          });
          // The callee's arity is unknown here: argument registers it may read but we do not
          // pass hold undefined, never stale bits its frame would keep as roots.
          for (let k = i.args.length; k < ARG_REGS.length; k++)
            c.ins('mov', R(ARG_REGS[k]), I(VALUE.UNDEFINED));
          c.ins('call', R('rax'));
          if (popped > 0) c.ins('add', R('rsp'), I(popped));
        }
        this.storeRax(i);
        return;
      case 'jmp':
        this.jump(i.targets?.[0] ?? 0, block);
        return;
      case 'jnz':
        this.gpr('rax', a);
        c.ins('test', R('rax'), R('rax'));
        c.ins('jnz', L(this.blockLabel(i.targets?.[0] ?? 0)));
        this.jump(i.targets?.[1] ?? 0, block);
        return;
      case 'ret':
        if (a) this.gpr('rax', a);
        c.ins('leave');
        c.ins('ret');
        return;
      case 'unreachable':
        c.ins('ud2');
        return;
      default:
        throw new Error(`internal error: no instruction selection for ${i.op}`);
    }
  }

  private localLabel(what: string): string {
    return `.L${this.fn.name}.${what}${this.local++}`;
  }

  /** rax = a value; jumps to `slow` unless it is a reference to a TYPED object, else rax = its address. */
  private typedObject(slow: string): void {
    const c = this.code;
    c.ins('mov', R('rcx'), R('rax'));
    c.ins('shr', R('rcx'), I(48));
    c.ins('cmp', R('ecx'), I(Number(VALUE.TAG_REF)));
    c.ins('jne', L(slow));
    c.ins('mov', R('r11'), I(ADDR_MASK));
    c.ins('and', R('rax'), R('r11'));
    c.ins('cmp', M('rax', 4, 8), I(HEAP.KIND_TYPED));
    c.ins('jne', L(slow));
  }

  /**
   * `ldta K, ta, i` / `stta K, ta, i, x` (../ir/ops.ts): the kind and bounds checks inline, then the
   * element's address in rax and the load or store; every other case calls rt.typed.get/set.
   */
  private typedElement(i: Instr): void {
    const c = this.code;
    const kind = constIndex(i.args[0]);
    const slow = this.localLabel('taslow');
    const done = this.localLabel('tadone');
    this.gpr('rax', i.args[1]);
    this.typedObject(slow);
    c.ins('mov', R('rcx'), M('rax', 8 + 8 * TYPED.KIND));
    c.ins('mov', R('rdx'), I(doubleBits(kind)));
    c.ins('cmp', R('rcx'), R('rdx'));
    c.ins('jne', L(slow));
    // An integer index: trunc(i) converts back to i exactly (NaN and ±2^63 do not).
    this.xmm('xmm1', i.args[2]);
    c.ins('cvttsd2si', R('rcx'), R('xmm1'));
    c.ins('cvtsi2sd', R('xmm2'), R('rcx'));
    c.ins('ucomisd', R('xmm1'), R('xmm2'));
    c.ins('jne', L(slow));
    c.ins('jp', L(slow));
    // 0 <= index < length as one unsigned compare.
    c.ins('cvttsd2si', R('rdx'), M('rax', 8 + 8 * TYPED.LENGTH));
    c.ins('cmp', R('rcx'), R('rdx'));
    c.ins('jae', L(slow));
    c.ins('cvttsd2si', R('rdx'), M('rax', 8 + 8 * TYPED.BYTE_OFFSET));
    c.ins('mov', R('rax'), M('rax', 8 + 8 * TYPED.STORE));
    // (loading a constant index went through r11)
    c.ins('mov', R('r11'), I(ADDR_MASK));
    c.ins('and', R('rax'), R('r11'));
    c.ins('lea', R('rax'), M('rax', 8, 64, 'rdx', 1));
    if (i.op !== 'stta') {
      this.loadElement(kind, 'rax', 'rcx', true);
      this.storeRax(i);
    } else {
      const scale = (1 << ELEMENT_SHIFT[kind]) as 1 | 2 | 4 | 8;
      c.ins('lea', R('rax'), M('rax', 0, 64, 'rcx', scale));
      this.xmm('xmm0', i.args[3]);
      this.storeElement(kind, slow);
    }
    c.ins('jmp', L(done));
    c.label(slow);
    if (i.op === 'stta') this.call(RT.typedSet, i.args.slice(1), i);
    else this.call(RT.typedGet, i.args.slice(1), i);
    if (i.op === 'ldtan' && i.dst !== undefined) {
      // Any bits that are not a NaN are a number; a NaN pattern (undefined past the end) is checked.
      c.ins('movq', R('xmm0'), R('rax'));
      c.ins('ucomisd', R('xmm0'), R('xmm0'));
      c.ins('jnp', L(done));
      this.call(RT.expectNumber, [{ k: 'tmp', id: i.dst }], i);
    }
    c.label(done);
  }

  /**
   * rax = the element's address (`scaled`: the element base, with rcx the index), → rax the
   * element as a double's bits. A NaN is made the canonical one: raw float bits could otherwise
   * pose as a NaN-boxed reference.
   */
  private loadElement(kind: number, base: string, index: string, scaled: boolean): void {
    const c = this.code;
    const size = 1 << ELEMENT_SHIFT[kind];
    const at = (bits: 8 | 16 | 32 | 64) =>
      scaled ? M(base, 0, bits, index, size as 1 | 2 | 4 | 8) : M(base, 0, bits);
    switch (kind) {
      case ELEMENT.INT8:
        c.ins('movsx', R('rcx'), at(8));
        break;
      case ELEMENT.UINT8:
      case ELEMENT.UINT8_CLAMPED:
        c.ins('movzx', R('ecx'), at(8));
        break;
      case ELEMENT.INT16:
        c.ins('movsx', R('rcx'), at(16));
        break;
      case ELEMENT.UINT16:
        c.ins('movzx', R('ecx'), at(16));
        break;
      case ELEMENT.INT32:
        c.ins('movsxd', R('rcx'), at(32));
        break;
      case ELEMENT.UINT32:
        c.ins('mov', R('ecx'), at(32));
        break;
      case ELEMENT.FLOAT32:
        c.ins('movss', R('xmm0'), at(32));
        c.ins('cvtss2sd', R('xmm0'), R('xmm0'));
        break;
      default:
        c.ins('movsd', R('xmm0'), at(64));
    }
    if (kind < ELEMENT.FLOAT32) {
      c.ins('cvtsi2sd', R('xmm0'), R('rcx'));
      c.ins('movq', R('rax'), R('xmm0'));
      return;
    }
    const ok = this.localLabel('nan');
    c.ins('movq', R('rax'), R('xmm0'));
    c.ins('ucomisd', R('xmm0'), R('xmm0'));
    c.ins('jnp', L(ok));
    c.ins('mov', R('rax'), I(0x7ff8_0000_0000_0000n));
    c.label(ok);
  }

  /**
   * rax = the element's address, xmm0 = the number: stores it with the kind's conversion. An
   * integer kind truncates to 64 bits and keeps the low ones (ToInt32's modulo for |x| < 2^63);
   * past that (cvttsd2si's 2^63 marker) it jumps to `slow`, or trusts the caller when undefined.
   */
  private storeElement(kind: number, slow: string | undefined): void {
    const c = this.code;
    if (kind === ELEMENT.FLOAT64) {
      c.ins('movsd', M('rax', 0, 64), R('xmm0'));
      return;
    }
    if (kind === ELEMENT.FLOAT32) {
      c.ins('cvtsd2ss', R('xmm0'), R('xmm0'));
      c.ins('movss', M('rax', 0, 32), R('xmm0'));
      return;
    }
    if (kind === ELEMENT.UINT8_CLAMPED) {
      // NaN and x <= 0 give 0, x >= 255 gives 255, else round half to even (MXCSR's default mode).
      const zero = this.localLabel('clamp0');
      const max = this.localLabel('clamp255');
      const put = this.localLabel('clamped');
      c.ins('pxor', R('xmm1'), R('xmm1'));
      c.ins('ucomisd', R('xmm0'), R('xmm1'));
      c.ins('jbe', L(zero));
      c.ins('mov', R('rcx'), I(0x406f_e000_0000_0000n));
      c.ins('movq', R('xmm1'), R('rcx'));
      c.ins('ucomisd', R('xmm0'), R('xmm1'));
      c.ins('jae', L(max));
      c.ins('cvtsd2si', R('ecx'), R('xmm0'));
      c.ins('jmp', L(put));
      c.label(zero);
      c.ins('xor', R('ecx'), R('ecx'));
      c.ins('jmp', L(put));
      c.label(max);
      c.ins('mov', R('ecx'), I(255));
      c.label(put);
      c.ins('mov', M('rax', 0, 8), R('cl'));
      return;
    }
    c.ins('cvttsd2si', R('rcx'), R('xmm0'));
    if (slow) {
      c.ins('mov', R('rdx'), I(SIGN));
      c.ins('cmp', R('rcx'), R('rdx'));
      c.ins('je', L(slow));
    }
    const size = 1 << ELEMENT_SHIFT[kind];
    const reg = size === 1 ? 'cl' : size === 2 ? 'cx' : 'ecx';
    c.ins('mov', M('rax', 0, (8 * size) as 8 | 16 | 32), R(reg));
  }

  private zeroExtendAl(i: Instr): void {
    this.code.ins('movzx', R('eax'), R('al'));
    this.storeRax(i);
  }

  private jump(target: number, from: number): void {
    if (target !== from + 1) this.code.ins('jmp', L(this.blockLabel(target)));
  }
}

function reg32(r: string): string {
  const m = /^r(\d+)$/.exec(r);
  if (m) return `r${m[1]}d`;
  return `e${r.slice(1)}`;
}

function constIndex(op: Operand): number {
  if (op.k !== 'con') throw new Error('internal error: global index must be a constant');
  return Number(op.bits);
}

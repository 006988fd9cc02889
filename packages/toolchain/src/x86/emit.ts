/**
 * The one emitter: given a form that matched, lay out
 *   [lock/rep] [segment] [66] [67] [mandatory 66/F2/F3] [REX] opcode [ModRM] [SIB] [disp] [imm…]
 * in that order (NASM's prefix order), fill absolute fields and describe the rest as fixups.
 *
 * Branch displacements to a target in the same section as the instruction (same `base` as `ctx.here`,
 * both known) are computed here; anything else becomes a pc-relative fixup. A `rel8` form chosen
 * optimistically (no `short` keyword) reports `OUT_OF_RANGE` so the caller can try the near form.
 */
import type { Fixup, Value } from '../obj/value.js';
import { type EncodedAddress, encodeAddress } from './address.js';
import type { FieldKind, Form } from './forms.js';
import {
  type EncodeContext,
  type Encoded,
  EncodeError,
  type Instruction,
  type Operand,
  type Register,
} from './operand.js';

export const OUT_OF_RANGE = Symbol('rel8 out of range');

const SEGMENT_PREFIX: Record<string, number> = { es: 0x26, cs: 0x2e, ss: 0x36, ds: 0x3e, fs: 0x64, gs: 0x65 };

interface Field {
  offset: number;
  size: 1 | 2 | 4 | 8;
  value: Value;
  pcrel: boolean;
  range: Fixup['range'];
  /** rel8 picked without `short`: may be refused when out of range. */
  optimistic?: boolean;
  isShort?: boolean;
}

function operandOf(form: Form, ins: Instruction, role: string): Operand | undefined {
  const i = form.roles.indexOf(role as Form['roles'][number]);
  return i < 0 ? undefined : ins.operands[i];
}

function regNum(op: Operand | undefined): number {
  if (op?.kind !== 'reg') throw new EncodeError('internal: register operand expected');
  return op.reg.num;
}

export function emit(form: Form, ins: Instruction, ctx: EncodeContext): Encoded | typeof OUT_OF_RANGE {
  const bits = ctx.bits;
  const out: number[] = [];
  const fields: Field[] = [];

  // ModRM r/m operand first: its address size decides the 67 prefix.
  const rmOp = operandOf(form, ins, 'm') ?? operandOf(form, ins, 'R');
  let address: EncodedAddress | undefined;
  let segment: Register | undefined;
  const memOp = ins.operands.find((o) => o.kind === 'mem');
  if (rmOp?.kind === 'mem') address = encodeAddress(rmOp, bits);
  if (memOp?.kind === 'mem') segment = memOp.seg;

  for (const p of ins.prefixes) {
    if (p === 'lock') out.push(0xf0);
    else if (p === 'rep' || p === 'repe' || p === 'repz') out.push(0xf3);
    else if (p === 'repne' || p === 'repnz') out.push(0xf2);
  }
  const segPrefix = ins.prefixes.find((p) => p in SEGMENT_PREFIX);
  if (segment) out.push(SEGMENT_PREFIX[segment.name]);
  else if (segPrefix) out.push(SEGMENT_PREFIX[segPrefix]);

  const opSize =
    form.opSize ?? (ins.prefixes.includes('o16') ? 16 : ins.prefixes.includes('o32') ? 32 : undefined);
  if ((opSize === 16 && bits !== 16) || (opSize === 32 && bits === 16)) out.push(0x66);

  let addrSize: number | undefined = address?.addrSize ?? form.addrSize;
  if (!addrSize) {
    if (ins.prefixes.includes('a16')) addrSize = 16;
    else if (ins.prefixes.includes('a32')) addrSize = 32;
  }
  if (addrSize === 64 && bits !== 64)
    throw new EncodeError('64-bit addressing is only supported in 64-bit mode');
  if (addrSize === 16 && bits === 64)
    throw new EncodeError('16-bit addressing is not supported in 64-bit mode');
  if (addrSize !== undefined && addrSize !== bits) out.push(0x67);

  out.push(...form.mandatory);

  // REX: collect the extension bits, then check what the registers allow.
  let rexR = false;
  let rexB = false;
  const regOp = operandOf(form, ins, 'r') ?? operandOf(form, ins, 'R');
  let modrmReg = 0;
  if (form.modrm === 'r') {
    modrmReg = regNum(regOp);
    rexR = modrmReg > 7;
  } else if (form.modrm !== undefined) modrmReg = form.modrm;
  let modrmRm = 0;
  let mod = 3;
  if (rmOp?.kind === 'reg') {
    modrmRm = rmOp.reg.num;
    rexB = modrmRm > 7;
  } else if (address) {
    mod = address.mod;
    modrmRm = address.rm;
    rexB = address.rexB;
  }
  const opReg = operandOf(form, ins, 'o');
  if (opReg) rexB = regNum(opReg) > 7;
  const rexX = address?.rexX ?? false;
  const regs = ins.operands.flatMap((o) => (o.kind === 'reg' ? [o.reg] : []));
  const needsRex = form.rexW || rexR || rexX || rexB || form.forceRex || regs.some((r) => r.rexOnly);
  if (needsRex) {
    if (bits !== 64) {
      const culprit = regs.find((r) => r.rexOnly || r.num > 7 || r.cls === 'gpr64');
      throw new EncodeError(
        culprit
          ? `register ${culprit.name} is only available in 64-bit mode`
          : `instruction is only available in 64-bit mode`,
      );
    }
    const high = regs.find((r) => r.high8);
    if (high)
      throw new EncodeError(`cannot use high byte register ${high.name} in an instruction requiring REX`);
    out.push(0x40 | (form.rexW ? 8 : 0) | (rexR ? 4 : 0) | (rexX ? 2 : 0) | (rexB ? 1 : 0));
  }

  const opcode = [...form.opcode];
  if (form.plusReg) opcode[opcode.length - 1] += regNum(opReg) & 7;
  out.push(...opcode);

  if (form.modrm !== undefined) {
    out.push((mod << 6) | ((modrmReg & 7) << 3) | (modrmRm & 7));
    if (address?.sib !== undefined) out.push(address.sib);
    if (address?.disp) {
      const d = address.disp;
      fields.push({
        offset: out.length,
        size: d.size,
        value: d.value,
        pcrel: d.ripRelative,
        range: d.size === 1 || address.addrSize === 64 ? 'signed' : 'any',
      });
      out.push(...new Array<number>(d.size).fill(0));
    }
  }

  const immOps = [operandOf(form, ins, 'i'), operandOf(form, ins, 'j')];
  let next = 0;
  for (const kind of form.fields) {
    const op = immOps[kind === 'far' ? 0 : next++];
    if (!op) throw new EncodeError(`internal: no operand for field ${kind} in ${form.text}`);
    for (const f of fieldsFor(kind, op, form, ins, bits)) {
      f.offset = out.length;
      fields.push(f);
      out.push(...new Array<number>(f.size).fill(0));
    }
  }

  const bytes = new Uint8Array(out);
  const fixups: Fixup[] = [];
  for (const f of fields) {
    const r = resolveField(f, bytes, ctx);
    if (r === OUT_OF_RANGE) return OUT_OF_RANGE;
    if (r) fixups.push(r);
  }
  return { bytes, fixups };
}

function fieldsFor(kind: FieldKind, op: Operand, form: Form, ins: Instruction, bits: number): Field[] {
  const base = { offset: 0, pcrel: false };
  if (op.kind === 'mem') {
    // moffs: the address itself, as wide as the address size.
    const size = op.dispSize === 64 || bits === 64 ? 8 : bits === 16 ? 2 : 4;
    return [{ ...base, size, value: op.disp, range: 'unsigned' }];
  }
  if (op.kind !== 'imm') throw new EncodeError(`internal: immediate expected for ${kind}`);
  const v = op.value;
  switch (kind) {
    case 'ib':
      return [{ ...base, size: 1, value: v, range: 'any' }];
    case 'ibs':
      return [{ ...base, size: 1, value: v, range: 'signed' }];
    case 'iw':
      return [{ ...base, size: 2, value: v, range: 'any' }];
    case 'id':
      return [{ ...base, size: 4, value: v, range: 'any' }];
    case 'ids':
      return [{ ...base, size: 4, value: v, range: 'signed' }];
    case 'iq':
      return [{ ...base, size: 8, value: v, range: 'any' }];
    case 'rel8':
      return [
        {
          ...base,
          size: 1,
          value: v,
          pcrel: true,
          range: 'signed',
          optimistic: op.branch !== 'short',
          isShort: true,
        },
      ];
    case 'rel': {
      const size = (form.opSize ?? (bits === 16 ? 16 : 32)) === 16 ? 2 : 4;
      return [{ ...base, size, value: v, pcrel: true, range: 'signed' }];
    }
    case 'far': {
      const size = (form.opSize ?? (bits === 16 ? 16 : 32)) === 16 ? 2 : 4;
      return [
        { ...base, size, value: v, range: 'unsigned' },
        { ...base, size: 2, value: op.segment!, range: 'unsigned' },
      ];
    }
    case 'moffs':
      throw new EncodeError(`internal: moffs field needs a memory operand in ${ins.mnemonic}`);
  }
}

function writeLE(bytes: Uint8Array, offset: number, size: number, v: bigint): void {
  let x = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) {
    bytes[offset + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

/** Fill a field in place, or return the fixup that will fill it. */
function resolveField(
  f: Field,
  bytes: Uint8Array,
  ctx: EncodeContext,
): Fixup | undefined | typeof OUT_OF_RANGE {
  const v = f.value;
  if (!f.pcrel) {
    if (v.base === undefined) {
      writeLE(bytes, f.offset, f.size, v.addend);
      return undefined;
    }
    return { offset: f.offset, size: f.size, value: v, range: f.range };
  }
  const len = bytes.length;
  const here = ctx.here;
  if (v.base === here.base) {
    if (!v.known || !here.known) {
      // A forward reference: NASM assumes it reaches (short), the front end's next pass decides.
      return undefined;
    }
    const d = v.addend - (here.addend + BigInt(len));
    if (f.isShort && (d < -128n || d > 127n)) {
      if (f.optimistic) return OUT_OF_RANGE;
      throw new EncodeError('short jump is out of range');
    }
    writeLE(bytes, f.offset, f.size, d);
    return undefined;
  }
  // Another section or an external symbol: never shrunk unless `short` was written.
  if (f.optimistic) return OUT_OF_RANGE;
  return { offset: f.offset, size: f.size, value: v, pcrel: { from: len }, range: f.range };
}

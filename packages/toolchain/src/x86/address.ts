/**
 * Memory operands → ModRM.mod/rm, SIB, displacement and address size, for 16-, 32- and 64-bit
 * addressing, with NASM's choices:
 *
 * - `[reg*1]` is `[reg]`; `[reg*2]` becomes `[reg+reg]` (shorter than SIB with disp32) unless `nosplit`.
 * - `[x+esp]` swaps to `[esp+x]` (esp/rsp cannot be an index); otherwise base and index stay as written.
 * - no displacement when it is an absolute 0 (except [ebp]/[r13]/[bp], which need a disp8 0); a disp8
 *   when the absolute value fits a signed byte; otherwise the full width. Relocatable or not-yet-known
 *   displacements always take the full width (the front end's later passes shrink forward constants).
 * - in 64-bit mode a register-free address is RIP-relative when `rel` is in force and the address is
 *   relocatable, and the SIB `[disp32]` form otherwise (NASM warns that an absolute address cannot be
 *   RIP-relative and uses the absolute form).
 */

import type { Value } from '../obj/value.js';
import { type Bits, EncodeError, type MemOperand, type Register } from './operand.js';

export interface EncodedAddress {
  mod: number;
  rm: number;
  sib?: number;
  rexX: boolean;
  rexB: boolean;
  /** Registers that force a REX prefix or forbid one (none for memory, listed for symmetry). */
  addrSize: 16 | 32 | 64;
  disp?: { size: 1 | 2 | 4; value: Value; ripRelative: boolean };
}

function sizeOfReg(r: Register): 16 | 32 | 64 {
  if (r.cls === 'gpr16') return 16;
  if (r.cls === 'gpr32') return 32;
  if (r.cls === 'gpr64') return 64;
  throw new EncodeError(`register ${r.name} cannot be used in an address`);
}

/** NASM truncates the displacement to the address size before asking whether it fits a byte. */
function fitsByte(v: Value, addrSize: number): boolean {
  if (!v.known || v.base !== undefined) return false;
  const d = BigInt.asIntN(addrSize, v.addend);
  return d >= -128n && d <= 127n;
}

function isZero(v: Value): boolean {
  return v.known && v.base === undefined && v.addend === 0n;
}

function addressSize(m: MemOperand, bits: Bits): 16 | 32 | 64 {
  const regs = [m.base, m.index].filter((r): r is Register => r !== undefined && r.cls !== 'ip');
  if (regs.length === 0) {
    if (m.base?.cls === 'ip') return m.base.name === 'eip' ? 32 : 64;
    return bits;
  }
  const size = sizeOfReg(regs[0]);
  if (regs.length === 2 && sizeOfReg(regs[1]) !== size)
    throw new EncodeError('invalid effective address: mixed register sizes');
  if (bits === 64 && size === 16) throw new EncodeError('16-bit addressing is not supported in 64-bit mode');
  if (bits !== 64 && size === 64) throw new EncodeError(`64-bit addressing is only supported in 64-bit mode`);
  return size;
}

/** Encode the address of `m` as the mode `bits` sees it. */
export function encodeAddress(m: MemOperand, bits: Bits): EncodedAddress {
  const addrSize = addressSize(m, bits);
  if (addrSize === 16) return encode16(m);
  if (m.base?.cls === 'ip') {
    if (m.index) throw new EncodeError('invalid effective address: rip cannot be combined with an index');
    return {
      mod: 0,
      rm: 5,
      rexX: false,
      rexB: false,
      addrSize,
      disp: { size: 4, value: m.disp, ripRelative: true },
    };
  }
  let base = m.base;
  let index = m.index;
  let scale = m.scale;
  if (index && !base && !m.nosplit && (scale === 1 || scale === 2)) {
    base = index;
    index = scale === 2 ? index : undefined;
    scale = 1;
  }
  if (index && index.num === 4) {
    if (scale !== 1 || !base || base.num === 4)
      throw new EncodeError('invalid effective address: esp/rsp cannot be an index');
    [base, index] = [index, base];
  }
  const disp = m.disp;
  if (!base) {
    const full = { size: 4 as const, value: disp, ripRelative: false };
    if (index) {
      return {
        mod: 0,
        rm: 4,
        sib: (log2(scale) << 6) | ((index.num & 7) << 3) | 5,
        rexX: index.num > 7,
        rexB: false,
        addrSize,
        disp: full,
      };
    }
    if (bits === 64) {
      if (m.rel && disp.base !== undefined)
        return { mod: 0, rm: 5, rexX: false, rexB: false, addrSize, disp: { ...full, ripRelative: true } };
      return { mod: 0, rm: 4, sib: 0x25, rexX: false, rexB: false, addrSize, disp: full };
    }
    return { mod: 0, rm: 5, rexX: false, rexB: false, addrSize, disp: full };
  }
  let mod: number;
  if (m.dispSize === 8) mod = 1;
  else if (m.dispSize === 32 || m.dispSize === 16 || m.dispSize === 64) mod = 2;
  else if (isZero(disp) && (base.num & 7) !== 5) mod = 0;
  else if (fitsByte(disp, addrSize)) mod = 1;
  else mod = 2;
  const out: EncodedAddress = { mod, rm: base.num & 7, rexX: false, rexB: base.num > 7, addrSize };
  if (index || (base.num & 7) === 4) {
    out.rm = 4;
    const idx = index ? index.num & 7 : 4;
    out.sib = (log2(index ? scale : 1) << 6) | (idx << 3) | (base.num & 7);
    out.rexX = index ? index.num > 7 : false;
  }
  if (mod === 1) out.disp = { size: 1, value: disp, ripRelative: false };
  if (mod === 2) out.disp = { size: 4, value: disp, ripRelative: false };
  return out;
}

function log2(scale: number): number {
  return scale === 1 ? 0 : scale === 2 ? 1 : scale === 4 ? 2 : 3;
}

/** The eight 16-bit forms, keyed by the sorted register names. */
const RM16: Record<string, number> = {
  'bx+si': 0,
  'bx+di': 1,
  'bp+si': 2,
  'bp+di': 3,
  si: 4,
  di: 5,
  bp: 6,
  bx: 7,
};

function encode16(m: MemOperand): EncodedAddress {
  const regs = [m.base, m.index].filter((r): r is Register => r !== undefined);
  if (m.index && m.scale !== 1)
    throw new EncodeError('invalid effective address: 16-bit addressing has no scale');
  const disp = m.disp;
  if (regs.length === 0)
    return {
      mod: 0,
      rm: 6,
      rexX: false,
      rexB: false,
      addrSize: 16,
      disp: { size: 2, value: disp, ripRelative: false },
    };
  const key = regs
    .map((r) => r.name)
    .sort()
    .join('+');
  const rm = RM16[key];
  if (rm === undefined) throw new EncodeError(`invalid 16-bit effective address [${key}]`);
  let mod: number;
  if (m.dispSize === 8) mod = 1;
  else if (m.dispSize !== undefined) mod = 2;
  else if (isZero(disp) && rm !== 6) mod = 0;
  else if (fitsByte(disp, 16)) mod = 1;
  else mod = 2;
  const out: EncodedAddress = { mod, rm, rexX: false, rexB: false, addrSize: 16 };
  if (mod === 1) out.disp = { size: 1, value: disp, ripRelative: false };
  if (mod === 2) out.disp = { size: 2, value: disp, ripRelative: false };
  return out;
}

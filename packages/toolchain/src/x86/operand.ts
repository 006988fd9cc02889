/**
 * The encoder's input: one instruction as data, independent of any source syntax.
 *
 * The NASM-syntax front end (../asm) parses text into these objects; the compiler's back end builds them
 * directly. `encode()` in ./encode.ts turns one into bytes plus fixups.
 */
import type { Fixup, Value } from '../obj/value.js';

export type RegisterClass = 'gpr8' | 'gpr16' | 'gpr32' | 'gpr64' | 'seg' | 'cr' | 'dr' | 'xmm' | 'ip';

export interface Register {
  /** Lower-case NASM name: `eax`, `r8b`, `spl`, `ah`, `xmm12`, `cr4`, `rip`… */
  name: string;
  cls: RegisterClass;
  /** Encoding number 0–15 (ah/ch/dh/bh are 4–7 with `high8`). */
  num: number;
  /** spl, bpl, sil, dil need a REX prefix to be reachable. */
  rexOnly?: boolean;
  /** ah, ch, dh, bh cannot be encoded together with any REX prefix. */
  high8?: boolean;
}

/** Operand sizes in bits, as given by NASM size keywords (byte … oword/tword). */
export type OperandSize = 8 | 16 | 32 | 64 | 80 | 128;

export interface RegOperand {
  kind: 'reg';
  reg: Register;
}

export interface ImmOperand {
  kind: 'imm';
  value: Value;
  /** Explicit size keyword (`byte 5`, `dword x`). */
  size?: OperandSize;
  /** `strict` was written: never shrink or grow. */
  strict?: boolean;
  /** `short`, `near` or `far` on a branch target. */
  branch?: 'short' | 'near' | 'far';
  /** Far immediate `seg:offset` (e.g. `jmp 0x08:label`). */
  segment?: Value;
}

export interface MemOperand {
  kind: 'mem';
  /** Explicit size keyword in front of the brackets (`dword [eax]`). */
  size?: OperandSize;
  seg?: Register;
  base?: Register;
  index?: Register;
  scale: 1 | 2 | 4 | 8;
  disp: Value;
  /** Explicit displacement size inside the brackets (`[byte eax+1]`, `[dword eax]`). */
  dispSize?: 8 | 16 | 32 | 64;
  /** `rel` / `default rel` in 64-bit mode: RIP-relative when there is no base or index. */
  rel: boolean;
  /** `nosplit` was written (do not turn [eax*2] into [eax+eax]). */
  nosplit?: boolean;
  /** `far` was written before the memory operand (`jmp far [eax]`: an m16:16/m16:32 pointer). */
  far?: boolean;
}

export type Operand = RegOperand | ImmOperand | MemOperand;

export type Prefix =
  | 'lock'
  | 'rep'
  | 'repe'
  | 'repz'
  | 'repne'
  | 'repnz'
  | 'o16'
  | 'o32'
  | 'o64'
  | 'a16'
  | 'a32'
  | 'a64'
  | 'cs'
  | 'ds'
  | 'es'
  | 'fs'
  | 'gs'
  | 'ss';

export type Bits = 16 | 32 | 64;

export interface Instruction {
  /** Lower-case mnemonic. */
  mnemonic: string;
  prefixes: Prefix[];
  operands: Operand[];
}

export interface EncodeContext {
  bits: Bits;
  /** Address of the instruction's first byte (section-relative: base = section name). */
  here: Value;
}

export interface Encoded {
  bytes: Uint8Array;
  fixups: Fixup[];
}

/** Thrown by the encoder when no form fits; the front end adds file/line/column. */
export class EncodeError extends Error {
  constructor(
    message: string,
    /** What would be accepted, for the hint line of the diagnostic. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'EncodeError';
  }
}

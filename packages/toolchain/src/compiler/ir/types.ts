/**
 * Toro IR: the typed, non-SSA, three-address form between the front end and the back end.
 *
 * A module is functions plus static data. A function is a list of basic blocks; each block is a list
 * of instructions ending in exactly one terminator (jmp, jnz, ret, unreachable). Values live in
 * numbered temporaries, each with one class (`Cls`); a temporary may be assigned more than once (the
 * front end uses them as variables). The text form is specified in ../README.md and printed by
 * ./print.ts; ./ops.ts is the table of every opcode's signature.
 */

/**
 * Value classes. Every class fits one 64-bit word, so any value fits a register or a frame slot:
 *   w  32-bit integer kept sign-extended to 64 bits (booleans are w 0/1)
 *   l  64-bit integer (sizes, indices, raw addresses that never live across an allocation)
 *   d  IEEE double (a number: its bits are also its boxed form, see ../README.md "Values")
 *   v  boxed value: NaN-boxed reference, undefined, null, boolean, or a number
 */
export type Cls = 'w' | 'l' | 'd' | 'v';

export type Operand =
  | { k: 'tmp'; id: number }
  /** A constant; `bits` is the 64-bit pattern (a double's IEEE bits for class d). */
  | { k: 'con'; cls: Cls; bits: bigint }
  /** The boxed reference to a static data object (a string literal), class v. */
  | { k: 'sym'; name: string };

export interface Instr {
  op: string;
  /** Destination temporary, when the op produces a value. */
  dst?: number;
  args: Operand[];
  /** Callee symbol of `call`, or target blocks of `jmp`/`jnz` (as block indices). */
  callee?: string;
  targets?: number[];
  /** Source position (1-based line and column) for the machine-code position map. */
  line?: number;
  col?: number;
}

export interface Block {
  label: string;
  instrs: Instr[];
}

export interface Temp {
  name: string;
  cls: Cls;
}

export interface IrFunction {
  /** Linker symbol. */
  name: string;
  /** Temporaries holding the parameters, in order. */
  params: number[];
  /** Class of the returned value; undefined for functions that return nothing. */
  ret?: Cls;
  temps: Temp[];
  blocks: Block[];
  /** Source file, for the position map. */
  file?: string;
  /**
   * How a stack trace names this function (V8's form: `f`, `C.m`, `new C`; empty for the top level
   * and anonymous functions) and where it starts (its first statement, where V8 places a stack
   * overflow). Program functions only: the runtime's frames are left out of traces.
   */
  frame?: { name: string; line: number; col: number };
}

/**
 * A static, read-only heap object (today: a string literal), laid out like a heap string: `text`'s
 * UTF-16 code units, which are exactly JavaScript's string.
 */
export interface IrData {
  name: string;
  kind: 'string';
  text: string;
}

export interface IrModule {
  functions: IrFunction[];
  data: IrData[];
  /** Number of global value slots (top-level variables); the collector scans them as roots. */
  globals: number;
  /** Names of the global slots, for the text form. */
  globalNames: string[];
}

export const tmp = (id: number): Operand => ({ k: 'tmp', id });

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

export function doubleBits(x: number): bigint {
  f64[0] = x;
  return u64[0];
}

export function bitsDouble(b: bigint): number {
  u64[0] = BigInt.asUintN(64, b);
  return f64[0];
}

export const conD = (x: number): Operand => ({ k: 'con', cls: 'd', bits: doubleBits(x) });
export const conW = (x: number): Operand => ({ k: 'con', cls: 'w', bits: BigInt(x | 0) });
export const conL = (x: bigint): Operand => ({ k: 'con', cls: 'l', bits: x });

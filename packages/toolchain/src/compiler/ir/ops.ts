/**
 * The opcode table: one row per IR operation with its argument classes and result class, the data
 * the verifier checks against and the back end dispatches on (like QBE's ops.h).
 *
 * `*` as an argument or result class means "the destination's class" (copy is polymorphic).
 */
import type { Cls } from './types.js';

export interface OpInfo {
  args: (Cls | '*')[];
  /** Result class; undefined for ops without a value. */
  res?: Cls | '*';
  /** Pure and foldable by ../passes/fold.ts when every argument is a constant. */
  pure?: boolean;
  terminator?: boolean;
}

const d2: OpInfo = { args: ['d', 'd'], res: 'd', pure: true };
const d1: OpInfo = { args: ['d'], res: 'd', pure: true };
const cmpd: OpInfo = { args: ['d', 'd'], res: 'w', pure: true };
const w2: OpInfo = { args: ['w', 'w'], res: 'w', pure: true };

export const OPS: Record<string, OpInfo> = {
  copy: { args: ['*'], res: '*', pure: true },
  // Doubles, JS semantics (rem is JS %, computed by the runtime's exact fmod).
  add: d2,
  sub: d2,
  mul: d2,
  div: d2,
  rem: { args: ['d', 'd'], res: 'd' },
  neg: d1,
  floor: d1,
  ceil: d1,
  trunc: d1,
  sqrt: d1,
  abs: d1,
  ceqd: cmpd,
  cned: cmpd,
  cltd: cmpd,
  cled: cmpd,
  cgtd: cmpd,
  cged: cmpd,
  // 32-bit integers (ToInt32 results and booleans).
  and: w2,
  or: w2,
  xor: w2,
  shl: w2,
  sar: w2,
  shr: { args: ['w', 'w'], res: 'l', pure: true },
  ceqw: w2,
  cnew: w2,
  // 64-bit words compared bit for bit (boxed values, l integers).
  ceql: { args: ['*', '*'], res: 'w', pure: true },
  // Conversions.
  dtoi32: { args: ['d'], res: 'w' },
  wtod: { args: ['w'], res: 'd', pure: true },
  ltod: { args: ['l'], res: 'd', pure: true },
  dtol: { args: ['d'], res: 'l' },
  // Boxing: d and v share bits; booleans become the true/false constants.
  boxd: { args: ['d'], res: 'v', pure: true },
  unboxd: { args: ['v'], res: 'd', pure: true },
  boxw: { args: ['w'], res: 'v', pure: true },
  unboxw: { args: ['v'], res: 'w', pure: true },
  // Global slots (top-level variables; GC roots).
  loadg: { args: ['l'], res: '*' },
  storeg: { args: ['l', '*'] },
  // The runtime's scratch area of doubles (bignum limbs for number formatting).
  loads: { args: ['d'], res: 'd' },
  stores: { args: ['d', 'd'] },
  // Heap objects (../backend/abi.ts HEAP): payload word i of a reference (i an l integer). Only the
  // runtime's TypeScript and the front end's literal builders use them, on objects they know the kind of.
  ldw: { args: ['v', 'l'], res: 'v' },
  stw: { args: ['v', 'l', 'v'] },
  // Binary data (../backend/abi.ts HEAP BYTES/TYPED; K is an element kind constant, abi.ts ELEMENT).
  // `ldb K, %store, %off` / `stb K, %store, %off, %x`: the element at byte offset off of a BYTES
  // object, unchecked (the runtime's own typed.ts, which checked the bounds); stb stores an integer
  // kind's low bits of trunc(x) (the caller passes |x| < 2^63: ToInt32 done), clamps for
  // Uint8Clamped, rounds to float32 for Float32. A NaN read is always the canonical NaN.
  ldb: { args: ['l', 'v', 'l'], res: 'd' },
  stb: { args: ['l', 'v', 'l', 'd'] },
  // `ldta K, %ta, %i` / `stta K, %ta, %i, %x` / `lenta %ta`: the program's `ta[i]`, `ta[i] = x` and
  // `ta.length` where ta's static type is a typed array of kind K. Inline: the kind checks (a
  // reference, a TYPED object, of element kind K), the bounds check of an integer index, and the
  // load (a number) or store (with the kind's exact conversion); anything else (a lying value, an
  // index out of range or not an integer, a store needing the full ToInt32) calls rt.typed.get/
  // set/length, which answer as JavaScript does (undefined, an ignored write) or throw a TypeError.
  ldta: { args: ['l', 'v', 'd'], res: 'v' },
  // `ldtan K, %ta, %i`: ldta where the program reads the element as a number (its static type): the
  // fast path's double as it is; off it, rt.typed.get's answer through the representation check
  // (rt.console.expectNumber) that a `number` read from the heap gets.
  ldtan: { args: ['l', 'v', 'd'], res: 'd' },
  stta: { args: ['l', 'v', 'd', 'd'] },
  lenta: { args: ['v'], res: 'd' },
  // The raw address of a function (a closure's code word).
  fnaddr: { args: [], res: 'v' },
  // Exceptions (../README.md "Exceptions"): `tryenter K, @landing` pushes a handler record held in
  // temporaries K..K+2 (l) of this frame; `tryleave K` pops it; `catchvalue` is the thrown value,
  // read first thing in a landing block.
  tryenter: { args: ['l'] },
  tryleave: { args: ['l'] },
  catchvalue: { args: [], res: 'v' },
  call: { args: [], res: '*' },
  // Indirect call through a closure: first argument is the closure (v), the rest are its arguments.
  calli: { args: [], res: '*' },
  jmp: { args: [], terminator: true },
  jnz: { args: ['w'], terminator: true },
  ret: { args: [], terminator: true },
  unreachable: { args: [], terminator: true },
};

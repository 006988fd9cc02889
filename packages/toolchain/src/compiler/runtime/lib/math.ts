/**
 * Runtime (TypeScript subset): the Math operations that are not one instruction — JS `%` (an exact
 * fmod by scaled subtraction), `**`/Math.pow, Math.min/max with their NaN and -0 rules.
 */
import { refuse } from './errors.js';

declare function __write(fd: number, s: string): void;
declare function __exit(code: number): never;

export function fmod(a: number, b: number): number {
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
  if (a !== a || b !== b || a === Infinity || a === -Infinity || b === 0) return NaN;
  if (b === Infinity || b === -Infinity || a === 0) return a;
  let r = a < 0 ? -a : a;
  const d = b < 0 ? -b : b;
  if (r < d) return a;
  // Invariant r < 2t: every subtraction r - t is exact (Sterbenz), so the result is exact.
  let t = d;
  while (t <= r / 2) t = t * 2;
  while (t >= d) {
    if (r >= t) r = r - t;
    t = t / 2;
  }
  return a < 0 ? -r : r;
}

/**
 * Whether a * b (finite, nonzero factors) is exactly representable: Dekker's TwoProduct error term,
 * computed with Veltkamp splitting, is zero. Products too large to split or too small for the error
 * term to be representable count as inexact.
 */
function exactProduct(a: number, b: number, p: number): boolean {
  if (a === 0 || b === 0) return true;
  if (p === Infinity || p === -Infinity) return true; // overflow: every correct pow gives infinity too
  const ap = p < 0 ? -p : p;
  const aa = a < 0 ? -a : a;
  const ab = b < 0 ? -b : b;
  if (aa > 1e290 || ab > 1e290) return false;
  if (ap < 1e-290) {
    // Too small for the error term: check the product scaled up by 2^600, then that scaling back
    // down loses no bits.
    const a2 = a * 4.149515568880993e180;
    const p2 = a2 * b;
    if (!exactProduct(a2, b, p2)) return false;
    return (p2 / 4.149515568880993e180) * 4.149515568880993e180 === p2 && p === p2 / 4.149515568880993e180;
  }
  const ca = 134217729 * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = 134217729 * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl === 0;
}

function inexactPow(): void {
  __write(2, 'toro: Math.pow and ** are supported only when the result is exact (for now)\n');
  __exit(70);
}

/**
 * `**` and Math.pow. Node computes pow with its own algorithm whose rounding this slice does not
 * reproduce; so results are computed by exact squaring and the program stops (status 70, message on
 * stderr) rather than print a possibly different last digit when a step was not exact.
 */
export function pow(x: number, y: number): number {
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
  if (y !== y) return NaN;
  if (y === 0) return 1;
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
  if (x !== x) return NaN;
  if (y === Infinity || y === -Infinity) {
    const ax = x < 0 ? -x : x;
    if (ax === 1) return NaN;
    if (ax > 1) return y > 0 ? Infinity : 0;
    return y > 0 ? 0 : Infinity;
  }
  if (Math.floor(y) !== y) {
    if (x === 0) return y > 0 ? 0 : Infinity;
    if (x === Infinity || x === -Infinity) return y > 0 ? Infinity : 0;
    if (x < 0) return NaN;
    if (y === 0.5) {
      const r = Math.sqrt(x);
      if (exactProduct(r, r, r * r) && r * r === x) return r;
    }
    __write(2, 'toro: Math.pow with a fractional exponent is not supported yet\n');
    __exit(70);
  }
  let n = y < 0 ? -y : y;
  let base = x;
  let result = 1;
  while (n > 0) {
    const half = Math.floor(n / 2);
    if (n - half * 2 === 1) {
      const p = result * base;
      if (!exactProduct(result, base, p)) inexactPow();
      result = p;
    }
    n = half;
    if (n > 0) {
      const sq = base * base;
      if (!exactProduct(base, base, sq)) inexactPow();
      base = sq;
    }
  }
  if (y > 0) return result;
  if (result === Infinity || result === -Infinity) {
    if (x === Infinity || x === -Infinity) return 1 / result;
    inexactPow(); // x^n overflowed, but x^-n may well be a subnormal
  }
  const q = 1 / result;
  if (q === Infinity || q === -Infinity) return q;
  if (!(exactProduct(q, result, q * result) && q * result === 1)) inexactPow();
  return q;
}

/** Math.round: the nearest integer, ties toward +Infinity; -0 for -0.5 <= x < 0 (x - floor(x) is exact). */
export function round(x: number): number {
  let r = Math.floor(x);
  if (x - r >= 0.5) r += 1;
  return r === 0 && x < 0 ? -0 : r;
}

/** Math.sign: 1, -1, or x itself (NaN, 0, -0). */
export function sign(x: number): number {
  if (x > 0) return 1;
  if (x < 0) return -1;
  return x;
}

/** Math.imul: the low 32 bits of the product of ToInt32(a) and ToInt32(b), as a signed integer. The
 * halves keep every partial product exact in a double (a full 32×32 product would not be). */
export function imul(a: number, b: number): number {
  const x = a | 0;
  const y = b | 0;
  const xh = (x >>> 16) & 0xffff;
  const xl = x & 0xffff;
  const yh = (y >>> 16) & 0xffff;
  const yl = y & 0xffff;
  return (xl * yl + (((xh * yl + xl * yh) << 16) >>> 0)) | 0;
}

/** Math.clz32: leading zero bits of ToUint32(x). */
export function clz32(x: number): number {
  let v = x >>> 0;
  if (v === 0) return 32;
  let n = 0;
  while (v < 0x80000000) {
    v = (v * 2) >>> 0;
    n++;
  }
  return n;
}

export function min(a: number, b: number): number {
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
  if (a !== a || b !== b) return NaN;
  if (a === 0 && b === 0) return 1 / a < 0 ? a : b;
  // biome-ignore lint/complexity/useMathMinMax: this is the runtime's Math.min/max (and no spread in the subset)
  return a < b ? a : b;
}

export function max(a: number, b: number): number {
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
  if (a !== a || b !== b) return NaN;
  if (a === 0 && b === 0) return 1 / a > 0 ? a : b;
  // biome-ignore lint/complexity/useMathMinMax: this is the runtime's Math.min/max (and no spread in the subset)
  return a > b ? a : b;
}

declare function __tag(v: unknown): number;
declare function __as_number(v: unknown): number;

/** Math.min(...a) / Math.max(...a) over an array built from the arguments (non-numbers: refused). */
export function extremeOf(a: number[], largest: boolean): number {
  let acc = largest ? -Infinity : Infinity;
  for (let i = 0; i < a.length; i++) {
    const v: unknown = a[i];
    if (__tag(v) !== 0) refuse('Math.min/max of a value that is not a number');
    const x = __as_number(v);
    acc = largest ? max(acc, x) : min(acc, x);
  }
  return acc;
}

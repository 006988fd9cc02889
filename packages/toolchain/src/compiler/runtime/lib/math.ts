/**
 * Runtime (TypeScript subset): the Math operations that are not one instruction — JS `%` (an exact
 * fmod by scaled subtraction), `**`/Math.pow, Math.min/max with their NaN and -0 rules.
 */
declare function __write(fd: number, s: string): void;
declare function __exit(code: number): never;

export function fmod(a: number, b: number): number {
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

export function pow(x: number, y: number): number {
  if (y !== y) return NaN;
  if (y === 0) return 1;
  if (x !== x) return NaN;
  if (y === Infinity || y === -Infinity) {
    const ax = x < 0 ? -x : x;
    if (ax === 1) return NaN;
    if (ax > 1) return y > 0 ? Infinity : 0;
    return y > 0 ? 0 : Infinity;
  }
  if (Math.floor(y) !== y) {
    if (y === 0.5 && x !== -Infinity && !(x === 0)) return Math.sqrt(x);
    if (x < 0) return NaN;
    __write(2, 'toro: Math.pow with a fractional exponent is not supported yet\n');
    __exit(70);
  }
  let n = y < 0 ? -y : y;
  let base = x;
  let result = 1;
  while (n > 0) {
    const half = Math.floor(n / 2);
    if (n - half * 2 === 1) result = result * base;
    n = half;
    if (n > 0) base = base * base;
  }
  return y < 0 ? 1 / result : result;
}

export function min(a: number, b: number): number {
  if (a !== a || b !== b) return NaN;
  if (a === 0 && b === 0) return 1 / a < 0 ? a : b;
  return a < b ? a : b;
}

export function max(a: number, b: number): number {
  if (a !== a || b !== b) return NaN;
  if (a === 0 && b === 0) return 1 / a > 0 ? a : b;
  return a > b ? a : b;
}

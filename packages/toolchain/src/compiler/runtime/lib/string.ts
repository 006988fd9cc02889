/**
 * Runtime (written in the TypeScript subset Toro compiles): string concatenation and equality.
 * Strings are immutable sequences of UTF-16 code units on the GC heap, as JavaScript's are (see
 * ../../README.md "Values"); `__str_byte`/`__str_set` read and write one code unit. A string is
 * stored Latin-1 (a byte a unit, `__str_alloc`) or wide (two bytes a unit, `__str_alloc16`); only a
 * wide one can hold units past 0xFF, and every reader sees units, whatever the storage.
 */
declare function __str_len(s: string): number;
declare function __str_alloc(n: number): string;
declare function __str_copy(dst: string, at: number, src: string): void;
declare function __str_byte(s: string, i: number): number;
declare function __str_equals(a: string, b: string): boolean;
declare function __str_alloc16(n: number): string;
declare function __str_wide(s: string): boolean;

/** A new string of n (unset) units: wide (two bytes a unit) when it must hold units past 0xFF. */
export function allocString(n: number, wide: boolean): string {
  return wide ? __str_alloc16(n) : __str_alloc(n);
}

/** Whether s is stored two bytes a unit (it may hold units past 0xFF). */
export function isWide(s: string): boolean {
  return __str_wide(s);
}

/** The one-unit string of code unit c. */
export function unitString(c: number): string {
  const s = allocString(1, c > 0xff);
  __str_set(s, 0, c);
  return s;
}

export function concat(a: string, b: string): string {
  const la = __str_len(a);
  if (la === 0) return b;
  const lb = __str_len(b);
  if (lb === 0) return a;
  // May collect: a and b live in this frame's slots, which the collector updates.
  const s = allocString(la + lb, __str_wide(a) || __str_wide(b));
  __str_copy(s, 0, a);
  __str_copy(s, la, b);
  return s;
}

/** Whether two strings hold the same code units (core.asm compares them whatever their widths). */
export function equals(a: string, b: string): boolean {
  return __str_equals(a, b);
}

declare function __str_set(s: string, i: number, b: number): void;

/** `s[i]`: the one-character string at an index, or undefined. */
export function charAt(s: string, i: number): unknown {
  if (!(i >= 0 && i < __str_len(s) && Math.floor(i) === i)) return undefined;
  return unitString(__str_byte(s, i));
}

/** `a < b` and friends on two strings: code-unit order (UTF-16 units, as JavaScript compares). */
export function compare(a: string, b: string): number {
  const na = __str_len(a);
  const nb = __str_len(b);
  for (let i = 0; i < na && i < nb; i++) {
    const d = __str_byte(a, i) - __str_byte(b, i);
    if (d !== 0) return d;
  }
  return na - nb;
}

/** Whether the unit at i is a surrogate that is not half of a pair (a lead before a trail). */
export function loneSurrogate(s: string, i: number): boolean {
  const c = __str_byte(s, i);
  if (c < 0xd800 || c > 0xdfff) return false;
  if (c < 0xdc00) {
    if (i + 1 >= __str_len(s)) return true;
    const next = __str_byte(s, i + 1);
    return next < 0xdc00 || next > 0xdfff;
  }
  if (i === 0) return true;
  const before = __str_byte(s, i - 1);
  return before < 0xd800 || before > 0xdbff;
}

/** The concatenation of all the strings of `parts`, in one allocation. */
export function joinStrings(parts: string[]): string {
  let total = 0;
  let wide = false;
  for (let i = 0; i < parts.length; i++) {
    total += __str_len(parts[i]);
    if (__str_wide(parts[i])) wide = true;
  }
  const s = allocString(total, wide);
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    __str_copy(s, at, parts[i]);
    at += __str_len(parts[i]);
  }
  return s;
}

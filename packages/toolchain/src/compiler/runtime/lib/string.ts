/**
 * Runtime (written in the TypeScript subset Toro compiles): string concatenation and equality.
 * Strings are immutable byte strings on the GC heap (see ../../README.md "Strings").
 */
declare function __str_len(s: string): number;
declare function __str_alloc(n: number): string;
declare function __str_copy(dst: string, at: number, src: string): void;
declare function __str_byte(s: string, i: number): number;

export function concat(a: string, b: string): string {
  const la = __str_len(a);
  if (la === 0) return b;
  const lb = __str_len(b);
  if (lb === 0) return a;
  // May collect: a and b live in this frame's slots, which the collector updates.
  const s = __str_alloc(la + lb);
  __str_copy(s, 0, a);
  __str_copy(s, la, b);
  return s;
}

export function equals(a: string, b: string): boolean {
  const n = __str_len(a);
  if (n !== __str_len(b)) return false;
  for (let i = 0; i < n; i++) {
    if (__str_byte(a, i) !== __str_byte(b, i)) return false;
  }
  return true;
}

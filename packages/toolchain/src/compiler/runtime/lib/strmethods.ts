/**
 * Runtime (TypeScript subset): String.prototype methods (ASCII strings: one byte is one UTF-16
 * unit, so indices and lengths are JavaScript's). Optional arguments arrive as boxed values,
 * undefined when the caller left them out; the integer arguments follow ToIntegerOrInfinity and
 * each method's own clamping, as the ECMAScript specification states them.
 */
import { arrayNew, push } from './array.js';
import { rangeError, refuse } from './errors.js';
import { numberToString } from './number.js';
import { concat, joinStrings } from './string.js';

declare function __str_len(s: string): number;
declare function __str_alloc(n: number): string;
declare function __str_copy(dst: string, at: number, src: string): void;
declare function __str_byte(s: string, i: number): number;
declare function __str_set(s: string, i: number, b: number): void;
declare function __tag(v: unknown): number;
declare function __as_number(v: unknown): number;
declare function __as_string(v: unknown): string;

/** ToIntegerOrInfinity of an optional number argument; `otherwise` when it is undefined. */
function integer(x: unknown, otherwise: number): number {
  if (__tag(x) === 1) return otherwise;
  if (__tag(x) !== 0) return 0;
  const k = __as_number(x);
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
  if (k !== k) return 0;
  return k < 0 ? Math.ceil(k) : Math.floor(k);
}

function clamp(k: number, lo: number, hi: number): number {
  if (k < lo) return lo;
  if (k > hi) return hi;
  return k;
}

/** The bytes [from, to) of s as a new string (s itself when that is all of it). */
export function sub(s: string, from: number, to: number): string {
  const n = __str_len(s);
  if (from === 0 && to === n) return s;
  const count = to > from ? to - from : 0;
  const r = __str_alloc(count);
  for (let i = 0; i < count; i++) __str_set(r, i, __str_byte(s, from + i));
  return r;
}

/** Index of t in s at or after `from` (0 ≤ from), or -1. */
function find(s: string, t: string, from: number): number {
  const n = __str_len(s);
  const m = __str_len(t);
  for (let i = from; i + m <= n; i++) {
    let j = 0;
    while (j < m && __str_byte(s, i + j) === __str_byte(t, j)) j++;
    if (j === m) return i;
  }
  return -1;
}

function matchesAt(s: string, t: string, at: number): boolean {
  const m = __str_len(t);
  if (at < 0 || at + m > __str_len(s)) return false;
  for (let j = 0; j < m; j++) if (__str_byte(s, at + j) !== __str_byte(t, j)) return false;
  return true;
}

function relative(x: unknown, n: number, otherwise: number): number {
  const k = integer(x, otherwise);
  if (k < 0) return Math.max(n + k, 0);
  return Math.min(k, n);
}

export function slice(s: string, start: unknown, end: unknown): string {
  const n = __str_len(s);
  return sub(s, relative(start, n, 0), relative(end, n, n));
}

export function substring(s: string, start: unknown, end: unknown): string {
  const n = __str_len(s);
  const a = clamp(integer(start, 0), 0, n);
  const b = clamp(integer(end, n), 0, n);
  return a < b ? sub(s, a, b) : sub(s, b, a);
}

export function indexOf(s: string, t: string, from: unknown): number {
  const n = __str_len(s);
  return find(s, t, clamp(integer(from, 0), 0, n));
}

export function lastIndexOf(s: string, t: string, from: unknown): number {
  const n = __str_len(s);
  const m = __str_len(t);
  let start = n;
  if (__tag(from) === 0) {
    const k = __as_number(from);
    // biome-ignore lint/suspicious/noSelfCompare: a NaN position means +Infinity here
    if (k === k) start = clamp(integer(from, n), 0, n);
  }
  for (let i = Math.min(start, n - m); i >= 0; i--) if (matchesAt(s, t, i)) return i;
  return -1;
}

export function includes(s: string, t: string, from: unknown): boolean {
  return find(s, t, clamp(integer(from, 0), 0, __str_len(s))) >= 0;
}

export function startsWith(s: string, t: string, from: unknown): boolean {
  return matchesAt(s, t, clamp(integer(from, 0), 0, __str_len(s)));
}

export function endsWith(s: string, t: string, end: unknown): boolean {
  const n = __str_len(s);
  const e = clamp(integer(end, n), 0, n);
  return matchesAt(s, t, e - __str_len(t));
}

/** split with a string separator (or none); `limit` is ToUint32, undefined meaning 2^32 - 1. */
export function split(s: string, separator: unknown, limit: unknown): unknown {
  const out = arrayNew(0);
  let lim = 4294967295;
  if (__tag(limit) === 0) {
    const k = __as_number(limit);
    // biome-ignore lint/suspicious/noSelfCompare: NaN gives 0, as ToUint32 does
    lim = k !== k || k === Infinity || k === -Infinity ? 0 : k;
    lim = Math.trunc(lim) % 4294967296;
    if (lim < 0) lim += 4294967296;
  }
  if (lim === 0) return out;
  if (__tag(separator) === 1) {
    push(out, s);
    return out;
  }
  const sep = __as_string(separator);
  const n = __str_len(s);
  const m = __str_len(sep);
  if (m === 0) {
    for (let i = 0; i < n && i < lim; i++) push(out, sub(s, i, i + 1));
    return out;
  }
  let from = 0;
  let count = 0;
  for (;;) {
    const at = find(s, sep, from);
    if (at < 0) break;
    push(out, sub(s, from, at));
    count++;
    if (count >= lim) return out;
    from = at + m;
  }
  push(out, sub(s, from, n));
  return out;
}

function isSpace(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

export function trim(s: string, start: boolean, end: boolean): string {
  let a = 0;
  let b = __str_len(s);
  if (start) while (a < b && isSpace(__str_byte(s, a))) a++;
  if (end) while (b > a && isSpace(__str_byte(s, b - 1))) b--;
  return sub(s, a, b);
}

export function pad(s: string, target: unknown, filler: unknown, atStart: boolean): string {
  const n = __str_len(s);
  const want = integer(target, 0);
  if (want <= n) return s;
  const fill = __tag(filler) === 1 ? ' ' : __as_string(filler);
  const m = __str_len(fill);
  if (m === 0) return s;
  if (want > 536870888) rangeError('Invalid string length');
  const r = __str_alloc(want);
  const gap = want - n;
  const at = atStart ? 0 : n;
  for (let i = 0; i < gap; i++) __str_set(r, at + i, __str_byte(fill, i % m));
  __str_copy(r, atStart ? gap : 0, s);
  return r;
}

export function repeat(s: string, count: unknown): string {
  const c = integer(count, 0);
  if (c < 0 || c === Infinity)
    rangeError(concat('Invalid count value: ', numberToString(__as_number(count))));
  const n = __str_len(s);
  if (n === 0 || c === 0) return '';
  if (n * c > 536870888) rangeError('Invalid string length');
  const r = __str_alloc(n * c);
  for (let i = 0; i < c; i++) __str_copy(r, i * n, s);
  return r;
}

export function changeCase(s: string, upper: boolean): string {
  const n = __str_len(s);
  const r = __str_alloc(n);
  for (let i = 0; i < n; i++) {
    let b = __str_byte(s, i);
    if (upper && b >= 97 && b <= 122) b -= 32;
    else if (!upper && b >= 65 && b <= 90) b += 32;
    __str_set(r, i, b);
  }
  return r;
}

export function charCodeAt(s: string, pos: unknown): number {
  const i = integer(pos, 0);
  if (i < 0 || i >= __str_len(s)) return NaN;
  return __str_byte(s, i);
}

export function charAtMethod(s: string, pos: unknown): string {
  const i = integer(pos, 0);
  if (i < 0 || i >= __str_len(s)) return '';
  return sub(s, i, i + 1);
}

export function codePointAt(s: string, pos: unknown): unknown {
  const i = integer(pos, 0);
  if (i < 0 || i >= __str_len(s)) return undefined;
  return __str_byte(s, i);
}

export function at(s: string, pos: unknown): unknown {
  const n = __str_len(s);
  let i = integer(pos, 0);
  if (i < 0) i += n;
  if (i < 0 || i >= n) return undefined;
  return sub(s, i, i + 1);
}

/** String.fromCharCode of one code (ToUint16); codes past ASCII are refused (README "Strings"). */
export function fromCharCode(code: number): string {
  // biome-ignore lint/suspicious/noSelfCompare: NaN gives 0, as ToUint16 does
  let c = code !== code || code === Infinity || code === -Infinity ? 0 : code;
  c = Math.trunc(c) % 65536;
  if (c < 0) c += 65536;
  if (c > 127) refuse('String.fromCharCode past ASCII');
  const r = __str_alloc(1);
  __str_set(r, 0, c);
  return r;
}

/** GetSubstitution for a string pattern: $$, $&, $` and $' (no captures: $1 stays as it is). */
function substitution(s: string, matched: string, at: number, replacement: string): string {
  const m = __str_len(replacement);
  if (find(replacement, '$', 0) < 0) return replacement;
  let out = '';
  let i = 0;
  while (i < m) {
    const b = __str_byte(replacement, i);
    if (b === 36 && i + 1 < m) {
      const next = __str_byte(replacement, i + 1);
      if (next === 36) {
        out = concat(out, '$');
        i += 2;
        continue;
      }
      if (next === 38) {
        out = concat(out, matched);
        i += 2;
        continue;
      }
      if (next === 96) {
        out = concat(out, sub(s, 0, at));
        i += 2;
        continue;
      }
      if (next === 39) {
        out = concat(out, sub(s, Math.min(at + __str_len(matched), __str_len(s)), __str_len(s)));
        i += 2;
        continue;
      }
    }
    out = concat(out, sub(replacement, i, i + 1));
    i++;
  }
  return out;
}

export function replace(s: string, pattern: string, replacement: string, all: boolean): string {
  const n = __str_len(s);
  const m = __str_len(pattern);
  // Pieces joined once at the end: replaceAll on a long text must not copy it per match.
  const parts: string[] = [];
  let from = 0;
  let search = 0;
  for (;;) {
    const at = search <= n ? find(s, pattern, search) : -1;
    if (at < 0) break;
    parts.push(sub(s, from, at));
    parts.push(substitution(s, pattern, at, replacement));
    from = at + m;
    search = m === 0 ? at + 1 : at + m;
    if (!all) break;
  }
  if (parts.length === 0) return s;
  parts.push(sub(s, from, n));
  return joinStrings(parts);
}

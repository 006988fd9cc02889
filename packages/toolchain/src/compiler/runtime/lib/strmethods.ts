/**
 * Runtime (TypeScript subset): String.prototype methods over UTF-16 code units (indices and lengths
 * are JavaScript's; `__str_byte`/`__str_set` read and write one unit). Optional arguments arrive as boxed values,
 * undefined when the caller left them out; the integer arguments follow ToIntegerOrInfinity and
 * each method's own clamping, as the ECMAScript specification states them.
 */
import { arrayNew, push } from './array.js';
import { rangeError, refuse } from './errors.js';
import { numberToString } from './number.js';
import { allocString, concat, isWide, joinStrings, unitString } from './string.js';

declare function __str_len(s: string): number;
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

/** The units [from, to) of s as a new string (s itself when that is all of it). */
export function sub(s: string, from: number, to: number): string {
  const n = __str_len(s);
  if (from === 0 && to === n) return s;
  const count = to > from ? to - from : 0;
  let wide = false;
  if (isWide(s)) for (let i = 0; i < count && !wide; i++) if (__str_byte(s, from + i) > 0xff) wide = true;
  const r = allocString(count, wide);
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

/** WhiteSpace or LineTerminator (ECMAScript 12.2, 12.3): what trim removes, and StringToNumber. */
export function isSpace(b: number): boolean {
  if (b < 0x100) return b === 32 || (b >= 9 && b <= 13) || b === 0xa0;
  return (
    b === 0x1680 ||
    (b >= 0x2000 && b <= 0x200a) ||
    b === 0x2028 ||
    b === 0x2029 ||
    b === 0x202f ||
    b === 0x205f ||
    b === 0x3000 ||
    b === 0xfeff
  );
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
  const r = allocString(want, isWide(s) || isWide(fill));
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
  const r = allocString(n * c, isWide(s));
  for (let i = 0; i < c; i++) __str_copy(r, i * n, s);
  return r;
}

/**
 * Blocks without case (toUpperCase and toLowerCase leave every character alone): punctuation,
 * currency, arrows and technical symbols, box drawing to dingbats, CJK radicals to Yi, Hangul
 * syllables, surrogates (a lone one is a code point of its own), CJK compatibility, fullwidth forms
 * other than the Latin letters.
 */
function caseless(c: number): boolean {
  return (
    (c >= 0x2000 && c <= 0x206f) ||
    (c >= 0x20a0 && c <= 0x20cf) ||
    (c >= 0x2190 && c <= 0x23ff) ||
    (c >= 0x2500 && c <= 0x27bf) ||
    (c >= 0x2e80 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xd800 && c <= 0xdfff) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff20) ||
    (c >= 0xff3b && c <= 0xff40) ||
    (c >= 0xff5b && c <= 0xffef)
  );
}

/**
 * toUpperCase of one unit (ß, which becomes SS, is the caller's), or -1 where this runtime does
 * not know JavaScript's answer. Exact for ASCII, Latin-1, Greek without the two letters that
 * expand (ΐ ΰ), basic Cyrillic, and the caseless blocks.
 */
function upperUnit(c: number): number {
  if (c < 0x80) return c >= 97 && c <= 122 ? c - 32 : c;
  if (c < 0x100) {
    if (c === 0xb5) return 0x39c;
    if (c === 0xff) return 0x178;
    return c >= 0xe0 && c !== 0xf7 ? c - 32 : c;
  }
  if (c === 0x386 || (c >= 0x388 && c <= 0x38a) || c === 0x38c || c === 0x38e || c === 0x38f) return c;
  if (c >= 0x391 && c <= 0x3ab) return c;
  if (c === 0x3ac) return 0x386;
  if (c >= 0x3ad && c <= 0x3af) return c - 37;
  if (c === 0x3c2) return 0x3a3;
  if (c >= 0x3b1 && c <= 0x3cb) return c - 32;
  if (c === 0x3cc) return 0x38c;
  if (c === 0x3cd || c === 0x3ce) return c - 63;
  if (c >= 0x400 && c <= 0x42f) return c;
  if (c >= 0x430 && c <= 0x44f) return c - 32;
  if (c >= 0x450 && c <= 0x45f) return c - 80;
  return caseless(c) ? c : -1;
}

/** toLowerCase of one unit, or -1 where this runtime does not know JavaScript's answer (Σ, whose
 * lowercase depends on its place in the word, among them). */
function lowerUnit(c: number): number {
  if (c < 0x80) return c >= 65 && c <= 90 ? c + 32 : c;
  if (c < 0x100) return c >= 0xc0 && c <= 0xde && c !== 0xd7 ? c + 32 : c;
  if (c === 0x386) return 0x3ac;
  if (c >= 0x388 && c <= 0x38a) return c + 37;
  if (c === 0x38c) return 0x3cc;
  if (c === 0x38e || c === 0x38f) return c + 63;
  if (c === 0x3a2) return c;
  if (c >= 0x391 && c <= 0x3ab && c !== 0x3a3) return c + 32;
  if (c === 0x390 || (c >= 0x3ac && c <= 0x3ce)) return c;
  if (c >= 0x400 && c <= 0x40f) return c + 80;
  if (c >= 0x410 && c <= 0x42f) return c + 32;
  if (c >= 0x430 && c <= 0x45f) return c;
  return caseless(c) ? c : -1;
}

/**
 * toUpperCase / toLowerCase. Full Unicode case mapping is not here: a character whose mapping
 * this runtime does not know is refused at run time (status 70) rather than mapped differently
 * from JavaScript. Surrogate pairs are left alone only for the emoji and pictograph planes.
 */
export function changeCase(s: string, upper: boolean): string {
  const n = __str_len(s);
  let extra = 0;
  let wide = isWide(s);
  if (upper)
    for (let i = 0; i < n; i++) {
      const b = __str_byte(s, i);
      if (b === 0xdf) extra++;
      else if (b === 0xb5 || b === 0xff) wide = true; // µ → U+039C, ÿ → U+0178
    }
  const r = allocString(n + extra, wide);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const b = __str_byte(s, i);
    if (b >= 0xd800 && b <= 0xdbff && i + 1 < n) {
      const t = __str_byte(s, i + 1);
      if (t >= 0xdc00 && t <= 0xdfff) {
        const point = 0x10000 + (b - 0xd800) * 1024 + (t - 0xdc00);
        if (point < 0x1f000 || point > 0x1faff) refuse('changing the case of this character');
        __str_set(r, at++, b);
        __str_set(r, at++, t);
        i++;
        continue;
      }
    }
    if (upper && b === 0xdf) {
      __str_set(r, at++, 83);
      __str_set(r, at++, 83);
      continue;
    }
    const m = upper ? upperUnit(b) : lowerUnit(b);
    if (m < 0) refuse(concat('changing the case of ', sub(s, i, i + 1)));
    __str_set(r, at++, m);
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

/** The code point at a unit index: a surrogate pair's, or the unit itself (a lone surrogate too). */
export function codePointAt(s: string, pos: unknown): unknown {
  const n = __str_len(s);
  const i = integer(pos, 0);
  if (i < 0 || i >= n) return undefined;
  const c = __str_byte(s, i);
  if (c < 0xd800 || c > 0xdbff || i + 1 >= n) return c;
  const t = __str_byte(s, i + 1);
  if (t < 0xdc00 || t > 0xdfff) return c;
  return 0x10000 + (c - 0xd800) * 1024 + (t - 0xdc00);
}

/** A string's characters as for…of visits them: code points (a surrogate pair is one string). */
export function codePoints(s: string): unknown {
  const n = __str_len(s);
  const out = arrayNew(0);
  let i = 0;
  while (i < n) {
    const c = __str_byte(s, i);
    let w = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const t = __str_byte(s, i + 1);
      if (t >= 0xdc00 && t <= 0xdfff) w = 2;
    }
    push(out, sub(s, i, i + w));
    i += w;
  }
  return out;
}

export function at(s: string, pos: unknown): unknown {
  const n = __str_len(s);
  let i = integer(pos, 0);
  if (i < 0) i += n;
  if (i < 0 || i >= n) return undefined;
  return sub(s, i, i + 1);
}

/** String.fromCharCode of one code (ToUint16): any code unit, a surrogate too. */
export function fromCharCode(code: number): string {
  // biome-ignore lint/suspicious/noSelfCompare: NaN gives 0, as ToUint16 does
  let c = code !== code || code === Infinity || code === -Infinity ? 0 : code;
  c = Math.trunc(c) % 65536;
  if (c < 0) c += 65536;
  return unitString(c);
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

/**
 * Runtime (TypeScript subset): string → number (Number(s), parseFloat, parseInt) and the number
 * methods toFixed and toString(radix), exactly as ECMAScript defines them.
 *
 * Decimal → double is correctly rounded by exact big-integer arithmetic (./number.ts's limbs in the
 * scratch area, regions N = 0 and M = 400): the value is N / M with N = digits · 10^max(e, 0) and
 * M = 10^max(-e, 0); both are scaled by powers of two until 1 ≤ N/M < 2, then the mantissa's bits
 * are produced one at a time by compare-and-subtract and rounded half-to-even on the remainder.
 * toFixed computes n = round-half-up(x · 10^f) the same way (region 800 holds the scaled value).
 */
import { rangeError, refuse } from './errors.js';
import { bnCompare, bnMulPow10, bnMulSmall, bnSet, bnShiftLeft, bnSub, numberToString } from './number.js';
import { concat } from './string.js';
import { isSpace, sub } from './strmethods.js';

declare function __str_len(s: string): number;
declare function __str_alloc(n: number): string;
declare function __str_byte(s: string, i: number): number;
declare function __str_set(s: string, i: number, b: number): void;
declare function __scratch_get(i: number): number;
declare function __scratch_set(i: number, v: number): void;
declare function __tag(v: unknown): number;
declare function __as_number(v: unknown): number;
declare function __as_string(v: unknown): string;
declare function __as_boolean(v: unknown): boolean;

const N = 0;
const M = 400;
/** More significant digits than any double needs to be told apart from its neighbours' midpoints. */
const MAX_DIGITS = 780;

function bnAddSmall(a: number, v: number): void {
  const n = __scratch_get(a);
  let carry = v;
  let i = 1;
  while (carry > 0) {
    const t = (i <= n ? __scratch_get(a + i) : 0) + carry;
    const q = Math.floor(t / 16777216);
    __scratch_set(a + i, t - q * 16777216);
    carry = q;
    if (i > n) __scratch_set(a, i);
    i++;
  }
}

/** x · 2^p, exactly whenever the result is representable (one doubling or halving at a time). */
function scale2(x: number, p: number): number {
  let r = x;
  for (; p > 0; p--) r *= 2;
  for (; p < 0; p++) r *= 0.5;
  return r;
}

/** The double nearest to N / M (both positive), ties to even. */
function ratioToDouble(): number {
  let k = 0;
  while (bnCompare(N, M) < 0) {
    bnShiftLeft(N, 1);
    k--;
    if (k < -1200) return 0;
  }
  for (;;) {
    bnShiftLeft(M, 1);
    if (bnCompare(N, M) < 0) break;
    k++;
    if (k > 1100) return Infinity;
  }
  // Undo the last doubling of M: now M ≤ N < 2M and N/M · 2^k is the value.
  halve(M);
  if (k > 1023) return Infinity;
  let bits = 53;
  if (k < -1022) bits = 53 - (-1022 - k);
  if (bits < 0) return 0;
  let q = 0;
  for (let i = 0; i < bits; i++) {
    q *= 2;
    if (bnCompare(N, M) >= 0) {
      bnSub(N, M);
      q += 1;
    }
    bnShiftLeft(N, 1);
  }
  const c = bnCompare(N, M);
  if (c > 0 || (c === 0 && q - Math.floor(q / 2) * 2 === 1)) q += 1;
  return scale2(q, k - bits + 1);
}

/** a /= 2 for an even a (the doubled M above). */
function halve(a: number): void {
  const n = __scratch_get(a);
  let carry = 0;
  for (let i = n; i >= 1; i--) {
    const t = __scratch_get(a + i) + carry * 16777216;
    const h = Math.floor(t / 2);
    __scratch_set(a + i, h);
    carry = t - h * 2;
  }
  let len = n;
  while (len > 0 && __scratch_get(a + len) === 0) len--;
  __scratch_set(a, len);
}

function isDigit(b: number): boolean {
  return b >= 48 && b <= 57;
}

/**
 * Scans StrDecimalLiteral at `at` (sign, digits, fraction, exponent, or Infinity). Returns the end
 * position (== at when nothing matched) and leaves the value in the scratch's last word.
 */
const RESULT = 2047;
function scanDecimal(s: string, at: number): number {
  const n = __str_len(s);
  let i = at;
  let neg = false;
  if (i < n && (__str_byte(s, i) === 43 || __str_byte(s, i) === 45)) {
    neg = __str_byte(s, i) === 45;
    i++;
  }
  if (matchWord(s, i, 'Infinity')) {
    __scratch_set(RESULT, neg ? -Infinity : Infinity);
    return i + 8;
  }
  bnSet(N, 0);
  let significant = 0;
  let exp = 0;
  let chunk = 0;
  let chunkLen = 0;
  let sawDigit = false;
  let fraction = false;
  let end = i;
  for (; i < n; i++) {
    const b = __str_byte(s, i);
    if (b === 46 && !fraction) {
      fraction = true;
      continue;
    }
    if (!isDigit(b)) break;
    sawDigit = true;
    end = i + 1;
    if (fraction) exp--;
    if (significant === 0 && b === 48) continue;
    significant++;
    if (significant > MAX_DIGITS) refuse('a number literal with more than 780 significant digits');
    chunk = chunk * 10 + (b - 48);
    chunkLen++;
    if (chunkLen === 7) {
      bnMulSmall(N, 10000000);
      bnAddSmall(N, chunk);
      chunk = 0;
      chunkLen = 0;
    }
  }
  if (!sawDigit) return at;
  // "1." is a literal (the dot belongs to it); ".e5" is not.
  if (fraction && end < i) end = i;
  const digits = significant;
  if (end < n && (__str_byte(s, end) === 101 || __str_byte(s, end) === 69)) {
    let j = end + 1;
    let eneg = false;
    if (j < n && (__str_byte(s, j) === 43 || __str_byte(s, j) === 45)) {
      eneg = __str_byte(s, j) === 45;
      j++;
    }
    if (j < n && isDigit(__str_byte(s, j))) {
      let e = 0;
      while (j < n && isDigit(__str_byte(s, j))) {
        if (e < 100000) e = e * 10 + (__str_byte(s, j) - 48);
        j++;
      }
      exp += eneg ? -e : e;
      end = j;
    }
  }
  if (chunkLen > 0) {
    let p = 1;
    for (let c = 0; c < chunkLen; c++) p *= 10;
    bnMulSmall(N, p);
    bnAddSmall(N, chunk);
  }
  let v = 0;
  if (digits > 0 && exp + digits > 310) v = Infinity;
  else if (digits > 0 && exp + digits < -330) v = 0;
  else if (digits > 0) {
    bnSet(M, 1);
    if (exp >= 0) bnMulPow10(N, exp);
    else bnMulPow10(M, -exp);
    v = ratioToDouble();
  }
  __scratch_set(RESULT, neg ? -v : v);
  return end;
}

function matchWord(s: string, at: number, w: string): boolean {
  const m = __str_len(w);
  if (at + m > __str_len(s)) return false;
  for (let j = 0; j < m; j++) if (__str_byte(s, at + j) !== __str_byte(w, j)) return false;
  return true;
}

function digitValue(b: number): number {
  if (b >= 48 && b <= 57) return b - 48;
  if (b >= 97 && b <= 122) return b - 87;
  if (b >= 65 && b <= 90) return b - 55;
  return 99;
}

/** Digits of s in [from, to) in a power-of-two radix (or any radix while exact), correctly rounded. */
function integerDigits(s: string, from: number, to: number, radix: number): number {
  let v = 0;
  let i = from;
  while (i < to && v * radix + radix < 9007199254740992) {
    v = v * radix + digitValue(__str_byte(s, i));
    i++;
  }
  if (i === to) return v;
  if (radix === 10) {
    scanDecimal(sub(s, from, to), 0);
    return __scratch_get(RESULT);
  }
  if (radix === 2 || radix === 4 || radix === 8 || radix === 16 || radix === 32) {
    bnSet(N, v);
    for (; i < to; i++) {
      bnMulSmall(N, radix);
      bnAddSmall(N, digitValue(__str_byte(s, i)));
    }
    bnSet(M, 1);
    return ratioToDouble();
  }
  return refuse('parseInt of a number past 2^53 in a radix that is not 10 or a power of two');
}

/** StringToNumber: the whole string (trimmed) must be a numeric literal, else NaN. */
export function stringToNumber(s: string): number {
  let a = 0;
  let b = __str_len(s);
  while (a < b && isSpace(__str_byte(s, a))) a++;
  while (b > a && isSpace(__str_byte(s, b - 1))) b--;
  if (a === b) return 0;
  if (b - a > 2 && __str_byte(s, a) === 48) {
    const p = __str_byte(s, a + 1);
    const radix = p === 120 || p === 88 ? 16 : p === 111 || p === 79 ? 8 : p === 98 || p === 66 ? 2 : 0;
    if (radix > 0) {
      for (let i = a + 2; i < b; i++) if (digitValue(__str_byte(s, i)) >= radix) return NaN;
      return integerDigits(s, a + 2, b, radix);
    }
  }
  const t = a === 0 && b === __str_len(s) ? s : sub(s, a, b);
  const end = scanDecimal(t, 0);
  if (end !== __str_len(t)) return NaN;
  return __scratch_get(RESULT);
}

/** Number(v): ToNumber of any value. */
export function toNumber(v: unknown): number {
  const tag = __tag(v);
  if (tag === 0) return __as_number(v);
  if (tag === 1) return NaN;
  if (tag === 2) return 0;
  if (tag === 3) return __as_boolean(v) ? 1 : 0;
  if (tag === 4) return stringToNumber(__as_string(v));
  return refuse('Number() of an object');
}

export function parseFloatString(s: string): number {
  let a = 0;
  const n = __str_len(s);
  while (a < n && isSpace(__str_byte(s, a))) a++;
  const end = scanDecimal(s, a);
  if (end === a) return NaN;
  return __scratch_get(RESULT);
}

export function parseIntString(s: string, radixArg: unknown): number {
  const n = __str_len(s);
  let i = 0;
  while (i < n && isSpace(__str_byte(s, i))) i++;
  let neg = false;
  if (i < n && (__str_byte(s, i) === 43 || __str_byte(s, i) === 45)) {
    neg = __str_byte(s, i) === 45;
    i++;
  }
  let r = 0;
  if (__tag(radixArg) === 0) {
    const x = __as_number(radixArg);
    // ToInt32 of the radix.
    // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
    if (x === x && x !== Infinity && x !== -Infinity) {
      r = Math.trunc(x) % 4294967296;
      if (r < 0) r += 4294967296;
      if (r >= 2147483648) r -= 4294967296;
    }
  }
  let strip = true;
  if (r !== 0) {
    if (r < 2 || r > 36) return NaN;
    if (r !== 16) strip = false;
  } else r = 10;
  if (
    strip &&
    i + 1 < n &&
    __str_byte(s, i) === 48 &&
    (__str_byte(s, i + 1) === 120 || __str_byte(s, i + 1) === 88)
  ) {
    i += 2;
    r = 16;
  }
  let end = i;
  while (end < n && digitValue(__str_byte(s, end)) < r) end++;
  if (end === i) return NaN;
  const v = integerDigits(s, i, end, r);
  return neg ? -v : v;
}

export function isInteger(v: unknown): boolean {
  if (__tag(v) !== 0) return false;
  const x = __as_number(v);
  return x !== Infinity && x !== -Infinity && Math.trunc(x) === x;
}

export function isSafeInteger(v: unknown): boolean {
  return isInteger(v) && Math.abs(__as_number(v)) <= 9007199254740991;
}

export function isNaNValue(v: unknown): boolean {
  if (__tag(v) !== 0) return false;
  const x = __as_number(v);
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
  return x !== x;
}

export function isFiniteValue(v: unknown): boolean {
  if (__tag(v) !== 0) return false;
  const x = __as_number(v);
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
  return x === x && x !== Infinity && x !== -Infinity;
}

/** A digits or radix argument: a number truncated to an integer (NaN is 0), `absent` for anything else. */
function integerArgument(arg: unknown, absent: number): number {
  if (__tag(arg) !== 0) return absent;
  const d = __as_number(arg);
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
  return d !== d ? 0 : Math.trunc(d);
}

/** Number.prototype.toFixed: n = round-half-up(|x| · 10^f) computed exactly. */
export function toFixed(x: number, digitsArg: unknown): string {
  const f = integerArgument(digitsArg, 0);
  if (!(f >= 0 && f <= 100)) rangeError('toFixed() digits argument must be between 0 and 100');
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
  if (x !== x) return 'NaN';
  if (x >= 1e21 || x <= -1e21) return numberToString(x);
  const neg = x < 0;
  const ax = neg ? -x : x;
  // ax = m · 2^e exactly, m an integer below 2^53.
  let m = ax;
  let e = 0;
  while (m !== Math.floor(m)) {
    m *= 2;
    e--;
  }
  // 2 · m · 10^f + 2^-e over 2^(1-e), floored: the half-up rounding of m · 10^f / 2^-e.
  bnSet(N, m);
  bnMulPow10(N, f);
  bnShiftLeft(N, 1);
  if (e < 0) {
    bnSet(M, 1);
    bnShiftLeft(M, -e);
    addBig(N, M);
    bnShiftLeft(M, 1);
  } else {
    bnShiftLeft(N, e);
    bnSet(M, 1);
    addBig(N, M);
    bnShiftLeft(M, 1);
  }
  // Quotient digits by schoolbook division of N by the power of two M: collect decimal digits of
  // floor(N / M) by repeated division of the quotient by 10.
  const q = 800;
  divide(N, M, q);
  let text = bigToDecimal(q);
  while (__str_len(text) < f + 1) text = concat('0', text);
  const cut = __str_len(text) - f;
  let out = f === 0 ? text : concat(concat(sub(text, 0, cut), '.'), sub(text, cut, __str_len(text)));
  if (neg) out = concat('-', out);
  return out;
}

/** a += b */
function addBig(a: number, b: number): void {
  const nb = __scratch_get(b);
  for (let i = nb; i >= 1; i--) {
    // Adds limb i of b at position i of a: a small addition shifted by whole limbs.
    addAt(a, i, __scratch_get(b + i));
  }
}

function addAt(a: number, at: number, v: number): void {
  let n = __scratch_get(a);
  for (let j = n + 1; j < at; j++) __scratch_set(a + j, 0);
  if (n < at - 1) n = at - 1;
  let carry = v;
  let i = at;
  while (carry > 0) {
    const t = (i <= n ? __scratch_get(a + i) : 0) + carry;
    const h = Math.floor(t / 16777216);
    __scratch_set(a + i, t - h * 16777216);
    carry = h;
    if (i > n) n = i;
    i++;
  }
  __scratch_set(a, n);
}

/** q = floor(n / m) by binary long division (n is consumed). */
function divide(n: number, m: number, q: number): void {
  bnSet(q, 0);
  if (bnCompare(n, m) < 0) return;
  let shifts = 0;
  for (;;) {
    bnShiftLeft(m, 1);
    if (bnCompare(m, n) > 0) break;
    shifts++;
  }
  halve(m);
  for (let i = 0; i <= shifts; i++) {
    bnShiftLeft(q, 1);
    if (bnCompare(n, m) >= 0) {
      bnSub(n, m);
      bnAddSmall(q, 1);
    }
    halve(m);
  }
}

/** Decimal digits of the big integer at a (consumed). */
function bigToDecimal(a: number): string {
  let out = '';
  while (__scratch_get(a) > 0) {
    const r = divSmall(a, 10000000);
    let chunk = numberToString(r);
    if (__scratch_get(a) > 0) while (__str_len(chunk) < 7) chunk = concat('0', chunk);
    out = concat(chunk, out);
  }
  return __str_len(out) === 0 ? '0' : out;
}

/** a = floor(a / d), returning the remainder (d ≤ 2^24). */
function divSmall(a: number, d: number): number {
  const n = __scratch_get(a);
  let r = 0;
  for (let i = n; i >= 1; i--) {
    const t = r * 16777216 + __scratch_get(a + i);
    const h = Math.floor(t / d);
    __scratch_set(a + i, h);
    r = t - h * d;
  }
  let len = n;
  while (len > 0 && __scratch_get(a + len) === 0) len--;
  __scratch_set(a, len);
  return r;
}

/**
 * Number.prototype.toString(radix) for a radix other than 10, digit for digit as V8 prints it
 * (ECMAScript leaves the digits to the implementation). The integer part is exact up to 2^53 times
 * the radix; above that its lowest digits are zeros. The fraction gets digits only as long as they
 * are significant: `delta` is half the gap to the next double, scaled with every digit, and the last
 * digit is rounded half to even, carrying into earlier digits (and the integer part) if need be.
 */
export function toStringRadix(x: number, radixArg: unknown): string {
  const r = integerArgument(radixArg, 10);
  if (!(r >= 2 && r <= 36)) rangeError('toString() radix argument must be between 2 and 36');
  if (r === 10) return numberToString(x);
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
  if (x !== x || x === Infinity || x === -Infinity || x === 0) return numberToString(x);
  const neg = x < 0;
  const value = neg ? -x : x;
  let integer = Math.floor(value);
  let fraction = value - integer;
  let delta = halfGap(value);
  const frac: number[] = [];
  if (fraction >= delta) {
    do {
      fraction *= r;
      delta *= r;
      const digit = Math.trunc(fraction);
      frac.push(digit);
      fraction -= digit;
      if ((fraction > 0.5 || (fraction === 0.5 && digit % 2 === 1)) && fraction + delta > 1) {
        // Round up: digits that overflow are dropped, a carry past the point reaches the integer.
        for (;;) {
          const last = frac.pop();
          if (last === undefined) {
            integer += 1;
            break;
          }
          if (last + 1 < r) {
            frac.push(last + 1);
            break;
          }
        }
        break;
      }
    } while (fraction >= delta);
  }
  // The integer part, lowest digit first; past 2^53 the digits below the double's precision are 0.
  const digits: number[] = [];
  while (integer / r >= 9007199254740992) {
    integer /= r;
    digits.push(0);
  }
  do {
    const rem = integer % r;
    digits.push(rem);
    integer = (integer - rem) / r;
  } while (integer > 0);
  const sign = neg ? 1 : 0;
  const point = frac.length > 0 ? 1 : 0;
  const s = __str_alloc(sign + digits.length + point + frac.length);
  if (neg) __str_set(s, 0, 45);
  for (let i = 0; i < digits.length; i++) __str_set(s, sign + i, digitChar(digits[digits.length - 1 - i]));
  if (point === 1) __str_set(s, sign + digits.length, 46);
  for (let i = 0; i < frac.length; i++) __str_set(s, sign + digits.length + point + i, digitChar(frac[i]));
  return s;
}

function digitChar(d: number): number {
  return d < 10 ? 48 + d : 87 + d;
}

/**
 * Half the distance from v (finite, > 0) to the next double, at least the smallest subnormal: the
 * gap is 2^-52 times the power of two at or below v (2^-1074 among subnormals), computed exactly.
 */
function halfGap(v: number): number {
  let p = 1;
  if (v >= 1) {
    while (p * 2 <= v) p *= 2;
  } else {
    while (p > v) p /= 2;
  }
  const gap = p >= 2.2250738585072014e-308 ? p * 2.220446049250313e-16 : 5e-324;
  const half = 0.5 * gap;
  return Math.max(half, 5e-324);
}

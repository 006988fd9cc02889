/**
 * Runtime (TypeScript subset): Number → String exactly as ECMAScript's Number::toString(10) does it:
 * the shortest digit string that reads back as the same double, closest to the exact value, laid out
 * in fixed or exponent notation by the spec's rules.
 *
 * Integers below 2^53 take a direct path. Everything else uses the free-format algorithm of Steele &
 * White / Burger & Dybvig over exact big integers: the value and the half-gaps to its neighbours are
 * scaled to r/s, m+/s, m-/s and digits are generated until the remainder falls inside the rounding
 * interval. Big integers live in the runtime scratch area as limbs of 24 bits stored in doubles, so
 * every limb operation is exact in double arithmetic (limb * 10^7 + carry < 2^53).
 *
 *   scratch layout (in words):  [R 0..399] [S 400..799] [MP 800..1199] [MM 1200..1599]
 *                               [T 1600..1999] [digits 2000..2039]
 *   a big integer at base a:    a+0 = number of limbs n, a+1..a+n = limbs, least significant first
 */
declare function __str_alloc(n: number): string;
declare function __str_set(s: string, i: number, b: number): void;
declare function __scratch_get(i: number): number;
declare function __scratch_set(i: number, v: number): void;

export function bnSet(a: number, v: number): void {
  let n = 0;
  while (v > 0) {
    const q = Math.floor(v / 16777216);
    __scratch_set(a + 1 + n, v - q * 16777216);
    v = q;
    n++;
  }
  __scratch_set(a, n);
}

export function bnMulSmall(a: number, m: number): void {
  const n = __scratch_get(a);
  let carry = 0;
  for (let i = 1; i <= n; i++) {
    const t = __scratch_get(a + i) * m + carry;
    const q = Math.floor(t / 16777216);
    __scratch_set(a + i, t - q * 16777216);
    carry = q;
  }
  let len = n;
  while (carry > 0) {
    const q = Math.floor(carry / 16777216);
    len++;
    __scratch_set(a + len, carry - q * 16777216);
    carry = q;
  }
  __scratch_set(a, len);
}

/** a *= 2^k */
export function bnShiftLeft(a: number, k: number): void {
  const n = __scratch_get(a);
  if (n === 0) return;
  const whole = Math.floor(k / 24);
  if (whole > 0) {
    for (let i = n; i >= 1; i--) __scratch_set(a + i + whole, __scratch_get(a + i));
    for (let i = 1; i <= whole; i++) __scratch_set(a + i, 0);
    __scratch_set(a, n + whole);
  }
  const rest = k - whole * 24;
  if (rest > 0) bnMulSmall(a, 2 ** rest);
}

/** a *= 10^k */
export function bnMulPow10(a: number, k: number): void {
  while (k >= 7) {
    bnMulSmall(a, 10000000);
    k -= 7;
  }
  let m = 1;
  while (k > 0) {
    m *= 10;
    k--;
  }
  if (m > 1) bnMulSmall(a, m);
}

export function bnCompare(a: number, b: number): number {
  const na = __scratch_get(a);
  const nb = __scratch_get(b);
  if (na !== nb) return na < nb ? -1 : 1;
  for (let i = na; i >= 1; i--) {
    const x = __scratch_get(a + i);
    const y = __scratch_get(b + i);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** a -= b, for a >= b */
export function bnSub(a: number, b: number): void {
  const na = __scratch_get(a);
  const nb = __scratch_get(b);
  let borrow = 0;
  for (let i = 1; i <= na; i++) {
    let t = __scratch_get(a + i) - (i <= nb ? __scratch_get(b + i) : 0) - borrow;
    borrow = 0;
    if (t < 0) {
      t += 16777216;
      borrow = 1;
    }
    __scratch_set(a + i, t);
  }
  let len = na;
  while (len > 0 && __scratch_get(a + len) === 0) len--;
  __scratch_set(a, len);
}

/** dst = a + b */
function bnAdd(dst: number, a: number, b: number): void {
  const na = __scratch_get(a);
  const nb = __scratch_get(b);
  // biome-ignore lint/complexity/useMathMinMax: this is the runtime's Math.min/max (and no spread in the subset)
  const n = na > nb ? na : nb;
  let carry = 0;
  for (let i = 1; i <= n; i++) {
    let t = (i <= na ? __scratch_get(a + i) : 0) + (i <= nb ? __scratch_get(b + i) : 0) + carry;
    carry = 0;
    if (t >= 16777216) {
      t -= 16777216;
      carry = 1;
    }
    __scratch_set(dst + i, t);
  }
  let len = n;
  if (carry > 0) {
    len++;
    __scratch_set(dst + len, carry);
  }
  __scratch_set(dst, len);
}

/** Whether r + m+ reaches s: `>=` when the interval's ends round to x (even mantissa), else `>`. */
function highReached(even: boolean): boolean {
  bnAdd(1600, 0, 800);
  const c = bnCompare(1600, 400);
  return even ? c >= 0 : c > 0;
}

/**
 * Shortest digits of a positive finite non-integer-fast-path x into scratch 2000.., returning
 * count + 100 * (k + 400) where x = 0.d1d2...dn * 10^k (packed: one return value).
 */
function shortestDigits(x: number): number {
  let f = x;
  let e = 0;
  while (f >= 9007199254740992) {
    f = f / 2;
    e++;
  }
  while (f < 4503599627370496) {
    f = f * 2;
    e--;
  }
  if (e < -1074) {
    f = f / 2 ** (-1074 - e);
    e = -1074;
  }
  const even = f - Math.floor(f / 2) * 2 === 0;
  const closer = f === 4503599627370496 && e > -1074;
  bnSet(0, f);
  if (e >= 0) {
    bnShiftLeft(0, closer ? e + 2 : e + 1);
    bnSet(400, closer ? 4 : 2);
    bnSet(800, 1);
    bnShiftLeft(800, closer ? e + 1 : e);
    bnSet(1200, 1);
    bnShiftLeft(1200, e);
  } else {
    bnShiftLeft(0, closer ? 2 : 1);
    bnSet(400, 1);
    bnShiftLeft(400, closer ? 2 - e : 1 - e);
    bnSet(800, closer ? 2 : 1);
    bnSet(1200, 1);
  }
  let k = Math.ceil((e + 52) * 0.30102999566398114);
  if (k >= 0) bnMulPow10(400, k);
  else {
    bnMulPow10(0, -k);
    bnMulPow10(800, -k);
    bnMulPow10(1200, -k);
  }
  // Fix the estimate so that the first digit is nonzero and (r + m+) / s < 1.
  while (highReached(even)) {
    bnMulSmall(400, 10);
    k++;
  }
  for (;;) {
    bnMulSmall(0, 10);
    bnMulSmall(800, 10);
    if (highReached(even)) {
      bnMulSmall(1200, 10);
      break;
    }
    bnMulSmall(1200, 10);
    k--;
  }
  // The first multiplication by 10 of the digit loop is already done above.
  let n = 0;
  let first = true;
  for (;;) {
    if (!first) {
      bnMulSmall(0, 10);
      bnMulSmall(800, 10);
      bnMulSmall(1200, 10);
    }
    first = false;
    let d = 0;
    while (bnCompare(0, 400) >= 0) {
      bnSub(0, 400);
      d++;
    }
    const cl = bnCompare(0, 1200);
    const low = even ? cl <= 0 : cl < 0;
    const high = highReached(even);
    if (!low && !high) {
      __scratch_set(2000 + n, d);
      n++;
      continue;
    }
    if (low && high) {
      bnAdd(1600, 0, 0);
      const c = bnCompare(1600, 400);
      if (c > 0 || (c === 0 && d - Math.floor(d / 2) * 2 === 1)) d++;
    } else if (high) d++;
    __scratch_set(2000 + n, d);
    n++;
    return n + 100 * (k + 400);
  }
}

function digitCount(v: number): number {
  let n = 1;
  while (v >= 10) {
    v = Math.floor(v / 10);
    n++;
  }
  return n;
}

/** Writes the decimal digits of the integer v so that they end just before position `end`. */
function putInteger(s: string, end: number, v: number): void {
  let at = end;
  do {
    const q = Math.floor(v / 10);
    at--;
    __str_set(s, at, 48 + (v - q * 10));
    v = q;
  } while (v > 0);
}

export function numberToString(x: number): string {
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
  if (x !== x) return 'NaN';
  if (x === 0) return '0';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  const neg = x < 0;
  if (neg) x = -x;
  const sign = neg ? 1 : 0;
  if (x < 9007199254740992 && Math.floor(x) === x) {
    const len = digitCount(x);
    const s = __str_alloc(sign + len);
    if (neg) __str_set(s, 0, 45);
    putInteger(s, sign + len, x);
    return s;
  }
  const packed = shortestDigits(x);
  const k = Math.floor(packed / 100) - 400;
  const n = packed - (k + 400) * 100;
  if (n <= k && k <= 21) {
    const s = __str_alloc(sign + k);
    if (neg) __str_set(s, 0, 45);
    for (let i = 0; i < k; i++) __str_set(s, sign + i, i < n ? 48 + __scratch_get(2000 + i) : 48);
    return s;
  }
  if (0 < k && k <= 21) {
    const s = __str_alloc(sign + n + 1);
    if (neg) __str_set(s, 0, 45);
    for (let i = 0; i < k; i++) __str_set(s, sign + i, 48 + __scratch_get(2000 + i));
    __str_set(s, sign + k, 46);
    for (let i = k; i < n; i++) __str_set(s, sign + i + 1, 48 + __scratch_get(2000 + i));
    return s;
  }
  if (-6 < k && k <= 0) {
    const s = __str_alloc(sign + 2 - k + n);
    if (neg) __str_set(s, 0, 45);
    __str_set(s, sign, 48);
    __str_set(s, sign + 1, 46);
    for (let i = 0; i < -k; i++) __str_set(s, sign + 2 + i, 48);
    for (let i = 0; i < n; i++) __str_set(s, sign + 2 - k + i, 48 + __scratch_get(2000 + i));
    return s;
  }
  const exp = k - 1;
  const absExp = exp < 0 ? -exp : exp;
  const expLen = digitCount(absExp);
  const mantLen = n === 1 ? 1 : n + 1;
  const s = __str_alloc(sign + mantLen + 2 + expLen);
  if (neg) __str_set(s, 0, 45);
  __str_set(s, sign, 48 + __scratch_get(2000));
  if (n > 1) {
    __str_set(s, sign + 1, 46);
    for (let i = 1; i < n; i++) __str_set(s, sign + 1 + i, 48 + __scratch_get(2000 + i));
  }
  __str_set(s, sign + mantLen, 101);
  __str_set(s, sign + mantLen + 1, exp < 0 ? 45 : 43);
  putInteger(s, sign + mantLen + 2 + expLen, absExp);
  return s;
}

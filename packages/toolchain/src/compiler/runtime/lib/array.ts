/**
 * Runtime (TypeScript subset): arrays. An array is an ARRAY object [length, store] whose store is a
 * WORDS object of capacity >= length (../../backend/abi.ts HEAP); slots never written hold HOLE
 * (`<n empty items>` in console.log, undefined when read). Indices follow JavaScript: reads outside
 * 0..length-1 or of a non-integer give undefined; a write past the end grows the array and leaves
 * holes; writes at a key that is not an array index are refused at run time (errors.ts).
 */
import { iterate } from './collections.js';
import { rangeError, refuse, typeError } from './errors.js';
import { numberToString } from './number.js';
import { get as getProperty } from './object.js';
import { concat, equals } from './string.js';
import { codePoints } from './strmethods.js';
import { toArray, get as typedGet, length as typedLength } from './typed.js';

declare function __alloc(kind: number, words: number): unknown;
declare function __ld(o: unknown, i: number): unknown;
declare function __st(o: unknown, i: number, v: unknown): void;
declare function __len(o: unknown): number;
declare function __tag(v: unknown): number;
declare function __hole(): unknown;
declare function __same(a: unknown, b: unknown): boolean;
declare function __as_number(v: unknown): number;
declare function __as_string(v: unknown): string;
declare function __as_boolean(v: unknown): boolean;

/** Writes further than this past the end are refused (JavaScript would make a sparse array). */
const MAX_GAP = 16777216;

/** A new array of `n` elements, every one a hole (array literals fill them right away). */
export function arrayNew(n: number): unknown {
  const store = __alloc(3, n);
  for (let i = 0; i < n; i++) __st(store, i, __hole());
  const a = __alloc(2, 2);
  __st(a, 0, n);
  __st(a, 1, store);
  return a;
}

/** The array itself, or the TypeError JavaScript throws for `undefined.x` / `null.x`. */
function arrayOf(a: unknown, what: string): unknown {
  const tag = __tag(a);
  if (tag === 5) return a;
  if (tag === 1) typeError(concat(concat('Cannot read properties of undefined (reading ', what), ')'));
  if (tag === 2) typeError(concat(concat('Cannot read properties of null (reading ', what), ')'));
  return refuse(concat('this array operation on a value that is not an array: ', what));
}

export function length(a: unknown): number {
  if (__tag(a) === 14) return typedLength(a);
  return __as_number(__ld(arrayOf(a, "'length'"), 0));
}

function isIndex(i: number, n: number): boolean {
  return i >= 0 && i < n && Math.floor(i) === i;
}

export function get(a: unknown, i: number): unknown {
  const tag = __tag(a);
  if (tag === 14) return typedGet(a, i);
  if (tag !== 5) {
    if (tag === 1 || tag === 2) arrayOf(a, concat(concat("'", numberToString(i)), "'"));
    return refuse('reading an element of a value that is not an array');
  }
  if (!isIndex(i, __as_number(__ld(a, 0)))) return undefined;
  const v = __ld(__ld(a, 1), i);
  if (__same(v, __hole())) return undefined;
  return v;
}

/** Makes room for `need` elements; new slots are holes. */
function reserve(a: unknown, need: number): void {
  const store = __ld(a, 1);
  const cap = __len(store);
  if (need <= cap) return;
  let next = cap * 2;
  if (next < need) next = need;
  if (next < 4) next = 4;
  const bigger = __alloc(3, next);
  const n = __as_number(__ld(a, 0));
  const old = __ld(a, 1);
  for (let i = 0; i < n; i++) __st(bigger, i, __ld(old, i));
  for (let i = n; i < next; i++) __st(bigger, i, __hole());
  __st(a, 1, bigger);
}

export function set(a: unknown, i: number, v: unknown): void {
  const tag = __tag(a);
  if (tag !== 5) {
    const key = concat(concat("'", numberToString(i)), "'");
    if (tag === 1) typeError(concat(concat('Cannot set properties of undefined (setting ', key), ')'));
    if (tag === 2) typeError(concat(concat('Cannot set properties of null (setting ', key), ')'));
    refuse('writing an element of a value that is not an array');
  }
  const n = __as_number(__ld(a, 0));
  if (!(i >= 0 && Math.floor(i) === i && i < n + MAX_GAP)) {
    refuse(concat('writing an array at a key that is not an index close to its end: ', numberToString(i)));
  }
  if (i >= n) {
    reserve(a, i + 1);
    __st(a, 0, i + 1);
  }
  __st(__ld(a, 1), i, v);
}

export function push(a: unknown, v: unknown): number {
  const n = length(a);
  set(a, n, v);
  return n + 1;
}

/** `[...src]` and `f(...src)`: appends every element of the array `src` (holes read as undefined). */
export function appendAll(a: unknown, src: unknown): void {
  const n = length(src);
  for (let i = 0; i < n; i++) push(a, get(src, i));
}

export function pop(a: unknown): unknown {
  const n = length(a);
  if (n === 0) return undefined;
  const v = get(a, n - 1);
  __st(__ld(a, 1), n - 1, __hole());
  __st(a, 0, n - 1);
  return v;
}

export function shift(a: unknown): unknown {
  const n = length(a);
  if (n === 0) return undefined;
  const v = get(a, 0);
  const store = __ld(a, 1);
  for (let i = 1; i < n; i++) __st(store, i - 1, __ld(store, i));
  __st(store, n - 1, __hole());
  __st(a, 0, n - 1);
  return v;
}

export function unshift(a: unknown, v: unknown): number {
  const n = length(a);
  reserve(a, n + 1);
  const store = __ld(a, 1);
  for (let i = n; i > 0; i--) __st(store, i, __ld(store, i - 1));
  __st(store, 0, v);
  __st(a, 0, n + 1);
  return n + 1;
}

/** ToIntegerOrInfinity then the relative-index clamp of slice/indexOf. */
function relative(x: unknown, n: number, otherwise: number): number {
  if (__tag(x) === 1) return otherwise;
  let k = __as_number(x);
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
  if (k !== k) k = 0;
  k = k < 0 ? Math.ceil(k) : Math.floor(k);
  if (k < 0) {
    return Math.max(n + k, 0);
  }
  return Math.min(k, n);
}

export function slice(a: unknown, start: unknown, end: unknown): unknown {
  const n = length(a);
  const from = relative(start, n, 0);
  const to = relative(end, n, n);
  const count = to > from ? to - from : 0;
  const r = arrayNew(count);
  for (let i = 0; i < count; i++) __st(__ld(r, 1), i, __ld(__ld(a, 1), from + i));
  return r;
}

/** SameValueZero (includes, Map and Set keys): NaN equals NaN, -0 equals +0, strings by content. */
/**
 * `a.splice(start, deleteCount, ...items)` (ECMAScript 23.1.3.31): removes `deleteCount` elements at
 * `start` (all the rest when only `start` is given, none when neither is), puts `items` (an array) in
 * their place, and returns the removed ones. `args` is how many arguments the call had.
 */
export function splice(
  a: unknown,
  start: unknown,
  deleteCount: unknown,
  items: unknown,
  args: number,
): unknown {
  const n = length(a);
  const from = relative(start, n, 0);
  let count = 0;
  if (args === 1) count = n - from;
  else if (args > 1) {
    let k = __tag(deleteCount) === 1 ? 0 : __as_number(deleteCount);
    // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
    if (k !== k) k = 0;
    k = k < 0 ? Math.ceil(k) : Math.floor(k);
    count = Math.min(Math.max(k, 0), n - from);
  }
  const removed = slice(a, from, from + count);
  const added = length(items);
  const size = n - count + added;
  if (added > count) reserve(a, size);
  const store = __ld(a, 1);
  if (added < count) {
    for (let i = from + count; i < n; i++) __st(store, i - count + added, __ld(store, i));
    for (let i = size; i < n; i++) __st(store, i, __hole());
  } else if (added > count) {
    for (let i = n - 1; i >= from + count; i--) __st(store, i - count + added, __ld(store, i));
  }
  for (let i = 0; i < added; i++) __st(store, from + i, __ld(__ld(items, 1), i));
  __st(a, 0, size);
  return removed;
}

export function sameValueZero(x: unknown, y: unknown): boolean {
  const tx = __tag(x);
  if (tx !== __tag(y)) return false;
  if (tx === 0) {
    const a = __as_number(x);
    const b = __as_number(y);
    // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
    return a === b || (a !== a && b !== b);
  }
  if (tx === 4) return equals(__as_string(x), __as_string(y));
  return __same(x, y);
}

export function indexOf(a: unknown, x: unknown, from: unknown): number {
  const n = length(a);
  for (let i = relative(from, n, 0); i < n; i++) {
    const v = __ld(__ld(a, 1), i);
    // Strict equality, and holes are skipped: NaN is never found.
    if (!__same(v, __hole()) && __tag(v) === __tag(x)) {
      if (__tag(x) === 0) {
        if (__as_number(v) === __as_number(x)) return i;
      } else if (sameValueZero(v, x)) return i;
    }
  }
  return -1;
}

export function includes(a: unknown, x: unknown, from: unknown): boolean {
  const n = length(a);
  for (let i = relative(from, n, 0); i < n; i++) {
    if (sameValueZero(get(a, i), x)) return true;
  }
  return false;
}

export function reverse(a: unknown): unknown {
  const n = length(a);
  const store = __ld(a, 1);
  for (let i = 0; i < n - 1 - i; i++) {
    const t = __ld(store, i);
    __st(store, i, __ld(store, n - 1 - i));
    __st(store, n - 1 - i, t);
  }
  return a;
}

/** Array.prototype.join: undefined, null and holes become empty; nested arrays join with ','. */
export function join(a: unknown, separator: unknown): string {
  const sep = __tag(separator) === 1 ? ',' : __as_string(separator);
  const n = length(a);
  let s = '';
  for (let i = 0; i < n; i++) {
    if (i > 0) s = concat(s, sep);
    s = concat(s, elementString(get(a, i)));
  }
  return s;
}

/** ToString of an element for join (and of any value for `${}` and `+`). */
export function elementString(v: unknown): string {
  const tag = __tag(v);
  if (tag === 0) return numberToString(__as_number(v));
  if (tag === 1 || tag === 2) return '';
  if (tag === 3) return __as_boolean(v) ? 'true' : 'false';
  if (tag === 4) return __as_string(v);
  if (tag === 5) return join(v, undefined);
  if (tag === 7) return '[object Object]';
  if (tag === 10) return '[object Map]';
  if (tag === 11) return '[object Set]';
  return refuse('converting a function to a string');
}

declare function __call(f: unknown, a: unknown, b: unknown, c: unknown, d: unknown): unknown;

/** The callback of map/filter/...: a closure, or JavaScript's TypeError. */
function callback(f: unknown): unknown {
  if (__tag(f) !== 8) typeError('the callback is not a function');
  return f;
}

/** ToBoolean of a callback's result. */
function truthy(v: unknown): boolean {
  const tag = __tag(v);
  if (tag === 0) {
    const n = __as_number(v);
    // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
    return n !== 0 && n === n;
  }
  if (tag === 3) return __as_boolean(v);
  if (tag === 4) return __str_len_of(v) > 0;
  return tag >= 5;
}

function __str_len_of(v: unknown): number {
  return __len(v);
}

/** Whether index i holds an element (holes are skipped by the callback methods, as in JavaScript). */
function present(a: unknown, i: number): boolean {
  return i < length(a) && !__same(__ld(__ld(a, 1), i), __hole());
}

export function map(a: unknown, f: unknown): unknown {
  callback(f);
  const n = length(a);
  const r = arrayNew(n);
  for (let i = 0; i < n; i++) {
    if (present(a, i)) {
      const v = __call(f, get(a, i), i, a, undefined);
      __st(__ld(r, 1), i, v);
    }
  }
  return r;
}

export function filter(a: unknown, f: unknown): unknown {
  callback(f);
  const n = length(a);
  const r = arrayNew(0);
  for (let i = 0; i < n; i++) {
    if (present(a, i)) {
      const v = get(a, i);
      if (truthy(__call(f, v, i, a, undefined))) push(r, v);
    }
  }
  return r;
}

export function forEach(a: unknown, f: unknown): void {
  callback(f);
  const n = length(a);
  for (let i = 0; i < n; i++) if (present(a, i)) __call(f, get(a, i), i, a, undefined);
}

export function some(a: unknown, f: unknown): boolean {
  callback(f);
  const n = length(a);
  for (let i = 0; i < n; i++) if (present(a, i) && truthy(__call(f, get(a, i), i, a, undefined))) return true;
  return false;
}

export function every(a: unknown, f: unknown): boolean {
  callback(f);
  const n = length(a);
  for (let i = 0; i < n; i++)
    if (present(a, i) && !truthy(__call(f, get(a, i), i, a, undefined))) return false;
  return true;
}

/** find and findIndex visit holes too (as undefined). */
export function findIndex(a: unknown, f: unknown): number {
  callback(f);
  const n = length(a);
  for (let i = 0; i < n; i++) if (truthy(__call(f, get(a, i), i, a, undefined))) return i;
  return -1;
}

export function find(a: unknown, f: unknown): unknown {
  const i = findIndex(a, f);
  return i < 0 ? undefined : get(a, i);
}

/** reduce; `hasInitial` false means the first element is the initial value. */
export function reduce(a: unknown, f: unknown, initial: unknown, hasInitial: boolean): unknown {
  callback(f);
  const n = length(a);
  let i = 0;
  let acc = initial;
  if (!hasInitial) {
    while (i < n && !present(a, i)) i++;
    if (i >= n) typeError('Reduce of empty array with no initial value');
    acc = get(a, i);
    i++;
  }
  for (; i < n; i++) if (present(a, i)) acc = __call(f, acc, get(a, i), i, a);
  return acc;
}

/** The comparison of sort: the comparator's sign, or the default order (by ToString, undefined last). */
function before(x: unknown, y: unknown, f: unknown): boolean {
  if (__tag(y) === 1) return __tag(x) !== 1;
  if (__tag(x) === 1) return false;
  if (__tag(f) === 8) {
    const c = __as_number(__call(f, x, y, undefined, undefined));
    return c < 0;
  }
  return compareStrings(sortKey(x), sortKey(y)) < 0;
}

/** ToString for the default order: as join's, except that null is 'null' (join writes ''). */
function sortKey(v: unknown): string {
  return __tag(v) === 2 ? 'null' : elementString(v);
}

function compareStrings(x: string, y: string): number {
  const nx = __len(x);
  const ny = __len(y);
  for (let i = 0; i < nx && i < ny; i++) {
    const d = __str_byte_at(x, i) - __str_byte_at(y, i);
    if (d !== 0) return d;
  }
  return nx - ny;
}

declare function __str_byte(s: string, i: number): number;
function __str_byte_at(s: string, i: number): number {
  return __str_byte(s, i);
}

/** A stable merge sort (JavaScript's sort is stable); holes end up at the end. */
export function sort(a: unknown, f: unknown): unknown {
  if (__tag(f) !== 1) callback(f);
  const n = length(a);
  let count = 0;
  const items = arrayNew(n);
  for (let i = 0; i < n; i++) {
    if (present(a, i)) {
      __st(__ld(items, 1), count, __ld(__ld(a, 1), i));
      count++;
    }
  }
  const scratch = arrayNew(count);
  for (let width = 1; width < count; width *= 2) {
    for (let lo = 0; lo < count; lo += 2 * width) {
      const mid = Math.min(lo + width, count);
      const hi = Math.min(lo + 2 * width, count);
      let i = lo;
      let j = mid;
      for (let k = lo; k < hi; k++) {
        const takeRight = j < hi && (i >= mid || before(__ld(__ld(items, 1), j), __ld(__ld(items, 1), i), f));
        if (takeRight) {
          __st(__ld(scratch, 1), k, __ld(__ld(items, 1), j));
          j++;
        } else {
          __st(__ld(scratch, 1), k, __ld(__ld(items, 1), i));
          i++;
        }
      }
    }
    for (let k = 0; k < count; k++) __st(__ld(items, 1), k, __ld(__ld(scratch, 1), k));
  }
  for (let i = 0; i < n; i++) __st(__ld(a, 1), i, i < count ? __ld(__ld(items, 1), i) : __hole());
  return a;
}

/** `a.keys()` 0, `a.values()` 1, `a.entries()` 2 outside for...of: the elements as they are now. */
export function iterSnapshot(a: unknown, which: number): unknown {
  const n = length(a);
  const out = arrayNew(n);
  for (let i = 0; i < n; i++) {
    let v: unknown = i;
    if (which === 1) v = get(a, i);
    else if (which === 2) v = pair(i, get(a, i));
    __st(__ld(out, 1), i, v);
  }
  return out;
}

/** `[k, v]`, as entries() yields. */
export function pair(k: unknown, v: unknown): unknown {
  const p = arrayNew(2);
  __st(__ld(p, 1), 0, k);
  __st(__ld(p, 1), 1, v);
  return p;
}

/**
 * Array.from(source, mapFn?): a new array of an array's elements (holes read as undefined), a
 * string's characters, a Map's entries or a Set's values; an array-like `{ length: n }` gives n
 * undefined values (its other properties cannot be index keys here). mapFn(value, index) replaces
 * every value.
 */
export function from(src: unknown, f: unknown): unknown {
  const tag = __tag(src);
  if (f !== undefined) callback(f);
  let items: unknown;
  let n = 0;
  if (tag === 1 || tag === 2)
    typeError(
      concat(
        tag === 1 ? 'undefined' : 'null',
        ' is not iterable (cannot read property Symbol(Symbol.iterator))',
      ),
    );
  if (tag === 4) {
    items = codePoints(__as_string(src)); // a surrogate pair is one item
    n = length(items);
  } else if (tag === 14) {
    items = toArray(src, 1);
    n = length(items);
  } else if (tag === 5 || tag === 10 || tag === 11) {
    items = iterate(src);
    n = length(items);
  } else if (tag === 7) {
    const len = getProperty(src, 'length');
    n = __tag(len) === 0 ? __as_number(len) : 0;
    n = n > 0 ? Math.floor(n) : 0;
    if (n > 4294967295) rangeError('Invalid array length');
  } else if (tag === 8 || tag === 9) {
    refuse('Array.from of a function or a class');
  }
  const out = arrayNew(n);
  for (let i = 0; i < n; i++) {
    let v: unknown;
    if (items !== undefined) v = get(items, i);
    if (f !== undefined) v = __call(f, v, i, undefined, undefined);
    __st(__ld(out, 1), i, v);
  }
  return out;
}

/** `a.concat(...items)`: a new array; array items are spread one level (holes kept), others added. */
export function concatArrays(a: unknown, items: unknown): unknown {
  const out = arrayNew(0);
  appendRaw(out, arrayOf(a, "'concat'"));
  for (let k = 0; k < length(items); k++) {
    const item = get(items, k);
    if (__tag(item) === 5) appendRaw(out, item);
    else push(out, item);
  }
  return out;
}

/** Appends src's slots as they are (holes stay holes). */
function appendRaw(out: unknown, src: unknown): void {
  const base = length(out);
  const n = length(src);
  reserve(out, base + n);
  for (let i = 0; i < n; i++) __st(__ld(out, 1), base + i, __ld(__ld(src, 1), i));
  __st(out, 0, base + n);
}

/** `a.at(i)`: a negative index counts from the end; outside the array, undefined. */
export function at(a: unknown, index: unknown): unknown {
  const n = length(a);
  let k = __tag(index) === 0 ? __as_number(index) : 0;
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
  if (k !== k) k = 0;
  k = k < 0 ? Math.ceil(k) : Math.floor(k);
  if (k < 0) k += n;
  return k >= 0 && k < n ? get(a, k) : undefined;
}

/** `a.fill(v, start?, end?)`: every slot in the range (holes too) set to v; returns a. */
export function fill(a: unknown, v: unknown, start: unknown, end: unknown): unknown {
  const n = length(a);
  const to = relative(end, n, n);
  for (let i = relative(start, n, 0); i < to; i++) __st(__ld(a, 1), i, v);
  return a;
}

/** `a.lastIndexOf(x, from?)`: strict equality from the end (holes skipped, NaN never found). */
export function lastIndexOf(a: unknown, x: unknown, from: unknown): number {
  const n = length(a);
  let start = n - 1;
  if (__tag(from) !== 1) {
    let k = __as_number(from);
    // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
    if (k !== k) k = 0;
    k = k < 0 ? Math.ceil(k) : Math.floor(k);
    start = k < 0 ? n + k : Math.min(k, n - 1);
  }
  for (let i = start; i >= 0; i--) {
    const v = __ld(__ld(a, 1), i);
    if (__same(v, __hole()) || __tag(v) !== __tag(x)) continue;
    if (__tag(x) === 0 ? __as_number(v) === __as_number(x) : sameValueZero(v, x)) return i;
  }
  return -1;
}

/** findLastIndex: the predicate sees every index from the end (holes as undefined). */
export function findLastIndex(a: unknown, f: unknown): number {
  callback(f);
  for (let i = length(a) - 1; i >= 0; i--) if (truthy(__call(f, get(a, i), i, a, undefined))) return i;
  return -1;
}

export function findLast(a: unknown, f: unknown): unknown {
  const i = findLastIndex(a, f);
  return i < 0 ? undefined : get(a, i);
}

/** `a.flat(depth = 1)`: nested arrays spread up to depth levels; holes dropped. */
export function flat(a: unknown, depth: unknown): unknown {
  let d = __tag(depth) === 1 ? 1 : __as_number(depth);
  // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
  if (d !== d) d = 0;
  const out = arrayNew(0);
  flatInto(out, a, Math.trunc(d));
  return out;
}

function flatInto(out: unknown, a: unknown, depth: number): void {
  for (let i = 0; i < length(a); i++) {
    if (!present(a, i)) continue;
    const v = get(a, i);
    if (depth > 0 && __tag(v) === 5) flatInto(out, v, depth - 1);
    else push(out, v);
  }
}

/** `a.flatMap(f)`: map, then spread every array result one level. */
export function flatMap(a: unknown, f: unknown): unknown {
  return flat(map(a, f), 1);
}

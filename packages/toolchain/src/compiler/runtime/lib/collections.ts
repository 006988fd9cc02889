/**
 * Runtime (TypeScript subset): Map and Set. Both are kind MAP (7) or SET (8) objects
 * (../../backend/abi.ts HEAP): [0] keys (WORDS) [1] values (WORDS; unused by a Set) [2] used slots
 * [3] size [4] forEach walks in progress. Entries stay in insertion order; `delete` leaves a HOLE in
 * the key slot (iteration skips it) and a full table is compacted before it grows (not during a
 * forEach, which walks the slots by index). Keys compare with SameValueZero (NaN equals
 * NaN, strings by content, objects by identity). Lookup is a linear scan for now (README "Next":
 * a hash index). keys()/values()/entries() and for...of take a snapshot array of the live entries.
 */
import { arrayNew, get, length, push, sameValueZero } from './array.js';
import { typeError } from './errors.js';
import { toArray } from './typed.js';

declare function __alloc(kind: number, words: number): unknown;
declare function __ld(o: unknown, i: number): unknown;
declare function __st(o: unknown, i: number, v: unknown): void;
declare function __len(o: unknown): number;
declare function __tag(v: unknown): number;
declare function __same(a: unknown, b: unknown): boolean;
declare function __hole(): unknown;
declare function __as_number(v: unknown): number;
declare function __call(f: unknown, a: unknown, b: unknown, c: unknown, d: unknown): unknown;

const KIND_WORDS = 3;
const KIND_MAP = 7;
const TAG_ARRAY = 5;
const TAG_MAP = 10;
const TAG_SET = 11;

/** `new Map(entries)` (kind 7) / `new Set(values)` (kind 8); `init` is an array or undefined. */
export function collectionNew(kind: number, init: unknown): unknown {
  const m = __alloc(kind, 5);
  __st(m, 0, __alloc(KIND_WORDS, 4));
  __st(m, 1, __alloc(KIND_WORDS, 4));
  __st(m, 2, 0);
  __st(m, 3, 0);
  __st(m, 4, 0);
  const tag = __tag(init);
  if (tag === 1 || tag === 2) return m;
  if (tag !== TAG_ARRAY) typeError('object is not iterable');
  const n = length(init);
  for (let i = 0; i < n; i++) {
    const item = get(init, i);
    if (kind === KIND_MAP) {
      if (__tag(item) !== TAG_ARRAY) typeError('Iterator value is not an entry object');
      put(m, get(item, 0), get(item, 1));
    } else put(m, item, undefined);
  }
  return m;
}

function check(m: unknown, tag: number): void {
  if (__tag(m) !== tag) typeError(tag === TAG_MAP ? 'receiver is not a Map' : 'receiver is not a Set');
}

function slotOf(m: unknown, key: unknown): number {
  const used = __as_number(__ld(m, 2));
  const keys = __ld(m, 0);
  for (let i = 0; i < used; i++) {
    const k = __ld(keys, i);
    if (!__same(k, __hole()) && sameValueZero(k, key)) return i;
  }
  return -1;
}

/** Inserts or replaces (-0 is stored as +0, as Map and Set do). */
function put(m: unknown, key: unknown, value: unknown): void {
  let k = key;
  if (__tag(k) === 0 && __as_number(k) === 0) k = 0;
  const i = slotOf(m, k);
  if (i >= 0) {
    __st(__ld(m, 1), i, value);
    return;
  }
  let used = __as_number(__ld(m, 2));
  if (used === __len(__ld(m, 0))) {
    // A forEach in progress walks the slots by index: growing must not move its entries.
    compact(m, __as_number(__ld(m, 4)) === 0);
    used = __as_number(__ld(m, 2));
  }
  __st(__ld(m, 0), used, k);
  __st(__ld(m, 1), used, value);
  __st(m, 2, used + 1);
  __st(m, 3, __as_number(__ld(m, 3)) + 1);
}

/**
 * Drops deleted slots (unless `dropHoles` is false: a forEach is walking the tables), and doubles
 * the tables when they are more than half full.
 */
function compact(m: unknown, dropHoles: boolean): void {
  const used = __as_number(__ld(m, 2));
  const size = dropHoles ? __as_number(__ld(m, 3)) : used;
  const cap = size * 2 < __len(__ld(m, 0)) ? __len(__ld(m, 0)) : size * 2 + 4;
  const keys = __alloc(KIND_WORDS, cap);
  const values = __alloc(KIND_WORDS, cap);
  let j = 0;
  for (let i = 0; i < used; i++) {
    const k = __ld(__ld(m, 0), i);
    if (dropHoles && __same(k, __hole())) continue;
    __st(keys, j, k);
    __st(values, j, __ld(__ld(m, 1), i));
    j++;
  }
  __st(m, 0, keys);
  __st(m, 1, values);
  __st(m, 2, j);
}

export function mapGet(m: unknown, key: unknown): unknown {
  check(m, TAG_MAP);
  const i = slotOf(m, key);
  return i >= 0 ? __ld(__ld(m, 1), i) : undefined;
}

export function mapSet(m: unknown, key: unknown, value: unknown): unknown {
  check(m, TAG_MAP);
  put(m, key, value);
  return m;
}

export function setAdd(s: unknown, value: unknown): unknown {
  check(s, TAG_SET);
  put(s, value, undefined);
  return s;
}

export function has(m: unknown, key: unknown): boolean {
  if (__tag(m) !== TAG_SET) check(m, TAG_MAP);
  return slotOf(m, key) >= 0;
}

export function remove(m: unknown, key: unknown): boolean {
  if (__tag(m) !== TAG_SET) check(m, TAG_MAP);
  const i = slotOf(m, key);
  if (i < 0) return false;
  __st(__ld(m, 0), i, __hole());
  __st(__ld(m, 1), i, undefined);
  __st(m, 3, __as_number(__ld(m, 3)) - 1);
  return true;
}

export function clear(m: unknown): void {
  if (__tag(m) !== TAG_SET) check(m, TAG_MAP);
  __st(m, 0, __alloc(KIND_WORDS, 4));
  __st(m, 1, __alloc(KIND_WORDS, 4));
  __st(m, 2, 0);
  __st(m, 3, 0);
}

export function size(m: unknown): number {
  if (__tag(m) !== TAG_SET) check(m, TAG_MAP);
  return __as_number(__ld(m, 3));
}

/** forEach(callback(value, key, collection)); a Set passes the value as the key too. */
export function forEach(m: unknown, f: unknown): void {
  if (__tag(m) !== TAG_SET) check(m, TAG_MAP);
  if (__tag(f) !== 8) typeError('the callback is not a function');
  const isSet = __tag(m) === TAG_SET;
  // Entries added by the callback are visited too, as in JavaScript; word 4 counts the walks in
  // progress, during which growing keeps every slot where it is.
  __st(m, 4, __as_number(__ld(m, 4)) + 1);
  try {
    for (let i = 0; i < __as_number(__ld(m, 2)); i++) {
      const k = __ld(__ld(m, 0), i);
      if (__same(k, __hole())) continue;
      __call(f, isSet ? k : __ld(__ld(m, 1), i), k, m, undefined);
    }
  } finally {
    __st(m, 4, __as_number(__ld(m, 4)) - 1);
  }
}

/** The live entries as a new array: 0 keys, 1 values, 2 [key, value] pairs. */
export function snapshot(m: unknown, which: number): unknown {
  if (__tag(m) !== TAG_SET) check(m, TAG_MAP);
  const out = arrayNew(0);
  const used = __as_number(__ld(m, 2));
  for (let i = 0; i < used; i++) {
    const k = __ld(__ld(m, 0), i);
    if (__same(k, __hole())) continue;
    const v = __tag(m) === TAG_SET ? k : __ld(__ld(m, 1), i);
    if (which === 0) push(out, k);
    else if (which === 1) push(out, v);
    else {
      const pair = arrayNew(0);
      push(pair, k);
      push(pair, v);
      push(out, pair);
    }
  }
  return out;
}

/** What for...of and spread walk: an array as it is, a Map's entries, a Set's values. */
export function iterate(v: unknown): unknown {
  const tag = __tag(v);
  if (tag === TAG_ARRAY) return v;
  if (tag === TAG_MAP) return snapshot(v, 2);
  if (tag === TAG_SET) return snapshot(v, 1);
  if (tag === 14) return toArray(v, 1);
  return typeError('object is not iterable');
}

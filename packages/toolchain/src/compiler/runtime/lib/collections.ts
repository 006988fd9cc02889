/**
 * Runtime (TypeScript subset): Map and Set, hash tables with insertion order. Both are kind MAP (7)
 * or SET (8) objects (../../backend/abi.ts HEAP): [0] keys (WORDS) [1] values (WORDS; unused by a
 * Set) [2] used slots [3] size [4] forEach walks in progress [5] index (WORDS, a power of two at
 * least twice the key table's capacity: each slot undefined = empty or the number of an entry)
 * [6] the collector's epoch the index was built in [7] how many live-or-deleted entries are keyed
 * by address.
 *
 * Entries stay in insertion order in keys/values; `delete` leaves a HOLE in the key slot (iteration
 * skips it, and the index slot that points at it is a tombstone probing walks past). A full key
 * table is compacted (holes dropped; not during a forEach, which walks the slots by index) and
 * doubled when more than half of it is live, and the index is rebuilt then, so probing never sees
 * more than half of the index used. Lookup is open addressing with linear probing.
 *
 * Hashes (SameValueZero): a number by value (-0 is stored as +0, NaN hashes as one constant),
 * a string by its code units, undefined/null/booleans as constants, any other reference (object,
 * array, closure, Map…) by its address. The collector is a moving one and objects have no hash
 * field, so a table that holds reference keys records the collector's epoch (`__gc_epoch`, the
 * count of collections) and rebuilds its index before an operation when a collection ran since.
 * An operation allocates (growth, compaction) before it hashes, so no address goes stale midway.
 * keys()/values()/entries() and for...of take a snapshot array of the live entries.
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
declare function __as_string(v: unknown): string;
declare function __as_boolean(v: unknown): boolean;
declare function __call(f: unknown, a: unknown, b: unknown, c: unknown, d: unknown): unknown;
declare function __str_hash(s: string): number;
declare function __ref_address(v: unknown): number;
declare function __gc_epoch(): number;

const KIND_WORDS = 3;
const KIND_MAP = 7;
const TAG_STRING = 4;
const TAG_ARRAY = 5;
const TAG_MAP = 10;
const TAG_SET = 11;
const INITIAL = 4;

/** `new Map(entries)` (kind 7) / `new Set(values)` (kind 8); `init` is an array or undefined. */
export function collectionNew(kind: number, init: unknown): unknown {
  const m = __alloc(kind, 8);
  reset(m);
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

/** Empty tables (the walk count at [4] is left as it is). */
function reset(m: unknown): void {
  __st(m, 0, __alloc(KIND_WORDS, INITIAL));
  __st(m, 1, __alloc(KIND_WORDS, INITIAL));
  __st(m, 2, 0);
  __st(m, 3, 0);
  __st(m, 5, __alloc(KIND_WORDS, INITIAL * 2));
  __st(m, 6, __gc_epoch());
  __st(m, 7, 0);
}

function check(m: unknown, tag: number): void {
  if (__tag(m) !== tag) typeError(tag === TAG_MAP ? 'receiver is not a Map' : 'receiver is not a Set');
}

/** Whether a key hashes by its address (a reference that is not a string). */
function byAddress(key: unknown): boolean {
  return __tag(key) > TAG_STRING;
}

/** A non-negative 31-bit hash; equal under SameValueZero means equal hashes. Never allocates. */
function hashOf(key: unknown): number {
  const tag = __tag(key);
  if (tag === 0) {
    const x = __as_number(key);
    // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
    if (x !== x) return 7;
    if (x === 0) return 0;
    const i = x | 0;
    if (i === x) return i & 0x7fffffff;
    return (i ^ ((x * 1000003.7) | 0) ^ ((x / 4294967296) | 0)) & 0x7fffffff;
  }
  if (tag === TAG_STRING) {
    // h = length, then h·31 + unit for each code unit, 32-bit wrapping, low 31 bits (core.asm).
    return __str_hash(__as_string(key));
  }
  if (tag === 1) return 1;
  if (tag === 2) return 2;
  if (tag === 3) return __as_boolean(key) ? 4 : 3;
  const a = __ref_address(key) / 8;
  return (a ^ (a / 4294967296)) & 0x7fffffff;
}

/** Rebuilds the index for the current key table (entry i at its key's probe position). */
function reindex(m: unknown): void {
  let cap = INITIAL * 2;
  while (cap < __len(__ld(m, 0)) * 2) cap = cap * 2;
  // Allocate first: a collection here moves keys, so the epoch is read after it.
  const index = __alloc(KIND_WORDS, cap);
  __st(m, 6, __gc_epoch());
  const keys = __ld(m, 0);
  const used = __as_number(__ld(m, 2));
  const mask = cap - 1;
  for (let i = 0; i < used; i++) {
    const k = __ld(keys, i);
    if (__same(k, __hole())) continue;
    let p = hashOf(k) & mask;
    while (__tag(__ld(index, p)) !== 1) p = (p + 1) & mask;
    __st(index, p, i);
  }
  __st(m, 5, index);
}

/** Brings the index up to date when a collection moved address-hashed keys since it was built. */
function fresh(m: unknown): void {
  if (__as_number(__ld(m, 7)) > 0 && __as_number(__ld(m, 6)) !== __gc_epoch()) reindex(m);
}

function slotOf(m: unknown, key: unknown): number {
  fresh(m);
  const index = __ld(m, 5);
  const keys = __ld(m, 0);
  const mask = __len(index) - 1;
  let p = hashOf(key) & mask;
  for (;;) {
    const e = __ld(index, p);
    if (__tag(e) === 1) return -1;
    const i = __as_number(e);
    const k = __ld(keys, i);
    if (!__same(k, __hole()) && sameValueZero(k, key)) return i;
    p = (p + 1) & mask;
  }
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
  if (__as_number(__ld(m, 2)) === __len(__ld(m, 0))) {
    // A forEach in progress walks the slots by index: growing must not move its entries.
    compact(m, __as_number(__ld(m, 4)) === 0);
  }
  // Nothing below allocates, so the hash of an address-keyed entry stays valid.
  fresh(m);
  const used = __as_number(__ld(m, 2));
  __st(__ld(m, 0), used, k);
  __st(__ld(m, 1), used, value);
  __st(m, 2, used + 1);
  __st(m, 3, __as_number(__ld(m, 3)) + 1);
  if (byAddress(k)) __st(m, 7, __as_number(__ld(m, 7)) + 1);
  const index = __ld(m, 5);
  const mask = __len(index) - 1;
  let p = hashOf(k) & mask;
  while (__tag(__ld(index, p)) !== 1) p = (p + 1) & mask;
  __st(index, p, used);
}

/**
 * Drops deleted slots (unless `dropHoles` is false: a forEach is walking the tables), doubles
 * the tables when they are more than half full, and rebuilds the index.
 */
function compact(m: unknown, dropHoles: boolean): void {
  const used = __as_number(__ld(m, 2));
  const size = dropHoles ? __as_number(__ld(m, 3)) : used;
  const cap = size * 2 < __len(__ld(m, 0)) ? __len(__ld(m, 0)) : size * 2 + INITIAL;
  const keys = __alloc(KIND_WORDS, cap);
  const values = __alloc(KIND_WORDS, cap);
  let j = 0;
  let refs = 0;
  for (let i = 0; i < used; i++) {
    const k = __ld(__ld(m, 0), i);
    if (dropHoles && __same(k, __hole())) continue;
    __st(keys, j, k);
    __st(values, j, __ld(__ld(m, 1), i));
    if (byAddress(k)) refs++;
    j++;
  }
  __st(m, 0, keys);
  __st(m, 1, values);
  __st(m, 2, j);
  // Deleted entries kept in place keep their count: it only says whether to watch the epoch.
  if (dropHoles) __st(m, 7, refs);
  reindex(m);
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
  reset(m);
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

/**
 * Runtime (TypeScript subset): binary data — ArrayBuffer, the nine typed arrays and DataView
 * (../../backend/abi.ts HEAP: BYTES, ARRAYBUFFER, TYPED, DATAVIEW). The bytes live in a BYTES
 * object, raw and never scanned; every view holds its buffer's store, so an element is one load at
 * store + byteOffset + index·size. The program's `ta[i]`, `ta[i] = x` and `ta.length` are inline
 * (IR `ldta stta lenta`) and come here only off their fast path (`get`, `set`, `length`); every
 * other operation is a function of this file, which checks the kind of every object it is given.
 * Conversions are ECMAScript's: ToInt8…ToUint32 keep the low bits of ToInt32, Uint8Clamped rounds
 * half to even, Float32 rounds to nearest (the IR's stores do both).
 */
import { elementString, sameValueZero } from './array.js';
import { logNumber, truthy } from './console.js';
import { rangeError, refuse, typeError } from './errors.js';
import { numberToString } from './number.js';
import { concat, joinStrings } from './string.js';

declare function __alloc(kind: number, words: number): unknown;
declare function __ld(o: unknown, i: number): unknown;
declare function __st(o: unknown, i: number, v: unknown): void;
declare function __tag(v: unknown): number;
declare function __as_number(v: unknown): number;
declare function __call(f: unknown, a: unknown, b: unknown, c: unknown, d: unknown): unknown;
declare function __bytes_new(n: number): unknown;
declare function __bytes_move(from: unknown, fromOff: number, to: unknown, toOff: number, n: number): void;
declare function __ldb(kind: number, store: unknown, offset: number): number;
declare function __stb(kind: number, store: unknown, offset: number, v: number): void;
declare function __str_alloc(n: number): string;
declare function __str_set(s: string, i: number, b: number): void;
declare function __str_byte(s: string, i: number): number;

const KIND_ARRAYBUFFER = 10;
const KIND_TYPED = 11;
const KIND_DATAVIEW = 12;
const TAG_ARRAYBUFFER = 13;
const TAG_TYPED = 14;
const TAG_DATAVIEW = 15;
const TAG_ARRAY = 5;

/** The constructor's name of an element kind (../../backend/abi.ts TYPED_ARRAY_NAMES). */
function nameOf(kind: number): string {
  if (kind === 0) return 'Int8Array';
  if (kind === 1) return 'Uint8Array';
  if (kind === 2) return 'Uint8ClampedArray';
  if (kind === 3) return 'Int16Array';
  if (kind === 4) return 'Uint16Array';
  if (kind === 5) return 'Int32Array';
  if (kind === 6) return 'Uint32Array';
  if (kind === 7) return 'Float32Array';
  return 'Float64Array';
}

/** Bytes an element of the kind takes. */
function sizeOf(kind: number): number {
  if (kind <= 2) return 1;
  if (kind <= 4) return 2;
  if (kind <= 7) return 4;
  return 8;
}

/** The element of kind `kind` at byte `offset` of a store (the IR's ldb wants a constant kind). */
export function loadRaw(kind: number, store: unknown, offset: number): number {
  if (kind === 0) return __ldb(0, store, offset);
  if (kind === 1) return __ldb(1, store, offset);
  if (kind === 2) return __ldb(2, store, offset);
  if (kind === 3) return __ldb(3, store, offset);
  if (kind === 4) return __ldb(4, store, offset);
  if (kind === 5) return __ldb(5, store, offset);
  if (kind === 6) return __ldb(6, store, offset);
  if (kind === 7) return __ldb(7, store, offset);
  return __ldb(8, store, offset);
}

/** Stores x with the kind's conversion (integer kinds get ToInt32 first, as stb requires). */
export function storeRaw(kind: number, store: unknown, offset: number, x: number): void {
  if (kind === 0) __stb(0, store, offset, x | 0);
  else if (kind === 1) __stb(1, store, offset, x | 0);
  else if (kind === 2) __stb(2, store, offset, x);
  else if (kind === 3) __stb(3, store, offset, x | 0);
  else if (kind === 4) __stb(4, store, offset, x | 0);
  else if (kind === 5) __stb(5, store, offset, x | 0);
  else if (kind === 6) __stb(6, store, offset, x | 0);
  else if (kind === 7) __stb(7, store, offset, x);
  else __stb(8, store, offset, x);
}

// ---- ArrayBuffer ----

function newBuffer(n: number): unknown {
  const b = __alloc(KIND_ARRAYBUFFER, 2);
  __st(b, 0, __bytes_new(n));
  __st(b, 1, n);
  return b;
}

/** ToIndex: undefined is 0; a negative or too large length is the given RangeError. */
function toIndex(v: unknown, message: string): number {
  if (v === undefined) return 0;
  let n = __tag(v) === 0 ? __as_number(v) : Number.NaN;
  n = Number.isNaN(n) ? 0 : Math.trunc(n);
  if (n < 0 || n > 4294967295) rangeError(message);
  return n === 0 ? 0 : n;
}

/** `new ArrayBuffer(n)`. */
export function bufferNew(n: unknown): unknown {
  return newBuffer(toIndex(n, 'Array buffer allocation failed'));
}

function expect(v: unknown, tag: number, what: string): unknown {
  const t = __tag(v);
  if (t === tag) return v;
  if (t === 1 || t === 2)
    typeError(
      concat(concat(concat('Cannot read properties of ', t === 1 ? 'undefined' : 'null'), ' '), what),
    );
  return typeError(concat('toro: expected ', concat(what, ' here (the static type did not hold)')));
}

function num(v: unknown): number {
  return __as_number(v);
}

/** A relative index (slice/subarray/fill arguments): negative counts from the end, clamped. */
function relative(v: unknown, n: number, fallback: number): number {
  if (v === undefined) return fallback;
  let x = __tag(v) === 0 ? __as_number(v) : 0;
  x = Number.isNaN(x) ? 0 : Math.trunc(x);
  if (x < 0) return x + n < 0 ? 0 : x + n;
  return x > n ? n : x;
}

/** Copies n bytes between BYTES stores (memmove: the ranges may overlap), the bounds checked by the caller. */
function copyBytes(from: unknown, fromOff: number, to: unknown, toOff: number, n: number): void {
  __bytes_move(from, fromOff, to, toOff, n);
}

/** `buffer.slice(start, end)`: a new buffer with a copy of those bytes. */
export function bufferSlice(b: unknown, start: unknown, end: unknown): unknown {
  expect(b, TAG_ARRAYBUFFER, 'an ArrayBuffer');
  const n = num(__ld(b, 1));
  const from = relative(start, n, 0);
  const to = relative(end, n, n);
  const count = to > from ? to - from : 0;
  const r = newBuffer(count);
  copyBytes(__ld(b, 0), from, __ld(r, 0), 0, count);
  return r;
}

// ---- typed arrays ----

function makeView(kind: number, buffer: unknown, byteOffset: number, length: number): unknown {
  const t = __alloc(KIND_TYPED, 5);
  __st(t, 0, kind);
  __st(t, 1, length);
  __st(t, 2, byteOffset);
  __st(t, 3, __ld(buffer, 0));
  __st(t, 4, buffer);
  return t;
}

function fresh(kind: number, length: number): unknown {
  return makeView(kind, newBuffer(length * sizeOf(kind)), 0, length);
}

function kindOf(t: unknown): number {
  return __as_number(__ld(t, 0));
}
function lengthOf(t: unknown): number {
  return __as_number(__ld(t, 1));
}

function elementAt(t: unknown, i: number): number {
  const kind = kindOf(t);
  return loadRaw(kind, __ld(t, 3), num(__ld(t, 2)) + i * sizeOf(kind));
}

function putAt(t: unknown, i: number, x: number): void {
  const kind = kindOf(t);
  storeRaw(kind, __ld(t, 3), num(__ld(t, 2)) + i * sizeOf(kind), x);
}

function typed(t: unknown): unknown {
  return expect(t, TAG_TYPED, 'a typed array');
}

/** A value stored into a typed array: ToNumber of what the program's types allow. */
function toNumber(v: unknown): number {
  const tag = __tag(v);
  if (tag === 0) return __as_number(v);
  if (tag === 2) return 0;
  if (tag === 3) return v === true ? 1 : 0;
  if (tag === 1) return Number.NaN;
  return refuse('storing a value that is not a number into a typed array');
}

/**
 * `new <Kind>(x, byteOffset?, length?)`: x a length, an array of numbers, another typed array
 * (its values converted), or an ArrayBuffer to view (V8's RangeErrors for misaligned or
 * out-of-range offsets and lengths).
 */
export function construct(kind: number, x: unknown, byteOffset: unknown, len: unknown): unknown {
  const tag = __tag(x);
  const name = nameOf(kind);
  const size = sizeOf(kind);
  if (tag === TAG_ARRAYBUFFER) {
    const total = num(__ld(x, 1));
    const offset = toIndex(byteOffset, concat('Start offset is outside the bounds of the buffer', ''));
    if (offset % size !== 0)
      rangeError(
        concat(concat(concat('start offset of ', name), ' should be a multiple of '), numberToString(size)),
      );
    let length = 0;
    if (len === undefined) {
      if (total % size !== 0)
        rangeError(
          concat(concat(concat('byte length of ', name), ' should be a multiple of '), numberToString(size)),
        );
      if (offset > total)
        rangeError(
          concat(concat('Start offset ', numberToString(offset)), ' is outside the bounds of the buffer'),
        );
      length = (total - offset) / size;
    } else {
      length = toIndex(len, 'Invalid typed array length');
      if (offset + length * size > total)
        rangeError(concat('Invalid typed array length: ', numberToString(length)));
    }
    return makeView(kind, x, offset, length);
  }
  if (tag === TAG_TYPED) {
    const n = lengthOf(x);
    const t = fresh(kind, n);
    for (let i = 0; i < n; i++) putAt(t, i, elementAt(x, i));
    return t;
  }
  if (tag === TAG_ARRAY) {
    const store = __ld(x, 1);
    const n = num(__ld(x, 0));
    const t = fresh(kind, n);
    for (let i = 0; i < n; i++) {
      const v = __ld(store, i);
      putAt(t, i, __tag(v) === 0 ? __as_number(v) : toNumber(v === undefined ? undefined : v));
    }
    return t;
  }
  if (tag === 0 || tag === 1) {
    const v = tag === 0 ? __as_number(x) : 0;
    const n = Number.isNaN(v) ? 0 : Math.trunc(v);
    if (n < 0 || n > 4294967295) rangeError(concat('Invalid typed array length: ', logNumber(v)));
    return fresh(kind, n === 0 ? 0 : n);
  }
  return refuse(concat(concat('new ', name), ' from this kind of value'));
}

/** `ta[i]` off the inline path: undefined outside the array or at a non-integer index. */
export function get(t: unknown, i: number): unknown {
  typed(t);
  if (!(i >= 0 && i < lengthOf(t) && Math.floor(i) === i)) return undefined;
  return elementAt(t, i);
}

/** `ta[i] = x` off the inline path: ignored outside the array. */
export function set(t: unknown, i: number, x: number): void {
  typed(t);
  if (!(i >= 0 && i < lengthOf(t) && Math.floor(i) === i)) return;
  putAt(t, i, x);
}

export function length(t: unknown): number {
  return lengthOf(typed(t));
}

/** `byteLength` of a buffer, a typed array or a DataView. */
export function byteLength(v: unknown): number {
  const tag = __tag(v);
  if (tag === TAG_ARRAYBUFFER) return num(__ld(v, 1));
  if (tag === TAG_TYPED) return lengthOf(v) * sizeOf(kindOf(v));
  return num(__ld(expect(v, TAG_DATAVIEW, 'a binary view'), 2));
}

export function byteOffset(v: unknown): number {
  if (__tag(v) === TAG_TYPED) return num(__ld(v, 2));
  return num(__ld(expect(v, TAG_DATAVIEW, 'a binary view'), 1));
}

export function buffer(v: unknown): unknown {
  if (__tag(v) === TAG_TYPED) return __ld(v, 4);
  return __ld(expect(v, TAG_DATAVIEW, 'a binary view'), 0);
}

export function bytesPerElement(t: unknown): number {
  return sizeOf(kindOf(typed(t)));
}

/** `subarray(begin, end)`: a view of the same bytes. */
export function subarray(t: unknown, begin: unknown, end: unknown): unknown {
  typed(t);
  const n = lengthOf(t);
  const from = relative(begin, n, 0);
  const to = relative(end, n, n);
  const kind = kindOf(t);
  return makeView(kind, __ld(t, 4), num(__ld(t, 2)) + from * sizeOf(kind), to > from ? to - from : 0);
}

/** `slice(start, end)`: a copy in a new buffer. */
export function slice(t: unknown, start: unknown, end: unknown): unknown {
  typed(t);
  const n = lengthOf(t);
  const from = relative(start, n, 0);
  const to = relative(end, n, n);
  const count = to > from ? to - from : 0;
  const kind = kindOf(t);
  const r = fresh(kind, count);
  copyBytes(__ld(t, 3), num(__ld(t, 2)) + from * sizeOf(kind), __ld(r, 3), 0, count * sizeOf(kind));
  return r;
}

/**
 * `set(source, offset)`: source an array or a typed array. A typed source of the same kind is a
 * byte copy (memmove-safe when both share a buffer); another kind is read whole first when the two
 * share a buffer, as the specification's clone of the source does.
 */
export function setFrom(t: unknown, src: unknown, offset: unknown): void {
  typed(t);
  let at = 0;
  if (offset !== undefined) {
    const o = __tag(offset) === 0 ? __as_number(offset) : 0;
    at = Number.isNaN(o) ? 0 : Math.trunc(o);
    if (at < 0) rangeError('offset is out of bounds');
  }
  const n = lengthOf(t);
  const tag = __tag(src);
  if (tag === TAG_TYPED) {
    const m = lengthOf(src);
    if (at + m > n) rangeError('offset is out of bounds');
    const kind = kindOf(t);
    if (kindOf(src) === kind) {
      const size = sizeOf(kind);
      copyBytes(__ld(src, 3), num(__ld(src, 2)), __ld(t, 3), num(__ld(t, 2)) + at * size, m * size);
      return;
    }
    const values: number[] = [];
    for (let i = 0; i < m; i++) values.push(elementAt(src, i));
    for (let i = 0; i < m; i++) putAt(t, at + i, values[i]);
    return;
  }
  if (tag !== TAG_ARRAY) refuse('typed array set from this kind of value');
  const m = num(__ld(src, 0));
  if (at + m > n) rangeError('offset is out of bounds');
  const store = __ld(src, 1);
  for (let i = 0; i < m; i++) putAt(t, at + i, toNumber(__ld(store, i)));
}

export function fill(t: unknown, v: unknown, start: unknown, end: unknown): unknown {
  typed(t);
  const x = toNumber(v);
  const n = lengthOf(t);
  const from = relative(start, n, 0);
  const to = relative(end, n, n);
  for (let i = from; i < to; i++) putAt(t, i, x);
  return t;
}

function fromIndex(v: unknown, n: number): number {
  return relative(v, n, 0);
}

export function indexOf(t: unknown, x: unknown, from: unknown): number {
  typed(t);
  if (__tag(x) !== 0) return -1;
  const n = lengthOf(t);
  const want = __as_number(x);
  for (let i = fromIndex(from, n); i < n; i++) if (elementAt(t, i) === want) return i;
  return -1;
}

export function lastIndexOf(t: unknown, x: unknown, from: unknown): number {
  typed(t);
  if (__tag(x) !== 0) return -1;
  const n = lengthOf(t);
  let i = n - 1;
  if (from !== undefined) {
    const f = __tag(from) === 0 ? Math.trunc(__as_number(from)) : 0;
    i = f < 0 ? n + f : f < n - 1 ? f : n - 1;
  }
  const want = __as_number(x);
  for (; i >= 0; i--) if (elementAt(t, i) === want) return i;
  return -1;
}

export function includes(t: unknown, x: unknown, from: unknown): boolean {
  typed(t);
  const n = lengthOf(t);
  for (let i = fromIndex(from, n); i < n; i++) if (sameValueZero(elementAt(t, i), x)) return true;
  return false;
}

export function join(t: unknown, separator: unknown): string {
  typed(t);
  const sep = separator === undefined ? ',' : elementString(separator);
  const parts: string[] = [];
  const n = lengthOf(t);
  for (let i = 0; i < n; i++) {
    if (i > 0) parts.push(sep);
    parts.push(numberToString(elementAt(t, i)));
  }
  return joinStrings(parts);
}

export function reverse(t: unknown): unknown {
  typed(t);
  const n = lengthOf(t);
  for (let i = 0, j = n - 1; i < j; i++, j--) {
    const a = elementAt(t, i);
    putAt(t, i, elementAt(t, j));
    putAt(t, j, a);
  }
  return t;
}

export function at(t: unknown, index: unknown): unknown {
  typed(t);
  const n = lengthOf(t);
  let i = __tag(index) === 0 ? __as_number(index) : 0;
  i = Number.isNaN(i) ? 0 : Math.trunc(i);
  if (i < 0) i += n;
  if (i < 0 || i >= n) return undefined;
  return elementAt(t, i);
}

function callback(f: unknown): void {
  if (__tag(f) !== 8) typeError('the callback is not a function');
}

export function forEach(t: unknown, f: unknown): void {
  typed(t);
  callback(f);
  for (let i = 0; i < lengthOf(t); i++) __call(f, elementAt(t, i), i, t, undefined);
}

export function map(t: unknown, f: unknown): unknown {
  typed(t);
  callback(f);
  const n = lengthOf(t);
  const r = fresh(kindOf(t), n);
  for (let i = 0; i < n; i++) putAt(r, i, toNumber(__call(f, elementAt(t, i), i, t, undefined)));
  return r;
}

export function filter(t: unknown, f: unknown): unknown {
  typed(t);
  callback(f);
  const kept: number[] = [];
  for (let i = 0; i < lengthOf(t); i++) {
    const v = elementAt(t, i);
    if (truthy(__call(f, v, i, t, undefined))) kept.push(v);
  }
  const r = fresh(kindOf(t), kept.length);
  for (let i = 0; i < kept.length; i++) putAt(r, i, kept[i]);
  return r;
}

export function some(t: unknown, f: unknown): boolean {
  typed(t);
  callback(f);
  for (let i = 0; i < lengthOf(t); i++) if (truthy(__call(f, elementAt(t, i), i, t, undefined))) return true;
  return false;
}

export function every(t: unknown, f: unknown): boolean {
  typed(t);
  callback(f);
  for (let i = 0; i < lengthOf(t); i++)
    if (!truthy(__call(f, elementAt(t, i), i, t, undefined))) return false;
  return true;
}

export function findIndex(t: unknown, f: unknown): number {
  typed(t);
  callback(f);
  for (let i = 0; i < lengthOf(t); i++) if (truthy(__call(f, elementAt(t, i), i, t, undefined))) return i;
  return -1;
}

export function find(t: unknown, f: unknown): unknown {
  const i = findIndex(t, f);
  return i < 0 ? undefined : elementAt(t, i);
}

export function reduce(t: unknown, f: unknown, initial: unknown, hasInitial: boolean): unknown {
  typed(t);
  callback(f);
  const n = lengthOf(t);
  let i = 0;
  let acc = initial;
  if (!hasInitial) {
    if (n === 0) typeError('Reduce of empty array with no initial value');
    acc = elementAt(t, 0);
    i = 1;
  }
  for (; i < n; i++) acc = __call(f, acc, elementAt(t, i), i, t);
  return acc;
}

/** The elements as a plain array (Array.from, spread, keys/values/entries snapshots). */
export function toArray(t: unknown, which: number): unknown[] {
  typed(t);
  const out: unknown[] = [];
  for (let i = 0; i < lengthOf(t); i++) {
    if (which === 0) out.push(i);
    else if (which === 1) out.push(elementAt(t, i));
    else out.push([i, elementAt(t, i)]);
  }
  return out;
}

/** `<Kind>.of(...items)` / `<Kind>.from(source, f?)`. */
export function fromValues(kind: number, src: unknown, f: unknown): unknown {
  if (__tag(src) !== TAG_ARRAY && __tag(src) !== TAG_TYPED)
    refuse(concat(concat(nameOf(kind), '.from'), ' of a value that is not an array or a typed array'));
  if (f === undefined) return construct(kind, src, undefined, undefined);
  callback(f);
  const values = __tag(src) === TAG_TYPED ? toArray(src, 1) : (src as unknown[]);
  const r = fresh(kind, values.length);
  for (let i = 0; i < values.length; i++)
    putAt(r, i, toNumber(__call(f, values[i], i, undefined, undefined)));
  return r;
}

export function typedName(t: unknown): string {
  return nameOf(kindOf(t));
}

// ---- DataView ----

/** `new DataView(buffer, byteOffset?, byteLength?)`, with V8's RangeErrors. */
export function viewNew(b: unknown, offset: unknown, len: unknown): unknown {
  if (__tag(b) !== TAG_ARRAYBUFFER)
    typeError('First argument to DataView constructor must be an ArrayBuffer');
  const total = num(__ld(b, 1));
  const start = toIndex(offset, 'Start offset is outside the bounds of the buffer');
  if (start > total)
    rangeError(
      concat(concat('Start offset ', numberToString(start)), ' is outside the bounds of the buffer'),
    );
  let n = total - start;
  if (len !== undefined) {
    n = toIndex(len, 'Invalid DataView length');
    if (start + n > total) rangeError(concat('Invalid DataView length ', numberToString(n)));
  }
  const v = __alloc(KIND_DATAVIEW, 4);
  __st(v, 0, b);
  __st(v, 1, start);
  __st(v, 2, n);
  __st(v, 3, __ld(b, 0));
  return v;
}

function viewOffset(v: unknown, offset: unknown, size: number): number {
  expect(v, TAG_DATAVIEW, 'a DataView');
  let at = __tag(offset) === 0 ? __as_number(offset) : offset === undefined ? 0 : Number.NaN;
  at = Number.isNaN(at) ? 0 : Math.trunc(at);
  if (at < 0) rangeError('Offset is outside the bounds of the DataView');
  if (at + size > num(__ld(v, 2))) rangeError('Offset is outside the bounds of the DataView');
  return num(__ld(v, 1)) + at;
}

/** `view.get<Kind>(offset, littleEndian)`: big-endian unless littleEndian is truthy. */
export function viewGet(v: unknown, kind: number, offset: unknown, little: unknown): number {
  const size = sizeOf(kind);
  const at = viewOffset(v, offset, size);
  const store = __ld(v, 3);
  if (size === 1 || truthy(little)) return loadRaw(kind, store, at);
  const swap = __bytes_new(8);
  for (let k = 0; k < size; k++) __stb(1, swap, k, __ldb(1, store, at + size - 1 - k));
  return loadRaw(kind, swap, 0);
}

export function viewSet(v: unknown, kind: number, offset: unknown, x: unknown, little: unknown): void {
  const size = sizeOf(kind);
  const at = viewOffset(v, offset, size);
  const store = __ld(v, 3);
  const value = toNumber(x);
  if (size === 1 || truthy(little)) {
    storeRaw(kind, store, at, value);
    return;
  }
  const swap = __bytes_new(8);
  storeRaw(kind, swap, 0, value);
  for (let k = 0; k < size; k++) __stb(1, store, at + k, __ldb(1, swap, size - 1 - k));
}

// ---- the wire form of a typed array (./wire.ts) ----

/** Whether `v` is a typed array (of any kind). */
export function isTypedArray(v: unknown): boolean {
  return __tag(v) === TAG_TYPED;
}

/** A typed array's element kind (0 Int8Array … 8 Float64Array, as nameOf). */
export function typedKind(v: unknown): number {
  return kindOf(v);
}

/** The bytes a typed array views, as a Latin-1 string of one unit a byte. */
export function typedUnits(v: unknown): string {
  const n = byteLength(v);
  const store = __ld(v, 3);
  const from = num(__ld(v, 2));
  const s = __str_alloc(n);
  for (let i = 0; i < n; i++) __str_set(s, i, __ldb(1, store, from + i));
  return s;
}

/** A new typed array of `kind` over a copy of the `n` bytes that `units` holds from `from`. */
export function typedFromUnits(kind: number, units: string, from: number, n: number): unknown {
  const t = fresh(kind, Math.floor(n / sizeOf(kind)));
  const store = __ld(t, 3);
  for (let i = 0; i < n; i++) __stb(1, store, i, __str_byte(units, from + i));
  return t;
}

// ---- bytes for ./text.ts and ./sdk.ts ----

/** A Uint8Array over the whole of an existing BYTES store of n bytes (a new ArrayBuffer holds it). */
export function bytesView(store: unknown, n: number): unknown {
  const b = __alloc(KIND_ARRAYBUFFER, 2);
  __st(b, 0, store);
  __st(b, 1, n);
  return makeView(1, b, 0, n);
}

/** A new Uint8Array of n zero bytes. */
export function newBytes(n: number): unknown {
  return fresh(1, n);
}

/** The bytes a TextDecoder reads: a typed array's, a DataView's or a whole ArrayBuffer's. */
export function bytesOf(v: unknown): unknown {
  const tag = __tag(v);
  if (tag === TAG_ARRAYBUFFER) return makeView(1, v, 0, num(__ld(v, 1)));
  if (tag === TAG_TYPED) return makeView(1, __ld(v, 4), num(__ld(v, 2)), byteLength(v));
  if (tag === TAG_DATAVIEW) return makeView(1, __ld(v, 0), num(__ld(v, 1)), num(__ld(v, 2)));
  return typeError('The "input" argument must be an instance of ArrayBuffer or ArrayBufferView.');
}

export function byteAt(t: unknown, i: number): number {
  return __ldb(1, __ld(t, 3), num(__ld(t, 2)) + i);
}

export function setByte(t: unknown, i: number, b: number): void {
  __stb(1, __ld(t, 3), num(__ld(t, 2)) + i, b);
}

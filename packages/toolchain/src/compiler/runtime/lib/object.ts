/**
 * Runtime (TypeScript subset): objects. An object is an OBJECT [class, keys, values, count]: a small
 * dictionary in insertion order (../../backend/abi.ts HEAP), so any object literal can stand where an
 * interface is expected (structural typing) without a layout agreed at compile time. Keys are the
 * program's interned property-name strings, so a key matches by identity.
 */
import { get as arrayGet, length as arrayLength, arrayNew, pair, push } from './array.js';
import { className, protoHas, protoLookup, staticAccessor, staticLookup, superGet } from './classes.js';
import { isError } from './console.js';
import { refuse, typeError } from './errors.js';
import { numberToString } from './number.js';
import { pendingStack } from './stack.js';
import { charAt, concat, equals } from './string.js';

declare function __alloc(kind: number, words: number): unknown;
declare function __ld(o: unknown, i: number): unknown;
declare function __st(o: unknown, i: number, v: unknown): void;
declare function __len(o: unknown): number;
declare function __tag(v: unknown): number;
declare function __as_number(v: unknown): number;
declare function __as_string(v: unknown): string;
declare function __as_boolean(v: unknown): boolean;
declare function __callm1(f: unknown, self: unknown, a: unknown): unknown;
declare function __str_len(s: string): number;
declare function __str_byte(s: string, i: number): number;
declare function __same(a: unknown, b: unknown): boolean;
declare function __hole(): unknown;
declare function __obj_find(o: unknown, key: string): number;

const TAG_STRING = 4;
const TAG_ARRAY = 5;
const TAG_WORDS = 6;
const TAG_OBJECT = 7;
const TAG_CLOSURE = 8;
const TAG_CLASS = 9;

/** A new object with room for `n` properties and count `n` (literals store keys and values next). */
export function objectNew(n: number): unknown {
  const keys = __alloc(3, n);
  const values = __alloc(3, n);
  const o = __alloc(4, 4);
  __st(o, 0, null);
  __st(o, 1, keys);
  __st(o, 2, values);
  __st(o, 3, n);
  return o;
}

/**
 * The index of `key` among the own properties of `o`, or -1: by identity, then by content (the runtime
 * and the program are compiled apart, so the same name may be two interned strings), in objects.asm.
 */
export function find(o: unknown, key: string): number {
  return __obj_find(o, key);
}

function quoted(key: string): string {
  return concat(concat("'", key), "'");
}

/** A property read: own properties, then the class's prototypes (getters run with `o` as this). */
export function get(o: unknown, key: string): unknown {
  const tag = __tag(o);
  if (tag === TAG_OBJECT) {
    const i = find(o, key);
    if (i >= 0) {
      const v = __ld(__ld(o, 2), i);
      // An error's stack is written out when first read (./stack.ts).
      if (__tag(v) === TAG_WORDS && equals(key, 'stack')) return pendingStack(o, i, v);
      return v;
    }
    const c = __ld(o, 0);
    if (__tag(c) !== TAG_CLASS) return undefined;
    return superGet(c, key, o);
  }
  if (tag === TAG_CLASS) {
    if (equals(key, 'name')) return className(o);
    return staticLookup(o, key);
  }
  if (tag === 1) typeError(concat(concat('Cannot read properties of undefined (reading ', quoted(key)), ')'));
  if (tag === 2) typeError(concat(concat('Cannot read properties of null (reading ', quoted(key)), ')'));
  // Generic code (`T extends { length: number }`) reads `length` of whatever T turned out to be.
  if (tag === TAG_STRING && equals(key, 'length')) return __str_len(__as_string(o));
  if (tag === TAG_ARRAY && equals(key, 'length')) return __ld(o, 0);
  return refuse(concat('reading a property of a value that is not an object: ', key));
}

/** `o.key(...)`: the function to call with `o` as this, or JavaScript's TypeError. */
export function method(o: unknown, key: string, text: string): unknown {
  const f = get(o, key);
  if (__tag(f) !== TAG_CLOSURE) typeError(concat(text, ' is not a function'));
  return f;
}

export function set(o: unknown, key: string, v: unknown): void {
  const tag = __tag(o);
  if (tag === TAG_CLASS) {
    const pair = staticAccessor(o, key);
    if (pair !== undefined) {
      callSetter(pair, o, key, className(o), v);
      return;
    }
    setOwn(__ld(o, 3), key, v);
    return;
  }
  if (tag !== TAG_OBJECT) {
    if (tag === 1)
      typeError(concat(concat('Cannot set properties of undefined (setting ', quoted(key)), ')'));
    if (tag === 2) typeError(concat(concat('Cannot set properties of null (setting ', quoted(key)), ')'));
    refuse(concat('setting a property of a value that is not an object: ', key));
  }
  if (find(o, key) < 0) {
    const c = __ld(o, 0);
    if (__tag(c) === TAG_CLASS) {
      const p = protoLookup(c, key);
      if (__tag(p) === TAG_WORDS) {
        callSetter(p, o, key, concat(concat('#<', className(c)), '>'), v);
        return;
      }
    }
  }
  setOwn(o, key, v);
}

/**
 * `o[key] = v` with a computed string key. JavaScript lists array-index keys ('0', '17') before the
 * others whatever their insertion order, which these objects do not: such keys are refused.
 */
export function setKey(o: unknown, key: string, v: unknown): void {
  if (isIndexKey(key)) refuse(concat('a numeric property name as a computed key: ', key));
  set(o, key, v);
}

/** Whether a key is a canonical array index: '0', or digits without a leading zero. */
function isIndexKey(key: string): boolean {
  const n = __str_len(key);
  if (n === 0 || n > 10) return false;
  for (let i = 0; i < n; i++) {
    const c = __str_byte(key, i);
    if (c < 48 || c > 57 || (i === 0 && c === 48 && n > 1)) return false;
  }
  return n < 10 || compareDigits(key, '4294967295') < 0;
}

function compareDigits(a: string, b: string): number {
  for (let i = 0; i < __str_len(a); i++) {
    const d = __str_byte(a, i) - __str_byte(b, i);
    if (d !== 0) return d;
  }
  return 0;
}

/** Runs an accessor pair's setter on `o`, or JavaScript's TypeError when there is only a getter. */
function callSetter(pair: unknown, o: unknown, key: string, shown: string, v: unknown): void {
  const setter = __ld(pair, 1);
  if (__tag(setter) !== TAG_CLOSURE)
    typeError(
      concat(concat(concat('Cannot set property ', key), ' of '), concat(shown, ' which has only a getter')),
    );
  __callm1(setter, o, v);
}

/** Defines or overwrites an own property (no accessors, no kind check: the runtime's own objects). */
export function setOwn(o: unknown, key: string, v: unknown): void {
  const i = find(o, key);
  if (i >= 0) {
    __st(__ld(o, 2), i, v);
    return;
  }
  const n = __as_number(__ld(o, 3));
  if (n === __len(__ld(o, 1))) {
    const cap = n < 2 ? 4 : n * 2;
    const keys = __alloc(3, cap);
    const values = __alloc(3, cap);
    for (let k = 0; k < n; k++) {
      __st(keys, k, __ld(__ld(o, 1), k));
      __st(values, k, __ld(__ld(o, 2), k));
    }
    __st(o, 1, keys);
    __st(o, 2, values);
  }
  __st(__ld(o, 1), n, key);
  __st(__ld(o, 2), n, v);
  __st(o, 3, n + 1);
}

/** Number of own properties, and the i-th key / value in insertion order (console.log). */
export function count(o: unknown): number {
  return __as_number(__ld(o, 3));
}

export function keyAt(o: unknown, i: number): unknown {
  return __ld(__ld(o, 1), i);
}

export function valueAt(o: unknown, i: number): unknown {
  return __ld(__ld(o, 2), i);
}

/**
 * `{ ...src }` into the literal `o` being built: src's own enumerable properties in order (a class
 * instance's fields; its methods and accessors live on the prototype). null, undefined, numbers,
 * booleans, Maps, Sets and functions have none. Strings and arrays would add index keys, which
 * objects here do not order as JavaScript does: refused.
 */
export function spread(o: unknown, src: unknown): void {
  const tag = __tag(src);
  if (tag === TAG_OBJECT) {
    const error = isError(src);
    const n = count(src);
    for (let i = 0; i < n; i++) {
      const key = __as_string(keyAt(src, i));
      // An error's message and stack are not enumerable.
      if (error && (equals(key, 'message') || equals(key, 'stack'))) continue;
      setOwn(o, key, get(src, key));
    }
    return;
  }
  if (tag === TAG_STRING || tag === TAG_ARRAY) {
    if (tag === TAG_STRING ? __str_len(__as_string(src)) === 0 : __as_number(__ld(src, 0)) === 0) return;
    refuse('spreading a string or an array into an object');
  }
  if (tag === TAG_CLASS) refuse('spreading a class into an object');
}

/**
 * `const { a, ...rest } = src`: a new plain object with src's own enumerable properties except the
 * names in `excluded` (an array of the pattern's other keys), in src's order.
 */
export function restOf(src: unknown, excluded: unknown): unknown {
  const o = objectNew(0);
  const tag = __tag(src);
  if (tag === 1 || tag === 2)
    typeError(
      tag === 1
        ? "Cannot destructure 'undefined' as it is undefined."
        : "Cannot destructure 'null' as it is null.",
    );
  if (tag !== TAG_OBJECT) {
    spread(o, src);
    return o;
  }
  const error = isError(src);
  for (let i = 0; i < count(src); i++) {
    const key = __as_string(keyAt(src, i));
    if (error && (equals(key, 'message') || equals(key, 'stack'))) continue;
    let skip = false;
    for (let k = 0; k < arrayLength(excluded) && !skip; k++)
      skip = equals(key, __as_string(arrayGet(excluded, k)));
    if (!skip) setOwn(o, key, valueAt(src, i));
  }
  return o;
}

/**
 * Object.keys (0), Object.values (1) and Object.entries (2): the own enumerable properties, in the
 * order JavaScript lists them (an object's keys are in that order already: index-like keys cannot be
 * added to one here, see setKey). An array or a string gives its indices; a Map, a Set, a function, a
 * number or a boolean has none. A class's statics mix fields (enumerable) and methods (not): refused.
 */
export function ownEntries(o: unknown, which: number): unknown {
  const tag = __tag(o);
  const out = arrayNew(0);
  if (tag === 1 || tag === 2) typeError('Cannot convert undefined or null to object');
  if (tag === TAG_CLASS) refuse('Object.keys/values/entries of a class');
  if (tag === TAG_OBJECT) {
    const error = isError(o);
    for (let i = 0; i < count(o); i++) {
      const key = __as_string(keyAt(o, i));
      if (error && (equals(key, 'message') || equals(key, 'stack'))) continue;
      push(out, entry(key, valueAt(o, i), which));
    }
  } else if (tag === TAG_ARRAY) {
    for (let i = 0; i < arrayLength(o); i++) {
      if (__same(__ld(__ld(o, 1), i), __hole())) continue;
      push(out, entry(numberToString(i), arrayGet(o, i), which));
    }
  } else if (tag === TAG_STRING) {
    const str = __as_string(o);
    for (let i = 0; i < __str_len(str); i++) push(out, entry(numberToString(i), charAt(str, i), which));
  }
  return out;
}

function entry(key: string, value: unknown, which: number): unknown {
  if (which === 0) return key;
  if (which === 1) return value;
  return pair(key, value);
}

/**
 * `key in o`: an own property or one of its class chain's (methods, accessors). A name that
 * Object.prototype provides is refused unless found first, as is a name that an array's, a Map's or a
 * Set's prototype could provide (only indices and `length` of arrays are answered).
 */
export function hasKey(o: unknown, keyValue: unknown): boolean {
  const tag = __tag(o);
  const key = __tag(keyValue) === 0 ? numberToString(__as_number(keyValue)) : __as_string(keyValue);
  if (tag === TAG_OBJECT) {
    if (find(o, key) >= 0) return true;
    const c = __ld(o, 0);
    if (__tag(c) === TAG_CLASS && protoHas(c, key)) return true;
    if (isInherited(key)) refuse(concat("'in' with a name every object inherits: ", key));
    return false;
  }
  if (tag === TAG_ARRAY) {
    if (equals(key, 'length')) return true;
    if (__tag(keyValue) === 0) {
      const i = __as_number(keyValue);
      return i >= 0 && i < arrayLength(o) && Math.floor(i) === i && !__same(__ld(__ld(o, 1), i), __hole());
    }
    return refuse("'in' on an array with a key that is not an index");
  }
  if (tag <= TAG_STRING)
    typeError(concat(concat(concat("Cannot use 'in' operator to search for '", key), "' in "), typeName(o)));
  return refuse("'in' on a Map, a Set, a function or a class");
}

/** Whether Object.prototype provides `key` (so that `in` finds it in JavaScript). */
function isInherited(key: string): boolean {
  const names =
    ' constructor hasOwnProperty isPrototypeOf propertyIsEnumerable toLocaleString toString valueOf __proto__ __defineGetter__ __defineSetter__ __lookupGetter__ __lookupSetter__ ';
  const n = __str_len(key);
  // A linear search for ' key ' in the list.
  for (let at = 0; at + n + 2 <= __str_len(names); at++) {
    if (__str_byte(names, at) !== 32 || __str_byte(names, at + n + 1) !== 32) continue;
    let same = true;
    for (let k = 0; k < n && same; k++) same = __str_byte(names, at + 1 + k) === __str_byte(key, k);
    if (same) return true;
  }
  return false;
}

/** How Node names a primitive in the `in` TypeError: as String() would. */
function typeName(v: unknown): string {
  const tag = __tag(v);
  if (tag === TAG_STRING) return __as_string(v);
  if (tag === 0) return numberToString(__as_number(v));
  if (tag === 1) return 'undefined';
  if (tag === 2) return 'null';
  return __as_boolean(v) ? 'true' : 'false';
}

/**
 * Runtime (TypeScript subset): classes. A class is a CLASS object (../../backend/abi.ts HEAP):
 * [0] name [1] parent class or null [2] prototype [3] statics [4] reserved. The prototype and the
 * statics are OBJECT dictionaries: methods are closures, accessors are WORDS pairs [getter, setter]
 * (a WORDS object is never a program value, so it cannot be confused with one), and anything else is
 * a plain value (the built-in errors' `name`). An instance is an OBJECT whose class word is its class;
 * its fields are its own properties, in the order they were defined (what console.log prints).
 */
import { referenceError, typeError } from './errors.js';
import { find, objectNew, setOwn } from './object.js';
import { concat } from './string.js';

declare function __alloc(kind: number, words: number): unknown;
declare function __ld(o: unknown, i: number): unknown;
declare function __st(o: unknown, i: number, v: unknown): void;
declare function __tag(v: unknown): number;
declare function __same(a: unknown, b: unknown): boolean;
declare function __callm(f: unknown, self: unknown): unknown;

const KIND_WORDS = 3;
const KIND_CLASS = 6;
const TAG_WORDS = 6;
const TAG_OBJECT = 7;
const TAG_CLOSURE = 8;
const TAG_CLASS = 9;

export function classNew(name: string, parent: unknown): unknown {
  const c = __alloc(KIND_CLASS, 5);
  __st(c, 0, name);
  __st(c, 1, parent);
  __st(c, 2, objectNew(0));
  __st(c, 3, objectNew(0));
  return c;
}

export function className(c: unknown): string {
  return __ld(c, 0) as string;
}

export function parentOf(c: unknown): unknown {
  return __ld(c, 1);
}

export function defineValue(c: unknown, key: string, v: unknown): void {
  setOwn(__ld(c, 2), key, v);
}

export function defineMethod(c: unknown, key: string, f: unknown): void {
  setOwn(__ld(c, 2), key, f);
}

export function defineStatic(c: unknown, key: string, v: unknown): void {
  setOwn(__ld(c, 3), key, v);
}

/** A getter (which = 0) or setter (1) on the prototype; the pair is shared by both halves. */
export function defineAccessor(c: unknown, key: string, f: unknown, which: number): void {
  accessorIn(__ld(c, 2), key, f, which);
}

/** A static getter (which = 0) or setter (1): a pair in the statics dictionary. */
export function defineStaticAccessor(c: unknown, key: string, f: unknown, which: number): void {
  accessorIn(__ld(c, 3), key, f, which);
}

function accessorIn(proto: unknown, key: string, f: unknown, which: number): void {
  const i = find(proto, key);
  let pair: unknown;
  if (i >= 0 && __tag(__ld(__ld(proto, 2), i)) === TAG_WORDS) pair = __ld(__ld(proto, 2), i);
  else {
    pair = __alloc(KIND_WORDS, 2);
    setOwn(proto, key, pair);
  }
  __st(pair, which, f);
}

/** A fresh instance of `c` (no fields yet: the constructor defines them). */
export function construct(c: unknown, name: string): unknown {
  if (__tag(c) !== TAG_CLASS)
    referenceError(concat(concat("Cannot access '", name), "' before initialization"));
  const o = objectNew(0);
  __st(o, 0, c);
  return o;
}

/** Looks `key` up on the prototypes from class `c` upward: the value, an accessor pair, or HOLE-free undefined. */
export function protoLookup(c: unknown, key: string): unknown {
  return chainLookup(c, 2, key);
}

export function protoHas(c: unknown, key: string): boolean {
  let k = c;
  while (__tag(k) === TAG_CLASS) {
    if (find(__ld(k, 2), key) >= 0) return true;
    k = __ld(k, 1);
  }
  return false;
}

/** A static member, inherited from parent classes; a static getter runs with the class as this. */
export function staticLookup(c: unknown, key: string): unknown {
  const v = chainLookup(c, 3, key);
  if (__tag(v) === TAG_WORDS) {
    const getter = __ld(v, 0);
    return __tag(getter) === TAG_CLOSURE ? __callm(getter, c) : undefined;
  }
  return v;
}

/** The static accessor pair `key` of `c` or an ancestor (undefined when it is a plain value or absent). */
export function staticAccessor(c: unknown, key: string): unknown {
  const v = chainLookup(c, 3, key);
  return __tag(v) === TAG_WORDS ? v : undefined;
}

/** `key` in dictionary `slot` (2 the prototype, 3 the statics) of `c` or its nearest ancestor having it. */
function chainLookup(c: unknown, slot: number, key: string): unknown {
  let k = c;
  while (__tag(k) === TAG_CLASS) {
    const dict = __ld(k, slot);
    const i = find(dict, key);
    if (i >= 0) return __ld(__ld(dict, 2), i);
    k = __ld(k, 1);
  }
  return undefined;
}

/**
 * `key` read through the prototypes from class `parent` upward with `self` as this (a getter runs on
 * it): `super.key` in a method of a subclass of `parent`, and an instance read that missed its own
 * properties (object.ts get).
 */
export function superGet(parent: unknown, key: string, self: unknown): unknown {
  const v = protoLookup(parent, key);
  if (__tag(v) === TAG_WORDS) {
    const getter = __ld(v, 0);
    return __tag(getter) === TAG_CLOSURE ? __callm(getter, self) : undefined;
  }
  return v;
}

export function instanceOf(v: unknown, c: unknown): boolean {
  if (__tag(c) !== TAG_CLASS) typeError("Right-hand side of 'instanceof' is not callable");
  if (__tag(v) !== TAG_OBJECT) return false;
  let k = __ld(v, 0);
  while (__tag(k) === TAG_CLASS) {
    if (__same(k, c)) return true;
    k = __ld(k, 1);
  }
  return false;
}

/** `[class B extends A]`, as console.log shows a class. */
export function classString(c: unknown): string {
  const parent = __ld(c, 1);
  const head = concat('[class ', className(c));
  if (__tag(parent) !== TAG_CLASS) return concat(head, ']');
  return concat(concat(concat(head, ' extends '), className(parent)), ']');
}

/**
 * The `lib` every Toro program is type-checked against, instead of TypeScript's lib.*.d.ts: exactly
 * what the runtime provides (the compiler refuses anything else), plus the few global interfaces the
 * checker needs to exist.
 */
import { TYPED_ARRAY_NAMES } from '../backend/abi.js';

export const LIB_FILE_NAME = '/toro-lib/lib.toro.d.ts';

/** One typed array's interface and constructor, in lib.es5's shape, for what the runtime has. */
function typedArray(name: string): string {
  const cb = (ret: string) => `(value: number, index: number, array: ${name}) => ${ret}`;
  return `
interface ${name} {
  readonly [Symbol.toStringTag]: '${name}';
  readonly buffer: ArrayBuffer;
  readonly byteLength: number;
  readonly byteOffset: number;
  readonly length: number;
  [index: number]: number;
  [Symbol.iterator](): IterableIterator<number>;
  at(index: number): number | undefined;
  every(predicate: ${cb('unknown')}): boolean;
  fill(value: number, start?: number, end?: number): this;
  filter(predicate: ${cb('unknown')}): ${name};
  find(predicate: ${cb('unknown')}): number | undefined;
  findIndex(predicate: ${cb('unknown')}): number;
  forEach(callbackfn: ${cb('void')}): void;
  includes(searchElement: number, fromIndex?: number): boolean;
  indexOf(searchElement: number, fromIndex?: number): number;
  join(separator?: string): string;
  lastIndexOf(searchElement: number, fromIndex?: number): number;
  map(callbackfn: ${cb('number')}): ${name};
  reduce(callbackfn: (previousValue: number, currentValue: number, currentIndex: number, array: ${name}) => number): number;
  reduce<U>(callbackfn: (previousValue: U, currentValue: number, currentIndex: number, array: ${name}) => U, initialValue: U): U;
  reverse(): this;
  set(array: ArrayLike<number>, offset?: number): void;
  slice(start?: number, end?: number): ${name};
  some(predicate: ${cb('unknown')}): boolean;
  subarray(begin?: number, end?: number): ${name};
  keys(): IterableIterator<number>;
  values(): IterableIterator<number>;
  entries(): IterableIterator<[number, number]>;
}
interface ${name}Constructor {
  new (length?: number): ${name};
  new (array: ArrayLike<number> | ArrayBuffer): ${name};
  new (buffer: ArrayBuffer, byteOffset?: number, length?: number): ${name};
  of(...items: number[]): ${name};
  from(arrayLike: ArrayLike<number>): ${name};
  from<T>(arrayLike: ArrayLike<T>, mapfn: (v: T, k: number) => number): ${name};
}
declare var ${name}: ${name}Constructor;`;
}

/** DataView's get/set pair of one element type (lib.es5's shape). */
function dataViewAccessors(type: string): string {
  const endian = type.endsWith('8') ? '' : ', littleEndian?: boolean';
  return `
  get${type}(byteOffset: number${endian}): number;
  set${type}(byteOffset: number, value: number${endian}): void;`;
}

const BINARY = `
interface ArrayBuffer {
  readonly [Symbol.toStringTag]: 'ArrayBuffer';
  readonly byteLength: number;
  slice(begin?: number, end?: number): ArrayBuffer;
}
interface ArrayBufferConstructor { new (byteLength: number): ArrayBuffer; }
declare var ArrayBuffer: ArrayBufferConstructor;
interface ArrayBufferView { readonly buffer: ArrayBuffer; readonly byteLength: number; readonly byteOffset: number; }
${TYPED_ARRAY_NAMES.map(typedArray).join('\n')}
interface DataView {
  readonly [Symbol.toStringTag]: 'DataView';
  readonly buffer: ArrayBuffer;
  readonly byteLength: number;
  readonly byteOffset: number;${['Int8', 'Uint8', 'Int16', 'Uint16', 'Int32', 'Uint32', 'Float32', 'Float64'].map(dataViewAccessors).join('')}
}
interface DataViewConstructor { new (buffer: ArrayBuffer, byteOffset?: number, byteLength?: number): DataView; }
declare var DataView: DataViewConstructor;
/** UTF-8 only, as the WHATWG Encoding standard's TextEncoder is. */
interface TextEncoder { readonly encoding: string; encode(input?: string): Uint8Array; }
interface TextEncoderConstructor { new (): TextEncoder; }
declare var TextEncoder: TextEncoderConstructor;
/** UTF-8 only (a label naming another encoding is a type error); no options (fatal, ignoreBOM). */
interface TextDecoder { readonly encoding: string; decode(input?: ArrayBuffer | ArrayBufferView): string; }
interface TextDecoderConstructor { new (label?: 'utf-8' | 'utf8' | 'unicode-1-1-utf-8'): TextDecoder; }
declare var TextDecoder: TextDecoderConstructor;
declare function atob(data: string): string;
declare function btoa(data: string): string;
`;

export const LIB_SOURCE = `
interface Array<T> {
  length: number;
  [n: number]: T;
  [Symbol.iterator](): IterableIterator<T>;
  push(...items: T[]): number;
  pop(): T | undefined;
  shift(): T | undefined;
  unshift(...items: T[]): number;
  slice(start?: number, end?: number): T[];
  splice(start: number, deleteCount?: number, ...items: T[]): T[];
  indexOf(searchElement: T, fromIndex?: number): number;
  includes(searchElement: T, fromIndex?: number): boolean;
  join(separator?: string): string;
  reverse(): T[];
  map<U>(callbackfn: (value: T, index: number, array: T[]) => U): U[];
  filter<S extends T>(predicate: (value: T, index: number, array: T[]) => value is S): S[];
  filter(predicate: (value: T, index: number, array: T[]) => unknown): T[];
  forEach(callbackfn: (value: T, index: number, array: T[]) => void): void;
  some(predicate: (value: T, index: number, array: T[]) => unknown): boolean;
  every(predicate: (value: T, index: number, array: T[]) => unknown): boolean;
  find(predicate: (value: T, index: number, array: T[]) => unknown): T | undefined;
  findIndex(predicate: (value: T, index: number, array: T[]) => unknown): number;
  reduce(callbackfn: (previousValue: T, currentValue: T, currentIndex: number, array: T[]) => T): T;
  reduce<U>(
    callbackfn: (previousValue: U, currentValue: T, currentIndex: number, array: T[]) => U,
    initialValue: U,
  ): U;
  sort(compareFn?: (a: T, b: T) => number): T[];
  keys(): IterableIterator<number>;
  values(): IterableIterator<T>;
  entries(): IterableIterator<[number, T]>;
  concat(...items: (T | readonly T[])[]): T[];
  at(index: number): T | undefined;
  fill(value: T, start?: number, end?: number): this;
  lastIndexOf(searchElement: T, fromIndex?: number): number;
  findLast(predicate: (value: T, index: number, array: T[]) => unknown): T | undefined;
  findLastIndex(predicate: (value: T, index: number, array: T[]) => unknown): number;
  flat<U>(this: (U | readonly U[])[], depth?: 1): U[];
  flat(depth: number): unknown[];
  flatMap<U>(callbackfn: (value: T, index: number, array: T[]) => U | readonly U[]): U[];
}
/** \`readonly T[]\`: the same arrays, without the methods that change them. */
interface ReadonlyArray<T> {
  readonly length: number;
  readonly [n: number]: T;
  [Symbol.iterator](): IterableIterator<T>;
  slice(start?: number, end?: number): T[];
  indexOf(searchElement: T, fromIndex?: number): number;
  includes(searchElement: T, fromIndex?: number): boolean;
  join(separator?: string): string;
  map<U>(callbackfn: (value: T, index: number, array: readonly T[]) => U): U[];
  filter(predicate: (value: T, index: number, array: readonly T[]) => unknown): T[];
  forEach(callbackfn: (value: T, index: number, array: readonly T[]) => void): void;
  some(predicate: (value: T, index: number, array: readonly T[]) => unknown): boolean;
  every(predicate: (value: T, index: number, array: readonly T[]) => unknown): boolean;
  find(predicate: (value: T, index: number, array: readonly T[]) => unknown): T | undefined;
  findIndex(predicate: (value: T, index: number, array: readonly T[]) => unknown): number;
  reduce(callbackfn: (previousValue: T, currentValue: T, currentIndex: number, array: readonly T[]) => T): T;
  reduce<U>(
    callbackfn: (previousValue: U, currentValue: T, currentIndex: number, array: readonly T[]) => U,
    initialValue: U,
  ): U;
  keys(): IterableIterator<number>;
  values(): IterableIterator<T>;
  entries(): IterableIterator<[number, T]>;
}
type Record<K extends keyof any, T> = { [P in K]: T };
type Partial<T> = { [P in keyof T]?: T[P] };
type Readonly<T> = { readonly [P in keyof T]: T[P] };
interface ArrayLike<T> { readonly length: number; readonly [n: number]: T; }
interface ArrayConstructor {
  isArray(arg: unknown): arg is unknown[];
  from<T>(source: Iterable<T> | ArrayLike<T>): T[];
  from<T, U>(source: Iterable<T> | ArrayLike<T>, mapfn: (v: T, k: number) => U): U[];
}
declare var Array: ArrayConstructor;
interface SymbolConstructor {
  readonly iterator: unique symbol;
  readonly asyncIterator: unique symbol;
  /** Only to tell the typed array interfaces apart, as lib.es2015 does. */
  readonly toStringTag: unique symbol;
}
declare var Symbol: SymbolConstructor;
interface IteratorYieldResult<TYield> { done?: false; value: TYield; }
interface IteratorReturnResult<TReturn> { done: true; value: TReturn; }
type IteratorResult<T, TReturn = undefined> = IteratorYieldResult<T> | IteratorReturnResult<TReturn>;
interface Iterator<T, TReturn = undefined, TNext = undefined> { next(...[value]: [] | [TNext]): IteratorResult<T, TReturn>; }
interface Iterable<T, TReturn = undefined, TNext = undefined> { [Symbol.iterator](): Iterator<T, TReturn, TNext>; }
interface IterableIterator<T, TReturn = undefined, TNext = undefined> extends Iterator<T, TReturn, TNext> {
  [Symbol.iterator](): IterableIterator<T, TReturn, TNext>;
}
interface IteratorObject<T, TReturn = undefined, TNext = undefined> extends Iterator<T, TReturn, TNext> {
  [Symbol.iterator](): IteratorObject<T, TReturn, TNext>;
}
type BuiltinIteratorReturn = undefined;
interface AsyncIterator<T, TReturn = undefined, TNext = undefined> {
  next(...[value]: [] | [TNext]): Promise<IteratorResult<T, TReturn>>;
}
interface AsyncIterable<T, TReturn = undefined, TNext = undefined> {
  [Symbol.asyncIterator](): AsyncIterator<T, TReturn, TNext>;
}
interface AsyncIterableIterator<T, TReturn = undefined, TNext = undefined> extends AsyncIterator<T, TReturn, TNext> {
  [Symbol.asyncIterator](): AsyncIterableIterator<T, TReturn, TNext>;
}
/**
 * Promises exist for async functions and the SDK's waiting calls. Compiled code runs an async
 * function to completion where it is awaited (every call to one must be awaited or returned), so a
 * Promise is never observed as a value: \`then\` is declared for the checker's await typing only.
 */
interface PromiseLike<T> {
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): PromiseLike<R1 | R2>;
}
interface Promise<T> {
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2>;
}
interface PromiseConstructor { readonly prototype: Promise<unknown>; }
declare var Promise: PromiseConstructor;
type Awaited<T> = T extends null | undefined
  ? T
  : T extends object & { then(onfulfilled: infer F, ...args: infer _): unknown }
    ? F extends (value: infer V, ...args: infer _) => unknown
      ? Awaited<V>
      : never
    : T;
/** Only the clock: \`Date.now()\`, milliseconds since 1970 (the VM's wall clock under Toro). */
interface DateConstructor { now(): number; }
declare var Date: DateConstructor;
interface Boolean {}
interface CallableFunction extends Function {}
interface Function { readonly name: string; }
interface IArguments {}
interface NewableFunction extends Function {}
interface Number {
  toFixed(fractionDigits?: number): string;
  toString(radix?: number): string;
  /** Declared so that using them gets Toro's diagnostic rather than "property does not exist". */
  toPrecision(precision?: number): string;
  toExponential(fractionDigits?: number): string;
}
interface NumberConstructor {
  (value?: unknown): number;
  isInteger(number: unknown): boolean;
  isSafeInteger(number: unknown): boolean;
  isNaN(number: unknown): boolean;
  isFinite(number: unknown): boolean;
  parseFloat(string: string): number;
  parseInt(string: string, radix?: number): number;
  readonly MAX_SAFE_INTEGER: number;
  readonly MIN_SAFE_INTEGER: number;
  readonly EPSILON: number;
  readonly MAX_VALUE: number;
  readonly MIN_VALUE: number;
  readonly POSITIVE_INFINITY: number;
  readonly NEGATIVE_INFINITY: number;
  readonly NaN: number;
}
declare var Number: NumberConstructor;
declare function parseInt(string: string, radix?: number): number;
declare function parseFloat(string: string): number;
declare function isNaN(number: number): boolean;
declare function isFinite(number: number): boolean;
interface Object {}
interface ObjectConstructor {
  keys(o: {}): string[];
  values<T>(o: { [s: string]: T } | ArrayLike<T>): T[];
  values(o: {}): unknown[];
  entries<T>(o: { [s: string]: T } | ArrayLike<T>): [string, T][];
  entries(o: {}): [string, unknown][];
}
declare var Object: ObjectConstructor;
interface RegExp {}
interface String {
  readonly length: number;
  readonly [index: number]: string;
  [Symbol.iterator](): IterableIterator<string>;
  slice(start?: number, end?: number): string;
  substring(start: number, end?: number): string;
  indexOf(searchString: string, position?: number): number;
  lastIndexOf(searchString: string, position?: number): number;
  includes(searchString: string, position?: number): boolean;
  startsWith(searchString: string, position?: number): boolean;
  endsWith(searchString: string, endPosition?: number): boolean;
  split(separator?: string, limit?: number): string[];
  trim(): string;
  trimStart(): string;
  trimEnd(): string;
  padStart(maxLength: number, fillString?: string): string;
  padEnd(maxLength: number, fillString?: string): string;
  repeat(count: number): string;
  toUpperCase(): string;
  toLowerCase(): string;
  charCodeAt(index?: number): number;
  charAt(pos?: number): string;
  at(index?: number): string | undefined;
  replace(searchValue: string, replaceValue: string): string;
  replaceAll(searchValue: string, replaceValue: string): string;
  toString(): string;
  concat(...strings: string[]): string;
  codePointAt(pos: number): number | undefined;
  /** Declared so that using them gets Toro's diagnostic rather than "property does not exist". */
  localeCompare(that: string): number;
  normalize(form?: string): string;
  match(regexp: RegExp): unknown;
  search(regexp: RegExp): number;
}
interface TemplateStringsArray {}

interface StringConstructor { (value?: unknown): string; fromCharCode(...codes: number[]): string; }
declare var String: StringConstructor;
interface BooleanConstructor { (value?: unknown): boolean; }
declare var Boolean: BooleanConstructor;
declare var NaN: number;
declare var Infinity: number;

interface Console { log(...data: unknown[]): void; error(...data: unknown[]): void; }
declare var console: Console;

interface Math {
  readonly PI: number;
  readonly E: number;
  abs(x: number): number;
  ceil(x: number): number;
  floor(x: number): number;
  imul(a: number, b: number): number;
  clz32(x: number): number;
  max(...values: number[]): number;
  min(...values: number[]): number;
  pow(x: number, y: number): number;
  round(x: number): number;
  sign(x: number): number;
  sqrt(x: number): number;
  trunc(x: number): number;
}
declare var Math: Math;

interface Error { name: string; message: string; stack?: string; }
interface ErrorConstructor { new (message?: string): Error; readonly prototype: Error; }
declare var Error: ErrorConstructor;
interface TypeError extends Error {}
interface TypeErrorConstructor extends ErrorConstructor { new (message?: string): TypeError; readonly prototype: TypeError; }
declare var TypeError: TypeErrorConstructor;
interface RangeError extends Error {}
interface RangeErrorConstructor extends ErrorConstructor { new (message?: string): RangeError; readonly prototype: RangeError; }
declare var RangeError: RangeErrorConstructor;
interface ReferenceError extends Error {}
interface ReferenceErrorConstructor extends ErrorConstructor { new (message?: string): ReferenceError; readonly prototype: ReferenceError; }
declare var ReferenceError: ReferenceErrorConstructor;
interface SyntaxError extends Error {}
interface SyntaxErrorConstructor extends ErrorConstructor { new (message?: string): SyntaxError; readonly prototype: SyntaxError; }
declare var SyntaxError: SyntaxErrorConstructor;

interface JSON {
  parse(text: string): unknown;
  stringify(value: unknown, replacer?: null, space?: string | number): string;
}
declare var JSON: JSON;

interface Map<K, V> {
  readonly size: number;
  get(key: K): V | undefined;
  set(key: K, value: V): this;
  has(key: K): boolean;
  delete(key: K): boolean;
  clear(): void;
  forEach(callbackfn: (value: V, key: K, map: Map<K, V>) => void): void;
  keys(): IterableIterator<K>;
  values(): IterableIterator<V>;
  entries(): IterableIterator<[K, V]>;
  [Symbol.iterator](): IterableIterator<[K, V]>;
}
interface ReadonlyMap<K, V> {
  readonly size: number;
  get(key: K): V | undefined;
  has(key: K): boolean;
  forEach(callbackfn: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void;
  keys(): IterableIterator<K>;
  values(): IterableIterator<V>;
  entries(): IterableIterator<[K, V]>;
  [Symbol.iterator](): IterableIterator<[K, V]>;
}
interface ReadonlySet<T> {
  readonly size: number;
  has(value: T): boolean;
  forEach(callbackfn: (value: T, value2: T, set: ReadonlySet<T>) => void): void;
  keys(): IterableIterator<T>;
  values(): IterableIterator<T>;
  entries(): IterableIterator<[T, T]>;
  [Symbol.iterator](): IterableIterator<T>;
}
interface MapConstructor { new <K, V>(entries?: readonly (readonly [K, V])[] | null): Map<K, V>; }
declare var Map: MapConstructor;
interface Set<T> {
  readonly size: number;
  add(value: T): this;
  has(value: T): boolean;
  delete(value: T): boolean;
  clear(): void;
  forEach(callbackfn: (value: T, value2: T, set: Set<T>) => void): void;
  keys(): IterableIterator<T>;
  values(): IterableIterator<T>;
  entries(): IterableIterator<[T, T]>;
  [Symbol.iterator](): IterableIterator<T>;
}
interface SetConstructor { new <T>(values?: readonly T[] | null): Set<T>; }
declare var Set: SetConstructor;

/** Declared so that using it gets Toro's diagnostic rather than "cannot find name". */
declare function eval(source: string): unknown;
${BINARY}`;

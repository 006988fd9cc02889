/**
 * The `lib` every Toro program is type-checked against, instead of TypeScript's lib.*.d.ts: exactly
 * what the runtime provides (the compiler refuses anything else), plus the few global interfaces the
 * checker needs to exist.
 */
export const LIB_FILE_NAME = '/toro-lib/lib.toro.d.ts';

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
  indexOf(searchElement: T, fromIndex?: number): number;
  includes(searchElement: T, fromIndex?: number): boolean;
  join(separator?: string): string;
  reverse(): T[];
  map<U>(callbackfn: (value: T, index: number, array: T[]) => U): U[];
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
}
interface SymbolConstructor { readonly iterator: unique symbol; }
declare var Symbol: SymbolConstructor;
interface IteratorResult<T> { done?: boolean; value: T; }
interface Iterator<T> { next(): IteratorResult<T>; }
interface Iterable<T> { [Symbol.iterator](): Iterator<T>; }
interface IterableIterator<T> extends Iterator<T> { [Symbol.iterator](): IterableIterator<T>; }
interface Boolean {}
interface CallableFunction {}
interface Function {}
interface IArguments {}
interface NewableFunction {}
interface Number {}
interface Object {}
interface RegExp {}
interface String { readonly length: number; readonly [index: number]: string; [Symbol.iterator](): IterableIterator<string>; }
interface TemplateStringsArray {}

interface StringConstructor { (value?: unknown): string; }
declare var String: StringConstructor;
declare var NaN: number;
declare var Infinity: number;

interface Console { log(...data: unknown[]): void; }
declare var console: Console;

interface Math {
  readonly PI: number;
  readonly E: number;
  abs(x: number): number;
  ceil(x: number): number;
  floor(x: number): number;
  max(...values: number[]): number;
  min(...values: number[]): number;
  pow(x: number, y: number): number;
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

/** Declared so that using it gets Toro's diagnostic rather than "cannot find name". */
declare function eval(source: string): unknown;
`;

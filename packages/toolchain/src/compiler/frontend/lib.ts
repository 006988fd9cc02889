/**
 * The `lib` every Toro program is type-checked against, instead of TypeScript's lib.*.d.ts: exactly
 * what the runtime provides (the compiler refuses anything else), plus the few global interfaces the
 * checker needs to exist.
 */
export const LIB_FILE_NAME = '/toro-lib/lib.toro.d.ts';

export const LIB_SOURCE = `
interface Array<T> { length: number; [n: number]: T; }
interface Boolean {}
interface CallableFunction {}
interface Function {}
interface IArguments {}
interface NewableFunction {}
interface Number {}
interface Object {}
interface RegExp {}
interface String { readonly length: number; }
interface TemplateStringsArray {}

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

interface Error { message: string; }
interface ErrorConstructor { new (message?: string): Error; }
declare var Error: ErrorConstructor;

/** Declared so that using it gets Toro's diagnostic rather than "cannot find name". */
declare function eval(source: string): unknown;
`;

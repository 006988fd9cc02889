/**
 * Runtime (TypeScript subset): value → text as console.log and String() do it, truthiness and
 * strict equality of boxed values, printing a line, and uncaught exceptions.
 * Tags (from __tag): 0 number, 1 undefined, 2 null, 3 boolean, 4 string, then heap kind + 3:
 * 5 array, 6 words, 7 object, 8 closure.
 */
import { elementString } from './array.js';
import { instanceOf } from './classes.js';
import { refuse, typeError } from './errors.js';
import { formatValue } from './inspect.js';
import { numberToString } from './number.js';
import { get } from './object.js';
import { concat, equals } from './string.js';

declare function __tag(v: unknown): number;
declare function __as_number(v: unknown): number;
declare function __as_string(v: unknown): string;
declare function __as_boolean(v: unknown): boolean;
declare function __same(a: unknown, b: unknown): boolean;
declare function __str_len(s: string): number;
declare function __str_byte(s: string, i: number): number;
declare function __write(fd: number, s: string): void;
declare function __uncaught_banner(): void;
declare function __exit(code: number): never;
declare function __throw(v: unknown): never;
declare function __gget(slot: number): unknown;

/** console.log's form of a number: like String(x) except that -0 shows its sign. */
export function logNumber(x: number): string {
  if (x === 0 && 1 / x < 0) return '-0';
  return numberToString(x);
}

export function toStringValue(v: unknown): string {
  const tag = __tag(v);
  if (tag === 0) return numberToString(__as_number(v));
  if (tag === 1) return 'undefined';
  if (tag === 2) return 'null';
  if (tag === 3) return __as_boolean(v) ? 'true' : 'false';
  if (tag === 4) return __as_string(v);
  if (isError(v)) return errorString(v);
  return elementString(v);
}

/** Whether `v` is an instance of Error (global slot 0, ./errors.ts). */
export function isError(v: unknown): boolean {
  return __tag(v) === 7 && instanceOf(v, __gget(0));
}

/** Error.prototype.toString: `name: message`, or just one of them when the other is empty. */
export function errorString(e: unknown): string {
  const name = toStringValue(get(e, 'name'));
  const message = toStringValue(get(e, 'message'));
  if (__str_len(message) === 0) return name;
  if (__str_len(name) === 0) return message;
  return concat(concat(name, ': '), message);
}

/** The `typeof` operator. */
export function typeOf(v: unknown): string {
  const tag = __tag(v);
  if (tag === 0) return 'number';
  if (tag === 1) return 'undefined';
  if (tag === 3) return 'boolean';
  if (tag === 4) return 'string';
  if (tag === 8 || tag === 9) return 'function';
  return 'object';
}

/** A console.log argument: strings print as they are, everything else as util.inspect shows it. */
export function inspectValue(v: unknown): string {
  if (__tag(v) === 4) return __as_string(v);
  return formatValue(v, 0, 0);
}

function typeName(tag: number): string {
  if (tag === 1) return 'undefined';
  if (tag === 2) return 'null';
  if (tag === 3) return 'a boolean';
  if (tag === 4) return 'a string';
  if (tag === 0) return 'a number';
  if (tag === 8) return 'a function';
  return 'an object';
}

/**
 * A value read from the heap (an element, a property) or asserted with `as` whose static type is
 * number, boolean or string: if the type lied (an out-of-bounds read, a wrong cast), stop with a
 * TypeError instead of using a value of the wrong representation.
 */
export function expectNumber(v: unknown): number {
  const tag = __tag(v);
  if (tag !== 0) staticTypeLied('a number', tag);
  return __as_number(v);
}

export function expectBoolean(v: unknown): boolean {
  const tag = __tag(v);
  if (tag !== 3) staticTypeLied('a boolean', tag);
  return __as_boolean(v);
}

export function expectString(v: unknown): unknown {
  const tag = __tag(v);
  if (tag !== 4) staticTypeLied('a string', tag);
  return v;
}

function staticTypeLied(expected: string, tag: number): never {
  const message = concat(concat(concat('toro: expected ', expected), ' here, got '), typeName(tag));
  return typeError(concat(message, ' (the static type did not hold)'));
}

export function truthy(v: unknown): boolean {
  const tag = __tag(v);
  if (tag === 0) {
    const n = __as_number(v);
    // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
    return n !== 0 && n === n;
  }
  if (tag === 3) return __as_boolean(v);
  if (tag === 4) return __str_len(__as_string(v)) > 0;
  return tag >= 5;
}

export function strictEquals(a: unknown, b: unknown): boolean {
  const tag = __tag(a);
  if (tag !== __tag(b)) return false;
  if (tag === 0) return __as_number(a) === __as_number(b);
  if (tag === 4) return equals(__as_string(a), __as_string(b));
  return __same(a, b);
}

export function writeLine(s: string): void {
  __write(1, concat(s, '\n'));
}

/** console.error's line, on stderr (on a Toro VM the console, like stdout). */
export function errorLine(s: string): void {
  __write(2, concat(s, '\n'));
}

/** `throw v`: unwinds to the innermost `try` (core.asm __rt_throw), or ends in `uncaught`. */
export function throwValue(v: unknown): void {
  __throw(v);
}

/**
 * An uncaught exception, on stderr, then exit status 1. An error prints as Node prints it (its
 * stack, then any other own properties); any other value as `Uncaught <value>`, the value as
 * console.log shows it. Node's first lines (the throwing source line and a caret) are not printed:
 * the image carries no source text (../../README.md "Stack traces").
 */
export function uncaught(v: unknown): void {
  __uncaught_banner(); // on a Toro VM: which CPU it escaped on, as `toro dev` reports it
  if (isError(v)) __write(2, concat(formatValue(v, 0, 0), '\n'));
  else __write(2, concat(concat('Uncaught ', formatValue(v, 0, 0)), '\n'));
  __exit(1);
}

/** The callee of a call through a function value: a closure, or JavaScript's TypeError. */
export function expectFunction(v: unknown): unknown {
  if (__tag(v) !== 8) typeError(concat(toStringValue(v), ' is not a function'));
  return v;
}

/** console.log(...a): each element as console.log shows an argument, separated by spaces. */
export function logSpread(a: unknown[]): void {
  let line = '';
  for (let i = 0; i < a.length; i++) {
    const v: unknown = a[i];
    if (i === 0 && __tag(v) === 4 && a.length > 1 && hasPercent(__as_string(v)))
      refuse('console.log format specifiers');
    if (i > 0) line = concat(line, ' ');
    line = concat(line, inspectValue(v));
  }
  writeLine(line);
}

function hasPercent(s: string): boolean {
  const n = __str_len(s);
  for (let i = 0; i < n; i++) if (__str_byte(s, i) === 37) return true;
  return false;
}

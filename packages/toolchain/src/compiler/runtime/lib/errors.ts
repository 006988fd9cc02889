/**
 * Runtime (TypeScript subset): Error, TypeError and RangeError, and the errors the runtime raises.
 * The five built-in classes (Error, TypeError, RangeError, ReferenceError, SyntaxError) are class objects
 * (./classes.ts) created by `init` when the program starts and kept in the program's global slots 0–4 (../../frontend/lower/context.ts
 * BUILTIN_CLASSES). A TypeError raised here is what JavaScript would throw at the same point
 * (reading a property of undefined, calling a non-function, a value that is not what its type says)
 * and can be caught; uncaught, it is printed on stderr and the program exits with status 1, like
 * Node. A refusal stops the program with status 70 when it reaches something this compiler does not
 * implement (../../README.md "Refused at run time") rather than compute something different.
 */
import { classNew, construct, defineValue } from './classes.js';
import { throwValue, toStringValue } from './console.js';
import { set } from './object.js';
import { capture } from './stack.js';
import { concat } from './string.js';

declare function __write(fd: number, s: string): void;
declare function __exit(code: number): never;
declare function __gget(slot: number): unknown;
declare function __gset(slot: number, v: unknown): void;
declare function __tag(v: unknown): number;

const ERROR = 0;
const TYPE_ERROR = 1;
const RANGE_ERROR = 2;
const REFERENCE_ERROR = 3;
const SYNTAX_ERROR = 4;

/** Called first by the program's main: creates the built-in error classes. */
export function init(): void {
  const error = builtinErrorClass('Error', null);
  defineValue(error, 'message', '');
  __gset(ERROR, error);
  __gset(TYPE_ERROR, builtinErrorClass('TypeError', error));
  __gset(RANGE_ERROR, builtinErrorClass('RangeError', error));
  __gset(REFERENCE_ERROR, builtinErrorClass('ReferenceError', error));
  __gset(SYNTAX_ERROR, builtinErrorClass('SyntaxError', error));
}

/** A built-in error class with its `name` on the prototype (__gset takes only a constant slot). */
function builtinErrorClass(name: string, parent: unknown): unknown {
  const c = classNew(name, parent);
  defineValue(c, 'name', name);
  return c;
}

/** `new C()` or `C.x` before `class C` ran (its global slot is still empty). */
export function referenceError(message: string): never {
  throwValue(makeError(__gget(REFERENCE_ERROR), message));
  return __exit(1);
}

/**
 * `super(message)` of a class extending a built-in error, and the built-ins' own constructor: the
 * message, and the stack trace of the program's frames (./stack.ts).
 */
export function initError(o: unknown, message: unknown): void {
  if (__tag(message) !== 1) set(o, 'message', toStringValue(message));
  capture(o);
}

/** `new Error(message)` (cls is one of the built-in classes). */
export function makeError(cls: unknown, message: unknown): unknown {
  const o = construct(cls, 'Error');
  initError(o, message);
  return o;
}

export function typeError(message: string): never {
  throwValue(makeError(__gget(TYPE_ERROR), message));
  return __exit(1);
}

export function syntaxError(message: string): never {
  throwValue(makeError(__gget(SYNTAX_ERROR), message));
  return __exit(1);
}

export function rangeError(message: string): never {
  throwValue(makeError(__gget(RANGE_ERROR), message));
  return __exit(1);
}

/** Called (through core.asm's __rt_stack_overflow) by a prologue past the stack limit. */
export function stackOverflow(): void {
  throwValue(makeError(__gget(RANGE_ERROR), 'Maximum call stack size exceeded'));
}

export function refuse(what: string): never {
  __write(2, concat(concat('toro: ', what), ' is not supported yet\n'));
  return __exit(70);
}

/**
 * Called (through core.asm's string primitives) when a value used as a string is not one: its
 * static type lied (an unsound cast, a bivariant parameter). JavaScript would have carried the
 * value on; Toro stops it with a TypeError before any memory is read through it.
 */
export function notAString(v: unknown): void {
  const tag = __tag(v);
  if (tag === 4) typeError('toro: string index out of range (runtime bug)');
  let got = 'an object';
  if (tag === 0) got = 'a number';
  else if (tag === 1) got = 'undefined';
  else if (tag === 2) got = 'null';
  else if (tag === 3) got = 'a boolean';
  typeError(concat(concat('toro: expected a string here, got ', got), ' (the static type did not hold)'));
}

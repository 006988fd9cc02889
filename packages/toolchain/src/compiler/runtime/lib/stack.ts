/**
 * Runtime (TypeScript subset): stack traces (../../README.md "Stack traces"). An error records the
 * program frames on the stack when it is made (`capture`, called by ./errors.ts initError): the
 * return offsets that the program's capture routine (../../backend/stack-table.ts) collects from
 * the RBP chain. Like V8, `err.stack` is written out when it is first read (`pendingStack`, called
 * by ./object.ts get), so a name or message set after construction (a subclass's `name` field)
 * shows in its first line. Until then the own property `stack` holds the offsets in a WORDS
 * object, a kind no program value can have. The runtime's own frames are not in the table and
 * never show, as Node leaves out its internals.
 */
import { className, parentOf } from './classes.js';
import { errorString } from './console.js';
import { numberToString } from './number.js';
import { setOwn } from './object.js';
import { concat, equals } from './string.js';
import { startsWith, sub } from './strmethods.js';

declare function __stack_capture(most: number): number;
declare function __stack_table(): unknown;
declare function __stack_names(): string;
declare function __scratch_get(i: number): number;
declare function __alloc(kind: number, words: number): unknown;
declare function __ld(o: unknown, i: number): unknown;
declare function __st(o: unknown, i: number, v: unknown): void;
declare function __len(o: unknown): number;
declare function __tag(v: unknown): number;
declare function __as_number(v: unknown): number;
declare function __str_len(s: string): number;

/** V8's default Error.stackTraceLimit. */
const LIMIT = 10;
/** Frames read before the error's own constructors are dropped (a deeper chain of them is cut). */
const CAPTURE = 64;
const KIND_WORDS = 3;
const TAG_CLASS = 9;
/** ../../backend/stack-table.ts STACK_TABLE. */
const POSITION_SHIFT = 536870912;
const LINE_SHIFT = 2048;
const NAME_SHIFT = 512;
const LINES = 262144;
const NAMES = 1048576;

/**
 * Records the program's frames into `o.stack`, innermost first, at most LIMIT of them. Like V8,
 * the frames of the error's own constructors (`new MyError` calling `super`) are left out.
 */
export function capture(o: unknown): void {
  const n = __stack_capture(CAPTURE);
  let first = 0;
  while (first < n && isOwnConstructor(o, frameName(__scratch_get(first)))) first++;
  const kept = Math.min(n - first, LIMIT);
  const frames = __alloc(KIND_WORDS, kept);
  for (let i = 0; i < kept; i++) __st(frames, i, __scratch_get(first + i));
  setOwn(o, 'stack', frames);
}

function isOwnConstructor(o: unknown, name: string): boolean {
  if (!startsWith(name, 'new ', 0)) return false;
  const cls = sub(name, 4, __str_len(name));
  let c = __ld(o, 0);
  while (__tag(c) === TAG_CLASS) {
    if (equals(className(c), cls)) return true;
    c = parentOf(c);
  }
  return false;
}

/** `o.stack` read while it still holds the captured frames (`frames` at value index `i`): writes it out. */
export function pendingStack(o: unknown, i: number, frames: unknown): string {
  let s = errorString(o);
  const n = __len(frames);
  for (let k = 0; k < n; k++) s = concat(concat(s, '\n    at '), frameText(__as_number(__ld(frames, k))));
  __st(__ld(o, 2), i, s);
  return s;
}

/** Index of the last packed word in table[from, from + n) below `key`, or -1. */
function search(table: unknown, from: number, n: number, key: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (__as_number(__ld(table, from + mid)) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Index of the function whose code holds return offset `at` (the call ends just before it), or -1. */
function functionAt(t: unknown, at: number): number {
  const positions = __as_number(__ld(t, 0));
  const functions = __as_number(__ld(t, 1));
  return search(t, 3 + positions, functions, at * POSITION_SHIFT);
}

/** The frame name of the function whose code holds return offset `at`. */
function frameName(at: number): string {
  const t = __stack_table();
  const k = functionAt(t, at);
  if (k < 0) return '';
  const w = __as_number(__ld(t, 3 + __as_number(__ld(t, 0)) + k));
  const high = Math.floor(w / NAME_SHIFT);
  const start = high - Math.floor(w / POSITION_SHIFT) * NAMES;
  return sub(__stack_names(), start, start + (w - high * NAME_SHIFT));
}

/** The source path of that function's module (each function's code comes from one file). */
function framePath(at: number): string {
  const t = __stack_table();
  const k = functionAt(t, at);
  if (k < 0) return '';
  const w = __as_number(__ld(t, 3 + __as_number(__ld(t, 0)) + __as_number(__ld(t, 1)) + k));
  const start = Math.floor(w / LINE_SHIFT);
  return sub(__stack_names(), start, start + (w - start * LINE_SHIFT));
}

/** `name (path:line:col)`, or `path:line:col` for the top level and anonymous functions. */
function frameText(at: number): string {
  const t = __stack_table();
  const positions = __as_number(__ld(t, 0));
  let where = framePath(at);
  const k = search(t, 3, positions, at * POSITION_SHIFT);
  if (k >= 0) {
    const w = __as_number(__ld(t, 3 + k));
    const high = Math.floor(w / LINE_SHIFT);
    const line = high - Math.floor(w / POSITION_SHIFT) * LINES;
    where = concat(
      concat(concat(concat(where, ':'), numberToString(line)), ':'),
      numberToString(w - high * LINE_SHIFT),
    );
  }
  const name = frameName(at);
  if (__str_len(name) === 0) return where;
  return concat(concat(concat(name, ' ('), where), ')');
}

/**
 * Cooperative threads. A thread runs on one CPU for its whole life and gives the CPU up only at an
 * `await` (a channel operation, `join`, `sleep`, `yieldNow`, or any other promise).
 *
 * Fairness: threads of one CPU that are ready to run take turns in the order they became ready (first
 * ready, first run). Nothing preempts a thread, so a loop that never awaits keeps its CPU's other threads
 * (and that CPU's share of the console, if it owns it) waiting; call `yieldNow()` in long computations.
 *
 * Two ways to start one:
 * - `spawn(fn, ...args)` on the calling CPU. `fn` may be any function, closures included: it shares the
 *   CPU's heap and module state, and the arguments are passed as they are.
 * - `spawnOn(cpu, fn, ...args)` on a chosen CPU. Each CPU is an isolate with its own heap and its own copy
 *   of every module, so `fn` must be a function declared `export function` at the top level of a module:
 *   the target CPU loads that module (its own copy) and calls the export of that name. The arguments and
 *   the result are copied (see `Cloneable`), even when `cpu` is the calling CPU, so a program behaves
 *   alike on 1 CPU and on many. Under `toro dev` a function that is not a top-level export is refused at
 *   the call with a TypeError; the compiler refuses it at compile time.
 *
 * An exception that escapes a thread's function is uncaught: the machine reports it with the CPU number
 * and the stack, and stops with exit code 1 (threads do not hand errors to `join`).
 */
import { type AnyFunction, backend, checkCpu } from './backend.js';

/**
 * What crosses CPUs (spawnOn arguments and results, channel messages) is copied by these rules: numbers,
 * strings, booleans, null, undefined, bigint, arrays, plain objects, Map, Set, Date, Uint8Array (and the
 * other typed arrays), channels (the copy is the same channel), and class instances by their own fields
 * (the copy is a plain object: methods and prototype stay behind). Functions and symbols cannot be copied.
 */
export type Cloneable =
  | number
  | string
  | boolean
  | null
  | undefined
  | bigint
  | Date
  | Uint8Array
  | readonly Cloneable[]
  | ReadonlyMap<Cloneable, Cloneable>
  | ReadonlySet<Cloneable>
  | { readonly [field: string]: Cloneable };

/** A started thread. */
export interface Thread<R> {
  /** The CPU it runs on. */
  readonly cpu: number;
  /** Waits until the thread's function has returned (or its promise resolved) and gives its result. */
  join(): Promise<R>;
}

/** Starts `fn(...args)` as a new thread on the calling CPU; it first runs when the caller next awaits. */
export function spawn<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>, ...args: A): Thread<R> {
  return backend().spawn(fn as AnyFunction, args) as Thread<R>;
}

/**
 * Starts `fn(...args)` as a new thread on CPU `cpu`, in that CPU's isolate, with copies of `args`. `fn`
 * must be a top-level exported function (see the file comment).
 */
export function spawnOn<A extends unknown[], R>(
  cpu: number,
  fn: (...args: A) => R | Promise<R>,
  ...args: A
): Thread<R> {
  checkCpu(cpu, 'spawnOn');
  return backend().spawnOn(cpu, fn as AnyFunction, args) as Thread<R>;
}

/** Lets the CPU's other ready threads run, then continues. */
export function yieldNow(): Promise<void> {
  return backend().yieldNow();
}

/** Suspends the calling thread for at least `ms` milliseconds; the CPU runs its other threads meanwhile. */
export function sleep(ms: number): Promise<void> {
  if (!(ms >= 0)) throw new RangeError(`sleep: ${ms} is not a duration in milliseconds`);
  return backend().sleep(ms);
}

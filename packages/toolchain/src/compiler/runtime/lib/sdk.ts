/**
 * Runtime (TypeScript subset): `@toro/sdk` for compiled services (../../frontend/sdk.ts declares the
 * API; calls arrive here as `rt.sdk.<name>` with every argument boxed). The machine comes from the OS
 * layer (os-toro.asm: the kernel ABI; os-linux.asm: one CPU, one node, the host's memory), and every
 * check and message is the one packages/sdk/src makes, so a service fails alike under `toro dev`.
 */
import { arrayNew, get as elementAt, length, push, set as setElement, shift } from './array.js';
import { toStringValue } from './console.js';
import { makeError, rangeError, typeError } from './errors.js';
import { get, objectNew, set } from './object.js';
import { concat } from './string.js';
import { channelObject, fromWire, toWire } from './wire.js';

declare function __tag(v: unknown): number;
declare function __as_number(v: unknown): number;
declare function __exit(code: number): never;
declare function __os_cpu_count(): number;
declare function __os_cpu_id(): number;
declare function __os_cpu_node(cpu: number): number;
declare function __os_node_count(): number;
declare function __os_node_mem(node: number, total: number): number;
declare function __sleep_ns(ns: number): void;
declare function __yield(): void;
declare function __block(): void;
declare function __wake(thread: number): void;
declare function __thread_new(fn: unknown, args: unknown): number;
declare function __thread_current(): number;
declare function __thread_value(thread: number, which: number): unknown;
declare function __thread_set_value(thread: number, which: number, v: unknown): void;
declare function __thread_word(thread: number, which: number): number;
declare function __thread_set_word(thread: number, which: number, x: number): void;
declare function __call(f: unknown, a: unknown, b: unknown, c: unknown, d: unknown): unknown;
declare function __sdk_state(): unknown;
declare function __sdk_set_state(v: unknown): void;
declare function __hole(): unknown;
declare function __gget(slot: number): unknown;
declare function __throw(v: unknown): never;

function isWhole(v: unknown): boolean {
  return __tag(v) === 0 && Math.floor(__as_number(v)) === __as_number(v);
}

/** Every CPU, by id: `{ id, node }`. */
export function cpus(): unknown {
  const n = __os_cpu_count();
  const list = arrayNew(0);
  for (let id = 0; id < n; id++) {
    const cpu = objectNew(0);
    set(cpu, 'id', id);
    set(cpu, 'node', __os_cpu_node(id));
    push(list, cpu);
  }
  return list;
}

export function currentCpu(): unknown {
  return __os_cpu_id();
}

/** The nodes, by id, each with its CPUs in ascending order. */
export function numaNodes(): unknown {
  const count = __os_node_count();
  const cpuCount = __os_cpu_count();
  const list = arrayNew(0);
  for (let id = 0; id < count; id++) {
    const ids = arrayNew(0);
    for (let cpu = 0; cpu < cpuCount; cpu++) if (__os_cpu_node(cpu) === id) push(ids, cpu);
    const node = objectNew(0);
    set(node, 'id', id);
    set(node, 'cpus', ids);
    push(list, node);
  }
  return list;
}

/** `memoryStats(node?)`: the node's memory in bytes (default: the calling CPU's node). */
export function memoryStats(node: unknown): unknown {
  const id = __tag(node) === 1 ? __os_cpu_node(__os_cpu_id()) : node;
  if (!isWhole(id) || __as_number(id) < 0 || __as_number(id) >= __os_node_count())
    rangeError(concat(concat('memoryStats: node ', toStringValue(id)), ' does not exist'));
  const n = __as_number(id);
  const stats = objectNew(0);
  set(stats, 'node', n);
  set(stats, 'totalBytes', __os_node_mem(n, 1));
  set(stats, 'freeBytes', __os_node_mem(n, 0));
  return stats;
}

/** `exit(code = 0)`: stops the machine. */
export function exit(code: unknown): unknown {
  const c = __tag(code) === 1 ? 0 : code;
  if (!isWhole(c) || __as_number(c) < 0 || __as_number(c) > 255)
    rangeError(concat('exit: code must be a whole number from 0 to 255, got ', toStringValue(c)));
  return __exit(__as_number(c));
}

/** `sleep(ms)`: the calling thread waits at least `ms` milliseconds; the CPU runs its other threads. */
export function sleep(ms: unknown): unknown {
  if (!(__tag(ms) === 0 && __as_number(ms) >= 0))
    rangeError(concat(concat('sleep: ', toStringValue(ms)), ' is not a duration in milliseconds'));
  __sleep_ns(Math.ceil(__as_number(ms) * 1e6));
  return undefined;
}

/** `yieldNow()`: the CPU's other ready threads run once, then this one continues. */
export function yieldNow(): unknown {
  __yield();
  return undefined;
}

// ---- Threads (runtime/threads.asm keeps each thread's record: 0 fn, 1 args, 2 result as values;
// words 0 state, 1 the record of a thread waiting in join).

const FN = 0;
const ARGS = 1;
const RESULT = 2;
const STATE = 0;
const JOINER = 1;
const FINISHED = 2;

/** `spawn(fn, ...args)`: a thread of this CPU runs `fn(...args)`, first when this one next waits. */
export function spawn(fn: unknown, args: unknown): unknown {
  if (__tag(fn) !== 8) typeError(concat(toStringValue(fn), ' is not a function'));
  if (length(args) > 4) rangeError('spawn: at most 4 arguments are supported by compiled services');
  const record = __thread_new(fn, args);
  if (record === 0) typeError('spawn: no thread could be created (threads need --target toro)');
  const thread = objectNew(0);
  set(thread, 'cpu', __os_cpu_id());
  set(thread, '__thread', record); // names its record (the SDK's Thread also has `cpu`)
  return thread;
}

/** Runs the current thread's function (threads.asm rt_thread_entry calls this on its own stack). */
export function threadRun(): void {
  const me = __thread_current();
  const fn = __thread_value(me, FN);
  const args = __thread_value(me, ARGS);
  __thread_set_value(me, FN, undefined);
  __thread_set_value(me, ARGS, undefined);
  const result = __call(fn, elementAt(args, 0), elementAt(args, 1), elementAt(args, 2), elementAt(args, 3));
  __thread_set_value(me, RESULT, result);
  __thread_set_word(me, STATE, FINISHED);
  const joiner = __thread_word(me, JOINER);
  if (joiner !== 0) __wake(joiner);
}

/** `thread.join()`: waits until the thread's function has returned, and gives its result. */
export function Thread_join(thread: unknown): unknown {
  const record = get(thread, '__thread');
  if (__tag(record) !== 0) typeError('join: not a thread of this CPU');
  const r = __as_number(record);
  const me = __thread_current();
  if (r === me) typeError('join: a thread cannot wait for itself');
  while (__thread_word(r, STATE) !== FINISHED) {
    const waiting = __thread_word(r, JOINER);
    if (waiting !== 0 && waiting !== me) typeError('join: another thread is already waiting for this one');
    __thread_set_word(r, JOINER, me);
    __block();
  }
  __thread_set_word(r, JOINER, 0);
  return __thread_value(r, RESULT);
}

// ---- Channels (the same semantics as packages/sdk/src/node/channels.ts ChannelHome). A channel's
// home state lives in its home CPU's SDK state (a per-CPU root); a thread holds a channel object
// (./wire.ts channelObject) naming its home and id. Queued values are in wire form (./wire.ts), so a
// receiver always gets its own copy. A waiting sender or receiver is a waiter [thread, reply, value],
// answered by `reply` and woken if it is not the thread answering.

const PENDING = 0;
const SENT = 1;
const CLOSED = 2;
const VALUE = 3;
const DONE = 4;

/** This CPU's SDK state: [channel homes]. */
function state(): unknown {
  let st = __sdk_state();
  if (__tag(st) === 1) {
    st = arrayNew(0);
    push(st, arrayNew(0));
    __sdk_set_state(st);
  }
  return st;
}

/** A channel home: [queue, senders ([wire, waiter]), receivers, closed (0/1), capacity, watchers]. */
function homeOf(ch: unknown): unknown {
  const id = get(ch, '__channel');
  if (__tag(id) !== 0) typeError('not a channel of @toro/sdk');
  if (__as_number(get(ch, 'home')) !== __os_cpu_id())
    typeError(
      'a channel of another CPU: compiled services reach other CPUs in a later version (use toro dev)',
    );
  return elementAt(elementAt(state(), 0), __as_number(id));
}

function waiter(): unknown {
  const w = arrayNew(0);
  push(w, __thread_current());
  push(w, PENDING);
  push(w, undefined);
  return w;
}

function reply(w: unknown, kind: number, value: unknown): void {
  setElement(w, 1, kind);
  setElement(w, 2, value);
  const t = __as_number(elementAt(w, 0));
  if (t !== __thread_current()) __wake(t);
}

/** Waits until `w` is answered; gives the answer's kind. */
function await_(w: unknown): number {
  while (__as_number(elementAt(w, 1)) === PENDING) __block();
  return __as_number(elementAt(w, 1));
}

function wakeWatchers(home: unknown): void {
  const watchers = elementAt(home, 5);
  while (length(watchers) > 0) __wake(__as_number(shift(watchers)));
}

/** `channel(capacity = 1)`. */
export function channel(capacity: unknown): unknown {
  const c = __tag(capacity) === 1 ? 1 : capacity;
  if (!isWhole(c) || __as_number(c) < 0)
    rangeError(concat('channel: capacity must be a whole number >= 0, got ', toStringValue(c)));
  const home = arrayNew(0);
  push(home, arrayNew(0));
  push(home, arrayNew(0));
  push(home, arrayNew(0));
  push(home, 0);
  push(home, c);
  push(home, arrayNew(0));
  const homes = elementAt(state(), 0);
  const id = length(homes);
  push(homes, home);
  return channelObject(__os_cpu_id(), id, __as_number(c));
}

function homeSend(home: unknown, wire: unknown, w: unknown): void {
  if (__as_number(elementAt(home, 3)) !== 0) {
    reply(w, CLOSED, undefined);
    return;
  }
  const receivers = elementAt(home, 2);
  if (length(receivers) > 0) {
    reply(shift(receivers), VALUE, wire);
    reply(w, SENT, undefined);
    return;
  }
  const queue = elementAt(home, 0);
  if (length(queue) < __as_number(elementAt(home, 4))) {
    push(queue, wire);
    reply(w, SENT, undefined);
  } else {
    const parked = arrayNew(0);
    push(parked, wire);
    push(parked, w);
    push(elementAt(home, 1), parked);
  }
  wakeWatchers(home);
}

/** Serves one receive now if it can: the oldest queued message (refilled from a waiting sender). */
function take(home: unknown, w: unknown): boolean {
  const queue = elementAt(home, 0);
  const senders = elementAt(home, 1);
  if (length(queue) > 0) {
    reply(w, VALUE, shift(queue));
    if (length(senders) > 0) {
      const s = shift(senders);
      push(queue, elementAt(s, 0));
      reply(elementAt(s, 1), SENT, undefined);
    }
    return true;
  }
  if (length(senders) > 0) {
    const s = shift(senders); // capacity 0: handed over directly
    reply(w, VALUE, elementAt(s, 0));
    reply(elementAt(s, 1), SENT, undefined);
    return true;
  }
  if (__as_number(elementAt(home, 3)) !== 0) {
    reply(w, DONE, undefined);
    return true;
  }
  return false;
}

/** `ch.send(value)`: a copy of `value` into the channel, waiting while it is full. */
export function Channel_send(ch: unknown, value: unknown): unknown {
  const home = homeOf(ch);
  const w = waiter();
  homeSend(home, toWire(value, 'value'), w);
  if (await_(w) === CLOSED) {
    const e = makeError(__gget(0), 'send on a closed channel');
    set(e, 'name', 'ChannelClosedError');
    __throw(e);
  }
  return undefined;
}

/** The message a waiter got, as `recv` gives it: `{ done, value }`. */
function received(w: unknown, kind: number): unknown {
  const r = objectNew(0);
  set(r, 'done', kind !== VALUE);
  set(r, 'value', kind === VALUE ? fromWire(__as_string(elementAt(w, 2))) : undefined);
  return r;
}

declare function __as_string(v: unknown): string;

/** `ch.recv()`: the oldest message, waiting while the channel is empty and open. */
export function Channel_recv(ch: unknown): unknown {
  const home = homeOf(ch);
  const w = waiter();
  if (!take(home, w)) push(elementAt(home, 2), w);
  return received(w, await_(w));
}

/** `for await (const v of ch)`: the next message, or a hole once the channel is closed and drained. */
export function Channel_next(ch: unknown): unknown {
  const home = homeOf(ch);
  const w = waiter();
  if (!take(home, w)) push(elementAt(home, 2), w);
  if (await_(w) !== VALUE) return __hole();
  return fromWire(__as_string(elementAt(w, 2)));
}

/** `ch.close()`: waiting senders fail, receivers drain what is queued. Closing twice is harmless. */
export function Channel_close(ch: unknown): unknown {
  const home = homeOf(ch);
  if (__as_number(elementAt(home, 3)) !== 0) return undefined;
  setElement(home, 3, 1);
  const senders = elementAt(home, 1);
  while (length(senders) > 0) reply(elementAt(shift(senders), 1), CLOSED, undefined);
  const receivers = elementAt(home, 2);
  while (length(receivers) > 0) reply(shift(receivers), DONE, undefined);
  wakeWatchers(home);
  return undefined;
}

/**
 * `select(channels)`: one message from whichever channel first has one (or is closed and drained),
 * rotating the starting channel from call to call so that none starves.
 */
export function select(channels: unknown): unknown {
  const n = length(channels);
  if (n === 0) rangeError('select: needs at least one channel');
  const st = state();
  if (length(st) < 2) push(st, 0);
  const start = __as_number(elementAt(st, 1)) % n;
  setElement(st, 1, __as_number(elementAt(st, 1)) + 1);
  const me = __thread_current();
  for (;;) {
    for (let k = 0; k < n; k++) {
      const index = (start + k) % n;
      const w = waiter();
      if (take(homeOf(elementAt(channels, index)), w)) {
        const r = received(w, __as_number(elementAt(w, 1)));
        set(r, 'index', index);
        return r;
      }
    }
    for (let k = 0; k < n; k++) push(elementAt(homeOf(elementAt(channels, k)), 5), me);
    __block();
  }
}

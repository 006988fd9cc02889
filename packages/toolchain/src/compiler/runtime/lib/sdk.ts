/**
 * Runtime (TypeScript subset): `@toro/sdk` for compiled services (../../frontend/sdk.ts declares the
 * API; calls arrive here as `rt.sdk.<name>` with every argument boxed). The machine comes from the OS
 * layer (os-toro.asm: the kernel ABI; os-linux.asm: one CPU, one node, the host's memory), and every
 * check and message is the one packages/sdk/src makes, so a service fails alike under `toro dev`.
 */
import { arrayNew, get as elementAt, length, pop, push, set as setElement, shift } from './array.js';
import { collectionNew, mapGet, mapSet, remove } from './collections.js';
import { toStringValue } from './console.js';
import { makeError, rangeError, typeError } from './errors.js';
import { stringify } from './json.js';
import { get, objectNew, set } from './object.js';
import { concat } from './string.js';
import { bytesView } from './typed.js';
import { channelObject, fromWire, toWire } from './wire.js';

declare function __tag(v: unknown): number;
declare function __as_number(v: unknown): number;
declare function __as_string(v: unknown): string;
declare function __as_boolean(v: unknown): boolean;
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
declare function __msg_send(cpu: number, type: number, a: number, b: number, c: number): void;
declare function __msg_recv(): number;
declare function __msg_word(i: number): number;
declare function __closure_code(f: unknown): number;
declare function __closure_new(code: number): unknown;
declare function __wire_pack(s: string): number;
declare function __wire_unpack(block: number): string;
declare function __console_block(block: number): void;
declare function __console_owner(cpu: number): void;
declare function __files_table(): unknown;
declare function __ld(o: unknown, i: number): unknown;
declare function __len(o: unknown): number;

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

// ---- Threads. runtime/threads.asm keeps a record for each running thread: value words 0 fn, 1 args,
// 2 target (the Thread object its result goes to, or for a spawnOn from another CPU the number of the
// join slot there); word 0 flags. The record is recycled once the function returns, so a finished
// thread costs nothing but its Thread object, which the collector frees like any other:
// { cpu, __done, __result, __joiner (the record of the thread waiting in join, or 0) }.

const FN = 0;
const ARGS = 1;
const TARGET = 2;
const FLAGS = 0;
/** FLAGS: the result is copied (spawnOn to this CPU), or sent to the CPU that asked (spawnOn from it). */
const COPY = 1;
const REPORT = 2;

/** `spawn(fn, ...args)`: a thread of this CPU runs `fn(...args)`, first when this one next waits. */
export function spawn(fn: unknown, args: unknown): unknown {
  if (__tag(fn) !== 8) typeError(concat(toStringValue(fn), ' is not a function'));
  if (length(args) > 4) rangeError('spawn: at most 4 arguments are supported by compiled services');
  const thread = threadObject(__os_cpu_id());
  set(thread, '__record', startThread(fn, args, 0, thread));
  return thread;
}

/** The SDK's Thread as compiled services see it, not finished yet. */
function threadObject(cpu: number): unknown {
  const thread = objectNew(0);
  set(thread, 'cpu', cpu);
  set(thread, '__done', false);
  set(thread, '__result', undefined);
  set(thread, '__joiner', 0);
  set(thread, '__record', 0); // while it runs on this CPU: its record (so that it cannot join itself)
  return thread;
}

/** A thread of this CPU running fn(...args); `flags` and `target` as threadRun reads them. */
function startThread(fn: unknown, args: unknown, flags: number, target: unknown): number {
  const record = __thread_new(fn, args);
  if (record === 0) typeError('spawn: no thread could be created (threads need --target toro)');
  __thread_set_word(record, FLAGS, flags);
  __thread_set_value(record, TARGET, target);
  return record;
}

/** Runs the current thread's function (threads.asm rt_thread_entry calls this on its own stack). */
export function threadRun(): void {
  const me = __thread_current();
  const fn = __thread_value(me, FN);
  const args = __thread_value(me, ARGS);
  const target = __thread_value(me, TARGET);
  __thread_set_value(me, FN, undefined);
  __thread_set_value(me, ARGS, undefined);
  __thread_set_value(me, TARGET, undefined);
  const result = __call(fn, elementAt(args, 0), elementAt(args, 1), elementAt(args, 2), elementAt(args, 3));
  const flags = __thread_word(me, FLAGS);
  if (flags === REPORT) {
    const to = __as_number(target);
    sendWire(Math.floor(to / CPU_SHIFT), MSG_RESULT, to % CPU_SHIFT, toWire(result, 'result'), 0);
  } else {
    finish(target, flags === COPY ? fromWire(toWire(result, 'result')) : result);
  }
}

/** A thread's function returned `result`: its Thread object says so, and a joiner wakes. */
function finish(thread: unknown, result: unknown): void {
  set(thread, '__result', result);
  set(thread, '__done', true);
  set(thread, '__record', 0);
  const joiner = __as_number(get(thread, '__joiner'));
  if (joiner !== 0) __wake(joiner);
}

/** `thread.join()`: waits until the thread's function has returned, and gives its result. */
export function Thread_join(thread: unknown): unknown {
  if (__tag(get(thread, '__done')) !== 3) typeError('join: not a thread of @toro/sdk');
  const me = __thread_current();
  if (__as_number(get(thread, '__record')) === me) typeError('join: a thread cannot wait for itself');
  while (!__as_boolean(get(thread, '__done'))) {
    const waiting = __as_number(get(thread, '__joiner'));
    if (waiting !== 0 && waiting !== me) typeError('join: another thread is already waiting for this one');
    set(thread, '__joiner', me);
    __block();
    set(thread, '__joiner', 0);
  }
  return get(thread, '__result');
}

// ---- Channels (the same semantics as packages/sdk/src/node/channels.ts ChannelHome). A channel's
// home state lives in its home CPU's SDK state (a per-CPU root); a thread holds a channel object
// (./wire.ts channelObject) naming its home and id. Queued values are in wire form (./wire.ts), so a
// receiver always gets its own copy. A waiting sender or receiver is a waiter [thread, reply, value],
// answered by `reply` and woken if it is not the thread answering.

const KIND_MAP = 7; // collectionNew's kind for a Map
const PENDING = 0;
const SENT = 1;
const CLOSED = 2;
const VALUE = 3;
const DONE = 4;
const EMPTY = 5; // select's poll: nothing yet (a watcher is left)

/**
 * This CPU's SDK state: [channel homes (a Map by id), select's turn, remote waits (a table), join
 * slots (a table), net0's CPU, the next channel id, the closed home, the embedded files' views].
 */
function state(): unknown {
  let st = __sdk_state();
  if (__tag(st) === 1) {
    st = arrayNew(0);
    push(st, collectionNew(KIND_MAP, undefined));
    push(st, 0);
    push(st, tableNew());
    push(st, tableNew());
    push(st, 0);
    push(st, 0);
    push(st, homeNew(0));
    push(st, undefined);
    setElement(elementAt(st, 6), 3, 1);
    __sdk_set_state(st);
  }
  return st;
}

/**
 * A channel home: [queue, senders ([wire, waiter]), receivers, closed (0/1), capacity, watchers].
 * A home that is closed and drained is dropped (retire): every channel object naming it, on any CPU,
 * then meets the one closed home, which answers as it would have (send fails, receive is done).
 */
function homeOf(ch: unknown): unknown {
  return homeById(channelId(ch));
}

function homeById(id: number): unknown {
  const home = mapGet(elementAt(state(), 0), id);
  return __tag(home) === 1 ? elementAt(state(), 6) : home;
}

function homeNew(capacity: unknown): unknown {
  const home = arrayNew(0);
  push(home, arrayNew(0));
  push(home, arrayNew(0));
  push(home, arrayNew(0));
  push(home, 0);
  push(home, capacity);
  push(home, arrayNew(0));
  return home;
}

/** Drops channel `id`'s home once nothing can change any more: closed, its queue drained. */
function retire(id: number, home: unknown): void {
  if (__as_number(elementAt(home, 3)) !== 0 && length(elementAt(home, 0)) === 0)
    remove(elementAt(state(), 0), id);
}

// A table hands out small ids for values that are looked up once by id and then released (a waiter
// answered by one MSG_REPLY, a join slot filled by one MSG_RESULT): [values, free ids].
function tableNew(): unknown {
  const t = arrayNew(0);
  push(t, arrayNew(0));
  push(t, arrayNew(0));
  return t;
}

function tableAdd(t: unknown, v: unknown): number {
  const values = elementAt(t, 0);
  const free = elementAt(t, 1);
  if (length(free) === 0) {
    push(values, v);
    return length(values) - 1;
  }
  const id = __as_number(pop(free));
  setElement(values, id, v);
  return id;
}

/** The value under `id`, which is free again from now on. */
function tableTake(t: unknown, id: number): unknown {
  const values = elementAt(t, 0);
  const v = elementAt(values, id);
  setElement(values, id, undefined);
  push(elementAt(t, 1), id);
  return v;
}

function channelId(ch: unknown): number {
  const id = get(ch, '__channel');
  if (__tag(id) !== 0) typeError('not a channel of @toro/sdk');
  return __as_number(id);
}

/** The CPU a channel lives on (its queue is there; other CPUs reach it with messages). */
function homeCpu(ch: unknown): number {
  return __as_number(get(ch, 'home'));
}

function waiter(): unknown {
  const w = arrayNew(0);
  push(w, __thread_current());
  push(w, PENDING);
  push(w, undefined);
  return w;
}

function reply(w: unknown, kind: number, value: unknown): void {
  if (length(w) > 3) {
    // A waiter of another CPU: [-, -, -, cpu, its waiter's id there]; the answer travels as MSG_REPLY.
    const cpu = __as_number(elementAt(w, 3));
    const id = __as_number(elementAt(w, 4));
    if (kind === VALUE) sendWire(cpu, MSG_REPLY, id, __as_string(value), kind);
    else __msg_send(cpu, MSG_REPLY, id, 0, kind);
    return;
  }
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

/** A watcher (a thread in select) is a thread of this CPU, or [cpu, thread] of another (MSG_WAKE). */
function wakeWatchers(home: unknown): void {
  const watchers = elementAt(home, 5);
  while (length(watchers) > 0) {
    const w = shift(watchers);
    if (__tag(w) === 0) __wake(__as_number(w));
    else __msg_send(__as_number(elementAt(w, 0)), MSG_WAKE, __as_number(elementAt(w, 1)), 0, 0);
  }
}

/** `channel(capacity = 1)`. */
export function channel(capacity: unknown): unknown {
  const c = __tag(capacity) === 1 ? 1 : capacity;
  if (!isWhole(c) || __as_number(c) < 0)
    rangeError(concat('channel: capacity must be a whole number >= 0, got ', toStringValue(c)));
  const st = state();
  const id = __as_number(elementAt(st, 5));
  setElement(st, 5, id + 1);
  mapSet(elementAt(st, 0), id, homeNew(c));
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

/** Serves one receive from channel `id` now if it can: the oldest queued message (refilled from a
 * waiting sender). */
function take(id: number, home: unknown, w: unknown): boolean {
  const queue = elementAt(home, 0);
  const senders = elementAt(home, 1);
  if (length(queue) > 0) {
    reply(w, VALUE, shift(queue));
    if (length(senders) > 0) {
      const s = shift(senders);
      push(queue, elementAt(s, 0));
      reply(elementAt(s, 1), SENT, undefined);
    }
    retire(id, home);
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
  const w = waiter();
  const wire = toWire(value, 'value');
  if (homeCpu(ch) === __os_cpu_id()) homeSend(homeOf(ch), wire, w);
  else sendWire(homeCpu(ch), MSG_SEND, channelId(ch), wire, remoteWait(w));
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

/** `ch.recv()`: the oldest message, waiting while the channel is empty and open. */
export function Channel_recv(ch: unknown): unknown {
  const w = waiter();
  startRecv(ch, w);
  return received(w, await_(w));
}

/** A receive from `ch` answered into `w`: at once at home if it can, else when a message comes. */
function startRecv(ch: unknown, w: unknown): void {
  if (homeCpu(ch) !== __os_cpu_id()) {
    __msg_send(homeCpu(ch), MSG_RECV, channelId(ch), 0, remoteWait(w));
    return;
  }
  const id = channelId(ch);
  const home = homeById(id);
  if (!take(id, home, w)) push(elementAt(home, 2), w);
}

/** `for await (const v of ch)`: the next message, or a hole once the channel is closed and drained. */
export function Channel_next(ch: unknown): unknown {
  const w = waiter();
  startRecv(ch, w);
  if (await_(w) !== VALUE) return __hole();
  return fromWire(__as_string(elementAt(w, 2)));
}

/** `ch.close()`: waiting senders fail, receivers drain what is queued. Closing twice is harmless. */
export function Channel_close(ch: unknown): unknown {
  if (homeCpu(ch) !== __os_cpu_id()) __msg_send(homeCpu(ch), MSG_CLOSE, channelId(ch), 0, 0);
  else closeHome(channelId(ch));
  return undefined;
}

function closeHome(id: number): void {
  const home = homeById(id);
  if (__as_number(elementAt(home, 3)) !== 0) return;
  setElement(home, 3, 1);
  const senders = elementAt(home, 1);
  while (length(senders) > 0) reply(elementAt(shift(senders), 1), CLOSED, undefined);
  const receivers = elementAt(home, 2);
  while (length(receivers) > 0) reply(shift(receivers), DONE, undefined);
  wakeWatchers(home);
  retire(id, home);
}

/**
 * `select(channels)`: one message from whichever channel first has one (or is closed and drained),
 * rotating the starting channel from call to call so that none starves.
 */
export function select(channels: unknown): unknown {
  const n = length(channels);
  if (n === 0) rangeError('select: needs at least one channel');
  const st = state();
  const start = __as_number(elementAt(st, 1)) % n;
  setElement(st, 1, __as_number(elementAt(st, 1)) + 1);
  const me = __thread_current();
  for (;;) {
    // One pass in turn order: the first channel with a message (or closed and drained) gives it;
    // each one without leaves a watcher that wakes this thread when that changes.
    for (let k = 0; k < n; k++) {
      const index = (start + k) % n;
      const ch = elementAt(channels, index);
      const w = waiter();
      if (homeCpu(ch) === __os_cpu_id()) poll(channelId(ch), w, me);
      else __msg_send(homeCpu(ch), MSG_POLL, channelId(ch), me, remoteWait(w));
      const kind = await_(w);
      if (kind !== EMPTY) {
        const r = received(w, kind);
        set(r, 'index', index);
        return r;
      }
    }
    __block();
  }
}

/** Takes a message for `w` if one is ready; otherwise leaves `watcher` to be woken and answers EMPTY. */
function poll(id: number, w: unknown, watcher: unknown): void {
  const home = homeById(id);
  if (take(id, home, w)) return;
  const watchers = elementAt(home, 5);
  if (!watching(watchers, watcher)) push(watchers, watcher); // a select that comes round again
  reply(w, EMPTY, undefined);
}

function watching(watchers: unknown, watcher: unknown): boolean {
  const n = length(watchers);
  for (let i = 0; i < n; i++) {
    const w = elementAt(watchers, i);
    if (__tag(w) === 0 && __tag(watcher) === 0 && __as_number(w) === __as_number(watcher)) return true;
    if (
      __tag(w) === 5 &&
      __tag(watcher) === 5 &&
      __as_number(elementAt(w, 0)) === __as_number(elementAt(watcher, 0)) &&
      __as_number(elementAt(w, 1)) === __as_number(elementAt(watcher, 1))
    )
      return true;
  }
  return false;
}

// ---- Between CPUs. Each CPU's pump (os-toro.asm starts it: a thread on CPU 0, the main thread
// elsewhere once the top-level code has run) takes the messages of this protocol from the kernel's
// matrix. Values travel in wire form, packed into a block of kernel memory (threads.asm
// __rt_wire_pack) that the receiving CPU unpacks into its own heap and frees.

const MSG_SPAWN = 1; // a = function's code, b = packed arguments, c = cpu·2^32 + join slot
const MSG_RESULT = 2; // a = join slot, b = packed result
const MSG_SEND = 3; // a = channel, b = packed value, c = cpu·2^32 + remote wait
const MSG_RECV = 4; // a = channel, c = cpu·2^32 + remote wait
const MSG_CLOSE = 5; // a = channel
const MSG_REPLY = 6; // a = remote wait, b = packed value or 0, c = kind
const MSG_CONSOLE = 7; // a = a block of console bytes (os-toro.asm os_write sends it to the owner)
const MSG_EXIT = 8; // a = exit status (os-toro.asm os_exit on a CPU that does not own the console)
const MSG_OWNER = 9; // a = the resource's new owner, b = which resource (RESOURCE_*)
const MSG_POLL = 10; // a = channel, b = the asking thread, c = cpu·2^32 + remote wait
const MSG_WAKE = 11; // a = a thread of this CPU waiting in select
const CPU_SHIFT = 4294967296;

function sendWire(cpu: number, type: number, a: number, wire: string, c: number): void {
  const block = __wire_pack(wire);
  if (block === 0) rangeError('out of memory for a message to another CPU');
  __msg_send(cpu, type, a, block, c);
}

/** Registers `w` to be answered by a MSG_REPLY; gives the address other CPUs answer (cpu·2^32 + id). */
function remoteWait(w: unknown): number {
  return __os_cpu_id() * CPU_SHIFT + tableAdd(elementAt(state(), 2), w);
}

/** A waiter of another CPU, as a home keeps it: answered with MSG_REPLY. */
function remoteWaiter(address: number): unknown {
  const w = arrayNew(0);
  push(w, 0);
  push(w, PENDING);
  push(w, undefined);
  push(w, Math.floor(address / CPU_SHIFT));
  push(w, address % CPU_SHIFT);
  return w;
}

/**
 * `spawnOn(cpu, fn, ...args)`: `fn` (a top-level export function: the compiler checks) runs on CPU
 * `cpu` in that CPU's isolate, with copies of the arguments; join gives a copy of its result.
 */
export function spawnOn(cpu: unknown, fn: unknown, args: unknown): unknown {
  checkCpu(cpu, 'spawnOn');
  if (__tag(fn) !== 8) typeError(concat(toStringValue(fn), ' is not a function'));
  if (length(args) > 4) rangeError('spawnOn: at most 4 arguments are supported by compiled services');
  const wire = toWire(args, 'argument');
  const target = __as_number(cpu);
  const thread = threadObject(target);
  if (target === __os_cpu_id()) {
    set(thread, '__record', startThread(fn, fromWire(wire), COPY, thread));
    return thread;
  }
  // Its result comes back as a MSG_RESULT to a join slot here, which holds the Thread until then.
  const slot = tableAdd(elementAt(state(), 3), thread);
  sendWire(target, MSG_SPAWN, __closure_code(fn), wire, __os_cpu_id() * CPU_SHIFT + slot);
  return thread;
}

/** This CPU's message pump: serves the protocol above, for good. */
export function pump(): void {
  for (;;) {
    __msg_recv();
    const type = __msg_word(0);
    const a = __msg_word(1);
    const b = __msg_word(2);
    const c = __msg_word(3);
    if (type === MSG_SPAWN) {
      const args = fromWire(__wire_unpack(b));
      startThread(__closure_new(a), args, REPORT, c);
    } else if (type === MSG_RESULT) {
      finish(tableTake(elementAt(state(), 3), a), fromWire(__wire_unpack(b)));
    } else if (type === MSG_SEND) {
      homeSend(homeById(a), __wire_unpack(b), remoteWaiter(c));
    } else if (type === MSG_RECV) {
      const home = homeById(a);
      const w = remoteWaiter(c);
      if (!take(a, home, w)) push(elementAt(home, 2), w);
    } else if (type === MSG_CLOSE) {
      closeHome(a);
    } else if (type === MSG_CONSOLE) {
      __console_block(a);
    } else if (type === MSG_EXIT) {
      __exit(a);
    } else if (type === MSG_POLL) {
      const watcher = arrayNew(0);
      push(watcher, Math.floor(c / CPU_SHIFT));
      push(watcher, b);
      poll(a, remoteWaiter(c), watcher);
    } else if (type === MSG_WAKE) {
      __wake(a);
    } else if (type === MSG_OWNER) {
      own(b, a);
    } else if (type === MSG_REPLY) {
      reply(tableTake(elementAt(state(), 2), a), c, b === 0 ? undefined : __wire_unpack(b));
    }
  }
}

/** The resources dedicate() moves, as MSG_OWNER names them. */
const RESOURCE_CONSOLE = 0;
const RESOURCE_NET0 = 1;

/**
 * `dedicate(resource, cpu)`: `cpu` owns the resource from now on, and every CPU learns it (MSG_OWNER).
 * The console: every CPU sends its lines there (os-toro.asm os_write), so lines never interleave
 * mid-line. net0: the CPU whose first socket call brings the network up (networkCpu()).
 */
export function dedicate(resource: unknown, cpu: unknown): unknown {
  const name = __tag(resource) === 4 ? __as_string(resource) : '';
  if (name !== 'console' && name !== 'net0')
    typeError(
      concat('dedicate: unknown resource ', toStringValue(stringify(resource, undefined, undefined))),
    );
  checkCpu(cpu, 'dedicate');
  const r = name === 'console' ? RESOURCE_CONSOLE : RESOURCE_NET0;
  const owner = __as_number(cpu);
  const count = __os_cpu_count();
  for (let c = 0; c < count; c++) {
    if (c === __os_cpu_id()) own(r, owner);
    else __msg_send(c, MSG_OWNER, owner, r, 0);
  }
  return undefined;
}

/** This CPU learns that `owner` owns resource `r`. */
function own(r: number, owner: number): void {
  if (r === RESOURCE_CONSOLE) __console_owner(owner);
  else setElement(state(), 4, owner);
}

/**
 * `embeddedFiles()`: a new Map of the files compiled into the image (../../backend/embedded-files.ts),
 * path → a Uint8Array over this CPU's copy of the service's data (no copy here), in the table's order.
 * The views are made once per CPU, so every call gives the same Uint8Array for a path, as under
 * `toro dev`.
 */
export function embeddedFiles(): unknown {
  const table = __files_table();
  const n = __as_number(__ld(table, 0));
  let views = elementAt(state(), 7);
  if (views === undefined) {
    views = arrayNew(0);
    for (let i = 0; i < n; i++) {
      const bytes = __ld(table, 2 + 2 * i);
      push(views, bytesView(bytes, __len(bytes)));
    }
    setElement(state(), 7, views);
  }
  const files = collectionNew(KIND_MAP, undefined);
  for (let i = 0; i < n; i++) mapSet(files, __ld(table, 1 + 2 * i), elementAt(views, i));
  return files;
}

/** `networkCpu()`: the CPU net0 is dedicated to (0 until dedicate('net0', cpu) moves it). */
export function networkCpu(): unknown {
  return elementAt(state(), 4);
}

/** The SDK's check of a CPU number (packages/sdk/src/backend.ts checkCpu), with its message. */
function checkCpu(cpu: unknown, what: string): void {
  const count = __os_cpu_count();
  if (!isWhole(cpu) || __as_number(cpu) < 0 || __as_number(cpu) >= count)
    rangeError(
      concat(
        concat(
          concat(
            concat(concat(what, ': CPU '), toStringValue(cpu)),
            ' does not exist (this machine has CPUs 0 to ',
          ),
          toStringValue(count - 1),
        ),
        ')',
      ),
    );
}

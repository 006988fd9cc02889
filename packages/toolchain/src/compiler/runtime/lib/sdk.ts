/**
 * Runtime (TypeScript subset): `@toro/sdk` for compiled services (../../frontend/sdk.ts declares the
 * API; calls arrive here as `rt.sdk.<name>` with every argument boxed). The machine comes from the OS
 * layer (os-toro.asm: the kernel ABI; os-linux.asm: one CPU, one node, the host's memory), and every
 * check and message is the one packages/sdk/src makes, so a service fails alike under `toro dev`.
 */
import { arrayNew, push } from './array.js';
import { toStringValue } from './console.js';
import { rangeError } from './errors.js';
import { objectNew, set } from './object.js';
import { concat } from './string.js';

declare function __tag(v: unknown): number;
declare function __as_number(v: unknown): number;
declare function __exit(code: number): never;
declare function __os_cpu_count(): number;
declare function __os_cpu_id(): number;
declare function __os_cpu_node(cpu: number): number;
declare function __os_node_count(): number;
declare function __os_node_mem(node: number, total: number): number;
declare function __os_sleep_ns(ns: number): void;
declare function __os_yield(): void;

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
  __os_sleep_ns(Math.ceil(__as_number(ms) * 1e6));
  return undefined;
}

/** `yieldNow()`: the CPU's other ready threads run once, then this one continues. */
export function yieldNow(): unknown {
  __os_yield();
  return undefined;
}

/**
 * CPUs and NUMA nodes: which CPUs the machine has, which node each belongs to, which CPU the calling
 * thread runs on, and each node's memory.
 *
 * CPUs are numbered densely from 0; CPU 0 boots and runs `main()`. Under `toro dev` the CPUs are worker
 * threads and the nodes are as many as `--numa` asks (default 1), CPUs split over them in contiguous
 * blocks the way `toro run --numa` splits a VM's CPUs. Memory statistics under `toro dev` are the host's
 * real numbers (`os.totalmem()`, `os.freemem()`) divided evenly between the nodes: honest about the host,
 * not a simulation of the VM's `memory` setting.
 */
import { backend } from './backend.js';

/** One CPU of the machine. */
export interface CpuInfo {
  /** Dense CPU number, 0 for the boot CPU. */
  readonly id: number;
  /** The NUMA node the CPU belongs to. */
  readonly node: number;
}

/** One NUMA node: its CPUs (ascending). */
export interface NumaNode {
  readonly id: number;
  readonly cpus: readonly number[];
}

/** A node's memory, in bytes. */
export interface MemoryStats {
  readonly node: number;
  readonly totalBytes: number;
  readonly freeBytes: number;
}

/** Every CPU of the machine, by id. The list is the same on every CPU and never changes. */
export function cpus(): readonly CpuInfo[] {
  return backend().cpus();
}

/** The CPU the calling thread runs on. A thread never moves: this is fixed for the thread's life. */
export function currentCpu(): number {
  return backend().currentCpu();
}

/** The NUMA nodes, by id; every machine has at least node 0. */
export function numaNodes(): readonly NumaNode[] {
  return backend().numaNodes();
}

/** Memory of `node` (default: the calling CPU's node). */
export function memoryStats(node?: number): MemoryStats {
  const b = backend();
  const id = node ?? b.cpus()[b.currentCpu()].node;
  if (!Number.isInteger(id) || id < 0 || id >= b.numaNodes().length) {
    throw new RangeError(`memoryStats: node ${id} does not exist`);
  }
  return b.memoryStats(id);
}

/**
 * Assembles the runtime's machine-level core: ./core.asm, ./threads.asm and ./objects.asm (the same for every target) and the target's
 * OS layer (./os-linux.asm or ./os-toro.asm), passing the ABI's numbers (../backend/abi.ts) and the
 * target's memory parameters as %defines so the runtime and the code generator cannot disagree.
 */
import { readFileSync } from 'node:fs';
import { assemble, formatDiagnostic } from '../../asm/index.js';
import type { ObjectFile } from '../../obj/object.js';
import { HEAP, LINUX, SCRATCH_WORDS, VALUE } from '../backend/abi.js';
import type { Target } from '../pipeline.js';
import { RT } from './symbols.js';

/** How a target's runtime sizes its heap and stack. */
export interface RuntimeMemory {
  /**
   * The smallest semispace, and the least headroom a collection leaves for allocation: the heap grows
   * and shrinks with live data L (about 3L + minHeap at peak; core.asm's header explains).
   */
  minHeap: number;
  /** The deepest stack compiled code uses. */
  stackMax: number;
  /** Room kept below the limit for the runtime's work after an overflow (building the RangeError). */
  stackMargin: number;
}

export const RUNTIME_MEMORY: Record<Target, RuntimeMemory> = {
  // Linux grows the main thread's stack on demand up to RLIMIT_STACK; we take at most stackMax.
  linux: { minHeap: 8 << 20, stackMax: 8 << 20, stackMargin: 1 << 20 },
  // A service shares the VM's memory (128 MiB by default) with the kernel and every CPU: the stack is
  // one 4 MiB block, the first semispace 2 MiB (a space of the kernel's window: os_space_map, os-toro.asm).
  toro: { minHeap: 2 << 20, stackMax: 4 << 20, stackMargin: 1 << 20 },
};

/** Kept for the Linux target's GC tests and benchmarks. */
export const MIN_HEAP_BYTES = RUNTIME_MEMORY.linux.minHeap;

const hex = (n: bigint) => `0x${n.toString(16)}`;

function assembleRuntimeFile(file: string, defines: Record<string, string>): ObjectFile {
  const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
  const { object, diagnostics } = assemble(source, { file, bits: 64, defines });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    throw new Error(`runtime ${file}: ${errors.map((d) => formatDiagnostic(d)).join('\n')}`);
  return object;
}

function coreDefines(memory: RuntimeMemory): Record<string, string> {
  return {
    MIN_HEAP: String(memory.minHeap),
    STACK_MARGIN: String(memory.stackMargin),
    UNDEFINED: hex(VALUE.UNDEFINED),
    TAG_REF: hex(VALUE.TAG_REF),
    TAG_SPECIAL: hex(VALUE.TAG_SPECIAL),
    TAG_REF_BITS: hex(VALUE.TAG_REF << 48n),
    ADDR_MASK: '0xFFFFFFFFFFFF',
    KIND_STRING: String(HEAP.KIND_STRING),
    KIND_BYTES: String(HEAP.KIND_BYTES),
    STRING_WIDE: hex(1n << BigInt(HEAP.STRING_WIDE_BIT)),
    STRING_WIDE_BYTE: String(1 << (HEAP.STRING_WIDE_BIT - 40)),
    SCRATCH_WORDS: String(SCRATCH_WORDS),
    MAIN: RT.main,
    UNCAUGHT: RT.uncaught,
    OVERFLOW: RT.stackOverflow,
    NOT_STRING: RT.notAString,
    GLOBALS: RT.globals,
    GLOBAL_COUNT: RT.globalCount,
  };
}

/** A spawned thread's compiled-code stack, and the room kept at its bottom for a RangeError's work. */
export const THREAD_STACK_BYTES = (1 << 20) - 4096; // the kernel's lazily committed stack (toro_stack_map)
export const THREAD_STACK_MARGIN = 128 << 10;

function threadDefines(): Record<string, string> {
  return {
    THREAD_STACK: String(THREAD_STACK_BYTES),
    THREAD_MARGIN: String(THREAD_STACK_MARGIN),
    UNDEFINED: hex(VALUE.UNDEFINED),
    THREAD_RUN: RT.threadRun,
    ADDR_MASK: '0xFFFFFFFFFFFF',
    KIND_CLOSURE: String(HEAP.KIND_CLOSURE),
    STRING_WIDE_BYTE: String(1 << (HEAP.STRING_WIDE_BIT - 40)),
  };
}

function objectDefines(): Record<string, string> {
  return {
    TAG_REF: hex(VALUE.TAG_REF),
    ADDR_MASK: '0xFFFFFFFFFFFF',
    KIND_WORDS: String(HEAP.KIND_WORDS),
    KIND_OBJECT: String(HEAP.KIND_OBJECT),
    KIND_CLOSURE: String(HEAP.KIND_CLOSURE),
    KIND_CLASS: String(HEAP.KIND_CLASS),
    OBJECT_GET: RT.objectGetSlow,
    OBJECT_METHOD: RT.methodSlow,
  };
}

function osObject(target: Target, memory: RuntimeMemory): ObjectFile {
  if (target === 'toro')
    return assembleRuntimeFile('os-toro.asm', {
      STACK_PAGES: String(memory.stackMax / 4096),
      PUMP: RT.pump,
      // runtime/lib/sdk.ts's protocol between CPUs: the messages the OS layer itself sends
      MSG_CONSOLE: '7',
      MSG_EXIT: '8',
    });
  return assembleRuntimeFile('os-linux.asm', {
    SYS_WRITE: String(LINUX.SYS_WRITE),
    SYS_MMAP: String(LINUX.SYS_MMAP),
    SYS_MUNMAP: String(LINUX.SYS_MUNMAP),
    SYS_GETRLIMIT: String(LINUX.SYS_GETRLIMIT),
    SYS_EXIT_GROUP: String(LINUX.SYS_EXIT_GROUP),
    SYS_SYSINFO: String(LINUX.SYS_SYSINFO),
    SYS_NANOSLEEP: String(LINUX.SYS_NANOSLEEP),
    SYS_SCHED_YIELD: String(LINUX.SYS_SCHED_YIELD),
    SYS_CLOCK_GETTIME: String(LINUX.SYS_CLOCK_GETTIME),
    STACK_MAX: String(memory.stackMax),
  });
}

const cache = new Map<Target, ObjectFile[]>();

/** core.asm and the target's OS layer, assembled once per process and target. */
export function coreObjects(target: Target): ObjectFile[] {
  let objects = cache.get(target);
  if (!objects) {
    const memory = RUNTIME_MEMORY[target];
    objects = [
      assembleRuntimeFile('core.asm', coreDefines(memory)),
      assembleRuntimeFile('threads.asm', threadDefines()),
      assembleRuntimeFile('objects.asm', objectDefines()),
      osObject(target, memory),
      // The drivers' hardware intrinsics (../frontend/hw.ts): in a Toro image only.
      ...(target === 'toro' ? [assembleRuntimeFile('hw.asm', { ADDR_MASK: '0xFFFFFFFFFFFF' })] : []),
    ];
    cache.set(target, objects);
  }
  return objects;
}

/**
 * Assembles ./core.asm with our assembler, passing the ABI's numbers (../backend/abi.ts) as %defines
 * so the runtime and the code generator cannot disagree.
 */
import { readFileSync } from 'node:fs';
import { assemble, formatDiagnostic } from '../../asm/index.js';
import type { ObjectFile } from '../../obj/object.js';
import { HEAP, LINUX, SCRATCH_WORDS, VALUE } from '../backend/abi.js';
import { RT } from './symbols.js';

/**
 * The smallest semispace, and the least headroom a collection leaves for allocation: the heap grows
 * and shrinks with live data L (about 3L + MIN_HEAP_BYTES at peak; core.asm's header explains).
 */
export const MIN_HEAP_BYTES = 8 * 1024 * 1024;

/**
 * The deepest stack compiled code uses (Linux grows the main thread's stack on demand up to
 * RLIMIT_STACK; we take at most this), and the room kept below the limit for the runtime's work
 * after an overflow (building the RangeError) and for a single large frame.
 */
export const STACK_MAX_BYTES = 8 * 1024 * 1024;
export const STACK_MARGIN_BYTES = 1024 * 1024;

let cached: ObjectFile | undefined;

export function coreObject(): ObjectFile {
  if (cached) return cached;
  const url = new URL('./core.asm', import.meta.url);
  const source = readFileSync(url, 'utf8');
  const defines: Record<string, string> = {
    MIN_HEAP: String(MIN_HEAP_BYTES),
    UNDEFINED: `0x${VALUE.UNDEFINED.toString(16)}`,
    SYS_MUNMAP: '11',
    TAG_REF: `0x${VALUE.TAG_REF.toString(16)}`,
    TAG_SPECIAL: `0x${VALUE.TAG_SPECIAL.toString(16)}`,
    TAG_REF_BITS: `0x${(VALUE.TAG_REF << 48n).toString(16)}`,
    ADDR_MASK: '0xFFFFFFFFFFFF',
    KIND_STRING: String(HEAP.KIND_STRING),
    SCRATCH_WORDS: String(SCRATCH_WORDS),
    SYS_MMAP: String(LINUX.SYS_MMAP),
    SYS_WRITE: String(LINUX.SYS_WRITE),
    SYS_EXIT_GROUP: '231',
    MAIN: RT.main,
    UNCAUGHT: RT.uncaught,
    OVERFLOW: RT.stackOverflow,
    NOT_STRING: RT.notAString,
    SYS_GETRLIMIT: '97',
    STACK_MAX: String(STACK_MAX_BYTES),
    STACK_MARGIN: String(STACK_MARGIN_BYTES),
    GLOBALS: RT.globals,
    GLOBAL_COUNT: RT.globalCount,
  };
  const { object, diagnostics } = assemble(source, { file: 'core.asm', bits: 64, defines });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    throw new Error(`runtime core.asm: ${errors.map((d) => formatDiagnostic(d)).join('\n')}`);
  cached = object;
  return object;
}

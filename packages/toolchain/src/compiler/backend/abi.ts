/**
 * The Target/ABI record for x86-64: value representation, calling convention, frame layout and the
 * register roles. Instruction selection (./emit.ts), the frame builder (./frame.ts), the runtime's
 * assembly (../runtime/core.asm gets these numbers as %defines) and the collector all read it here.
 *
 * Calling convention (Toro's own, System V-shaped):
 *   arguments   rdi, rsi, rdx, rcx, r8, r9 — every argument is one 64-bit word in a general register,
 *               doubles included (their bits); the 7th and later on the stack, the 7th at [rsp] at
 *               the call, read by the callee at [rbp+16+8k]; at most MAX_ARGS
 *   result      rax (a double's bits likewise)
 *   callee-saved rbp only: compiled code keeps every temporary in its frame, so no other register is
 *               live across a call; runtime assembly may clobber every other general and xmm register
 *   stack       rsp is 16-byte aligned at every call; the red zone is never used (the kernel target
 *               takes interrupts on the same stack)
 *
 * Frame layout (frame pointers always kept; the collector walks the RBP chain until it reads 0):
 *
 *   [rbp+8]            return address
 *   [rbp]              caller's rbp (0 in the outermost frame, set by _start)
 *   [rbp-8]            N: number of value slots (a plain integer)
 *   [rbp-16-8*i]       slot i, i = 0..N-1: one temporary each; zeroed in the prologue
 *
 * Every slot is scanned by the collector. A slot holds a double, a small integer or a boxed value;
 * only words whose top 16 bits are TAG_REF are references, so the scan is precise.
 */

/** Boxed values: doubles are themselves; everything else sits in NaN space no arithmetic produces. */
export const VALUE = {
  /** Top 16 bits of the special constants below. */
  TAG_SPECIAL: 0xfff9n,
  /** Top 16 bits of a reference; the low 48 bits are the object's address. */
  TAG_REF: 0xfffan,
  UNDEFINED: 0xfff9_0000_0000_0000n,
  NULL: 0xfff9_0000_0000_0001n,
  FALSE: 0xfff9_0000_0000_0002n,
  TRUE: 0xfff9_0000_0000_0003n,
  /** An array element never written (`<n empty items>`); reads give undefined. */
  HOLE: 0xfff9_0000_0000_0004n,
} as const;

/**
 * Heap object header (one word): bits 0–31 length, bits 32–39 kind; bit 63 set = forwarded.
 * A string's length counts UTF-16 code units, stored one byte each (Latin-1: every unit ≤ 0xFF) or,
 * with header bit STRING_WIDE_BIT set, two bytes each; every other kind's payload is `length` value
 * words:
 *   ARRAY    [0] length (number)  [1] store (WORDS, capacity = its length; unused words are HOLE)
 *   WORDS    plain value words (array stores, closure environments)
 *   OBJECT   [0] class (null, or a CLASS)  [1] keys (WORDS of interned key strings)
 *            [2] values (WORDS)  [3] count (number): a small insertion-ordered dictionary
 *   CLOSURE  [0] code address (raw, never tagged)  [1] environment (WORDS or undefined)  [2] name
 *   CLASS    [0] name [1] parent class or null [2] prototype (OBJECT) [3] statics (OBJECT) [4] reserved
 *   MAP, SET [0] keys (WORDS, HOLE = deleted) [1] values (WORDS) [2] used slots [3] size
 *            [4] forEach walks [5] hash index (WORDS) [6] GC epoch of the index [7] address keys
 *   BYTES    raw bytes, `length` of them (an ArrayBuffer's backing store): never scanned, copied
 *            by the collector as raw bytes (like a Latin-1 string)
 *   ARRAYBUFFER [0] store (BYTES) [1] byteLength (number)
 *   TYPED    [0] element kind (number, ELEMENT) [1] length (number) [2] byteOffset (number)
 *            [3] store (BYTES, the buffer's) [4] buffer (ARRAYBUFFER)
 *   DATAVIEW [0] buffer (ARRAYBUFFER) [1] byteOffset (number) [2] byteLength (number) [3] store
 */
export const HEAP = {
  KIND_STRING: 1,
  KIND_ARRAY: 2,
  KIND_WORDS: 3,
  KIND_OBJECT: 4,
  KIND_CLOSURE: 5,
  KIND_CLASS: 6,
  KIND_MAP: 7,
  KIND_SET: 8,
  KIND_BYTES: 9,
  KIND_ARRAYBUFFER: 10,
  KIND_TYPED: 11,
  KIND_DATAVIEW: 12,
  /** Header bit of a string whose units are stored two bytes each (some unit is past 0xFF). */
  STRING_WIDE_BIT: 40,
  /** Bytes of the header before an object's payload. */
  HEADER: 8,
} as const;

/**
 * A static string object's bytes (header, units, zero padding to 8): Latin-1 when every unit of
 * `text` is at most 0xFF, otherwise wide (two bytes a unit, little-endian).
 */
export function stringObject(text: string): number[] {
  let wide = false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) wide = true;
  const header =
    BigInt(text.length) |
    (BigInt(HEAP.KIND_STRING) << 32n) |
    (wide ? 1n << BigInt(HEAP.STRING_WIDE_BIT) : 0n);
  const out: number[] = [];
  for (let k = 0n; k < 8n; k++) out.push(Number((header >> (8n * k)) & 0xffn));
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (wide) out.push(unit & 0xff, unit >> 8);
    else out.push(unit);
  }
  while (out.length % 8 !== 0) out.push(0);
  return out;
}

/**
 * A typed array's element kinds (TYPED payload word 0), in the order of `TYPED_ARRAY_NAMES`; the
 * IR's byte loads and stores (`ldb stb ldta stta`) take one as their first operand.
 */
export const TYPED_ARRAY_NAMES = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
] as const;
export const ELEMENT = {
  INT8: 0,
  UINT8: 1,
  UINT8_CLAMPED: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  FLOAT32: 7,
  FLOAT64: 8,
} as const;
/** log2 of each element kind's size in bytes. */
export const ELEMENT_SHIFT = [0, 0, 0, 1, 1, 2, 2, 2, 3] as const;
/** Payload words of a TYPED object (HEAP above). */
export const TYPED = { KIND: 0, LENGTH: 1, BYTE_OFFSET: 2, STORE: 3, BUFFER: 4, WORDS: 5 } as const;

export const ARG_REGS = ['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'r9'] as const;
export const RET_REG = 'rax';
/** Arguments past the sixth are pushed on the stack (the seventh at [rsp] at the call). */
export const MAX_ARGS = 16;

export const FRAME = {
  /** Offset from rbp of the slot count. */
  COUNT: -8,
  /** Offset from rbp of slot 0; slot i is at FIRST_SLOT - 8*i. */
  FIRST_SLOT: -16,
} as const;

export const slotOffset = (i: number): number => FRAME.FIRST_SLOT - 8 * i;

/** Bytes to subtract from rsp after `push rbp; mov rbp, rsp` for N slots, keeping 16-byte alignment. */
export const frameBytes = (slots: number): number => Math.ceil((8 + 8 * slots) / 16) * 16;

/** Scratch registers instruction selection may clobber inside one IR instruction. */
export const SCRATCH = { gpr: ['rax', 'rcx', 'rdx', 'r11'], xmm: ['xmm0', 'xmm1', 'xmm2'] } as const;

/** Words in the runtime's scratch area (bignum limbs for number → string). */
export const SCRATCH_WORDS = 2048;

/** Linux: a static executable linked at this address. */
export const LINUX = {
  ORG: 0x400000n,
  SYS_WRITE: 1,
  SYS_MMAP: 9,
  SYS_MUNMAP: 11,
  SYS_GETRLIMIT: 97,
  SYS_EXIT_GROUP: 231,
  SYS_SCHED_YIELD: 24,
  SYS_NANOSLEEP: 35,
  SYS_SYSINFO: 99,
  SYS_CLOCK_GETTIME: 228,
} as const;

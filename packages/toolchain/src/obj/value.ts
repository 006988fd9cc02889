/**
 * Values the assembler computes, and the fixups that carry them into the linker.
 *
 * A value is NASM's "relocatable expression": a constant plus, optionally, the final address of one
 * symbol (a label or a section). `label - otherLabelInSameSection` is an absolute value; `label + 4`
 * is relocatable. Whether a value is absolute decides encodings (an absolute 5 fits an imm8; a label
 * never does, whatever its eventual address), exactly as in NASM.
 */

/** A value: `addend` plus the address of `base` when `base` is set. */
export interface Value {
  /** The constant part. bigint because immediates and addresses are 64-bit. */
  addend: bigint;
  /** Name of the symbol whose final address is added (a label or a section name); absent = absolute. */
  base?: string;
  /**
   * False while the value depends on something not yet defined in this pass (a forward reference).
   * Encoders must still produce a size for it; the assembler runs passes until sizes are stable.
   */
  known: boolean;
}

/** An absolute, known value. */
export function absolute(n: bigint | number): Value {
  return { addend: BigInt(n), known: true };
}

/**
 * A hole in emitted bytes to be filled when addresses are final.
 * The filled-in number is `value` (base address + addend), minus, when `pcrel` is set, the address of
 * the instruction start plus `pcrelFrom` (for x86 this is the address of the next instruction).
 */
export interface Fixup {
  /** Byte offset of the field from the start of the emitted bytes (of the instruction or data item). */
  offset: number;
  /** Width of the field in bytes. */
  size: 1 | 2 | 4 | 8;
  value: Value;
  /** Relative fixups: the field holds value - (start + pcrelFrom). */
  pcrel?: { from: number };
  /** How the field is checked for overflow: signed, unsigned, or either (NASM's default for data). */
  range: 'signed' | 'unsigned' | 'any';
}

/** Where a piece of source came from, for diagnostics: 1-based line and column. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

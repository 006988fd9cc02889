/**
 * The x86-64 encoder's public surface: `encode()` (one instruction → bytes + fixups), register and
 * mnemonic lookup for the NASM-syntax front end. See README.md for the table format and NASM rules.
 */
import { encodeInstruction } from './encode.js';
import { formsOf } from './forms.js';
import type { EncodeContext, Encoded, Instruction, Register } from './operand.js';
import { register } from './registers.js';

export * from './operand.js';

/** Encode one instruction. Throws EncodeError when no form of the mnemonic fits the operands. */
export function encode(ins: Instruction, ctx: EncodeContext): Encoded {
  return encodeInstruction(ins, ctx);
}

/** The register named `name` (case-insensitive), or undefined. */
export function lookupRegister(name: string): Register | undefined {
  return register(name);
}

/** True when `name` (case-insensitive) is a mnemonic the encoder knows. */
export function isMnemonic(name: string): boolean {
  return formsOf(name.toLowerCase()).length > 0;
}

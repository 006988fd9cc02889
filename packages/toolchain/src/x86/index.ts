/**
 * The x86-64 encoder's public surface. (Placeholder bodies; the encoder is being written.)
 */
import type { EncodeContext, Encoded, Instruction, Register } from './operand.js';

export * from './operand.js';

/** Encode one instruction. Throws EncodeError when no form of the mnemonic fits the operands. */
export function encode(_ins: Instruction, _ctx: EncodeContext): Encoded {
  throw new Error('encoder not written yet');
}

/** The register named `name` (case-insensitive), or undefined. */
export function lookupRegister(_name: string): Register | undefined {
  return undefined;
}

/** True when `name` (case-insensitive) is a mnemonic the encoder knows. */
export function isMnemonic(_name: string): boolean {
  return false;
}

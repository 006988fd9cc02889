/**
 * encode(): find the first form of the mnemonic whose classes fit the operands in this mode (table
 * order = NASM's preference order) and hand it to the emitter.
 */
import { matchClass } from './classes.js';
import { emit, OUT_OF_RANGE } from './emit.js';
import { type Form, formsOf } from './forms.js';
import { type EncodeContext, type Encoded, EncodeError, type Instruction } from './operand.js';

function modeAllows(form: Form, bits: number): boolean {
  if (bits === 64 && form.nolong) return false;
  if (bits !== 64 && form.long) return false;
  if (form.addrSize === 64 && bits !== 64) return false;
  if (form.addrSize === 16 && bits === 64) return false;
  return true;
}

function fits(form: Form, ins: Instruction, bits: EncodeContext['bits']): boolean {
  if (form.classes.length !== ins.operands.length) return false;
  const mctx = {
    bits,
    opSize: form.opSize,
    defaultSize: form.defaultSize,
    unsizedMem: form.unsizedMem,
    operands: ins.operands,
    classes: form.classes,
  };
  return form.classes.every((c, i) => matchClass(c, i, mctx));
}

/** Encode one instruction. Throws EncodeError when no form of the mnemonic fits the operands. */
export function encodeInstruction(ins: Instruction, ctx: EncodeContext): Encoded {
  const forms = formsOf(ins.mnemonic.toLowerCase());
  if (forms.length === 0) throw new EncodeError(`unknown instruction '${ins.mnemonic}'`);
  let matchedOtherMode = false;
  let outOfRange = false;
  for (const form of forms) {
    if (!fits(form, ins, ctx.bits)) continue;
    if (!modeAllows(form, ctx.bits)) {
      matchedOtherMode = true;
      continue;
    }
    const result = emit(form, ins, ctx);
    if (result !== OUT_OF_RANGE) return result;
    outOfRange = true;
  }
  if (outOfRange) throw new EncodeError('short jump is out of range');
  const hint = forms
    .filter((f) => modeAllows(f, ctx.bits))
    .map((f) => f.text)
    .filter((t, i, all) => all.indexOf(t) === i)
    .join('; ');
  if (matchedOtherMode)
    throw new EncodeError(
      `'${ins.mnemonic}' with these operands is not supported in ${ctx.bits}-bit mode`,
      hint,
    );
  const unsized = ins.operands.some((o) => o.kind === 'mem' && o.size === undefined);
  if (unsized && forms.some((f) => f.classes.length === ins.operands.length)) {
    throw new EncodeError(`operation size not specified for '${ins.mnemonic}'`, hint);
  }
  throw new EncodeError(`invalid combination of opcode and operands for '${ins.mnemonic}'`, hint);
}

/**
 * NASM-syntax text for an `Instruction`: the inverse of the front end's parser, used by the encoder's
 * tests (the corpus is built as objects and handed to real NASM as text) and by anything that wants to
 * print what it is about to encode (compiler dumps, error hints).
 */
import type { Value } from '../obj/value.js';
import type { ImmOperand, Instruction, MemOperand, Operand } from './operand.js';

const SIZE_NAMES: Record<number, string> = {
  8: 'byte',
  16: 'word',
  32: 'dword',
  64: 'qword',
  80: 'tword',
  128: 'oword',
};

/** `base+addend`, `base-4`, or the number (negative numbers as `-n`). */
export function renderValue(v: Value): string {
  if (v.base === undefined)
    return v.addend < 0n ? `-0x${(-v.addend).toString(16)}` : `0x${v.addend.toString(16)}`;
  if (v.addend === 0n) return v.base;
  return v.addend < 0n ? `${v.base}-0x${(-v.addend).toString(16)}` : `${v.base}+0x${v.addend.toString(16)}`;
}

function renderImm(op: ImmOperand): string {
  const parts: string[] = [];
  if (op.branch) parts.push(op.branch);
  if (op.strict) parts.push('strict');
  if (op.size) parts.push(SIZE_NAMES[op.size]);
  parts.push(op.segment ? `${renderValue(op.segment)}:${renderValue(op.value)}` : renderValue(op.value));
  return parts.join(' ');
}

function renderMem(op: MemOperand): string {
  const inner: string[] = [];
  if (op.dispSize) inner.push(`${SIZE_NAMES[op.dispSize]} `);
  if (op.nosplit) inner.push('nosplit ');
  if (op.rel) inner.push('rel ');
  if (op.seg) inner.push(`${op.seg.name}:`);
  const terms: string[] = [];
  if (op.base) terms.push(op.base.name);
  if (op.index) terms.push(op.scale === 1 ? op.index.name : `${op.index.name}*${op.scale}`);
  const d = op.disp;
  const hasDisp = d.base !== undefined || d.addend !== 0n || terms.length === 0 || op.dispSize !== undefined;
  let text = terms.join('+');
  if (hasDisp) {
    const dv = renderValue(d);
    text = text === '' ? dv : dv.startsWith('-') ? `${text}${dv}` : `${text}+${dv}`;
  }
  const prefix = `${op.far ? 'far ' : ''}${op.size ? `${SIZE_NAMES[op.size]} ` : ''}`;
  return `${prefix}[${inner.join('')}${text}]`;
}

export function renderOperand(op: Operand): string {
  if (op.kind === 'reg') return op.reg.name;
  if (op.kind === 'imm') return renderImm(op);
  return renderMem(op);
}

/** One line of NASM source for `ins`. */
export function renderInstruction(ins: Instruction): string {
  const head = [...ins.prefixes, ins.mnemonic].join(' ');
  return ins.operands.length === 0 ? head : `${head} ${ins.operands.map(renderOperand).join(', ')}`;
}

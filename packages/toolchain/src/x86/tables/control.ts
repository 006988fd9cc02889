/**
 * Control-flow rows: jmp/call (short, near, indirect, far), jcc, jcxz family, loops, returns, enter and
 * leave, software interrupts, syscall/sysret.
 *
 * Branch sizing (NASM -Ox): a `rel8` row is tried first unless `near` was written; the emitter keeps
 * it when the target is in the same section and the distance fits, or when the target is not yet
 * known (a forward reference: NASM assumes short in the first pass and the front end's later passes
 * re-encode with the real distance). A target in another section or an external symbol takes the
 * near form.
 */
import { hex, perCondition, type Row } from './row.js';

const jumps: Row[] = [
  ['jmp', 'rel8', 'i: EB rel8'],
  ['jmp', 'rel', 'i: E9 rel'],
  // `jmp word/dword seg:off` sets the offset's size (and the operand-size prefix) whatever the mode.
  ['jmp', 'far16', 'i: o16 EA far', 'nolong'],
  ['jmp', 'far32', 'i: o32 EA far', 'nolong'],
  ['jmp', 'far', 'i: EA far', 'nolong'],
  // In 64-bit mode NASM's `jmp far [mem]` is the m16:64 form (REX.W).
  ['jmp', 'mfar', 'm: FF /5', 'nolong'],
  ['jmp', 'mfar', 'm: o64 FF /5'],
  ['jmp', 'rm16', 'm: o16 FF /4', 'nolong ds'],
  ['jmp', 'rm32', 'm: o32 FF /4', 'nolong ds'],
  ['jmp', 'rm64', 'm: o64nw FF /4', 'ds'],
  ['call', 'rel', 'i: E8 rel'],
  ['call', 'far16', 'i: o16 9A far', 'nolong'],
  ['call', 'far32', 'i: o32 9A far', 'nolong'],
  ['call', 'far', 'i: 9A far', 'nolong'],
  ['call', 'mfar', 'm: FF /3', 'nolong'],
  ['call', 'mfar', 'm: o64 FF /3'],
  ['call', 'rm16', 'm: o16 FF /2', 'nolong ds'],
  ['call', 'rm32', 'm: o32 FF /2', 'nolong ds'],
  ['call', 'rm64', 'm: o64nw FF /2', 'ds'],
  ['jcxz', 'rel8', 'i: a16 E3 rel8'],
  ['jecxz', 'rel8', 'i: a32 E3 rel8'],
  ['jrcxz', 'rel8', 'i: a64 E3 rel8'],
  ['loop', 'rel8', 'i: E2 rel8'],
  ['loope', 'rel8', 'i: E1 rel8'],
  ['loopz', 'rel8', 'i: E1 rel8'],
  ['loopne', 'rel8', 'i: E0 rel8'],
  ['loopnz', 'rel8', 'i: E0 rel8'],
  ...perCondition((cc, code): Row[] => [
    [`j${cc}`, 'rel8', `i: ${hex(0x70 + code)} rel8`],
    [`j${cc}`, 'rel', `i: 0F ${hex(0x80 + code)} rel`],
  ]),
];

const returns: Row[] = [
  ['ret', '', ': C3'],
  ['ret', 'imm16', 'i: C2 iw'],
  ['retn', '', ': C3'],
  ['retn', 'imm16', 'i: C2 iw'],
  ['retf', '', ': CB'],
  ['retf', 'imm16', 'i: CA iw'],
  ['iret', '', ': CF'],
  ['iretw', '', ': o16 CF'],
  ['iretd', '', ': o32 CF'],
  ['iretq', '', ': o64 CF'],
  ['leave', '', ': C9'],
  ['enter', 'imm16,imm8', 'ij: C8 iw ib'],
  ['int3', '', ': CC'],
  ['int1', '', ': F1'],
  ['int', 'imm8', 'i: CD ib'],
  ['into', '', ': CE', 'nolong'],
  ['syscall', '', ': 0F 05'],
  ['sysret', '', ': 0F 07'],
  ['sysenter', '', ': 0F 34'],
  ['sysexit', '', ': 0F 35'],
];

export const controlRows: Row[] = [...jumps, ...returns];

/**
 * SSE/SSE2/SSE4.1 rows a compiler back end needs: scalar and packed float arithmetic, moves between xmm,
 * memory and general registers, conversions, compares, logic, shuffles, inserts and extracts.
 * Mandatory prefixes (66/F2/F3) are written first and land before REX, as the SDM requires.
 */
import { hex, type Row } from './row.js';

/** `op xmm, xmm/mN` for each prefix variant: ['ps', '', 128] → addps. */
function arith(
  name: string,
  opcode: number,
  variants: Array<[suffix: string, prefix: string, size: number]>,
): Row[] {
  return variants.map(
    ([suffix, prefix, size]): Row => [
      `${name}${suffix}`,
      `xmm,xmmrm${size}`,
      `rm: ${prefix} 0F ${hex(opcode)} /r`,
    ],
  );
}

const ALL: Array<[string, string, number]> = [
  ['ps', '', 128],
  ['pd', '66', 128],
  ['ss', 'F3', 32],
  ['sd', 'F2', 64],
];
const PACKED: Array<[string, string, number]> = [
  ['ps', '', 128],
  ['pd', '66', 128],
];

const arithmetic: Row[] = [
  ...arith('add', 0x58, ALL),
  ...arith('mul', 0x59, ALL),
  ...arith('sub', 0x5c, ALL),
  ...arith('min', 0x5d, ALL),
  ...arith('div', 0x5e, ALL),
  ...arith('max', 0x5f, ALL),
  ...arith('sqrt', 0x51, ALL),
  ...arith('and', 0x54, PACKED),
  ...arith('andn', 0x55, PACKED),
  ...arith('or', 0x56, PACKED),
  ...arith('xor', 0x57, PACKED),
  ...arith('unpckl', 0x14, PACKED),
  ...arith('unpckh', 0x15, PACKED),
  ['shufps', 'xmm,xmmrm128,imm8', 'rmi: 0F C6 /r ib'],
  ['shufpd', 'xmm,xmmrm128,imm8', 'rmi: 66 0F C6 /r ib'],
  ['pxor', 'xmm,xmmrm128', 'rm: 66 0F EF /r'],
  ['pand', 'xmm,xmmrm128', 'rm: 66 0F DB /r'],
  ['por', 'xmm,xmmrm128', 'rm: 66 0F EB /r'],
  ['ucomiss', 'xmm,xmmrm32', 'rm: 0F 2E /r'],
  ['ucomisd', 'xmm,xmmrm64', 'rm: 66 0F 2E /r'],
  ['comiss', 'xmm,xmmrm32', 'rm: 0F 2F /r'],
  ['comisd', 'xmm,xmmrm64', 'rm: 66 0F 2F /r'],
  ['roundss', 'xmm,xmmrm32,imm8', 'rmi: 66 0F 3A 0A /r ib'],
  ['roundsd', 'xmm,xmmrm64,imm8', 'rmi: 66 0F 3A 0B /r ib'],
];

/** load form (xmm ← xmm/m) first: NASM encodes `movaps xmm0, xmm1` with the load opcode. */
function move(name: string, prefix: string, load: number, store: number, size: number): Row[] {
  return [
    [name, `xmm,xmmrm${size}`, `rm: ${prefix} 0F ${hex(load)} /r`],
    [name, `xmmrm${size},xmm`, `mr: ${prefix} 0F ${hex(store)} /r`],
  ];
}

const moves: Row[] = [
  ...move('movaps', '', 0x28, 0x29, 128),
  ...move('movapd', '66', 0x28, 0x29, 128),
  ...move('movups', '', 0x10, 0x11, 128),
  ...move('movupd', '66', 0x10, 0x11, 128),
  ...move('movdqa', '66', 0x6f, 0x7f, 128),
  ...move('movdqu', 'F3', 0x6f, 0x7f, 128),
  ...move('movss', 'F3', 0x10, 0x11, 32),
  ...move('movsd', 'F2', 0x10, 0x11, 64),
  ['movd', 'xmm,rm32', 'rm: 66 0F 6E /r', 'um'],
  ['movd', 'rm32,xmm', 'mr: 66 0F 7E /r', 'um'],
  ['movq', 'xmm,xmmrm64', 'rm: F3 0F 7E /r'],
  ['movq', 'xmmrm64,xmm', 'mr: 66 0F D6 /r'],
  ['movq', 'xmm,rm64', 'rm: 66 o64 0F 6E /r', 'um'],
  ['movq', 'rm64,xmm', 'mr: 66 o64 0F 7E /r', 'um'],
  ['movmskps', 'r32,xmm', 'rm: 0F 50 /r'],
  ['movmskps', 'r64,xmm', 'rm: o64 0F 50 /r'],
  ['movmskpd', 'r32,xmm', 'rm: 66 0F 50 /r'],
  ['movmskpd', 'r64,xmm', 'rm: 66 o64 0F 50 /r'],
  ['pinsrd', 'xmm,rm32,imm8', 'rmi: 66 0F 3A 22 /r ib', 'um'],
  ['pinsrq', 'xmm,rm64,imm8', 'rmi: 66 o64 0F 3A 22 /r ib', 'um'],
  ['pextrd', 'rm32,xmm,imm8', 'mri: 66 0F 3A 16 /r ib', 'um'],
  ['pextrq', 'rm64,xmm,imm8', 'mri: 66 o64 0F 3A 16 /r ib', 'um'],
];

const conversions: Row[] = [
  ['cvtsi2ss', 'xmm,rm32', 'rm: F3 0F 2A /r', 'um'],
  ['cvtsi2ss', 'xmm,rm64', 'rm: F3 o64 0F 2A /r', 'um'],
  ['cvtsi2sd', 'xmm,rm32', 'rm: F2 0F 2A /r', 'um'],
  ['cvtsi2sd', 'xmm,rm64', 'rm: F2 o64 0F 2A /r', 'um'],
  ['cvttss2si', 'r32,xmmrm32', 'rm: F3 0F 2C /r'],
  ['cvttss2si', 'r64,xmmrm32', 'rm: F3 o64 0F 2C /r'],
  ['cvtss2si', 'r32,xmmrm32', 'rm: F3 0F 2D /r'],
  ['cvtss2si', 'r64,xmmrm32', 'rm: F3 o64 0F 2D /r'],
  ['cvttsd2si', 'r32,xmmrm64', 'rm: F2 0F 2C /r'],
  ['cvttsd2si', 'r64,xmmrm64', 'rm: F2 o64 0F 2C /r'],
  ['cvtsd2si', 'r32,xmmrm64', 'rm: F2 0F 2D /r'],
  ['cvtsd2si', 'r64,xmmrm64', 'rm: F2 o64 0F 2D /r'],
  ['cvtsd2ss', 'xmm,xmmrm64', 'rm: F2 0F 5A /r'],
  ['cvtss2sd', 'xmm,xmmrm32', 'rm: F3 0F 5A /r'],
];

export const sseRows: Row[] = [...arithmetic, ...moves, ...conversions];

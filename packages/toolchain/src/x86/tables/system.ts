/**
 * System rows: descriptor tables, task and LDT registers, MSRs, CPUID, port I/O, cache and TLB control,
 * fences, extended state save/restore, monitor/mwait, SMAP and miscellaneous privileged instructions.
 */
import { osz, type Row, WORD_SIZES } from './row.js';

const noOperand: Array<[string, string]> = [
  ['nop', '90'],
  ['ud2', '0F 0B'],
  ['hlt', 'F4'],
  ['rdmsr', '0F 32'],
  ['wrmsr', '0F 30'],
  ['cpuid', '0F A2'],
  ['rdtsc', '0F 31'],
  ['rdtscp', '0F 01 F9'],
  ['rdpmc', '0F 33'],
  ['wbinvd', '0F 09'],
  ['invd', '0F 08'],
  ['clts', '0F 06'],
  ['pause', 'F3 90'],
  ['mfence', '0F AE F0'],
  ['lfence', '0F AE E8'],
  ['sfence', '0F AE F8'],
  ['xgetbv', '0F 01 D0'],
  ['xsetbv', '0F 01 D1'],
  ['monitor', '0F 01 C8'],
  ['mwait', '0F 01 C9'],
  ['stac', '0F 01 CB'],
  ['clac', '0F 01 CA'],
];

const descriptor: Row[] = [
  ['sgdt', 'm', 'm: 0F 01 /0'],
  ['sidt', 'm', 'm: 0F 01 /1'],
  ['lgdt', 'm', 'm: 0F 01 /2'],
  ['lidt', 'm', 'm: 0F 01 /3'],
  ['invlpg', 'm', 'm: 0F 01 /7'],
  ['lldt', 'rm16', 'm: 0F 00 /2'],
  ['ltr', 'rm16', 'm: 0F 00 /3'],
  ['verr', 'rm16', 'm: 0F 00 /4'],
  ['verw', 'rm16', 'm: 0F 00 /5'],
  ['lmsw', 'rm16', 'm: 0F 01 /6'],
  ['sldt', 'm16', 'm: 0F 00 /0'],
  ['str', 'm16', 'm: 0F 00 /1'],
  ['smsw', 'm16', 'm: 0F 01 /4'],
  // sldt r64 has no REX.W in NASM's output (the upper bits are zeroed either way).
  ['sldt', 'r64', 'm: 0F 00 /0', 'long'],
  ...WORD_SIZES.flatMap((s): Row[] => [
    ...(s === 64 ? [] : [['sldt', `r${s}`, `m: ${osz(s)} 0F 00 /0`] as Row]),
    ['str', `r${s}`, `m: ${osz(s)} 0F 00 /1`],
    ['smsw', `r${s}`, `m: ${osz(s)} 0F 01 /4`],
    ['rdrand', `r${s}`, `m: ${osz(s)} 0F C7 /6`],
    ['rdseed', `r${s}`, `m: ${osz(s)} 0F C7 /7`],
  ]),
  ['swapgs', '', ': 0F 01 F8', 'long'],
  ['clflush', 'm', 'm: 0F AE /7'],
  ['fxsave', 'm', 'm: 0F AE /0'],
  ['fxrstor', 'm', 'm: 0F AE /1'],
  ['xsave', 'm', 'm: 0F AE /4'],
  ['xrstor', 'm', 'm: 0F AE /5'],
  ['fxsave64', 'm', 'm: o64 0F AE /0'],
  ['fxrstor64', 'm', 'm: o64 0F AE /1'],
  ['xsave64', 'm', 'm: o64 0F AE /4'],
  ['xrstor64', 'm', 'm: o64 0F AE /5'],
];

const ports: Row[] = [
  ['in', 'al,imm8', '-i: E4 ib'],
  ['in', 'ax,imm8', '-i: o16 E5 ib'],
  ['in', 'eax,imm8', '-i: o32 E5 ib'],
  ['in', 'al,dx', '--: EC'],
  ['in', 'ax,dx', '--: o16 ED'],
  ['in', 'eax,dx', '--: o32 ED'],
  ['out', 'imm8,al', 'i-: E6 ib'],
  ['out', 'imm8,ax', 'i-: o16 E7 ib'],
  ['out', 'imm8,eax', 'i-: o32 E7 ib'],
  ['out', 'dx,al', '--: EE'],
  ['out', 'dx,ax', '--: o16 EF'],
  ['out', 'dx,eax', '--: o32 EF'],
];

export const systemRows: Row[] = [
  ...noOperand.map(([m, bytes]): Row => [m, '', `: ${bytes}`]),
  ...descriptor,
  ...ports,
];

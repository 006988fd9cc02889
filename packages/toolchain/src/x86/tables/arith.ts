/**
 * Integer arithmetic and logic rows: the eight classic ALU operations, test, inc/dec, neg/not,
 * mul/imul/div/idiv, shifts and rotates, double shifts, bit tests and scans, flag instructions.
 */
import { hex, osz, type Row, WORD_SIZES } from './row.js';

const ACC: Record<number, string> = { 8: 'al', 16: 'ax', 32: 'eax', 64: 'rax' };
const IMM: Record<number, string> = { 16: 'iw', 32: 'id', 64: 'ids' };
const IMMCLASS: Record<number, string> = { 16: 'imm16', 32: 'imm32', 64: 'imm32' };

/** add/or/adc/sbb/and/sub/xor/cmp: opcode group base = digit * 8. */
function aluRows(): Row[] {
  const ops = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
  return ops.flatMap((m, d): Row[] => {
    const b = d * 8;
    return [
      [m, 'rm8,r8', `mr: ${hex(b)} /r`],
      ...WORD_SIZES.map((s): Row => [m, `rm${s},r${s}`, `mr: ${osz(s)} ${hex(b + 1)} /r`]),
      [m, 'r8,rm8', `rm: ${hex(b + 2)} /r`],
      ...WORD_SIZES.map((s): Row => [m, `r${s},rm${s}`, `rm: ${osz(s)} ${hex(b + 3)} /r`]),
      // Sign-extended imm8 first: `add eax, 1` is 83 C0 01, as NASM -Ox emits.
      ...WORD_SIZES.map((s): Row => [m, `rm${s},imm8s`, `mi: ${osz(s)} 83 /${d} ibs`]),
      [m, 'al,imm8', `-i: ${hex(b + 4)} ib`],
      ...WORD_SIZES.map((s): Row => [m, `${ACC[s]},${IMMCLASS[s]}`, `-i: ${osz(s)} ${hex(b + 5)} ${IMM[s]}`]),
      [m, 'rm8,imm8', `mi: 80 /${d} ib`],
      ...WORD_SIZES.map((s): Row => [m, `rm${s},${IMMCLASS[s]}`, `mi: ${osz(s)} 81 /${d} ${IMM[s]}`]),
    ];
  });
}

function testRows(): Row[] {
  return [
    ['test', 'rm8,r8', 'mr: 84 /r'],
    ...WORD_SIZES.map((s): Row => ['test', `rm${s},r${s}`, `mr: ${osz(s)} 85 /r`]),
    ['test', 'r8,rm8', 'rm: 84 /r'],
    ...WORD_SIZES.map((s): Row => ['test', `r${s},rm${s}`, `rm: ${osz(s)} 85 /r`]),
    ['test', 'al,imm8', '-i: A8 ib'],
    ...WORD_SIZES.map((s): Row => ['test', `${ACC[s]},${IMMCLASS[s]}`, `-i: ${osz(s)} A9 ${IMM[s]}`]),
    ['test', 'rm8,imm8', 'mi: F6 /0 ib'],
    ...WORD_SIZES.map((s): Row => ['test', `rm${s},${IMMCLASS[s]}`, `mi: ${osz(s)} F7 /0 ${IMM[s]}`]),
  ];
}

/** One-operand F6/F7 and FE/FF groups. */
function unaryRows(): Row[] {
  const rows: Row[] = [
    ['inc', 'r16', 'o: o16 40+r', 'nolong'],
    ['inc', 'r32', 'o: o32 40+r', 'nolong'],
    ['dec', 'r16', 'o: o16 48+r', 'nolong'],
    ['dec', 'r32', 'o: o32 48+r', 'nolong'],
  ];
  const groups: Array<[string, number, number]> = [
    ['inc', 0xfe, 0],
    ['dec', 0xfe, 1],
    ['not', 0xf6, 2],
    ['neg', 0xf6, 3],
    ['mul', 0xf6, 4],
    ['imul', 0xf6, 5],
    ['div', 0xf6, 6],
    ['idiv', 0xf6, 7],
  ];
  for (const [m, op, d] of groups) {
    rows.push([m, 'rm8', `m: ${hex(op)} /${d}`]);
    for (const s of WORD_SIZES) rows.push([m, `rm${s}`, `m: ${osz(s)} ${hex(op + 1)} /${d}`]);
  }
  for (const s of WORD_SIZES) {
    const o = osz(s);
    rows.push(
      ['imul', `r${s},rm${s}`, `rm: ${o} 0F AF /r`],
      ['imul', `r${s},imm8s`, `Ri: ${o} 6B /r ibs`],
      ['imul', `r${s},${IMMCLASS[s]}`, `Ri: ${o} 69 /r ${IMM[s]}`],
      ['imul', `r${s},rm${s},imm8s`, `rmi: ${o} 6B /r ibs`],
      ['imul', `r${s},rm${s},${IMMCLASS[s]}`, `rmi: ${o} 69 /r ${IMM[s]}`],
    );
  }
  return rows;
}

function shiftRows(): Row[] {
  const ops: Array<[string, number]> = [
    ['rol', 0],
    ['ror', 1],
    ['rcl', 2],
    ['rcr', 3],
    ['shl', 4],
    ['sal', 4],
    ['shr', 5],
    ['sar', 7],
  ];
  const rows: Row[] = [];
  for (const [m, d] of ops) {
    rows.push(
      [m, 'rm8,one', `m-: D0 /${d}`],
      [m, 'rm8,cl', `m-: D2 /${d}`],
      [m, 'rm8,imm8', `mi: C0 /${d} ib`],
    );
    for (const s of WORD_SIZES) {
      const o = osz(s);
      rows.push(
        [m, `rm${s},one`, `m-: ${o} D1 /${d}`],
        [m, `rm${s},cl`, `m-: ${o} D3 /${d}`],
        [m, `rm${s},imm8`, `mi: ${o} C1 /${d} ib`],
      );
    }
  }
  for (const [m, op] of [
    ['shld', 0xa4],
    ['shrd', 0xac],
  ] as const) {
    for (const s of WORD_SIZES) {
      rows.push([m, `rm${s},r${s},imm8`, `mri: ${osz(s)} 0F ${hex(op)} /r ib`]);
      rows.push([m, `rm${s},r${s},cl`, `mr-: ${osz(s)} 0F ${hex(op + 1)} /r`]);
    }
  }
  return rows;
}

function bitRows(): Row[] {
  const rows: Row[] = [];
  const tests: Array<[string, number, number]> = [
    ['bt', 0xa3, 4],
    ['bts', 0xab, 5],
    ['btr', 0xb3, 6],
    ['btc', 0xbb, 7],
  ];
  for (const [m, op, d] of tests) {
    for (const s of WORD_SIZES) rows.push([m, `rm${s},r${s}`, `mr: ${osz(s)} 0F ${hex(op)} /r`]);
    for (const s of WORD_SIZES) rows.push([m, `rm${s},imm8`, `mi: ${osz(s)} 0F BA /${d} ib`]);
  }
  const scans: Array<[string, string]> = [
    ['bsf', '0F BC'],
    ['bsr', '0F BD'],
    ['popcnt', 'F3 0F B8'],
    ['lzcnt', 'F3 0F BD'],
    ['tzcnt', 'F3 0F BC'],
  ];
  for (const [m, op] of scans)
    for (const s of WORD_SIZES) rows.push([m, `r${s},rm${s}`, `rm: ${osz(s)} ${op} /r`]);
  return rows;
}

const flagRows: Row[] = [
  ['clc', '', ': F8'],
  ['stc', '', ': F9'],
  ['cmc', '', ': F5'],
  ['cld', '', ': FC'],
  ['std', '', ': FD'],
  ['cli', '', ': FA'],
  ['sti', '', ': FB'],
  ['lahf', '', ': 9F'],
  ['sahf', '', ': 9E'],
];

export const arithRows: Row[] = [
  ...aluRows(),
  ...testRows(),
  ...unaryRows(),
  ...shiftRows(),
  ...bitRows(),
  ...flagRows,
];

/**
 * Data movement rows: mov (incl. moffs, segment, control and debug registers), movzx/movsx/movsxd, lea,
 * xchg, push/pop, sign extensions, string instructions, cmovcc/setcc, bswap, xadd, cmpxchg.
 */
import { hex, osz, perCondition, type Row, WORD_SIZES } from './row.js';

const ACC: Record<number, string> = { 8: 'al', 16: 'ax', 32: 'eax', 64: 'rax' };

function movRows(): Row[] {
  const rows: Row[] = [];
  // NASM prefers the accumulator moffs forms for register-free addresses (see classes.isMoffs).
  rows.push(['mov', 'al,moffs8', '-i: A0 moffs']);
  for (const s of WORD_SIZES) rows.push(['mov', `${ACC[s]},moffs${s}`, `-i: ${osz(s)} A1 moffs`]);
  rows.push(['mov', 'moffs8,al', 'i-: A2 moffs']);
  for (const s of WORD_SIZES) rows.push(['mov', `moffs${s},${ACC[s]}`, `i-: ${osz(s)} A3 moffs`]);
  rows.push(['mov', 'rm8,r8', 'mr: 88 /r']);
  for (const s of WORD_SIZES) rows.push(['mov', `rm${s},r${s}`, `mr: ${osz(s)} 89 /r`]);
  rows.push(['mov', 'r8,rm8', 'rm: 8A /r']);
  for (const s of WORD_SIZES) rows.push(['mov', `r${s},rm${s}`, `rm: ${osz(s)} 8B /r`]);
  rows.push(
    ['mov', 'm16,sreg', 'mr: 8C /r'],
    ['mov', 'r16,sreg', 'mr: o16 8C /r'],
    ['mov', 'r32,sreg', 'mr: o32 8C /r'],
    // NASM writes no REX.W for segment moves with a 64-bit register (the result is the same).
    ['mov', 'r64,sreg', 'mr: 8C /r', 'long'],
    ['mov', 'sreg,m16', 'rm: 8E /r'],
    ['mov', 'sreg,r16', 'rm: 8E /r'],
    ['mov', 'sreg,r32', 'rm: 8E /r'],
    ['mov', 'sreg,r64', 'rm: 8E /r', 'long'],
    ['mov', 'r32,cr', 'mr: 0F 20 /r', 'nolong'],
    ['mov', 'r64,cr', 'mr: 0F 20 /r', 'long'],
    ['mov', 'cr,r32', 'rm: 0F 22 /r', 'nolong'],
    ['mov', 'cr,r64', 'rm: 0F 22 /r', 'long'],
    ['mov', 'r32,dr', 'mr: 0F 21 /r', 'nolong'],
    ['mov', 'r64,dr', 'mr: 0F 21 /r', 'long'],
    ['mov', 'dr,r32', 'rm: 0F 23 /r', 'nolong'],
    ['mov', 'dr,r64', 'rm: 0F 23 /r', 'long'],
    ['mov', 'r8,imm8', 'oi: B0+r ib'],
    ['mov', 'r16,imm16', 'oi: o16 B8+r iw'],
    ['mov', 'r32,imm32', 'oi: o32 B8+r id'],
    // NASM shrinks `mov r64, imm`: zero-extending mov r32 when the value fits 32 unsigned bits, the
    // sign-extended C7 form when it fits 32 signed bits, the full imm64 otherwise.
    ['mov', 'r64,imm32u', 'oi: B8+r id', 'long'],
    ['mov', 'r64,imm32s', 'mi: o64 C7 /0 ids'],
    ['mov', 'r64,imm64', 'oi: o64 B8+r iq'],
    ['mov', 'rm8,imm8', 'mi: C6 /0 ib'],
    ['mov', 'rm16,imm16', 'mi: o16 C7 /0 iw'],
    ['mov', 'rm32,imm32', 'mi: o32 C7 /0 id'],
    ['mov', 'rm64,imm32', 'mi: o64 C7 /0 ids'],
  );
  return rows;
}

function extendRows(): Row[] {
  const rows: Row[] = [];
  for (const [m, op] of [
    ['movzx', 0xb6],
    ['movsx', 0xbe],
  ] as const) {
    for (const s of WORD_SIZES) rows.push([m, `r${s},rm8`, `rm: ${osz(s)} 0F ${hex(op)} /r`]);
    for (const s of [32, 64]) rows.push([m, `r${s},rm16`, `rm: ${osz(s)} 0F ${hex(op + 1)} /r`]);
  }
  rows.push(['movsxd', 'r64,rm32', 'rm: o64 63 /r']);
  for (const s of WORD_SIZES) rows.push(['lea', `r${s},m`, `rm: ${osz(s)} 8D /r`]);
  return rows;
}

function xchgRows(): Row[] {
  const rows: Row[] = [];
  // 90+r with the accumulator. In 64-bit mode `xchg eax, eax` must not become 90 (nop), because the
  // real instruction zero-extends rax: there the short form takes any 32-bit register but eax (r32na).
  for (const s of WORD_SIZES) {
    const other = s === 32 ? 'r32na' : `r${s}`;
    const flag = s === 32 ? 'long' : '';
    rows.push(['xchg', `${ACC[s]},${other}`, `-o: ${osz(s)} 90+r`, flag]);
    rows.push(['xchg', `${other},${ACC[s]}`, `o-: ${osz(s)} 90+r`, flag]);
    if (s === 32) {
      rows.push(['xchg', 'eax,r32', '-o: o32 90+r', 'nolong']);
      rows.push(['xchg', 'r32,eax', 'o-: o32 90+r', 'nolong']);
    }
  }
  rows.push(['xchg', 'r8,rm8', 'rm: 86 /r'], ['xchg', 'rm8,r8', 'mr: 86 /r']);
  for (const s of WORD_SIZES) rows.push(['xchg', `r${s},rm${s}`, `rm: ${osz(s)} 87 /r`]);
  for (const s of WORD_SIZES) rows.push(['xchg', `rm${s},r${s}`, `mr: ${osz(s)} 87 /r`]);
  rows.push(['xadd', 'rm8,r8', 'mr: 0F C0 /r'], ['cmpxchg', 'rm8,r8', 'mr: 0F B0 /r']);
  for (const s of WORD_SIZES) {
    rows.push(['xadd', `rm${s},r${s}`, `mr: ${osz(s)} 0F C1 /r`]);
    rows.push(['cmpxchg', `rm${s},r${s}`, `mr: ${osz(s)} 0F B1 /r`]);
  }
  rows.push(['cmpxchg8b', 'm64', 'm: 0F C7 /1'], ['cmpxchg16b', 'm128', 'm: o64 0F C7 /1']);
  rows.push(['bswap', 'r32', 'o: o32 0F C8+r'], ['bswap', 'r64', 'o: o64 0F C8+r']);
  return rows;
}

function stackRows(): Row[] {
  return [
    ['push', 'r16', 'o: o16 50+r'],
    ['push', 'r32', 'o: o32 50+r', 'nolong'],
    ['push', 'r64', 'o: o64nw 50+r'],
    // NASM wants a size on `push [mem]` (unlike jmp/call [mem], which take the mode's size).
    ['push', 'rm16', 'm: o16 FF /6'],
    ['push', 'rm32', 'm: o32 FF /6', 'nolong'],
    ['push', 'rm64', 'm: o64nw FF /6'],
    ['push', 'imm8s', 'i: o16 6A ibs', 'ds'],
    ['push', 'imm8s', 'i: o32 6A ibs', 'ds nolong'],
    ['push', 'imm8s', 'i: o64nw 6A ibs', 'ds'],
    ['push', 'imm16', 'i: o16 68 iw', 'ds'],
    ['push', 'imm32', 'i: o32 68 id', 'ds nolong'],
    ['push', 'imm32', 'i: o64nw 68 ids', 'ds'],
    ['push', 'es', '-: 06', 'nolong'],
    ['push', 'cs', '-: 0E', 'nolong'],
    ['push', 'ss', '-: 16', 'nolong'],
    ['push', 'ds', '-: 1E', 'nolong'],
    ['push', 'fs', '-: 0F A0'],
    ['push', 'gs', '-: 0F A8'],
    ['pop', 'r16', 'o: o16 58+r'],
    ['pop', 'r32', 'o: o32 58+r', 'nolong'],
    ['pop', 'r64', 'o: o64nw 58+r'],
    ['pop', 'rm16', 'm: o16 8F /0'],
    ['pop', 'rm32', 'm: o32 8F /0', 'nolong'],
    ['pop', 'rm64', 'm: o64nw 8F /0'],
    ['pop', 'es', '-: 07', 'nolong'],
    ['pop', 'ss', '-: 17', 'nolong'],
    ['pop', 'ds', '-: 1F', 'nolong'],
    ['pop', 'fs', '-: 0F A1'],
    ['pop', 'gs', '-: 0F A9'],
    ['pushf', '', ': 9C'],
    ['pushfw', '', ': o16 9C'],
    ['pushfd', '', ': o32 9C', 'nolong'],
    ['pushfq', '', ': o64nw 9C'],
    ['popf', '', ': 9D'],
    ['popfw', '', ': o16 9D'],
    ['popfd', '', ': o32 9D', 'nolong'],
    ['popfq', '', ': o64nw 9D'],
    ['pusha', '', ': 60', 'nolong'],
    ['pushaw', '', ': o16 60', 'nolong'],
    ['pushad', '', ': o32 60', 'nolong'],
    ['popa', '', ': 61', 'nolong'],
    ['popaw', '', ': o16 61', 'nolong'],
    ['popad', '', ': o32 61', 'nolong'],
  ];
}

function stringRows(): Row[] {
  const rows: Row[] = [
    ['cbw', '', ': o16 98'],
    ['cwde', '', ': o32 98'],
    ['cdqe', '', ': o64 98'],
    ['cwd', '', ': o16 99'],
    ['cdq', '', ': o32 99'],
    ['cqo', '', ': o64 99'],
  ];
  const ops: Array<[string, number]> = [
    ['movs', 0xa4],
    ['cmps', 0xa6],
    ['stos', 0xaa],
    ['lods', 0xac],
    ['scas', 0xae],
    ['ins', 0x6c],
    ['outs', 0x6e],
  ];
  for (const [m, op] of ops) {
    rows.push(
      [`${m}b`, '', `: ${hex(op)}`],
      [`${m}w`, '', `: o16 ${hex(op + 1)}`],
      [`${m}d`, '', `: o32 ${hex(op + 1)}`],
    );
    if (m !== 'ins' && m !== 'outs') rows.push([`${m}q`, '', `: o64 ${hex(op + 1)}`]);
  }
  return rows;
}

function conditionalRows(): Row[] {
  return perCondition((cc, code) => [
    [`set${cc}`, 'rm8', `m: 0F ${hex(0x90 + code)} /0`],
    ...WORD_SIZES.map((s): Row => [`cmov${cc}`, `r${s},rm${s}`, `rm: ${osz(s)} 0F ${hex(0x40 + code)} /r`]),
  ]);
}

export const moveRows: Row[] = [
  ...movRows(),
  ...extendRows(),
  ...xchgRows(),
  ...stackRows(),
  ...stringRows(),
  ...conditionalRows(),
];

/**
 * Differential tests against nasm on generated programs: random integer expressions (precedence,
 * signed/unsigned division, shifts, comparisons) and random jump layouts (the multi-pass optimiser
 * must settle on exactly nasm's short/near choices).
 */
import { describe, expect, test } from 'vitest';
import { assembleToBin, formatDiagnostic } from '../../src/asm/index.js';
import { hex, nasmSource } from './nasm.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Asserts nasm and we agree; `itemSize` > 0 names the first differing line of a one-item-per-line file. */
function same(src: string, itemSize = 0, firstLine = 0): void {
  const ref = nasmSource(src);
  expect(ref.ok, ref.stderr).toBe(true);
  const ours = assembleToBin(src, { file: 'gen.asm' });
  expect(ours.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  if (itemSize > 0) {
    const at = ref.bytes.findIndex((b, i) => ours.bytes[i] !== b);
    const line = at < 0 ? '' : src.split('\n')[firstLine + Math.floor(at / itemSize)];
    expect(line, 'first line where nasm and we differ').toBe('');
  }
  expect(hex(ours.bytes)).toBe(hex(ref.bytes));
}

describe('differential vs nasm', () => {
  test.each([4242, 99, 2024, 7])('random expressions (seed %i)', (seed) => {
    const rand = rng(seed);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
    const atom = (): string =>
      pick([
        () => String(Math.floor(rand() * 1000)),
        () => `0x${Math.floor(rand() * 0xffffffff).toString(16)}`,
        () => `${Math.floor(rand() * 200)}h`,
        () => `${(Math.floor(rand() * 64) >>> 0).toString(2)}b`,
        // Parenthesised: nasm misreads a unary +/- directly before a string in data (`dq -'a'`).
        () => `('${pick(['a', 'ab', 'xyz'])}')`,
        () => 'K',
      ])();
    const expr = (depth: number): string => {
      if (depth === 0 || rand() < 0.25) return atom();
      const r = rand();
      if (r < 0.15) return `${pick(['-', '~', '!', '+'])}${expr(depth - 1)}`;
      if (r < 0.3) return `(${expr(depth - 1)})`;
      const op = pick([
        '+',
        '-',
        '*',
        '|',
        '^',
        '&',
        '<<',
        '>>',
        '==',
        '!=',
        '<',
        '>=',
        '&&',
        '||',
        '/',
        '//',
        '%',
        '%%',
      ]);
      // Keep divisors and shift counts well-defined.
      if (['/', '//', '%', '%%'].includes(op))
        return `${expr(depth - 1)} ${op} ${1 + Math.floor(rand() * 50)}`;
      if (op === '<<' || op === '>>') {
        return rand() < 0.7
          ? `${expr(depth - 1)} ${op} ${Math.floor(rand() * 70)}`
          : `${expr(depth - 1)} ${op} ${expr(depth - 1)}`;
      }
      return `${expr(depth - 1)} ${op} ${expr(depth - 1)}`;
    };
    const lines = ['K equ -37'];
    for (let i = 0; i < 300; i++) lines.push(`dq ${expr(4)}`);
    same(`${lines.join('\n')}\n`, 8, 1);
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    test(`random jump layout ${seed}`, () => {
      const rand = rng(seed * 7919);
      const n = 40;
      const lines = ['bits 64'];
      for (let i = 0; i < n; i++) {
        lines.push(`L${i}:`);
        const r = rand();
        const target = `L${Math.floor(rand() * n)}`;
        if (r < 0.35) lines.push(`  jmp ${target}`);
        else if (r < 0.6) lines.push(`  jnz ${target}`);
        else if (r < 0.7) lines.push(`  call ${target}`);
        else if (r < 0.8) lines.push(`  loop ${target}`.replace('loop', rand() < 0.5 ? 'jmp' : 'jc'));
        lines.push(`  times ${Math.floor(rand() * 40)} nop`);
      }
      same(`${lines.join('\n')}\n`);
    });
  }

  // Jumps whose distances hover around the short/near limit, with forward-referenced constants (equ,
  // chains of equ, struc fields, label distances; not K0-K7, which nasm reads as AVX-512 mask
  // registers) as immediates and displacements in between: the
  // first pass's guesses about their sizes decide which self-consistent layout the passes settle on.
  // Seeds 3 and 6 caught the first-pass immediate rule (fixtures/forward_imm.asm), about a quarter of
  // seeds do; 30 and 68 the forward-equ-is-0 rule (fixtures/forward_equ.asm), about one in twenty.
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 30, 68]) {
    test(`random jump layout with forward constants ${seed}`, () => {
      const rand = rng(seed * 104729);
      const int = (n: number): number => Math.floor(rand() * n);
      const pick = <T>(xs: T[]): T => xs[int(xs.length)];
      const n = 60;
      const consts = ['Q0', 'Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'S.a', 'S.b', 'S.c', 'S_size', 'D0', 'D1'];
      const small = ['Q0', 'Q1', 'Q2', 'S.a', 'S.b'];
      const ops = [
        () => `  add rdi, ${pick(consts)}`,
        () => `  cmp eax, ${pick(consts)}`,
        () => `  sub rsp, ${pick(consts)}`,
        () => `  and ecx, ${pick(consts)}`,
        () => `  mov rax, ${pick(consts)}`,
        () => `  mov esi, ${pick(consts)}`,
        () => `  push ${pick(consts)}`,
        () => `  imul edx, ebx, ${pick(consts)}`,
        () => `  shl r8d, ${pick(small)}`,
        () => `  mov eax, [rbx + ${pick(consts)}]`,
        () => `  lea rsi, [rdi + ${pick(small)} * 2]`,
        () => `  mov qword [rsp + ${pick(consts)}], ${pick(consts)}`,
        () => `  add rdi, strict ${pick(consts)}`,
      ];
      const lines = ['bits 64'];
      for (let i = 0; i < n; i++) {
        lines.push(`L${i}:`);
        // Mostly nearby targets, both directions, so distances sit close to the 128-byte limit.
        const t = Math.min(n - 1, Math.max(0, i + int(9) - 4));
        const r = rand();
        if (r < 0.3) lines.push(`  jmp L${t}`);
        else if (r < 0.75) lines.push(`  ${pick(['jz', 'jnz', 'jc', 'jle'])} L${t}`);
        else if (r < 0.8) lines.push(`  call L${t}`);
        for (let k = 1 + int(5); k > 0; k--) lines.push(pick(ops)());
        lines.push(`  times ${int(30)} nop`);
      }
      const a = int(n);
      const b = int(n);
      lines.push(
        `Q0 equ ${int(100)}`,
        `Q1 equ Q0 + ${int(40)}`,
        `Q2 equ ${int(8)}`,
        `Q3 equ Q4 - ${int(300)}`,
        `Q4 equ ${100 + int(400)}`,
        `Q5 equ 0x${int(0x7fffffff).toString(16)}`,
        `D0 equ (L${Math.max(a, b)} - L${Math.min(a, b)}) / ${8 + int(24)}`,
        `D1 equ D0 * ${1 + int(3)}`,
        'struc S',
        `  .a: resb ${int(60)}`,
        `  .b: resq ${int(4)}`,
        `  .c: resb ${int(200)}`,
        'endstruc',
      );
      same(`${lines.join('\n')}\n`);
    });
  }

  test('jump layouts in 16 and 32-bit code', () => {
    for (const bits of [16, 32]) {
      const rand = rng(bits);
      const lines = [`bits ${bits}`];
      for (let i = 0; i < 30; i++) {
        lines.push(`L${i}: ${rand() < 0.5 ? 'jmp' : 'je'} L${Math.floor(rand() * 30)}`);
        lines.push(`  times ${Math.floor(rand() * 50)} db 0x90`);
      }
      same(`${lines.join('\n')}\n`);
    }
  });

  test('random bin section layouts (those nasm accepts)', () => {
    const rand = rng(31337);
    let compared = 0;
    for (let round = 0; round < 60; round++) {
      const names = ['.text', '.data', '.rodata', 'sa', 'sb', 'sc', '.bss', 'nb'];
      const lines: string[] = [];
      if (rand() < 0.6) lines.push(`org 0x${(Math.floor(rand() * 16) * 0x100).toString(16)}`);
      const defined: string[] = [];
      for (let k = 0; k < 10; k++) {
        const name = names[Math.floor(rand() * names.length)];
        const first = !defined.includes(name);
        const nobits = name === '.bss' || name === 'nb';
        const attrs: string[] = [];
        if (first && name !== '.bss') {
          if (name === 'nb') attrs.push('nobits');
          if (rand() < 0.3) attrs.push(`align=${2 ** Math.floor(rand() * 6)}`);
          const r = rand();
          const prev = defined.filter((d) => d !== name);
          if (!nobits && r < 0.12)
            attrs.push(`start=0x${(0x2000 + Math.floor(rand() * 8) * 0x400).toString(16)}`);
          else if (!nobits && r < 0.22)
            attrs.push(`vstart=0x${(0x9000 + Math.floor(rand() * 8) * 0x100).toString(16)}`);
          else if (!nobits && r < 0.3 && prev.length > 0)
            attrs.push(`follows=${prev[Math.floor(rand() * prev.length)]}`);
          else if (r < 0.36 && prev.length > 0)
            attrs.push(`vfollows=${prev[Math.floor(rand() * prev.length)]}`);
        }
        if (first) defined.push(name);
        lines.push(`section ${name} ${attrs.join(' ')}`);
        const label = `l${k}`;
        if (nobits) lines.push(`${label}: resb ${Math.floor(rand() * 20)}`);
        else
          lines.push(
            `${label}: db ${k}`,
            `  times ${Math.floor(rand() * 12)} db 0xEE`,
            `  dd l${Math.floor(rand() * (k + 1))}`,
          );
        if (rand() < 0.2)
          lines.push(
            nobits ? `alignb ${2 ** Math.floor(rand() * 5)}` : `align ${2 ** Math.floor(rand() * 5)}`,
          );
      }
      const src = `${lines.join('\n')}\n`;
      const ref = nasmSource(src);
      if (!ref.ok) continue;
      compared++;
      const ours = assembleToBin(src, { file: 'layout.asm' });
      expect(ours.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), src).toEqual([]);
      expect(hex(ours.bytes), src).toBe(hex(ref.bytes));
    }
    expect(compared).toBeGreaterThan(30);
  });
});

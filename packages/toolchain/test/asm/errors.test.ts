/**
 * Bad input: each case must be rejected by real nasm too, and we must report the right line and column,
 * a message, the offending source text and (where we promise one) a hint. Several errors in one file are
 * all reported, and random garbage never makes the assembler throw.
 */
import { describe, expect, test } from 'vitest';
import { assemble, assembleToBin } from '../../src/asm/index.js';
import { nasmSource } from './nasm.js';

interface Case {
  name: string;
  src: string;
  line: number;
  col: number;
  message: RegExp;
  hint?: RegExp;
}

const cases: Case[] = [
  {
    name: 'empty operand',
    src: 'bits 64\nmov eax,, 1',
    line: 2,
    col: 9,
    message: /operand expected/,
    hint: /register/,
  },
  {
    name: 'unknown mnemonic',
    src: 'bits 64\nfrobnicate eax',
    line: 2,
    col: 1,
    message: /`frobnicate' is not an instruction/,
    hint: /instruction/,
  },
  {
    name: 'undefined label',
    src: 'bits 64\nnop\njmp nowhere',
    line: 3,
    col: 5,
    message: /symbol `nowhere' not defined/,
    hint: /extern/,
  },
  {
    name: 'bad operand combination',
    src: 'bits 64\nmov eax, bl',
    line: 2,
    col: 1,
    message: /invalid combination/,
    hint: /mov r32,rm32/,
  },
  {
    name: 'dangling operator',
    src: 'db 1 +',
    line: 1,
    col: 7,
    message: /expression expected/,
    hint: /number/,
  },
  {
    name: 'unterminated string',
    src: "db 'abc",
    line: 1,
    col: 4,
    message: /unterminated string/,
    hint: /close/,
  },
  {
    name: 'macro parameter count',
    src: '%macro m 2\ndb %1\n%endmacro\nm 1',
    line: 4,
    col: 1,
    message: /not taking 1 parameter/,
    hint: /takes 2/,
  },
  { name: 'label redefined', src: 'a: db 1\na: db 2', line: 2, col: 1, message: /redefined/ },
  { name: 'negative times', src: 'times -1 db 0', line: 1, col: 7, message: /TIMES value -1 is negative/ },
  {
    name: 'short jump out of range',
    src: 'bits 64\njmp short t\ntimes 200 nop\nt: ret',
    line: 2,
    col: 1,
    message: /short jump is out of range/,
  },
  {
    name: 'missing include',
    src: '%include "no-such-file.inc"',
    line: 1,
    col: 1,
    message: /unable to open include file/,
    hint: /searched/,
  },
  {
    name: 'bad scale',
    src: 'bits 32\nmov eax, [ebx*3 + ecx]',
    line: 2,
    col: 10,
    message: /scale/,
    hint: /base \+ index\*scale/,
  },
  {
    name: 'three registers',
    src: 'bits 64\nmov eax, [rax + rbx + rcx]',
    line: 2,
    col: 10,
    message: /too many registers/,
  },
  { name: 'division by zero', src: 'dd 1 / 0', line: 1, col: 6, message: /division by zero/ },
  {
    name: 'junk after operand',
    src: 'bits 64\npush 1 2',
    line: 2,
    col: 8,
    message: /unexpected `2'/,
    hint: /commas/,
  },
  { name: 'unknown directive in brackets', src: '[frob 1]', line: 1, col: 2, message: /unknown directive/ },
  { name: '%error', src: 'nop\n%error custom failure', line: 2, col: 1, message: /custom failure/ },
  { name: 'unclosed %if', src: '%if 1\ndb 1', line: 1, col: 1, message: /%if without a matching %endif/ },
  { name: '%pop without %push', src: 'db 1\n%pop', line: 2, col: 1, message: /no context/, hint: /%push/ },
  { name: '%$ outside a context', src: 'db %$x', line: 1, col: 4, message: /no context is active/ },
  { name: 'shift of an address', src: 'x: dw x >> 1', line: 1, col: 9, message: /scalar/ },
];

describe('errors are positioned, explained, and nasm agrees they are errors', () => {
  for (const c of cases) {
    test(c.name, () => {
      expect(nasmSource(c.src).ok, 'nasm should reject this too').toBe(false);
      const { diagnostics } = assemble(c.src, { file: 'case.asm' });
      const errors = diagnostics.filter((d) => d.severity === 'error');
      expect(errors.length).toBeGreaterThan(0);
      const e = errors[0];
      expect(e.file).toBe('case.asm');
      expect(e.message).toMatch(c.message);
      expect([e.line, e.col]).toEqual([c.line, c.col]);
      expect(e.source).toBe(c.src.split('\n')[c.line - 1]);
      if (c.hint) expect(e.hint).toMatch(c.hint);
      expect(assembleToBin(c.src).bytes.length).toBe(0);
    });
  }

  test('several errors in one file are all reported, in source order', () => {
    const src = 'bits 64\nfrob eax\nmov eax, [\nnop\njmp nowhere\ndb 1 +';
    const errors = assemble(src, { file: 'm.asm' }).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((e) => e.line)).toEqual([2, 3, 5, 6]);
  });
});

/** A small deterministic PRNG so a failing fuzz case can be reproduced. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = [
  'mov',
  'add',
  'jmp',
  'db',
  'dd',
  'times',
  'equ',
  'resb',
  'section',
  'bits',
  'align',
  'struc',
  'endstruc',
  'istruc',
  'at',
  'iend',
  'org',
  'incbin',
  '%define',
  '%macro',
  '%endmacro',
  '%if',
  '%else',
  '%endif',
  '%rep',
  '%endrep',
  '%include',
  '%assign',
  '%%x',
  '%1',
  'eax',
  'rax',
  'al',
  'fs',
  'byte',
  'qword',
  'strict',
  'short',
  'rel',
  '[',
  ']',
  '(',
  ')',
  ',',
  ':',
  '+',
  '-',
  '*',
  '/',
  '//',
  '%',
  '<<',
  '>>',
  '~',
  '!',
  '$',
  '$$',
  '..@a',
  '.l',
  'lbl',
  '0x',
  '0x1F',
  '1Fh',
  '12',
  '0b2',
  "'a",
  "'ab'",
  '"x"',
  '`\\x4`',
  ';',
  '\\',
  '{',
  '}',
  '?',
  '1.5',
  '1e',
  '999999999999999999999999',
  '-',
  'rep',
  'lock',
  'o16',
  'a32',
  'default',
  'vstart=',
  'follows=',
];

describe('fuzz: garbage only ever produces diagnostics', () => {
  test('random token soup', () => {
    const rand = rng(12345);
    for (let i = 0; i < 400; i++) {
      const lines: string[] = [];
      const n = 1 + Math.floor(rand() * 6);
      for (let l = 0; l < n; l++) {
        const k = Math.floor(rand() * 7);
        const words: string[] = [];
        for (let w = 0; w < k; w++) words.push(PIECES[Math.floor(rand() * PIECES.length)]);
        lines.push(words.join(rand() < 0.5 ? ' ' : ''));
      }
      const src = lines.join('\n');
      let result: ReturnType<typeof assembleToBin> | undefined;
      expect(() => {
        result = assembleToBin(src, { file: 'fuzz.asm', readFile: () => undefined });
      }, src).not.toThrow();
      for (const d of result?.diagnostics ?? []) {
        expect(d.message.length).toBeGreaterThan(0);
        expect(d.line).toBeGreaterThanOrEqual(0);
        expect(d.message, src).not.toMatch(/internal/);
      }
    }
  });

  test('random bytes', () => {
    const rand = rng(777);
    for (let i = 0; i < 200; i++) {
      const len = Math.floor(rand() * 80);
      let src = '';
      for (let k = 0; k < len; k++) src += String.fromCharCode(Math.floor(rand() * 128));
      expect(
        () => assembleToBin(src, { file: 'bytes.asm', readFile: () => undefined }),
        JSON.stringify(src),
      ).not.toThrow();
    }
  });
});

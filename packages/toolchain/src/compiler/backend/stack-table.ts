/**
 * What the runtime needs to write a stack trace (../README.md "Stack traces"), emitted with the
 * program's object:
 *
 *   __rt_stack_capture   a leaf routine (below) that walks the RBP chain and keeps the return
 *                        addresses that fall inside the program's code
 *   __rt_stack_table     a static WORDS object in .rodata: every position of the machine code and
 *                        every function start, as exact integers in doubles so the runtime's
 *                        TypeScript (../runtime/lib/stack.ts) reads them with plain word loads
 *   __rt_stack_names     a static string: every source path (relative to the current directory,
 *                        like diagnostics), then every frame name, back to back
 *
 * Table payload (doubles): [0] E positions, [1] F functions, [2] F again (the path words); then E
 * words offset·2^29 + line·2^11 + column, then F words offset·2^29 + nameStart·2^9 + nameLength,
 * both sorted by offset (relative to __rt_program_text), then F words pathStart·2^11 + pathLength:
 * the file of the function with the same index (a program of many modules has many paths).
 * A packed word is an integer below 2^53 (offset < 2^24, line < 2^18, column, path and name length
 * clamped to 2047, 2047 and 511), so the runtime binary-searches the words themselves.
 */
import path from 'node:path';
import type { SymbolDef } from '../../obj/object.js';
import type { IrFunction } from '../ir/types.js';
import { RT } from '../runtime/symbols.js';
import { HEAP, SCRATCH_WORDS, stringObject } from './abi.js';
import { type CodeBuffer, I, L, M, R, RIP } from './code-buffer.js';

export const STACK_TABLE = {
  POSITION_SHIFT: 2 ** 29,
  LINE_SHIFT: 2 ** 11,
  NAME_SHIFT: 2 ** 9,
  MAX_OFFSET: 2 ** 24,
  MAX_LINE: 2 ** 18,
  MAX_COL: 2047,
  MAX_NAME: 511,
  MAX_NAMES: 2 ** 20,
} as const;

/**
 * __rt_stack_capture(rdi = most frames) → rax = frames kept. Walks the RBP chain from its caller's
 * frame up to the outermost one (saved rbp 0, ../abi.ts frame layout) and stores each return
 * address inside the program's code, as a double offset from __rt_program_text, in __rt_scratch[0…].
 * A leaf without a frame: it clobbers only rax, rcx, rdx, r8–r10 and xmm0.
 */
export function emitStackCapture(c: CodeBuffer): void {
  const most = Math.min(SCRATCH_WORDS, 256);
  c.align(16);
  c.symbol(RT.stackCapture, true);
  c.ins('mov', R('rcx'), I(most));
  c.ins('cmp', R('rdi'), R('rcx'));
  c.ins('cmova', R('rdi'), R('rcx'));
  c.ins('mov', R('rcx'), R('rbp'));
  c.ins('xor', R('eax'), R('eax'));
  c.ins('lea', R('r8'), RIP(RT.programText));
  c.ins('lea', R('r9'), RIP(RT.programTextEnd));
  c.ins('lea', R('r10'), RIP(RT.scratch));
  c.label('.Lcapture.loop');
  c.ins('test', R('rcx'), R('rcx'));
  c.ins('jz', L('.Lcapture.done'));
  c.ins('cmp', R('rax'), R('rdi'));
  c.ins('jae', L('.Lcapture.done'));
  c.ins('mov', R('rdx'), M('rcx', 8));
  c.ins('cmp', R('rdx'), R('r8'));
  c.ins('jb', L('.Lcapture.next'));
  c.ins('cmp', R('rdx'), R('r9'));
  c.ins('jae', L('.Lcapture.next'));
  c.ins('sub', R('rdx'), R('r8'));
  c.ins('cvtsi2sd', R('xmm0'), R('rdx'));
  c.ins('movsd', M('r10', 0, 64, 'rax', 8), R('xmm0'));
  c.ins('inc', R('rax'));
  c.label('.Lcapture.next');
  c.ins('mov', R('rcx'), M('rcx', 0));
  c.ins('jmp', L('.Lcapture.loop'));
  c.label('.Lcapture.done');
  c.ins('ret');
  c.resolveLabels();
}

export interface StackTableData {
  bytes: Uint8Array;
  symbols: SymbolDef[];
}

/** The table and names objects for `.rodata` (offsets relative to the section's start). */
export function stackTable(code: CodeBuffer, functions: IrFunction[], textEnd: number): StackTableData {
  const T = STACK_TABLE;
  const clamp = (n: number, max: number) => Math.min(Math.max(n, 0), max);
  // Every module's path once, at the start of the names.
  let names = '';
  const paths = new Map<string, number>();
  const pathWord = (file: string | undefined): number => {
    if (file === undefined) return 0;
    const shown = path.relative(process.cwd(), file) || file;
    let start = paths.get(file);
    if (start === undefined) {
      start = names.length;
      paths.set(file, start);
      names += shown;
    }
    return start * T.LINE_SHIFT + clamp(shown.length, T.MAX_COL);
  };
  for (const f of functions) pathWord(f.file);
  const positions: number[] = [];
  for (const p of code.positions) {
    if (p.offset >= Math.min(textEnd, T.MAX_OFFSET) || !paths.has(p.file)) continue;
    positions.push(
      p.offset * T.POSITION_SHIFT + clamp(p.line, T.MAX_LINE - 1) * T.LINE_SHIFT + clamp(p.col, T.MAX_COL),
    );
  }
  const starts: { word: number; path: number }[] = [];
  const offsets = new Map(code.symbols.map((s) => [s.name, Number(s.value)]));
  for (const f of functions) {
    const at = offsets.get(f.name);
    if (at === undefined || at >= T.MAX_OFFSET) continue;
    const name = f.frame?.name ?? '';
    const start = names.length;
    if (start + name.length < T.MAX_NAMES) names += name;
    const len = start + name.length < T.MAX_NAMES ? clamp(name.length, T.MAX_NAME) : 0;
    starts.push({ word: at * T.POSITION_SHIFT + start * T.NAME_SHIFT + len, path: pathWord(f.file) });
  }
  // The capture routine and the padding after the last function belong to no program function.
  if (textEnd < T.MAX_OFFSET) starts.push({ word: textEnd * T.POSITION_SHIFT, path: 0 });
  positions.sort((a, b) => a - b);
  starts.sort((a, b) => a.word - b.word);

  const out: number[] = [];
  const word = (v: bigint) => {
    for (let k = 0n; k < 8n; k++) out.push(Number((v >> (8n * k)) & 0xffn));
  };
  const f64 = new Float64Array(1);
  const bits = new BigUint64Array(f64.buffer);
  const double = (x: number) => {
    f64[0] = x;
    word(bits[0]);
  };
  const payload = [
    positions.length,
    starts.length,
    starts.length,
    ...positions,
    ...starts.map((s) => s.word),
    ...starts.map((s) => s.path),
  ];
  const symbols: SymbolDef[] = [{ name: RT.stackTable, section: '.rodata', value: 0n, global: true }];
  word(BigInt(payload.length) | (BigInt(HEAP.KIND_WORDS) << 32n));
  for (const x of payload) double(x);
  symbols.push({ name: RT.stackNames, section: '.rodata', value: BigInt(out.length), global: true });
  for (const b of stringObject(names)) out.push(b);
  return { bytes: Uint8Array.from(out), symbols };
}

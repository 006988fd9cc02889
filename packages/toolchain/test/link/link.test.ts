/**
 * Linker: several objects linked into one flat image must equal what nasm produces for the equivalent
 * single source; cross-object symbols resolve; undefined externs, duplicate globals and out-of-range
 * relocations are reported with the symbol, the object and the source position.
 */
import { describe, expect, test } from 'vitest';
import { assemble } from '../../src/asm/index.js';
import { writeBin } from '../../src/image/bin.js';
import { LinkError, link } from '../../src/link/index.js';
import type { ObjectFile } from '../../src/obj/object.js';
import { hex, nasmSource } from '../asm/nasm.js';

function obj(src: string, file: string): ObjectFile {
  const r = assemble(src, { file });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.object;
}

function linkErrors(objects: ObjectFile[]): LinkError {
  try {
    link(objects);
  } catch (e) {
    if (e instanceof LinkError) return e;
    throw e;
  }
  throw new Error('link unexpectedly succeeded');
}

const A = `bits 64
org 0x200000
extern helper, table
global start
section .text
start:
  call helper
  mov rax, table
  lea rdx, [rel helper]
  jmp start
section .data
ptrs: dq start, helper
section .bss
scratch: resq 2
`;
const B = `bits 64
global helper, table
extern start
section .text
helper:
  mov eax, [rel table]
  jmp start
section .data
table: dd 1, 2, 3
`;

describe('link', () => {
  test('two objects equal nasm on the concatenated source', () => {
    const image = link([obj(A, 'a.asm'), obj(B, 'b.asm')]);
    // One nasm source with the same section contents; each object's piece of a section starts at that
    // section's alignment (4), which the single source spells out with explicit padding. A jump to an
    // extern is always near (its distance is unknown when assembling), so the single source says `near`.
    const pad = 'times (4 - ($ - $$) % 4) % 4 db 0';
    const single = `bits 64
org 0x200000
section .text
start:
  call helper
  mov rax, table
  lea rdx, [rel helper]
  jmp start
${pad}
helper:
  mov eax, [rel table]
  jmp near start
section .data
ptrs: dq start, helper
${pad}
table: dd 1, 2, 3
section .bss
scratch: resq 2
`;
    const ref = nasmSource(single);
    expect(ref.ok, ref.stderr).toBe(true);
    expect(hex(writeBin(image))).toBe(hex(ref.bytes));
    const sym = new Map(image.symbols.map((s) => [s.name, s.address]));
    expect(sym.get('start')).toBe(0x200000n);
    const text = image.sections.find((s) => s.name === '.text');
    expect(text?.address).toBe(0x200000n);
    const bss = image.sections.find((s) => s.name === '.bss');
    expect(bss?.nobits).toBe(true);
    expect(sym.get('scratch')).toBe(bss?.address);
  });

  test('undefined extern names the symbol and the object', () => {
    const e = linkErrors([obj(A, 'a.asm')]);
    const msgs = e.diagnostics.map((d) => d.message);
    expect(msgs.some((m) => m.includes("`helper'") && m.includes('a.asm'))).toBe(true);
    expect(msgs.some((m) => m.includes("`table'"))).toBe(true);
    // One error per missing symbol, at its first use (`call helper` on line 7).
    expect(e.diagnostics).toHaveLength(2);
    expect(e.diagnostics.find((d) => d.message.includes('helper'))).toMatchObject({ file: 'a.asm', line: 7 });
  });

  test('a symbol defined globally twice is an error', () => {
    const e = linkErrors([obj('global x\nx: db 1', 'p.asm'), obj('global x\nx: db 2', 'q.asm')]);
    expect(e.diagnostics[0].message).toMatch(/`x' is defined globally in both p.asm and q.asm/);
    expect(e.diagnostics[0].line).toBe(2);
  });

  test('relocated values that do not fit are reported at their source position', () => {
    const e = linkErrors([obj('org 0x1000\nnop\nhere: db 1\n  db here\n  dw here', 'r.asm')]);
    expect(e.diagnostics).toHaveLength(1);
    expect(e.diagnostics[0]).toMatchObject({ file: 'r.asm', line: 4, col: 6 });
    expect(e.diagnostics[0].message).toMatch(/does not fit in 8 bits/);
  });

  test('a relative reference out of range is reported', () => {
    const far = obj('bits 32\nglobal f\nsection .text\nf: ret', 'f.asm');
    const near = obj('bits 32\nextern f\nsection .text\ncall f\nsection hi start=0x10000\ndb 1', 'n.asm');
    expect(link([near, far]).sections.find((s) => s.name === '.text')?.size).toBe(9);
    const e = linkErrors([
      obj('bits 16\nextern g\nsection .text\ncall g', 'm.asm'),
      obj('bits 16\nglobal g\nsection far start=0x20000\ng: ret', 'g.asm'),
    ]);
    expect(e.diagnostics[0].message).toMatch(/does not fit in 16 bits \(relative\)/);
    expect(e.diagnostics[0]).toMatchObject({ file: 'm.asm', line: 4 });
  });

  test('org from options overrides the objects', () => {
    const image = link([obj('x: dd x', 'o.asm')], { org: 0x5000n });
    expect(hex(writeBin(image))).toBe('00500000');
    expect(image.origin).toBe(0x5000n);
  });
});

/**
 * assemble() options: in-memory files for %include/incbin, include paths, predefined macros (nasm -D),
 * and the multi-pass driver (forward jumps settle over several passes; non-convergence is reported).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { assemble, assembleToBin } from '../../src/asm/index.js';
import { hex, nasmFile, nasmSource } from './nasm.js';

describe('assemble options', () => {
  test('in-memory files and include paths give what nasm gives for the same files on disk', () => {
    const files: Record<string, string> = {
      'src/main.asm': '%include "defs.inc"\ndb VALUE\nincbin "payload.bin", 1, 3\n%include "lib.inc"\n',
      'src/defs.inc': 'VALUE equ 7\n',
      'src/payload.bin': 'ABCDEF',
      'shared/lib.inc': 'db "lib"\n',
    };
    const dir = mkdtempSync(join(tmpdir(), 'toro-asm-opts-'));
    try {
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(join(dir, name, '..'), { recursive: true });
        writeFileSync(join(dir, name), text);
      }
      const ref = nasmFile(join(dir, 'src/main.asm'), join(dir, 'src'), [`-i${join(dir, 'shared')}/`]);
      expect(ref.ok, ref.stderr).toBe(true);
      const enc = new TextEncoder();
      const ours = assembleToBin(files['src/main.asm'], {
        file: '/virtual/src/main.asm',
        includePaths: ['/virtual/shared'],
        readFile: (p) => {
          const key = p.replace(/^\/virtual\//, '');
          return files[key] === undefined ? undefined : enc.encode(files[key]);
        },
      });
      expect(ours.diagnostics).toEqual([]);
      expect(hex(ours.bytes)).toBe(hex(ref.bytes));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('predefined macros behave like nasm -D', () => {
    const src = '%ifdef DEBUG\ndb 1\n%endif\ndb LEVEL * 2\n';
    const ref = nasmSource(src, ['-DDEBUG', '-DLEVEL=21']);
    expect(ref.ok, ref.stderr).toBe(true);
    const ours = assembleToBin(src, { defines: { DEBUG: '', LEVEL: '21' } });
    expect(hex(ours.bytes)).toBe(hex(ref.bytes));
  });

  test('chained forward jumps settle over several passes, like nasm', () => {
    // Each jump only becomes near once the one after it has grown, so sizes ripple backwards.
    let src = 'bits 64\n';
    for (let i = 0; i < 6; i++) src += `j${i}: jmp t${i}\n`;
    for (let i = 5; i >= 0; i--) src += `t${i}: times ${i === 5 ? 118 : 1} nop\n`;
    const ours = assemble(src);
    expect(ours.diagnostics).toEqual([]);
    expect(ours.passes).toBeGreaterThan(2);
    const ref = nasmSource(src);
    expect(ref.ok, ref.stderr).toBe(true);
    expect(hex(assembleToBin(src).bytes)).toBe(hex(ref.bytes));
  });

  test('a pass limit that is too small is reported as non-convergence', () => {
    let src = 'bits 64\n';
    for (let i = 0; i < 6; i++) src += `jmp t${i}\n`;
    for (let i = 5; i >= 0; i--) src += `t${i}: times ${i === 5 ? 118 : 1} nop\n`;
    const r = assemble(src, { maxPasses: 2 });
    expect(r.diagnostics.map((d) => d.message)).toContain(
      'unable to find stable label values after 2 passes',
    );
  });
});

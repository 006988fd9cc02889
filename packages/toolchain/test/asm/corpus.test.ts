/**
 * The instruction-heavy check: the encoder's NASM-verified corpus (../x86/encodings.test.txt, every
 * table form in 16, 32 and 64-bit mode, thousands of lines of NASM text) is fed as source text through
 * the whole front end — lexer, parser, operand building, passes, linker, bin writer — and must come
 * out byte-identical with what nasm makes of the same text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { assembleToBin, formatDiagnostic } from '../../src/asm/index.js';
import { hex, nasmSource } from './nasm.js';

const text = readFileSync(join(import.meta.dirname, '../x86/encodings.test.txt'), 'utf8');

/** The corpus split per mode (each mode defines its own `lbl`). */
function chunks(): { bits: string; source: string }[] {
  const out: { bits: string; source: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^bits (\d+)/.exec(line);
    if (m) out.push({ bits: m[1], source: '' });
    if (out.length > 0) out[out.length - 1].source += `${line}\n`;
  }
  return out;
}

describe('encoder corpus through the front end', () => {
  const all = chunks();
  test('corpus present', () => {
    expect(all.map((c) => c.bits)).toEqual(['16', '32', '64']);
  });
  for (const { bits, source } of all) {
    test(`bits ${bits}: ${source.split('\n').length} lines equal nasm`, () => {
      const ref = nasmSource(source);
      expect(ref.ok, ref.stderr).toBe(true);
      const ours = assembleToBin(source, { file: `corpus${bits}.asm` });
      const errors = ours.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
      expect(errors.slice(0, 10)).toEqual([]);
      expect(ours.bytes.length).toBe(ref.bytes.length);
      expect(hex(ours.bytes) === hex(ref.bytes)).toBe(true);
    });
  }
});

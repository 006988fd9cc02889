/**
 * The acceptance test: every corpus line, in every mode, encodes to exactly the bytes `nasm -f bin`
 * emits for it (one nasm run per mode).
 */
import { describe, expect, it } from 'vitest';
import { type Bits, encode } from '../../src/x86/index.js';
import { corpus } from './corpus.js';
import { applyFixups, hexBytes, resolveInstruction, runNasm, SECTION } from './nasm.js';

describe.each([16, 32, 64] as Bits[])('bits %i corpus matches NASM byte for byte', (bits) => {
  it('encodes every line like nasm -f bin', () => {
    const lines = corpus(bits);
    const nasm = runNasm(bits, lines);
    expect(
      nasm.errors
        .split('\n')
        .filter((l) => /error|warning: label/.test(l))
        .slice(0, 20),
    ).toEqual([]);
    expect(nasm.ok).toBe(true);
    const mismatches: string[] = [];
    let checked = 0;
    lines.forEach((l, i) => {
      if ('label' in l) return;
      const want = nasm.lines[i];
      let got: string;
      try {
        const ins = resolveInstruction(l.ins, nasm.labels);
        const enc = encode(ins, { bits, here: { addend: BigInt(want.address), base: SECTION, known: true } });
        got = hexBytes(applyFixups(enc.bytes, enc.fixups, want.address));
      } catch (e) {
        got = `throws ${(e as Error).message}`;
      }
      checked++;
      if (got !== hexBytes(want.bytes))
        mismatches.push(`${l.text.padEnd(44)} ours: ${got.padEnd(30)} nasm: ${hexBytes(want.bytes)}`);
    });
    console.log(`bits ${bits}: ${mismatches.length}/${checked} mismatches\n${mismatches.join('\n')}`);
    expect(checked).toBeGreaterThan(1000);
    expect(mismatches).toEqual([]);
  });
});

/**
 * Illegal combinations: the encoder throws EncodeError with a clear message, and real NASM rejects the
 * same line (one small nasm run per case, since NASM stops reporting after the first failing pass).
 */
import { describe, expect, it } from 'vitest';
import { type Bits, EncodeError, encode, type Instruction, type Operand } from '../../src/x86/index.js';
import { reg } from '../../src/x86/registers.js';
import { renderInstruction } from '../../src/x86/render.js';
import { runNasm, SECTION } from './nasm.js';

const r = (n: string): Operand => ({ kind: 'reg', reg: reg(n) });
const imm = (n: number, extra: object = {}): Operand => ({
  kind: 'imm',
  value: { addend: BigInt(n), known: true },
  ...extra,
});
const mem = (extra: object): Operand => ({
  kind: 'mem',
  scale: 1,
  disp: { addend: 0n, known: true },
  rel: false,
  ...extra,
});
const ins = (mnemonic: string, ...operands: Operand[]): Instruction => ({ mnemonic, prefixes: [], operands });

const cases: Array<[Bits, Instruction, RegExp]> = [
  [64, ins('mov', r('ah'), r('sil')), /high byte register ah .*REX/],
  [64, ins('movzx', r('rax'), r('ah')), /high byte register ah .*REX/],
  [64, ins('add', r('ah'), mem({ base: reg('r8') })), /high byte register ah .*REX/],
  [64, ins('mov', r('bh'), r('r9b')), /high byte register bh .*REX/],
  [32, ins('mov', r('rax'), imm(1)), /not supported in 32-bit mode|only available in 64-bit mode/],
  [32, ins('mov', r('r8d'), r('eax')), /r8d is only available in 64-bit mode/],
  [32, ins('push', r('r8')), /not supported in 32-bit mode|only available in 64-bit mode/],
  [32, ins('mov', r('spl'), imm(1)), /spl is only available in 64-bit mode/],
  [32, ins('addsd', r('xmm8'), r('xmm0')), /xmm8 is only available in 64-bit mode/],
  [32, ins('mov', r('eax'), mem({ base: reg('rax') })), /64-bit addressing/],
  [16, ins('mov', r('eax'), mem({ base: reg('rax') })), /64-bit addressing/],
  [64, ins('mov', r('eax'), mem({ base: reg('bx'), index: reg('si') })), /16-bit addressing/],
  [64, ins('mov', r('eax'), mem({ base: reg('eax'), index: reg('rbx') })), /mixed register sizes/],
  [64, ins('mov', r('eax'), mem({ index: reg('rsp'), scale: 2 })), /cannot be an index/],
  [64, ins('push', r('eax')), /not supported in 64-bit mode/],
  [64, ins('pusha'), /not supported in 64-bit mode/],
  [64, ins('inc', mem({ base: reg('rax') })), /operation size not specified/],
  [64, ins('push', mem({ base: reg('rax') })), /operation size not specified/],
  [64, ins('movzx', r('eax'), mem({ base: reg('rbx') })), /operation size not specified/],
  [64, ins('mov', mem({ base: reg('rax') }), imm(5)), /operation size not specified/],
  [64, ins('lea', r('eax'), r('ebx')), /invalid combination/],
  [64, ins('movsd', r('xmm0'), mem({ base: reg('rax'), size: 32 })), /invalid combination/],
  [64, ins('movzx', r('ax'), r('bx')), /invalid combination/],
  [
    64,
    ins('jmp', {
      kind: 'imm',
      value: { addend: 0x1000n, known: true },
      segment: { addend: 8n, known: true },
    }),
    /not supported in 64-bit mode/,
  ],
  [64, ins('swapgs', r('eax')), /invalid combination/],
  [32, ins('swapgs'), /not supported in 32-bit mode/],
];

describe('illegal instructions', () => {
  it.each(cases.map(([bits, i, msg]) => [bits, renderInstruction(i), i, msg] as const))(
    'bits %i: %s',
    (bits, text, i, msg) => {
      let thrown: unknown;
      try {
        encode(i, { bits, here: { addend: 0n, base: SECTION, known: true } });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(EncodeError);
      expect((thrown as Error).message).toMatch(msg);
      const nasm = runNasm(bits, [{ ins: i, text }]);
      expect(nasm.ok, `nasm accepted '${text}'`).toBe(false);
    },
  );

  it('refuses a short jump that does not reach, as NASM does', () => {
    const target = {
      kind: 'imm' as const,
      value: { addend: 0n, base: SECTION, known: true },
      branch: 'short' as const,
    };
    const jmp = ins('jmp', target);
    expect(() => encode(jmp, { bits: 64, here: { addend: 200n, base: SECTION, known: true } })).toThrow(
      /short jump is out of range/,
    );
    const loop = ins('loop', { ...target, branch: undefined });
    expect(() => encode(loop, { bits: 64, here: { addend: 200n, base: SECTION, known: true } })).toThrow(
      /short jump is out of range/,
    );
    const nops = Array.from({ length: 200 }, () => ({ ins: ins('nop'), text: 'nop' }));
    for (const text of ['jmp short far0', 'loop far0']) {
      const nasm = runNasm(64, [{ label: 'far0' }, ...nops, { ins: jmp, text }]);
      expect(nasm.ok, `nasm accepted '${text}'`).toBe(false);
    }
  });
});

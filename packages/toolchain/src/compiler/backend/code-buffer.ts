/**
 * A growing .text section: encodes x86 `Instruction`s through the encoder API (no text round trip),
 * resolves jumps to the current function's block labels itself, and turns every other fixup (calls,
 * RIP-relative data) into a linker Relocation. Also records the machine-code → source position map.
 */
import type { Relocation, SymbolDef } from '../../obj/object.js';
import { absolute, type Value } from '../../obj/value.js';
import {
  encode,
  type Instruction,
  lookupRegister,
  type MemOperand,
  type Operand,
  type OperandSize,
} from '../../x86/index.js';

export const R = (name: string): Operand => {
  const reg = lookupRegister(name);
  if (!reg) throw new Error(`no register ${name}`);
  return { kind: 'reg', reg };
};

export function M(
  base: string,
  disp: number,
  size: OperandSize = 64,
  index?: string,
  scale: 1 | 2 | 4 | 8 = 1,
): Operand {
  const m: MemOperand = {
    kind: 'mem',
    base: (R(base) as { reg: MemOperand['base'] }).reg,
    scale,
    disp: absolute(disp),
    rel: false,
    size,
  };
  if (index) m.index = (R(index) as { reg: MemOperand['index'] }).reg;
  return m;
}

/** `[rel symbol + addend]`. */
export const RIP = (symbol: string, addend = 0, size: OperandSize = 64): Operand => ({
  kind: 'mem',
  scale: 1,
  disp: { addend: BigInt(addend), base: symbol, known: true },
  rel: true,
  size,
});

export const I = (n: bigint | number): Operand => ({
  kind: 'imm',
  value: absolute(BigInt.asIntN(64, BigInt(n))),
});

/** A branch or call target: always the near (rel32) form, so sizes never depend on layout. */
export const L = (symbol: string): Operand => ({
  kind: 'imm',
  value: { addend: 0n, base: symbol, known: true },
  branch: 'near',
});

export interface PositionEntry {
  offset: number;
  file: string;
  line: number;
  /** 1-based; 0 when only the line is known. */
  col: number;
}

interface Patch {
  at: number;
  label: string;
  from: number;
}

export class CodeBuffer {
  private bytes: number[] = [];
  readonly relocations: Relocation[] = [];
  readonly symbols: SymbolDef[] = [];
  readonly positions: PositionEntry[] = [];
  private labels = new Map<string, number>();
  private patches: Patch[] = [];

  get offset(): number {
    return this.bytes.length;
  }

  ins(mnemonic: string, ...operands: Operand[]): void {
    const instr: Instruction = { mnemonic, prefixes: [], operands };
    this.put(instr);
  }

  rep(mnemonic: string): void {
    this.put({ mnemonic, prefixes: ['rep'], operands: [] });
  }

  private put(instr: Instruction): void {
    const start = this.offset;
    const here: Value = { addend: BigInt(start), base: '.text', known: true };
    const out = encode(instr, { bits: 64, here });
    for (const f of out.fixups) {
      const base = f.value.base;
      if (base?.startsWith('.L') && f.pcrel && f.size === 4) {
        this.patches.push({ at: start + f.offset, label: base, from: start + f.pcrel.from });
        continue;
      }
      const r: Relocation = {
        section: '.text',
        offset: start + f.offset,
        size: f.size,
        value: f.value,
        range: f.range,
      };
      if (f.pcrel) r.pcrelFrom = start + f.pcrel.from;
      this.relocations.push(r);
    }
    for (const b of out.bytes) this.bytes.push(b);
  }

  /** A local label (name must start with `.L`), resolved when the function ends. */
  label(name: string): void {
    this.labels.set(name, this.offset);
  }

  symbol(name: string, global: boolean): void {
    this.symbols.push({ name, section: '.text', value: BigInt(this.offset), global });
  }

  position(file: string, line: number, col = 0): void {
    const last = this.positions.at(-1);
    if (last && last.file === file && last.line === line && last.col === col) return;
    if (last && last.offset === this.offset) this.positions.pop();
    this.positions.push({ offset: this.offset, file, line, col });
  }

  align(n: number): void {
    while (this.offset % n !== 0) this.bytes.push(0xcc);
  }

  /** Patches this function's jumps; labels are forgotten afterwards. */
  resolveLabels(): void {
    for (const p of this.patches) {
      const target = this.labels.get(p.label);
      if (target === undefined) throw new Error(`internal error: undefined label ${p.label}`);
      const rel = target - p.from;
      for (let k = 0; k < 4; k++) this.bytes[p.at + k] = (rel >>> (8 * k)) & 0xff;
    }
    this.patches = [];
    this.labels.clear();
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/**
 * Every register name NASM accepts in the subset Toro assembles, as data.
 *
 * Numbers are the 4-bit encodings (bit 3 goes to a REX bit). ah/ch/dh/bh share numbers 4–7 with
 * spl/bpl/sil/dil: the presence of any REX prefix decides which of the two a ModRM value means, which is
 * why each carries a flag the emitter checks.
 */
import type { Register, RegisterClass } from './operand.js';

const table = new Map<string, Register>();

function add(name: string, cls: RegisterClass, num: number, extra: Partial<Register> = {}): void {
  table.set(name, { name, cls, num, ...extra });
}

const legacy16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
for (let n = 0; n < 8; n++) {
  const r = legacy16[n];
  add(r, 'gpr16', n);
  add(`e${r}`, 'gpr32', n);
  add(`r${r}`, 'gpr64', n);
}
['al', 'cl', 'dl', 'bl'].forEach((name, n) => {
  add(name, 'gpr8', n);
});
['ah', 'ch', 'dh', 'bh'].forEach((name, n) => {
  add(name, 'gpr8', n + 4, { high8: true });
});
['spl', 'bpl', 'sil', 'dil'].forEach((name, n) => {
  add(name, 'gpr8', n + 4, { rexOnly: true });
});
for (let n = 8; n < 16; n++) {
  add(`r${n}`, 'gpr64', n);
  add(`r${n}d`, 'gpr32', n);
  add(`r${n}w`, 'gpr16', n);
  add(`r${n}b`, 'gpr8', n);
  // NASM also accepts the AMD-style `r8l` spelling for the low byte.
  add(`r${n}l`, 'gpr8', n);
}
['es', 'cs', 'ss', 'ds', 'fs', 'gs'].forEach((name, n) => {
  add(name, 'seg', n);
});
for (let n = 0; n < 16; n++) add(`xmm${n}`, 'xmm', n);
for (const n of [0, 2, 3, 4, 8]) add(`cr${n}`, 'cr', n);
for (let n = 0; n < 8; n++) add(`dr${n}`, 'dr', n);
// No `rip`: NASM 2.16 spells RIP-relative addressing `[rel x]` and treats `rip` as an ordinary symbol.

/** The register named `name` (case-insensitive), or undefined. */
export function register(name: string): Register | undefined {
  return table.get(name.toLowerCase());
}

/** The register called `name`; throws for names not in the table (for tables and tests). */
export function reg(name: string): Register {
  const r = register(name);
  if (!r) throw new Error(`unknown register ${name}`);
  return r;
}

/** All registers, for the corpus generator. */
export function allRegisters(): Register[] {
  return [...table.values()];
}

/** Size in bits of a general-purpose register class. */
export function gprBits(r: Register): 8 | 16 | 32 | 64 | undefined {
  switch (r.cls) {
    case 'gpr8':
      return 8;
    case 'gpr16':
      return 16;
    case 'gpr32':
      return 32;
    case 'gpr64':
      return 64;
    default:
      return undefined;
  }
}

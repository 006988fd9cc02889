/**
 * The shape of one encoding row, shared by every table file.
 *
 * A row is `[mnemonic, operand classes, encoding, flags?]`, written in the Intel SDM's notation so that
 * a row can be checked against the manual by eye:
 *
 *   ['add', 'rm32,imm8s', 'mi: o32 83 /0 ib', 'lock']
 *
 * - operand classes: see ../classes.ts (`r32`, `rm64`, `imm8s`, `rel8`, `xmmrm64`, `eax`…).
 * - encoding: `roles: tokens`. The roles give, per operand, where it goes: `r` ModRM.reg, `m` ModRM.r/m,
 *   `R` both ModRM.reg and ModRM.r/m (imul r32,imm), `o` added to the last opcode byte, `i`/`j` first and
 *   second immediate field, `-` implicit (no bits). Tokens, in emission order of their kind:
 *   `o16`/`o32`/`o64` operand size (66 prefix or REX.W as the mode needs), `o64nw` 64-bit by default in
 *   long mode (no REX.W), `a16`/`a32`/`a64` required address size (67 when the mode differs), hex bytes
 *   (66/F2/F3 before the first other byte are mandatory prefixes, placed before REX), `XX+r` (register
 *   added to the byte), `/0`…`/7` or `/r` (ModRM), `ib` `ibs` `iw` `id` `ids` `iq` immediates, `rel8`
 *   `rel` (rel16/rel32 by mode) branch displacements, `far` (offset then segment), `moffs` (address-size
 *   absolute offset), `rex` (force a REX prefix).
 * - flags: space separated: `long` (64-bit mode only), `nolong` (not in 64-bit mode), `ds` (an unsized
 *   immediate takes the mode's default operand size: push imm), `um` (an unsized memory operand fits the
 *   rm class: NASM accepts `cvtsi2sd xmm0, [rax]` as the dword form).
 */
export type Row = readonly [mnemonic: string, operands: string, encoding: string, flags?: string];

/** Hex byte as the tables write it: `hex(0x0f)` → `0F`. */
export function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

/** Condition codes with NASM's aliases, by their 4-bit encoding. */
export const CONDITIONS: ReadonlyArray<readonly [code: number, names: readonly string[]]> = [
  [0x0, ['o']],
  [0x1, ['no']],
  [0x2, ['b', 'c', 'nae']],
  [0x3, ['ae', 'nb', 'nc']],
  [0x4, ['e', 'z']],
  [0x5, ['ne', 'nz']],
  [0x6, ['be', 'na']],
  [0x7, ['a', 'nbe']],
  [0x8, ['s']],
  [0x9, ['ns']],
  [0xa, ['p', 'pe']],
  [0xb, ['np', 'po']],
  [0xc, ['l', 'nge']],
  [0xd, ['ge', 'nl']],
  [0xe, ['le', 'ng']],
  [0xf, ['g', 'nle']],
];

/** One row per condition alias: `fn(name, code)` returns the rows for `j<name>`, `set<name>`… */
export function perCondition(fn: (cc: string, code: number) => Row[]): Row[] {
  return CONDITIONS.flatMap(([code, names]) => names.flatMap((cc) => fn(cc, code)));
}

/** Operand-size token for a size in bits (8-bit forms have none). */
export function osz(size: number): string {
  return size === 8 ? '' : `o${size}`;
}

/** The 16/32/64-bit sizes, for rows that exist at each operand size. */
export const WORD_SIZES = [16, 32, 64] as const;

/**
 * Turns the table rows (tables/*.ts) into `Form` records the matcher and emitter use, indexed by
 * mnemonic in table order. Order matters: like NASM, the first form that fits wins, so each table lists
 * the short/shrunk forms (imm8s, accumulator, rel8) before the general ones.
 */
import { type ClassSpec, parseClass } from './classes.js';
import { arithRows } from './tables/arith.js';
import { controlRows } from './tables/control.js';
import { moveRows } from './tables/move.js';
import type { Row } from './tables/row.js';
import { sseRows } from './tables/sse.js';
import { systemRows } from './tables/system.js';

export type Role = 'r' | 'm' | 'R' | 'o' | 'i' | 'j' | '-';

export type FieldKind = 'ib' | 'ibs' | 'iw' | 'id' | 'ids' | 'iq' | 'rel8' | 'rel' | 'far' | 'moffs';

export interface Form {
  mnemonic: string;
  classes: ClassSpec[];
  roles: Role[];
  /** Operand size selected by o16/o32/o64/o64nw (64 for both of the last two). */
  opSize?: 16 | 32 | 64;
  /** o64: REX.W; o64nw: 64-bit by default, no REX.W. */
  rexW: boolean;
  addrSize?: 16 | 32 | 64;
  mandatory: number[];
  opcode: number[];
  /** The last opcode byte takes the `o`-role register in its low bits. */
  plusReg: boolean;
  /** ModRM.reg digit, 'r' for a register operand, undefined for no ModRM. */
  modrm?: number | 'r';
  fields: FieldKind[];
  forceRex: boolean;
  long: boolean;
  nolong: boolean;
  defaultSize: boolean;
  /** `um`: an unsized memory operand fits the form's rm class (SSE forms with a general-register side). */
  unsizedMem: boolean;
  /** The source row, for error messages and the README. */
  text: string;
}

const FIELD_KINDS = new Set<string>(['ib', 'ibs', 'iw', 'id', 'ids', 'iq', 'rel8', 'rel', 'far', 'moffs']);

function parseRow(row: Row): Form {
  const [mnemonic, operandText, encoding, flagText = ''] = row;
  const classes = operandText === '' ? [] : operandText.split(',').map((s) => parseClass(s.trim()));
  const colon = encoding.indexOf(':');
  const roleText = colon < 0 ? '' : encoding.slice(0, colon).trim();
  const tokens = encoding
    .slice(colon + 1)
    .trim()
    .split(/\s+/);
  if (roleText.length !== classes.length)
    throw new Error(`roles do not match operands in ${row.join(' | ')}`);
  const flags = new Set(flagText.split(/\s+/).filter(Boolean));
  const form: Form = {
    mnemonic,
    classes,
    roles: [...roleText] as Role[],
    rexW: false,
    mandatory: [],
    opcode: [],
    plusReg: false,
    fields: [],
    forceRex: false,
    long: flags.has('long'),
    nolong: flags.has('nolong'),
    defaultSize: flags.has('ds'),
    unsizedMem: flags.has('um'),
    text: `${mnemonic} ${operandText}`.trim(),
  };
  for (const t of tokens) {
    if (t === 'o16' || t === 'o32') form.opSize = t === 'o16' ? 16 : 32;
    else if (t === 'o64') {
      form.opSize = 64;
      form.rexW = true;
      form.long = true;
    } else if (t === 'o64nw') {
      form.opSize = 64;
      form.long = true;
    } else if (t === 'a16' || t === 'a32' || t === 'a64') form.addrSize = Number(t.slice(1)) as 16 | 32 | 64;
    else if (t === 'rex') form.forceRex = true;
    else if (t === '/r') form.modrm = 'r';
    else if (/^\/[0-7]$/.test(t)) form.modrm = Number(t.slice(1));
    else if (FIELD_KINDS.has(t)) form.fields.push(t as FieldKind);
    else if (/^[0-9A-F]{2}(\+r)?$/.test(t)) {
      const byte = Number.parseInt(t.slice(0, 2), 16);
      const isPrefix = byte === 0x66 || byte === 0xf2 || byte === 0xf3;
      if (isPrefix && form.opcode.length === 0 && !t.endsWith('+r')) form.mandatory.push(byte);
      else form.opcode.push(byte);
      if (t.endsWith('+r')) form.plusReg = true;
    } else throw new Error(`bad token '${t}' in ${row.join(' | ')}`);
  }
  // `pause` (F3 90) and friends: a lone mandatory-looking byte followed by nothing is not possible;
  // a row whose every byte looked like a prefix keeps the last one as its opcode.
  if (form.opcode.length === 0 && form.mandatory.length > 0) form.opcode.push(form.mandatory.pop()!);
  return form;
}

const byMnemonic = new Map<string, Form[]>();
for (const row of [...moveRows, ...arithRows, ...controlRows, ...systemRows, ...sseRows]) {
  const form = parseRow(row);
  const list = byMnemonic.get(form.mnemonic);
  if (list) list.push(form);
  else byMnemonic.set(form.mnemonic, [form]);
}

/** The forms of `mnemonic` in table order (empty when unknown). */
export function formsOf(mnemonic: string): readonly Form[] {
  return byMnemonic.get(mnemonic) ?? [];
}

/** Every mnemonic with at least one form. */
export function mnemonics(): string[] {
  return [...byMnemonic.keys()];
}

/**
 * The encoder's test corpus: Instruction objects for every table form × sampled operands × mode, plus
 * hand-written edge cases (addressing corners, displacement and immediate boundaries, branch sizing,
 * prefixes). Each line is rendered as NASM text so the same list can be fed to real NASM.
 *
 * Values that name a label carry the label as `base` (e.g. `{ base: 'lbl', addend: 4n }`); the tests
 * replace it by the label's address from NASM's listing before encoding, so the encoder sees what the
 * front end would give it: section-relative relocatable values.
 */
import type { ClassSpec } from '../../src/x86/classes.js';
import { type Form, formsOf, mnemonics } from '../../src/x86/forms.js';
import type {
  Bits,
  ImmOperand,
  Instruction,
  MemOperand,
  Operand,
  OperandSize,
  Register,
} from '../../src/x86/index.js';
import { reg } from '../../src/x86/registers.js';
import { renderInstruction } from '../../src/x86/render.js';

export type CorpusLine = { label: string } | { ins: Instruction; text: string };

const abs = (n: bigint | number) => ({ addend: BigInt(n), known: true });
const sym = (name: string, addend = 0) => ({ addend: BigInt(addend), base: name, known: true });
const r = (name: string): Operand => ({ kind: 'reg', reg: reg(name) });
const imm = (n: bigint | number, extra: Partial<ImmOperand> = {}): ImmOperand => ({
  kind: 'imm',
  value: abs(n),
  ...extra,
});

function mem(parts: Partial<MemOperand>): MemOperand {
  return { kind: 'mem', scale: 1, disp: abs(0), rel: false, ...parts };
}

const GPR_NAMES: Record<number, string[]> = {
  8: [
    'al',
    'cl',
    'dl',
    'bl',
    'ah',
    'ch',
    'dh',
    'bh',
    'spl',
    'bpl',
    'sil',
    'dil',
    'r8b',
    'r9b',
    'r10b',
    'r11b',
    'r12b',
    'r13b',
    'r14b',
    'r15b',
  ],
  16: [
    'ax',
    'cx',
    'dx',
    'bx',
    'sp',
    'bp',
    'si',
    'di',
    'r8w',
    'r9w',
    'r10w',
    'r11w',
    'r12w',
    'r13w',
    'r14w',
    'r15w',
  ],
  32: [
    'eax',
    'ecx',
    'edx',
    'ebx',
    'esp',
    'ebp',
    'esi',
    'edi',
    'r8d',
    'r9d',
    'r10d',
    'r11d',
    'r12d',
    'r13d',
    'r14d',
    'r15d',
  ],
  64: [
    'rax',
    'rcx',
    'rdx',
    'rbx',
    'rsp',
    'rbp',
    'rsi',
    'rdi',
    'r8',
    'r9',
    'r10',
    'r11',
    'r12',
    'r13',
    'r14',
    'r15',
  ],
};

function gprs(size: number, bits: Bits): Register[] {
  if (size === 64 && bits !== 64) return [];
  return GPR_NAMES[size].map(reg).filter((x) => bits === 64 || (x.num < 8 && !x.rexOnly));
}

/** Memory operands covering each addressing corner of the mode. */
function memories(bits: Bits): MemOperand[] {
  const R = reg;
  if (bits === 16) {
    return [
      mem({ base: R('bx'), index: R('si') }),
      mem({ base: R('bx'), index: R('di'), disp: abs(4) }),
      mem({ base: R('bp') }),
      mem({ base: R('bp'), index: R('si'), disp: abs(-300) }),
      mem({ base: R('si') }),
      mem({ base: R('di'), disp: abs(0x100) }),
      mem({ base: R('bx'), disp: abs(127) }),
      mem({ base: R('bx'), disp: abs(128) }),
      mem({ base: R('bp'), index: R('di'), disp: abs(-128) }),
      mem({ disp: abs(0x1234) }),
      mem({ base: R('bx'), disp: sym('lbl') }),
      mem({ base: R('eax') }),
      mem({ base: R('ebx'), index: R('ecx'), scale: 4, disp: abs(8) }),
      mem({ base: R('si'), seg: R('es') }),
    ];
  }
  if (bits === 32) {
    return [
      mem({ base: R('eax') }),
      mem({ base: R('esp') }),
      mem({ base: R('ebp') }),
      mem({ base: R('eax'), index: R('ebx'), scale: 4, disp: abs(8) }),
      mem({ base: R('ebp'), disp: abs(-4) }),
      mem({ base: R('esp'), disp: abs(128) }),
      mem({ base: R('ecx'), disp: abs(127) }),
      mem({ base: R('edx'), disp: abs(-128) }),
      mem({ base: R('esi'), disp: abs(-129) }),
      mem({ base: R('edi'), index: R('ebp'), scale: 8, disp: abs(0x12345) }),
      mem({ index: R('eax'), scale: 2 }),
      mem({ index: R('ecx'), scale: 4, disp: abs(16) }),
      mem({ index: R('edx'), scale: 2, nosplit: true }),
      mem({ base: R('ebx'), disp: sym('lbl', 4) }),
      mem({ base: R('eax'), index: R('esp') }),
      mem({ base: R('bx'), index: R('si'), disp: abs(2) }),
      mem({ base: R('eax'), seg: R('fs') }),
      mem({ base: R('ebx'), dispSize: 32 }),
      mem({ base: R('ebx'), disp: abs(1), dispSize: 8 }),
    ];
  }
  return [
    mem({ base: R('rax') }),
    mem({ base: R('rsp') }),
    mem({ base: R('rbp') }),
    mem({ base: R('r12') }),
    mem({ base: R('r13') }),
    mem({ base: R('r13'), disp: abs(127) }),
    mem({ base: R('rsp'), disp: abs(128) }),
    mem({ base: R('rax'), disp: abs(-128) }),
    mem({ base: R('rax'), disp: abs(-129) }),
    mem({ base: R('rax'), index: R('rbx'), scale: 4, disp: abs(8) }),
    mem({ base: R('rbx'), index: R('r12'), scale: 8, disp: abs(-0x1000) }),
    mem({ base: R('r8'), index: R('r15'), scale: 2, disp: abs(0x7fffffff) }),
    mem({ base: R('rbp'), index: R('rax') }),
    mem({ base: R('rax'), index: R('rbp') }),
    mem({ base: R('rax'), index: R('rsp') }),
    mem({ index: R('rax'), scale: 2 }),
    mem({ index: R('r9'), scale: 1 }),
    mem({ index: R('r10'), scale: 8, disp: abs(0x40) }),
    mem({ index: R('rdx'), scale: 2, nosplit: true }),
    mem({ disp: abs(0x1234) }),
    mem({ disp: sym('lbl'), rel: true }),
    mem({ disp: sym('lbl', 8), rel: true }),
    mem({ disp: sym('lbl') }),
    mem({ base: R('rbx'), disp: sym('lbl', -4) }),
    mem({ base: R('ebx') }),
    mem({ base: R('r11d'), index: R('eax'), scale: 4, disp: abs(1) }),
    mem({ base: R('rax'), seg: R('fs') }),
    mem({ disp: abs(0x28), seg: R('gs') }),
    mem({ base: R('rbx'), dispSize: 32 }),
    mem({ base: R('rbx'), disp: abs(1), dispSize: 8 }),
  ];
}

const IMM_SAMPLES: Record<number, Array<bigint | number>> = {
  8: [0, 1, 0x7f, 0x80, 0xff, -1, -128],
  16: [0, 1, -1, 0x7f, 0x80, -128, -129, 0x7fff, 0xffff, 0x1234],
  32: [0, 1, -1, 127, 128, -128, -129, 0x7fffffff, 0xffffffff, -0x80000000, 0x12345678],
  64: [
    0,
    1,
    -1,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    -0x80000000,
    -0x80000001,
    0x123456789abcdefn,
    -0x123456789n,
  ],
};

/** Samples for operand `i` of a form in mode `bits`. */
function samples(cls: ClassSpec, bits: Bits, sizedMemOk: (size: number) => boolean, form: Form): Operand[] {
  switch (cls.kind) {
    case 'gpr':
      return cls.fixed
        ? [{ kind: 'reg', reg: cls.fixed }]
        : gprs(cls.size, bits).map((x) => ({ kind: 'reg', reg: x }));
    case 'rm': {
      const regs = gprs(cls.size, bits).map((x): Operand => ({ kind: 'reg', reg: x }));
      if (regs.length === 0) return [];
      const mems = memories(bits).map((m): Operand => ({ ...m, size: cls.size as OperandSize }));
      const unsized = sizedMemOk(cls.size) ? memories(bits).slice(0, 4) : [];
      return [...regs, ...mems, ...unsized];
    }
    case 'mem':
      return memories(bits).map((m) => ({ ...m, size: cls.size as OperandSize | undefined }));
    case 'mfar':
      return memories(bits)
        .slice(0, 6)
        .map((m) => ({ ...m, far: true }));
    case 'moffs': {
      const wide = bits === 64 ? { dispSize: 64 as const } : {};
      return [
        mem({ disp: abs(0x1234), ...wide }),
        mem({ disp: sym('lbl'), ...wide, size: cls.size as OperandSize }),
      ];
    }
    case 'imm': {
      const values = IMM_SAMPLES[cls.size].map((v) => imm(v));
      if (cls.size >= 16)
        values.push({ kind: 'imm', value: sym('lbl') }, { kind: 'imm', value: sym('lbl', 2) });
      // NASM spells an imm32 that is sign-extended to 64 bits `qword`; enter takes no size keywords.
      const size = (cls.size === 32 && form.opSize === 64 ? 64 : cls.size) as OperandSize;
      if (cls.size > 8 && form.mnemonic !== 'enter')
        values.push(imm(1, { size }), imm(1, { size, strict: true }));
      return values;
    }
    case 'imm8s':
      return [
        imm(1),
        imm(-1),
        imm(127),
        imm(-128),
        imm(0x7f, { size: 8 }),
        imm(2, { strict: true, size: 8 }),
      ];
    case 'imm32u':
    case 'imm32s':
      return [imm(0), imm(5), imm(0x80000000), imm(0xffffffff), imm(-1), imm(-0x80000000)];
    case 'one':
      return [imm(1)];
    case 'rel8':
    case 'rel':
      return []; // branch blocks below
    case 'far': {
      // far16/far32 rows are the sized forms (`jmp dword 8:x`); the plain row takes no size.
      const size = cls.size as OperandSize | undefined;
      return [
        { kind: 'imm', value: sym('lbl'), segment: abs(8), size },
        { kind: 'imm', value: abs(0x1234), segment: abs(0x10), size },
        ...(size === 32 ? [{ kind: 'imm', value: abs(0x102308), segment: abs(8), size } as Operand] : []),
      ];
    }
    case 'sreg':
      return (cls.fixed ? [cls.fixed.name] : ['es', 'cs', 'ss', 'ds', 'fs', 'gs']).map(r);
    case 'cr':
      return (bits === 64 ? ['cr0', 'cr2', 'cr3', 'cr4', 'cr8'] : ['cr0', 'cr2', 'cr3', 'cr4']).map(r);
    case 'dr':
      return ['dr0', 'dr1', 'dr2', 'dr3', 'dr6', 'dr7'].map(r);
    case 'xmm':
      return Array.from({ length: bits === 64 ? 16 : 8 }, (_, n) => r(`xmm${n}`));
    case 'xmmrm': {
      const regs = Array.from({ length: bits === 64 ? 16 : 8 }, (_, n) =>
        r(`xmm${(n * 5) % (bits === 64 ? 16 : 8)}`),
      );
      const mems = memories(bits).map((m): Operand => ({ ...m, size: cls.size as OperandSize }));
      return [...regs, ...mems, ...memories(bits).slice(0, 3)];
    }
  }
}

/** ah/ch/dh/bh cannot appear with anything that needs REX; NASM rejects those (see the error tests). */
function rexConflict(ins: Instruction, formRexW: boolean): boolean {
  const regs: Register[] = [];
  for (const o of ins.operands) {
    if (o.kind === 'reg') regs.push(o.reg);
    if (o.kind === 'mem') for (const x of [o.base, o.index]) if (x) regs.push(x);
  }
  if (!regs.some((x) => x.high8)) return false;
  return formRexW || regs.some((x) => x.rexOnly || x.num > 7 || x.cls === 'gpr64');
}

/** Lines NASM would reject or that are not worth testing in this form. */
function unwanted(m: string, ops: Operand[], bits: Bits): boolean {
  const regOf = (o: Operand | undefined) => (o?.kind === 'reg' ? o.reg.name : undefined);
  // mov cs, x and pop cs are not instructions.
  if (m === 'mov' && regOf(ops[0]) === 'cs') return true;
  // Relocatable immediates cannot be sign-extended bytes or 8-bit ports.
  if (ops.some((o) => o.kind === 'mem' && o.base && o.base.cls === 'gpr16' && bits === 64)) return true;
  return false;
}

function formLines(bits: Bits, perForm: number): CorpusLine[] {
  const out: CorpusLine[] = [];
  const seen = new Set<string>();
  for (const m of mnemonics()) {
    for (const form of formsOf(m)) {
      if ((bits === 64 && form.nolong) || (bits !== 64 && form.long)) continue;
      if (form.addrSize === 64 && bits !== 64) continue;
      if (form.classes.some((c) => c.kind === 'rel8' || c.kind === 'rel')) continue;
      const sizedMemOk = (size: number) =>
        form.unsizedMem || form.defaultSize
          ? size === (bits === 64 ? 64 : bits) && form.classes.length === 1
          : form.classes.some((c) => c.kind === 'gpr' && !c.fixed && c.size === size);
      const lists = form.classes.map((c) => samples(c, bits, sizedMemOk, form));
      if (lists.some((l) => l.length === 0)) continue;
      const count = Math.min(perForm, Math.max(1, ...lists.map((l) => l.length)));
      for (let k = 0; k < count; k++) {
        const ops = lists.map((l, i) => l[(k + i * 3) % l.length]);
        // Two memory operands never happen; keep the first one as a register instead.
        if (ops.filter((o) => o.kind === 'mem').length > 1) continue;
        const ins: Instruction = { mnemonic: m, prefixes: [], operands: ops };
        if (rexConflict(ins, form.rexW) || unwanted(m, ops, bits)) continue;
        const text = renderInstruction(ins);
        if (seen.has(text)) continue;
        seen.add(text);
        out.push({ ins, text });
      }
    }
  }
  return out;
}

function line(mnemonic: string, operands: Operand[], prefixes: Instruction['prefixes'] = []): CorpusLine {
  const ins = { mnemonic, prefixes, operands };
  return { ins, text: renderInstruction(ins) };
}

const target = (name: string, branch?: ImmOperand['branch']): ImmOperand => ({
  kind: 'imm',
  value: sym(name),
  branch,
});

/** Branches to labels at short and near distances, backwards and forwards. */
function branchLines(bits: Bits): CorpusLine[] {
  const out: CorpusLine[] = [];
  const filler = (n: number) => Array.from({ length: n }, () => line('mov', [r('eax'), imm(0x12345678)]));
  const jumps = [
    'jmp',
    'jo',
    'jno',
    'jb',
    'jc',
    'jnae',
    'jae',
    'jnb',
    'jnc',
    'je',
    'jz',
    'jne',
    'jnz',
    'jbe',
    'jna',
  ];
  const more = [
    'ja',
    'jnbe',
    'js',
    'jns',
    'jp',
    'jpe',
    'jnp',
    'jpo',
    'jl',
    'jnge',
    'jge',
    'jnl',
    'jle',
    'jng',
    'jg',
    'jnle',
  ];
  out.push({ label: 'back0' });
  for (const j of [...jumps, ...more]) out.push(line(j, [target('back0')]));
  for (const j of [
    'loop',
    'loope',
    'loopz',
    'loopne',
    'loopnz',
    bits === 64 ? 'jrcxz' : 'jecxz',
    bits === 64 ? 'jecxz' : 'jcxz',
  ]) {
    out.push(line(j, [target('back0')]));
  }
  out.push(line('call', [target('back0')]));
  out.push(line('jmp', [target('back0', 'short')]));
  out.push(line('jmp', [target('back0', 'near')]));
  out.push(line('jz', [target('back0', 'near')]));
  out.push(...filler(30));
  // Now back0 is beyond -128: near forms.
  for (const j of [...jumps, ...more]) out.push(line(j, [target('back0')]));
  // Forward, within reach (optimistic short) and beyond it.
  for (const j of ['jmp', 'jz', 'jg', 'jmp']) out.push(line(j, [target('fwd0')]));
  out.push(...filler(20));
  out.push({ label: 'fwd0' });
  for (const j of ['jmp', 'jnz', 'jle']) out.push(line(j, [target('fwd1')]));
  out.push(...filler(30));
  out.push({ label: 'fwd1' });
  // Boundary: exactly 127 forward / -128 backward.
  out.push(line('jmp', [target('edge1')]));
  out.push(...Array.from({ length: 127 }, () => line('nop', [])));
  out.push({ label: 'edge1' });
  out.push(line('jmp', [target('edge2')]));
  out.push(...Array.from({ length: 128 }, () => line('nop', [])));
  out.push({ label: 'edge2' });
  out.push({ label: 'edge3' });
  out.push(...Array.from({ length: 126 }, () => line('nop', [])));
  out.push(line('jmp', [target('edge3')]));
  out.push({ label: 'edge4' });
  out.push(...Array.from({ length: 127 }, () => line('nop', [])));
  out.push(line('jnz', [target('edge4')]));
  out.push(line('call', [target('lbl')]));
  out.push(line('jmp', [target('lbl')]));
  return out;
}

/** Hand-picked corners not reached by the per-form sampling. */
function edgeLines(bits: Bits): CorpusLine[] {
  const out: CorpusLine[] = [];
  const acc = bits === 16 ? 'ax' : 'eax';
  for (const m of ['movsb', 'movsw', 'movsd', 'stosb', 'stosd', 'lodsb', 'insb', 'outsw'])
    out.push(line(m, [], ['rep']));
  for (const m of ['cmpsb', 'scasw', 'cmpsd'])
    out.push(line(m, [], ['repe']), line(m, [], ['repne']), line(m, [], ['repz']), line(m, [], ['repnz']));
  const m0 = memories(bits)[0];
  out.push(line('add', [{ ...m0, size: 32 }, r(acc === 'ax' ? 'eax' : 'eax')], ['lock']));
  out.push(line('xchg', [m0, r('ecx')], ['lock']));
  out.push(line('cmpxchg', [m0, r('edx')], ['lock']));
  out.push(line('inc', [{ ...m0, size: 32 }], ['lock']));
  for (const v of [127, 128, -128, -129, 0xff, 0xffff, 0x7fffffff]) {
    out.push(line('add', [r(acc), imm(v)]));
    out.push(line('cmp', [r('ebx'), imm(v)]));
    out.push(line('push', [imm(v)]));
  }
  out.push(line('push', [{ kind: 'imm', value: sym('lbl') }]));
  out.push(line('push', [imm(5, { size: 16 })]));
  out.push(line('push', [imm(5, { size: 16, strict: true })]));
  if (bits !== 64) out.push(line('push', [imm(5, { size: 32, strict: true })]));
  out.push(line('add', [r('eax'), { kind: 'imm', value: sym('lbl') }]));
  out.push(line('add', [r('ebx'), { kind: 'imm', value: sym('lbl') }]));
  out.push(line('mov', [r('eax'), { kind: 'imm', value: sym('lbl') }]));
  if (bits === 64) {
    out.push(line('mov', [r('rax'), { kind: 'imm', value: sym('lbl') }]));
    out.push(line('mov', [r('r9'), imm(0x100000000)]));
    out.push(line('mov', [r('r9'), imm(1, { strict: true })]));
    out.push(line('mov', [r('rax'), imm(1, { size: 64 })]));
    out.push(line('xchg', [r('eax'), r('eax')]));
    out.push(line('xchg', [r('rax'), r('rax')]));
    out.push(line('xchg', [r('r8'), r('rax')]));
    out.push(line('movzx', [r('eax'), r('ah')]));
    out.push(line('mov', [r('sil'), imm(1)]));
  } else {
    out.push(line('xchg', [r('eax'), r('eax')]));
    out.push(line('xchg', [r('ax'), r('ax')]));
  }
  return out;
}

/** The corpus for one mode; `perForm` caps the sampled lines per table form (the golden file uses 2). */
export function corpus(bits: Bits, perForm = Number.POSITIVE_INFINITY): CorpusLine[] {
  return [
    ...formLines(bits, perForm),
    ...edgeLines(bits),
    ...branchLines(bits),
    { label: 'lbl' },
    line('nop', []),
  ];
}

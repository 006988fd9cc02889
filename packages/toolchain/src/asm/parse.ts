/**
 * Parses preprocessed lines into Statements: labels (with `.local` names expanded), `times`, prefixes,
 * instructions with their operands, data and reservation pseudo-ops, and assembler directives.
 */

import { isMnemonic, lookupRegister } from '../x86/index.js';
import type { OperandSize, Prefix, Register } from '../x86/operand.js';
import { AsmError, type DiagnosticBag } from './diagnostic.js';
import { type Expr, type ExprContext, parseExpr, TokenStream } from './expr.js';
import { type Token, tokenize } from './lexer.js';
import type { SourceLine } from './preprocess.js';
import type { Body, DataItem, OperandAst, SectionAttr, Statement } from './statement.js';

const PREFIXES = new Set<string>([
  'lock',
  'rep',
  'repe',
  'repz',
  'repne',
  'repnz',
  'o16',
  'o32',
  'o64',
  'a16',
  'a32',
  'a64',
  'cs',
  'ds',
  'es',
  'fs',
  'gs',
  'ss',
]);
const SEG_PREFIXES = new Set(['cs', 'ds', 'es', 'fs', 'gs', 'ss']);
const DATA_UNITS: Record<string, number> = { db: 1, dw: 2, dd: 4, dq: 8, dt: 10, do: 16, dy: 32, dz: 64 };
const RES_UNITS: Record<string, number> = {
  resb: 1,
  resw: 2,
  resd: 4,
  resq: 8,
  rest: 10,
  reso: 16,
  resy: 32,
  resz: 64,
};
const SIZES: Record<string, OperandSize> = { byte: 8, word: 16, dword: 32, qword: 64, tword: 80, oword: 128 };
const DISP_SIZES: Record<string, 8 | 16 | 32 | 64> = { byte: 8, word: 16, dword: 32, qword: 64 };
const DIRECTIVES = new Set([
  'bits',
  'use16',
  'use32',
  'use64',
  'default',
  'org',
  'section',
  'segment',
  'absolute',
  'global',
  'extern',
  'cpu',
  'struc',
  'endstruc',
  'istruc',
  'iend',
  'at',
  'align',
  'alignb',
  'sectalign',
  'warning',
  'list',
  'map',
  'float',
  'static',
  'common',
  'required',
]);
/** Directives that may follow a label on the same line (NASM implements them as macros). */
const AFTER_LABEL = new Set(['align', 'alignb', 'istruc', 'iend', 'at']);

const DIRECTIVE_HINT =
  'expected an instruction, db/dw/dd/dq, resb/resw/resd/resq, times, equ, incbin, or a directive';

function isKeyword(name: string): boolean {
  const n = name.toLowerCase();
  return (
    PREFIXES.has(n) ||
    DATA_UNITS[n] !== undefined ||
    RES_UNITS[n] !== undefined ||
    n === 'times' ||
    n === 'equ' ||
    n === 'incbin' ||
    DIRECTIVES.has(n) ||
    isMnemonic(n)
  );
}

/** Parses lines in order, tracking the label that `.local` names attach to. */
export class Parser implements ExprContext {
  private lastGlobal = '';
  private strucName = '';
  private istrucName = '';

  constructor(private readonly diags: DiagnosticBag) {}

  resolveName(name: string): string {
    if (name.startsWith('.') && !name.startsWith('..')) return this.lastGlobal + name;
    return name;
  }

  register(name: string): Register | undefined {
    return lookupRegister(name);
  }

  parseAll(lines: SourceLine[]): Statement[] {
    const out: Statement[] = [];
    for (const l of lines) {
      try {
        const st = this.parseLine(l);
        if (st) out.push(st);
      } catch (e) {
        if (e instanceof AsmError) {
          this.diags.error({ ...l.pos, col: e.col ?? 1 }, e.message, e.hint, l.text);
        } else {
          const msg = e instanceof Error ? e.message : String(e);
          this.diags.error(l.pos, `internal error while parsing: ${msg}`, undefined, l.text);
        }
      }
    }
    return out;
  }

  parseLine(line: SourceLine): Statement | undefined {
    const toks = tokenize(line.text);
    if (toks.length === 0) return undefined;
    const st: Statement = { pos: line.pos, source: line.text };
    let ts = new TokenStream(toks, line.text.length);
    if (ts.isOp('[')) {
      const last = toks[toks.length - 1];
      if (last.kind !== 'op' || last.text !== ']')
        throw new AsmError("missing `]' after directive", line.text.length + 1);
      ts = new TokenStream(toks.slice(1, -1), line.text.length);
      st.body = this.directive(ts, true);
      return st;
    }
    const first = ts.peek() as Token;
    if (first.kind === 'id' && !first.escaped && DIRECTIVES.has(first.text.toLowerCase())) {
      st.body = this.directive(ts, false);
      this.expectEnd(ts);
      return st;
    }
    if (first.kind === 'id' && (first.escaped || !isKeyword(first.text))) {
      ts.next();
      const colon = ts.isOp(':');
      if (colon) ts.next();
      const next = ts.peek();
      // Without a colon, what follows a label must start a statement; otherwise the word was meant
      // as an instruction (NASM: "instruction expected").
      if (
        !colon &&
        next &&
        !first.escaped &&
        !(next.kind === 'id' && !next.escaped && isKeyword(next.text))
      ) {
        throw new AsmError(
          `\`${first.text}' is not an instruction or directive`,
          first.col,
          `${DIRECTIVE_HINT}; a label needs a trailing ':' when followed by \`${next.text}'`,
        );
      }
      st.label = { name: this.defineLabelName(first.text), col: first.col };
      if (!colon && ts.atEnd()) {
        this.diags.warning(
          { ...line.pos, col: first.col },
          'label alone on a line without a colon might be in error',
          `write \`${first.text}:' if a label was meant`,
          line.text,
        );
      }
    }
    if (ts.atEnd()) return st;
    const t = ts.peek() as Token;
    if (t.kind === 'id' && !t.escaped && AFTER_LABEL.has(t.text.toLowerCase())) {
      st.body = this.directive(ts, false);
      this.expectEnd(ts);
      return st;
    }
    if (t.kind === 'id' && t.text.toLowerCase() === 'times') {
      ts.next();
      st.times = parseExpr(ts, this);
    }
    st.body = this.body(ts);
    if (st.body.k === 'equ' && !st.label)
      throw new AsmError("`equ' without a label", st.body.col, 'write NAME equ VALUE');
    if (st.body.k === 'equ' && st.times) throw new AsmError("`times' cannot be used with `equ'", 1);
    return st;
  }

  private defineLabelName(name: string): string {
    if (name.startsWith('.') && !name.startsWith('..')) {
      if (this.lastGlobal === '') return name;
      return this.lastGlobal + name;
    }
    if (!name.startsWith('..')) this.lastGlobal = name;
    return name;
  }

  private expectEnd(ts: TokenStream): void {
    if (!ts.atEnd()) {
      const t = ts.peek() as Token;
      throw new AsmError(
        `unexpected \`${t.text}' at end of line`,
        t.col,
        'remove it, or separate operands with commas',
      );
    }
  }

  /** An instruction, pseudo-op or `equ`: everything after label/times. */
  private body(ts: TokenStream): Body {
    const prefixes: Prefix[] = [];
    for (;;) {
      const t = ts.peek();
      if (!t) {
        if (prefixes.length > 0)
          throw new AsmError('instruction expected after prefix', ts.col(), DIRECTIVE_HINT);
        throw new AsmError('instruction expected', ts.col(), DIRECTIVE_HINT);
      }
      if (t.kind !== 'id' || t.escaped) {
        throw new AsmError(`instruction expected but found \`${t.text}'`, t.col, DIRECTIVE_HINT);
      }
      const name = t.text.toLowerCase();
      const after = ts.peek(1);
      if (PREFIXES.has(name) && after && after.kind === 'id') {
        ts.next();
        prefixes.push(name as Prefix);
        continue;
      }
      ts.next();
      if (DATA_UNITS[name] !== undefined) return this.dataBody(ts, DATA_UNITS[name], t.col, prefixes);
      if (RES_UNITS[name] !== undefined) {
        const count = parseExpr(ts, this);
        this.expectEnd(ts);
        return { k: 'res', unit: RES_UNITS[name], count, col: t.col };
      }
      if (name === 'equ') {
        const expr = parseExpr(ts, this);
        this.expectEnd(ts);
        return { k: 'equ', expr, col: t.col };
      }
      if (name === 'incbin') return this.incbin(ts, t.col);
      if (isMnemonic(name) || (PREFIXES.has(name) && ts.atEnd())) {
        const operands = this.operands(ts);
        return { k: 'ins', mnemonic: name, prefixes, operands, col: t.col };
      }
      throw new AsmError(`\`${t.text}' is not an instruction or directive`, t.col, DIRECTIVE_HINT);
    }
  }

  private dataBody(ts: TokenStream, unit: number, col: number, prefixes: Prefix[]): Body {
    if (prefixes.length > 0) throw new AsmError('prefixes are not allowed on data', col);
    const items: DataItem[] = [];
    if (ts.atEnd())
      throw new AsmError('no operand for data declaration', ts.col(), 'e.g. db 1, 2, "text", 0');
    for (;;) {
      const t = ts.peek() as Token;
      const after = ts.peek(1);
      if (t.kind === 'str' && (!after || (after.kind === 'op' && after.text === ','))) {
        ts.next();
        items.push({ k: 'str', bytes: t.bytes ?? new Uint8Array(), col: t.col });
      } else {
        const e = parseExpr(ts, this);
        const f = floatOf(e);
        if (f !== undefined) items.push({ k: 'float', v: f, col: e.col });
        else items.push({ k: 'expr', expr: e, col: t.col });
      }
      if (ts.atEnd()) break;
      ts.expectOp(',');
      if (ts.atEnd()) throw new AsmError("expression expected after `,'", ts.col());
    }
    return { k: 'data', unit, items, col };
  }

  private incbin(ts: TokenStream, col: number): Body {
    const f = ts.next();
    if (f?.kind !== 'str')
      throw new AsmError(
        'incbin expects a quoted file name',
        f?.col ?? ts.col(),
        'incbin "file.bin"[, skip[, length]]',
      );
    const body: Body = { k: 'incbin', file: new TextDecoder().decode(f.bytes), col };
    if (ts.isOp(',')) {
      ts.next();
      body.skip = parseExpr(ts, this);
      if (ts.isOp(',')) {
        ts.next();
        body.len = parseExpr(ts, this);
      }
    }
    this.expectEnd(ts);
    return body;
  }

  private operands(ts: TokenStream): OperandAst[] {
    const ops: OperandAst[] = [];
    if (ts.atEnd()) return ops;
    for (;;) {
      ops.push(this.operand(ts));
      if (ts.atEnd()) return ops;
      if (!ts.isOp(',')) {
        const t = ts.peek() as Token;
        throw new AsmError(`unexpected \`${t.text}' in operand`, t.col, 'separate operands with commas');
      }
      ts.next();
    }
  }

  private operand(ts: TokenStream): OperandAst {
    let size: OperandSize | undefined;
    let strict = false;
    let branch: 'short' | 'near' | 'far' | undefined;
    const col = ts.col();
    for (;;) {
      const t = ts.peek();
      if (t?.kind !== 'id' || t.escaped) break;
      const n = t.text.toLowerCase();
      if (SIZES[n] !== undefined) size = SIZES[n];
      else if (n === 'strict') strict = true;
      else if (n === 'short' || n === 'near' || n === 'far') branch = n;
      else break;
      ts.next();
    }
    if (ts.atEnd() || ts.isOp(','))
      throw new AsmError('operand expected', ts.col(), 'a register, a number/label, or a [memory] reference');
    if (ts.isOp('[')) {
      const mem = this.memory(ts);
      if (size !== undefined) mem.size = size;
      if (branch === 'far') mem.far = true;
      return mem;
    }
    const t = ts.peek() as Token;
    if (t.kind === 'id' && !t.escaped) {
      const reg = lookupRegister(t.text);
      const after = ts.peek(1);
      if (reg && (!after || (after.kind === 'op' && after.text === ','))) {
        ts.next();
        return { k: 'reg', reg, col: t.col };
      }
    }
    const expr = parseExpr(ts, this);
    const imm: OperandAst = { k: 'imm', expr, col };
    if (ts.isOp(':')) {
      ts.next();
      imm.seg = expr;
      imm.expr = parseExpr(ts, this);
    }
    if (size !== undefined) imm.size = size;
    if (strict) imm.strict = true;
    if (branch) imm.branch = branch;
    return imm;
  }

  private memory(ts: TokenStream): OperandAst & { k: 'mem' } {
    const open = ts.next() as Token;
    const mem: OperandAst & { k: 'mem' } = { k: 'mem', col: open.col };
    for (;;) {
      const t = ts.peek();
      if (t?.kind !== 'id' || t.escaped) break;
      const n = t.text.toLowerCase();
      const after = ts.peek(1);
      if (DISP_SIZES[n] !== undefined) mem.dispSize = DISP_SIZES[n];
      else if (n === 'rel') mem.rel = true;
      else if (n === 'abs') mem.abs = true;
      else if (n === 'nosplit') mem.nosplit = true;
      else if (SEG_PREFIXES.has(n) && after?.kind === 'op' && after.text === ':') {
        mem.seg = lookupRegister(n);
        ts.next();
      } else break;
      ts.next();
    }
    if (!ts.isOp(']')) mem.expr = parseExpr(ts, this);
    if (!ts.isOp(']')) {
      const t = ts.peek();
      throw new AsmError(
        t ? `unexpected \`${t.text}' in memory reference` : "missing `]' in memory reference",
        ts.col(),
        'memory references look like [base + index*scale + displacement]',
      );
    }
    ts.next();
    if (!mem.expr) throw new AsmError('empty memory reference', open.col, 'write an address inside [ ]');
    return mem;
  }

  /** Assembler directives (also the bracketed `[bits 64]` forms). */
  private directive(ts: TokenStream, bracketed: boolean): Body {
    const t = ts.next();
    if (t?.kind !== 'id') throw new AsmError('directive expected', ts.col());
    const n = t.text.toLowerCase();
    const col = t.col;
    switch (n) {
      case 'bits': {
        const v = ts.next();
        if (!v || !['16', '32', '64'].includes(v.text))
          throw new AsmError("`bits' expects 16, 32 or 64", v?.col ?? ts.col());
        return { k: 'bits', bits: Number(v.text) as 16 | 32 | 64, col };
      }
      case 'use16':
      case 'use32':
      case 'use64':
        return { k: 'bits', bits: Number(n.slice(3)) as 16 | 32 | 64, col };
      case 'default': {
        const v = ts.next();
        const w = v?.text.toLowerCase();
        if (w === 'rel' || w === 'abs') return { k: 'default', rel: w === 'rel', col };
        if (w === 'bnd' || w === 'nobnd') return { k: 'ignored', col };
        throw new AsmError("`default' expects rel or abs", v?.col ?? ts.col());
      }
      case 'org':
        return { k: 'org', expr: parseExpr(ts, this), col };
      case 'section':
      case 'segment':
        return this.section(ts, col);
      case 'absolute':
        return { k: 'absolute', expr: parseExpr(ts, this), col };
      case 'global':
      case 'extern':
      case 'static':
      case 'required': {
        const names: string[] = [];
        while (!ts.atEnd()) {
          const id = ts.next() as Token;
          if (id.kind !== 'id') throw new AsmError(`symbol name expected after \`${n}'`, id.col);
          names.push(this.resolveName(id.text));
          if (ts.isOp(':')) {
            // Type/visibility decorations (`global f:function`) matter only to object formats.
            while (!ts.atEnd() && !ts.isOp(',')) ts.next();
          }
          if (ts.isOp(',')) ts.next();
        }
        if (names.length === 0) throw new AsmError(`\`${n}' expects symbol names`, ts.col());
        if (n === 'extern' || n === 'required') return { k: 'extern', names, col };
        if (n === 'static') return { k: 'ignored', col };
        return { k: 'global', names, col };
      }
      case 'cpu':
      case 'warning':
      case 'list':
      case 'map':
      case 'float':
        while (!ts.atEnd()) ts.next();
        return { k: 'ignored', col };
      case 'common':
        throw new AsmError("`common' is not supported by the bin format", col);
      case 'struc': {
        const id = ts.next();
        if (id?.kind !== 'id') throw new AsmError("`struc' expects a structure name", ts.col());
        const name = this.defineLabelName(id.text);
        this.strucName = name;
        const body: Body = { k: 'struc', name, col };
        if (ts.isOp(',')) {
          ts.next();
          body.offset = parseExpr(ts, this);
        }
        return body;
      }
      case 'endstruc':
        if (!this.strucName) throw new AsmError("`endstruc' without `struc'", col);
        return { k: 'endstruc', name: this.strucName, col };
      case 'istruc': {
        const id = ts.next();
        if (id?.kind !== 'id') throw new AsmError("`istruc' expects a structure name", ts.col());
        this.istrucName = id.text;
        return { k: 'istruc', name: id.text, col };
      }
      case 'at': {
        if (!this.istrucName) throw new AsmError("`at' outside `istruc'", col);
        const field = parseExpr(ts, this);
        const body: Body = { k: 'at', struc: this.istrucName, field, col };
        if (ts.isOp(',')) {
          ts.next();
          body.rest = this.body(ts);
        }
        return body;
      }
      case 'iend':
        if (!this.istrucName) throw new AsmError("`iend' without `istruc'", col);
        return { k: 'iend', struc: this.istrucName, col };
      case 'align':
      case 'alignb': {
        const e = parseExpr(ts, this);
        const body: Body = { k: 'align', n: e, nobits: n === 'alignb', col };
        if (ts.isOp(',')) {
          ts.next();
          body.fill = this.body(ts);
        }
        return body;
      }
      case 'sectalign': {
        const v = ts.peek();
        if (v && v.kind === 'id' && ['on', 'off'].includes(v.text.toLowerCase())) {
          ts.next();
          return { k: 'sectalign', col };
        }
        return { k: 'sectalign', n: parseExpr(ts, this), col };
      }
    }
    if (bracketed)
      throw new AsmError(
        `unknown directive \`${t.text}'`,
        col,
        'e.g. [bits 64], [section .text], [org 0x7c00]',
      );
    throw new AsmError(`unknown directive \`${t.text}'`, col);
  }

  private section(ts: TokenStream, col: number): Body {
    const nameTok = ts.next();
    if (!nameTok || (nameTok.kind !== 'id' && nameTok.kind !== 'str')) {
      throw new AsmError(
        'section name expected',
        nameTok?.col ?? ts.col(),
        'section .text  or  section .data align=16',
      );
    }
    const name = nameTok.kind === 'str' ? new TextDecoder().decode(nameTok.bytes) : nameTok.text;
    const attrs: SectionAttr[] = [];
    while (!ts.atEnd()) {
      const k = ts.next() as Token;
      if (k.kind !== 'id') throw new AsmError(`unexpected \`${k.text}' in section attributes`, k.col);
      const key = k.text.toLowerCase();
      if (ts.isOp('=')) {
        ts.next();
        if (key === 'follows' || key === 'vfollows') {
          const v = ts.next();
          if (v?.kind !== 'id') throw new AsmError(`\`${key}=' expects a section name`, ts.col());
          attrs.push({ key, name: v.text, col: k.col });
        } else {
          attrs.push({ key, expr: parseExpr(ts, this), col: k.col });
        }
      } else {
        attrs.push({ key, col: k.col });
      }
    }
    return { k: 'section', name, attrs, col };
  }
}

function floatOf(e: Expr): number | undefined {
  if (e.k === 'float') return e.v;
  if (e.k === 'un' && (e.op === '-' || e.op === '+')) {
    const f = floatOf(e.a);
    if (f !== undefined) return e.op === '-' ? -f : f;
  }
  return undefined;
}

/**
 * One assembler pass over the parsed statements: defines labels at the current location, evaluates
 * expressions (forward references use the previous pass's values), encodes instructions, emits data and
 * records relocations. The driver (./assemble.ts) repeats passes until every label is stable.
 */
import { fitsIn, writeLE } from '../obj/bytes.js';
import type { SourcePos, Value } from '../obj/value.js';
import { encode } from '../x86/index.js';
import { type Bits, EncodeError, type Instruction } from '../x86/operand.js';
import { AsmError, DiagnosticBag } from './diagnostic.js';
import { type EvalEnv, evaluate, evaluateAbsolute } from './evaluate.js';
import type { Expr } from './expr.js';
import { searchPath } from './files.js';
import { buildOperand } from './operands.js';
import { SectionState } from './sections.js';
import type { Body, DataItem, SectionAttr, Statement } from './statement.js';

export interface SymbolInfo {
  value: Value;
  pos: SourcePos;
}

export interface PassOptions {
  readFile(path: string): Uint8Array | undefined;
  includePaths: string[];
  mainFile: string;
  defaultBits: Bits;
}

const MAX_TIMES = 1n << 28n;
const SIZE_NAMES: Record<number, string> = { 1: 'byte', 2: 'word', 4: 'dword', 8: 'qword' };

export class Pass implements EvalEnv {
  readonly symbols = new Map<string, SymbolInfo>();
  readonly sections = new Map<string, SectionState>();
  readonly globals = new Set<string>();
  readonly externs = new Set<string>();
  readonly diags = new DiagnosticBag();
  org?: bigint;

  private cur: SectionState;
  private abs: { start: Value; offset: bigint } | undefined;
  private bits: Bits;
  private defaultRel = false;
  private st!: Statement;
  /** Start of the instruction/data item being emitted (for `$`). */
  private itemStart: Value = { addend: 0n, known: true };
  private istrucStart: Value | undefined;
  private readonly undefinedReported = new Set<string>();
  private warnedNobits = false;

  constructor(
    private readonly stmts: Statement[],
    private readonly prev: Map<string, SymbolInfo>,
    private readonly prevExterns: Set<string>,
    private readonly opts: PassOptions,
  ) {
    this.cur = this.section('.text');
    this.bits = opts.defaultBits;
  }

  // ---- EvalEnv ----
  here(): Value {
    return this.itemStart;
  }
  sectStart(): Value {
    if (this.abs) return this.abs.start;
    return { addend: 0n, base: this.cur.name, known: true };
  }
  lookup(name: string): Value | undefined {
    const s = this.symbols.get(name) ?? this.prev.get(name);
    if (s) return s.value;
    if (this.externs.has(name) || this.prevExterns.has(name)) return { addend: 0n, base: name, known: true };
    if (/^section\..+\.start$/.test(name)) return { addend: 0n, base: name, known: true };
    return undefined;
  }
  forwardBase(): string | undefined {
    return this.abs ? undefined : this.cur.name;
  }
  undefinedSymbol(name: string, col: number): void {
    if (this.undefinedReported.has(name)) return;
    this.undefinedReported.add(name);
    this.error(
      `symbol \`${name}' not defined`,
      col,
      'define it as a label, with equ, or declare it with extern',
    );
  }

  // ---- driver ----
  run(): void {
    for (const st of this.stmts) {
      this.st = st;
      this.warnedNobits = false;
      try {
        this.statement(st);
      } catch (e) {
        if (e instanceof AsmError) this.error(e.message, e.col, e.hint);
        else if (e instanceof EncodeError) this.error(e.message, st.body?.col, e.hint);
        else this.error(`internal error: ${e instanceof Error ? e.message : String(e)}`, st.body?.col);
      }
    }
  }

  private error(message: string, col?: number, hint?: string): void {
    this.diags.error({ ...this.st.pos, col: col ?? 1 }, message, hint, this.st.source);
  }
  private warning(message: string, col?: number, hint?: string): void {
    this.diags.warning({ ...this.st.pos, col: col ?? 1 }, message, hint, this.st.source);
  }

  private section(name: string): SectionState {
    let s = this.sections.get(name);
    if (!s) {
      s = new SectionState(name);
      this.sections.set(name, s);
    }
    return s;
  }

  /** The current location as a value. */
  private location(): Value {
    if (this.abs) {
      const v: Value = { addend: this.abs.start.addend + this.abs.offset, known: this.abs.start.known };
      if (this.abs.start.base !== undefined) v.base = this.abs.start.base;
      return v;
    }
    return { addend: BigInt(this.cur.size), base: this.cur.name, known: true };
  }

  private defineSymbol(name: string, value: Value, col: number): void {
    if (this.symbols.has(name)) {
      this.error(`label \`${name}' inconsistently redefined`, col, 'each label may be defined only once');
      return;
    }
    this.symbols.set(name, { value, pos: { ...this.st.pos, col } });
  }

  private statement(st: Statement): void {
    const body = st.body;
    // Expressions see `$` as the start of the statement, even inside `times` (as in NASM).
    this.itemStart = this.location();
    if (st.label && body?.k !== 'equ') this.defineSymbol(st.label.name, this.location(), st.label.col);
    if (!body) return;
    if (body.k === 'equ') {
      const label = st.label as { name: string; col: number };
      const v = evaluate(body.expr, this);
      // NASM defines a symbol whose expression it cannot evaluate yet (a forward reference) as the
      // plain number 0, not as "unknown": later references, in this pass and the next, size their
      // displacements and immediates for 0 (test/asm/fixtures/forward_equ.asm).
      this.defineSymbol(label.name, v.known ? v : { addend: 0n, known: true }, label.col);
      return;
    }
    let count = 1n;
    if (st.times) {
      const t = evaluateAbsolute(st.times, this, 'the TIMES count');
      if (!t.known) count = 0n;
      else if (t.v < 0n) throw new AsmError(`TIMES value ${t.v} is negative`, st.times.col);
      else if (t.v > MAX_TIMES) throw new AsmError(`TIMES value ${t.v} is too large`, st.times.col);
      else count = t.v;
    }
    for (let i = 0n; i < count; i++) this.exec(body);
  }

  private exec(body: Body): void {
    switch (body.k) {
      case 'ins':
        this.instruction(body);
        return;
      case 'data':
        for (const item of body.items) this.dataItem(item, body.unit);
        return;
      case 'res': {
        const n = this.constant(body.count, 'the reservation count');
        if (n < 0n) throw new AsmError('reservation count is negative', body.count.col);
        this.reserve(Number(n) * body.unit);
        return;
      }
      case 'incbin':
        this.incbin(body);
        return;
      case 'align':
        this.align(body);
        return;
      case 'sectalign':
        if (body.n && !this.abs) this.cur.raiseAlign(this.powerOfTwo(body.n));
        return;
      case 'bits':
        this.bits = body.bits;
        return;
      case 'default':
        this.defaultRel = body.rel;
        return;
      case 'org': {
        const v = this.constant(body.expr, 'org');
        if (this.org !== undefined && this.org !== v)
          throw new AsmError('program origin redefined', body.col);
        this.org = v;
        return;
      }
      case 'section':
        this.abs = undefined;
        this.cur = this.section(body.name);
        this.sectionAttrs(body.attrs);
        return;
      case 'absolute': {
        const v = evaluate(body.expr, this);
        this.abs = { start: v, offset: 0n };
        return;
      }
      case 'global':
        for (const n of body.names) this.globals.add(n);
        return;
      case 'extern':
        for (const n of body.names) this.externs.add(n);
        return;
      case 'struc': {
        const off = body.offset ? this.constant(body.offset, 'the struc offset') : 0n;
        this.abs = { start: { addend: off, known: true }, offset: 0n };
        this.defineSymbol(body.name, this.location(), body.col);
        return;
      }
      case 'endstruc': {
        const start = this.symbols.get(body.name)?.value;
        const here = this.location();
        const size = start ? here.addend - start.addend : 0n;
        this.defineSymbol(`${body.name}_size`, { addend: size, known: here.known }, body.col);
        this.abs = undefined;
        return;
      }
      case 'istruc':
        this.istrucStart = this.location();
        return;
      case 'at': {
        const field = evaluate(body.field, this);
        const base = this.lookup(body.struc);
        this.padStruc(field.addend - (base?.addend ?? 0n), body.col);
        if (body.rest) this.exec(body.rest);
        return;
      }
      case 'iend': {
        const size = this.lookup(`${body.struc}_size`);
        if (size === undefined) this.undefinedSymbol(`${body.struc}_size`, body.col);
        this.padStruc(size?.addend ?? 0n, body.col);
        this.istrucStart = undefined;
        return;
      }
      case 'ignored':
      case 'equ':
        return;
    }
  }

  private padStruc(targetOffset: bigint, col: number): void {
    const start = this.istrucStart ?? this.location();
    const n = targetOffset - (this.location().addend - start.addend);
    if (n < 0n)
      throw new AsmError(`TIMES value ${n} is negative`, col, 'fields inside istruc must be given in order');
    this.emit(new Uint8Array(Number(n)));
  }

  private constant(e: Expr, what: string): bigint {
    const r = evaluateAbsolute(e, this, what);
    return r.known ? r.v : 0n;
  }

  private powerOfTwo(e: Expr): number {
    const n = this.constant(e, 'the alignment');
    if (n <= 0n || (n & (n - 1n)) !== 0n) throw new AsmError('alignment must be a power of two', e.col);
    return Number(n);
  }

  private sectionAttrs(attrs: SectionAttr[]): void {
    const s = this.cur;
    for (const a of attrs) {
      switch (a.key) {
        case 'progbits':
          s.nobits = false;
          break;
        case 'nobits':
          s.nobits = true;
          break;
        case 'align':
          if (!a.expr) throw new AsmError("`align' needs a value", a.col, 'align=16');
          s.align = this.powerOfTwo(a.expr);
          s.alignDefined = true;
          break;
        case 'start':
        case 'vstart': {
          if (!a.expr) throw new AsmError(`\`${a.key}' needs a value`, a.col, `${a.key}=0x100000`);
          const v = this.constant(a.expr, `${a.key}=`);
          if (a.key === 'start') s.start = v;
          else s.vstart = v;
          break;
        }
        case 'follows':
          s.follows = a.name;
          break;
        case 'vfollows':
          s.vfollows = a.name;
          break;
        case 'exec':
        case 'noexec':
          s.flags.exec = a.key === 'exec';
          break;
        case 'write':
        case 'nowrite':
          s.flags.write = a.key === 'write';
          break;
        case 'alloc':
        case 'noalloc':
        case 'valign':
          break;
        default:
          // nasm -f bin warns and carries on, so the same source builds with both.
          this.warning(
            `ignoring unknown section attribute \`${a.key}'`,
            a.col,
            'bin sections accept progbits, nobits, align=, start=, vstart=, follows=, vfollows=',
          );
      }
    }
  }

  // ---- emission ----

  /** Puts bytes at the current location (ignored, with a warning, in nobits space). */
  private emit(bytes: Uint8Array): void {
    if (this.abs || this.cur.nobits) {
      if (!this.abs || bytes.some((b) => b !== 0)) this.warnNobits();
      this.advance(bytes.length);
      return;
    }
    this.cur.bytes.writeAt(this.cur.size, bytes);
    this.cur.size += bytes.length;
  }

  private warnNobits(): void {
    if (this.warnedNobits) return;
    this.warnedNobits = true;
    this.warning('attempt to initialize memory in a nobits section: ignored');
  }

  private advance(n: number): void {
    if (this.abs) this.abs.offset += BigInt(n);
    else this.cur.size += n;
  }

  private reserve(n: number): void {
    if (this.abs || this.cur.nobits) {
      this.advance(n);
      return;
    }
    if (!this.warnedNobits) {
      this.warnedNobits = true;
      this.warning(`uninitialized space declared in non-BSS section \`${this.cur.name}': zeroing`);
    }
    this.cur.bytes.padTo(this.cur.size + n);
    this.cur.size += n;
  }

  /**
   * Stores `value` in a `size`-byte field at section offset `at` (already emitted as zeros): constants
   * directly, same-section PC-relative values as a distance, everything else as a relocation.
   */
  private store(
    at: number,
    size: 1 | 2 | 4 | 8,
    value: Value,
    range: 'signed' | 'unsigned' | 'any',
    pcrelFrom: number | undefined,
    col: number,
  ): void {
    if (this.abs || this.cur.nobits || !value.known) return;
    const buf = this.cur.bytes.view();
    if (pcrelFrom !== undefined && value.base === this.cur.name) {
      const d = value.addend - BigInt(pcrelFrom);
      if (!fitsIn(d, size, 'signed')) {
        throw new AsmError(
          size === 1
            ? 'short jump is out of range'
            : `relative displacement ${d} does not fit in ${size * 8} bits`,
          col,
          size === 1 ? 'use a near jump (remove `short`), or move the target closer' : undefined,
        );
      }
      writeLE(buf, at, size, d);
      return;
    }
    if (value.base === undefined && pcrelFrom === undefined) {
      if (!fitsIn(value.addend, size, range)) this.warning(`${SIZE_NAMES[size]} data exceeds bounds`, col);
      writeLE(buf, at, size, value.addend);
      return;
    }
    const pos = { ...this.st.pos, col };
    if (pcrelFrom === undefined) {
      this.cur.relocations.push({ section: this.cur.name, offset: at, size, value, range, pos });
    } else {
      this.cur.relocations.push({ section: this.cur.name, offset: at, size, value, range, pos, pcrelFrom });
    }
  }

  private dataItem(item: DataItem, unit: number): void {
    if (item.k === 'str') {
      const out = new Uint8Array(Math.ceil(item.bytes.length / unit) * unit);
      out.set(item.bytes);
      this.emit(out);
      return;
    }
    if (item.k === 'float') {
      this.emit(encodeFloat(item.v, unit, item.col));
      return;
    }
    if (unit > 8) {
      throw new AsmError(
        `integer supplied to a ${unit === 10 ? 'DT' : 'DO/DY'} declaration`,
        item.col,
        'use db/dw/dd/dq',
      );
    }
    const value = evaluate(item.expr, this);
    const at = this.cur.size;
    this.emit(new Uint8Array(unit));
    this.store(at, unit as 1 | 2 | 4 | 8, value, 'any', undefined, item.col);
  }

  private instruction(body: Body & { k: 'ins' }): void {
    const ctx = { bits: this.bits, defaultRel: this.defaultRel };
    const ins: Instruction = {
      mnemonic: body.mnemonic,
      prefixes: body.prefixes,
      operands: body.operands.map((o) => buildOperand(o, this, ctx)),
    };
    let enc: ReturnType<typeof encode>;
    try {
      enc = encode(ins, { bits: this.bits, here: this.location() });
    } catch (e) {
      if (e instanceof EncodeError) throw new AsmError(e.message, body.col, e.hint);
      throw new AsmError(`encoder failed: ${e instanceof Error ? e.message : String(e)}`, body.col);
    }
    if (this.abs || this.cur.nobits) {
      this.warnNobits();
      this.advance(enc.bytes.length);
      return;
    }
    const start = this.cur.size;
    this.emit(enc.bytes);
    for (const f of enc.fixups) {
      const from = f.pcrel ? start + f.pcrel.from : undefined;
      this.store(start + f.offset, f.size, f.value, f.range, from, body.col);
    }
  }

  private incbin(body: Body & { k: 'incbin' }): void {
    const name = body.file;
    const candidates = searchPath(name, this.st.pos.file, this.opts.mainFile, this.opts.includePaths);
    let data: Uint8Array | undefined;
    for (const c of candidates) {
      data = this.opts.readFile(c);
      if (data) break;
    }
    if (!data)
      throw new AsmError(
        `\`incbin': unable to open file \`${name}'`,
        body.col,
        `searched: ${candidates.join(', ')}`,
      );
    const skip = body.skip ? Number(this.constant(body.skip, 'the incbin skip')) : 0;
    let end = data.length;
    if (body.len) end = Math.min(end, skip + Number(this.constant(body.len, 'the incbin length')));
    this.emit(skip >= data.length ? new Uint8Array(0) : data.subarray(skip, Math.max(skip, end)));
  }

  private align(body: Body & { k: 'align' }): void {
    const n = BigInt(this.powerOfTwo(body.n));
    if (!this.abs) this.cur.raiseAlign(Number(n));
    const rel = this.location().addend - this.sectStart().addend;
    const pad = (n - (((rel % n) + n) % n)) % n;
    if (body.fill) {
      for (let i = 0n; i < pad; i++) this.exec(body.fill);
    } else if (body.nobits) {
      this.reserve(Number(pad));
    } else {
      this.emit(new Uint8Array(Number(pad)).fill(0x90));
    }
  }
}

function encodeFloat(v: number, unit: number, col: number): Uint8Array {
  const out = new Uint8Array(unit);
  const dv = new DataView(out.buffer);
  if (unit === 4) dv.setFloat32(0, v, true);
  else if (unit === 8) dv.setFloat64(0, v, true);
  else throw new AsmError('floating-point constants are supported only in dd and dq', col);
  return out;
}

/**
 * The NASM preprocessor subset: `%define`/`%xdefine`/`%idefine`/`%undef`, `%assign`, `%macro`/`%imacro`
 * … `%endmacro`, `%include`, the `%if` family, `%rep`/`%endrep`, `%error`/`%warning`/`%fatal`.
 *
 * Output is a flat list of source lines, each tagged with the file and line it came from (macro
 * expansions carry the position of the invocation). Preprocessing is done once; the assembler's passes
 * reuse the result, which matches NASM because preprocessor expressions cannot see labels.
 */
import type { SourcePos } from '../obj/value.js';
import { AsmError, type DiagnosticBag } from './diagnostic.js';
import { evaluateAbsolute } from './evaluate.js';
import { parseExpr, TokenStream } from './expr.js';
import { searchPath } from './files.js';
import { commentStart, tokenize } from './lexer.js';
import {
  DefineTable,
  expandDefines,
  type MultiMacro,
  splitMacroArgs,
  substituteMacroLine,
} from './macros.js';

export interface SourceLine {
  text: string;
  pos: SourcePos;
}

export interface PreprocessOptions {
  file: string;
  includePaths: string[];
  /** Returns a file's contents, or undefined when it does not exist. */
  readFile(path: string): Uint8Array | undefined;
  defines: Record<string, string>;
  diags: DiagnosticBag;
}

interface Frame {
  lines: SourceLine[];
  idx: number;
  /** Set on a `%rep` expansion: the %if depth to restore when `%exitrep` leaves it early. */
  repCondDepth?: number;
}

interface Cond {
  parentActive: boolean;
  active: boolean;
  taken: boolean;
  sawElse: boolean;
  pos: SourcePos;
  text: string;
}

const MAX_INCLUDE_DEPTH = 64;
const MAX_EXPANSIONS = 1_000_000;

/** Split file text into lines, joining backslash-continued lines. */
export function splitLines(text: string, file: string): SourceLine[] {
  const raw = text.split(/\r?\n/);
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  const out: SourceLine[] = [];
  for (let i = 0; i < raw.length; i++) {
    const line = i + 1;
    let t = raw[i];
    while (t.endsWith('\\') && i + 1 < raw.length) {
      t = t.slice(0, -1) + raw[++i];
    }
    out.push({ text: t, pos: { file, line, col: 1 } });
  }
  return out;
}

export class Preprocessor {
  readonly defs = new DefineTable();
  private readonly macros = new Map<string, MultiMacro[]>();
  private readonly frames: Frame[] = [];
  private readonly conds: Cond[] = [];
  /** The `%push` context stack; each context's locals are named `..@id.name`. */
  private readonly contexts: { name: string; id: number }[] = [];
  private readonly out: SourceLine[] = [];
  private uid = 0;
  private expansions = 0;

  constructor(private readonly opts: PreprocessOptions) {
    // NASM's standard aliases for the line/file macros (the ?-less spellings are the older names).
    this.defs.set('__LINE__', { params: null, body: '__?LINE?__' });
    this.defs.set('__FILE__', { params: null, body: '__?FILE?__' });
    for (const [k, v] of Object.entries(opts.defines)) this.defs.set(k, { params: null, body: v });
  }

  run(source: string): SourceLine[] {
    this.frames.push({ lines: splitLines(source, this.opts.file), idx: 0 });
    for (;;) {
      const line = this.nextLine();
      if (!line) break;
      try {
        this.processLine(line);
      } catch (e) {
        if (e instanceof AsmError)
          this.opts.diags.error({ ...line.pos, col: e.col ?? 1 }, e.message, e.hint, line.text);
        else throw e;
      }
    }
    for (const c of this.conds)
      this.opts.diags.error(c.pos, '%if without a matching %endif', 'close it with %endif', c.text);
    return this.out;
  }

  private nextLine(): SourceLine | undefined {
    while (this.frames.length > 0) {
      const f = this.frames[this.frames.length - 1];
      if (f.idx < f.lines.length) return f.lines[f.idx++];
      this.frames.pop();
    }
    return undefined;
  }

  private get active(): boolean {
    return this.conds.length === 0 || this.conds[this.conds.length - 1].active;
  }

  private processLine(raw: SourceLine): void {
    const line =
      this.active && raw.text.includes('%$') ? { ...raw, text: this.contextLocals(raw.text) } : raw;
    const m = /^\s*%\s*([A-Za-z]+)\b(.*)$/.exec(line.text);
    if (m) {
      const name = m[1].toLowerCase();
      const rest = m[2];
      if (this.conditional(name, rest, line)) return;
      if (!this.active) return;
      this.directive(name, rest, line);
      return;
    }
    if (!this.active) return;
    this.defs.set('__?LINE?__', { params: null, body: String(line.pos.line) });
    this.defs.set('__?FILE?__', { params: null, body: `'${line.pos.file.replace(/'/g, '')}'` });
    const text = expandDefines(line.text, this.defs);
    if (this.tryMacroCall(text, line.pos)) return;
    this.out.push({ text, pos: line.pos });
  }

  /** Rewrites context-local names: `%$x` → `..@N.x` for the innermost `%push` context, `%$$x` the next. */
  private contextLocals(text: string): string {
    let out = '';
    let quote = '';
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quote) {
        if (c === quote) quote = '';
        out += c;
        continue;
      }
      if (c === "'" || c === '"' || c === '`') quote = c;
      if (c === ';') return out + text.slice(i);
      const m = c === '%' ? /^%(\$+)([A-Za-z_.?@$][A-Za-z0-9_.?@$#~]*)/.exec(text.slice(i)) : null;
      if (!m) {
        out += c;
        continue;
      }
      const ctx = this.contexts[this.contexts.length - m[1].length];
      if (!ctx) {
        throw new AsmError(
          `\`${m[0]}': ${this.contexts.length === 0 ? 'no context is active' : 'not that many contexts'}`,
          i + 1,
          'open a context with %push NAME',
        );
      }
      out += `..@${ctx.id}.${m[2]}`;
      i += m[0].length - 1;
    }
    return out;
  }

  /** Handles the %if family; returns false when `name` is not a conditional directive. */
  private conditional(name: string, rest: string, line: SourceLine): boolean {
    if (name === 'endif') {
      if (this.conds.length === 0) throw new AsmError('%endif without %if', 1);
      this.conds.pop();
      return true;
    }
    if (name === 'else') {
      const c = this.conds[this.conds.length - 1];
      if (!c) throw new AsmError('%else without %if', 1);
      if (c.sawElse) throw new AsmError('%else after %else', 1);
      c.sawElse = true;
      c.active = c.parentActive && !c.taken;
      c.taken = true;
      return true;
    }
    const m = /^(el)?if(n?)(def|idni|idn|num|str|id|empty|macro|ctx)?$/.exec(name);
    if (!m) return false;
    const isElif = m[1] === 'el';
    if (isElif) {
      const c = this.conds[this.conds.length - 1];
      if (!c) throw new AsmError(`%${name} without %if`, 1);
      if (c.sawElse) throw new AsmError(`%${name} after %else`, 1);
      if (!c.parentActive || c.taken) {
        c.active = false;
        return true;
      }
      const v = this.evalCondition(m[3] ?? '', rest) !== (m[2] === 'n');
      c.active = v;
      c.taken = v;
      return true;
    }
    const parentActive = this.active;
    let v = false;
    if (parentActive) v = this.evalCondition(m[3] ?? '', rest) !== (m[2] === 'n');
    this.conds.push({
      parentActive,
      active: parentActive && v,
      taken: v,
      sawElse: false,
      pos: line.pos,
      text: line.text,
    });
    return true;
  }

  private evalCondition(kind: string, rest: string): boolean {
    const body = stripComment(rest).trim();
    switch (kind) {
      case '':
        return this.evalNumber(body, '%if condition') !== 0n;
      case 'def':
        return this.defs.has(body);
      case 'macro':
        return this.macros.has(body.split(/\s+/)[0].toLowerCase());
      case 'ctx': {
        const top = this.contexts[this.contexts.length - 1];
        return top !== undefined && body.split(/[\s,]+/).includes(top.name);
      }
      case 'idn':
      case 'idni': {
        const parts = splitMacroArgs(expandDefines(body, this.defs)).map((p) => p.replace(/\s+/g, ' '));
        if (parts.length !== 2) throw new AsmError(`%if${kind} expects two comma-separated arguments`, 1);
        return kind === 'idn' ? parts[0] === parts[1] : parts[0].toLowerCase() === parts[1].toLowerCase();
      }
      case 'empty':
        return expandDefines(body, this.defs).trim() === '';
      default: {
        const toks = tokenize(expandDefines(body, this.defs));
        if (toks.length !== 1) return false;
        const k = toks[0].kind;
        return kind === 'num' ? k === 'num' : kind === 'str' ? k === 'str' : k === 'id';
      }
    }
  }

  /** Evaluates a preprocessor expression: constants and %define/%assign values only. */
  evalNumber(text: string, what: string): bigint {
    const expanded = expandDefines(text, this.defs);
    const ts = new TokenStream(tokenize(expanded), expanded.length);
    const e = parseExpr(ts, { resolveName: (n) => n, register: () => undefined });
    if (!ts.atEnd()) throw new AsmError(`junk \`${ts.peek()?.text}' after ${what}`, ts.col());
    const r = evaluateAbsolute(
      e,
      {
        here: () => {
          throw new AsmError(`\`$' is not allowed in ${what}`, 1);
        },
        sectStart: () => {
          throw new AsmError(`\`$$' is not allowed in ${what}`, 1);
        },
        lookup: () => undefined,
        undefinedSymbol: (name) => {
          throw new AsmError(
            `symbol \`${name}' is not a preprocessor constant in ${what}`,
            1,
            'preprocessor expressions see only numbers and %define/%assign names',
          );
        },
      },
      what,
    );
    return r.v;
  }

  private directive(name: string, rest: string, line: SourceLine): void {
    const body = stripComment(rest);
    switch (name) {
      case 'define':
      case 'xdefine':
      case 'idefine':
      case 'xidefine': {
        const m = /^\s*([A-Za-z_.?@$][A-Za-z0-9_.?@$#~]*)(\(([^)]*)\))?\s?(.*)$/.exec(body);
        if (!m)
          throw new AsmError(
            `%${name} expects a macro name`,
            1,
            `%${name} NAME value  or  %${name} NAME(a,b) value`,
          );
        const params = m[2]
          ? m[3]
              .split(',')
              .map((p) => p.trim())
              .filter((p) => p !== '')
          : null;
        let value = m[4].trim();
        if (name.startsWith('x')) value = expandDefines(value, this.defs);
        this.defs.set(m[1], { params, body: value }, name === 'idefine' || name === 'xidefine');
        return;
      }
      case 'defstr':
      case 'idefstr': {
        // NASM: the macro's body becomes a string literal of its (expanded) text, quoted the way NASM
        // quotes: '…' unless the text has a single quote, then "…", else `…` with escapes.
        const m = /^\s*([A-Za-z_.?@$][A-Za-z0-9_.?@$#~]*)\s?(.*)$/.exec(body);
        if (!m) throw new AsmError(`%${name} expects a macro name`, 1, `%${name} NAME text`);
        const text = expandDefines(m[2].trim(), this.defs);
        this.defs.set(m[1], { params: null, body: quoteString(text) }, name === 'idefstr');
        return;
      }
      case 'undef':
      case 'iundef': {
        const n = body.trim();
        if (n === '') throw new AsmError('%undef expects a macro name', 1);
        this.defs.delete(n, true);
        return;
      }
      case 'assign':
      case 'iassign': {
        const m = /^\s*([A-Za-z_.?@$][A-Za-z0-9_.?@$#~]*)\s+(.*)$/.exec(body);
        if (!m)
          throw new AsmError(`%${name} expects a name and an expression`, 1, `%${name} NAME expression`);
        const v = BigInt.asIntN(64, this.evalNumber(m[2], '%assign'));
        this.defs.set(m[1], { params: null, body: v.toString() }, name === 'iassign');
        return;
      }
      case 'macro':
      case 'imacro':
        this.defineMacro(body, line, name === 'imacro');
        return;
      case 'endmacro':
      case 'endm':
        throw new AsmError('%endmacro without %macro', 1);
      case 'rep':
        this.repeat(body, line);
        return;
      case 'endrep':
        throw new AsmError('%endrep without %rep', 1);
      case 'exitrep': {
        const at = this.frames.findLastIndex((f) => f.repCondDepth !== undefined);
        if (at < 0) throw new AsmError('%exitrep outside %rep', 1);
        this.conds.length = this.frames[at].repCondDepth as number;
        this.frames.length = at;
        return;
      }
      case 'include':
        this.include(body, line);
        return;
      case 'error':
      case 'fatal':
      case 'warning': {
        const msg = unquote(expandDefines(body.trim(), this.defs));
        if (name === 'warning') this.opts.diags.warning(line.pos, msg, undefined, line.text);
        else this.opts.diags.error(line.pos, msg, undefined, line.text);
        return;
      }
      case 'push':
        this.contexts.push({ name: body.trim(), id: ++this.uid });
        return;
      case 'repl':
      case 'pop': {
        const top = this.contexts[this.contexts.length - 1];
        if (!top) throw new AsmError(`%${name} with no context on the stack`, 1, 'use %push NAME first');
        if (name === 'pop') this.contexts.pop();
        else top.name = body.trim();
        return;
      }
      case 'pragma':
      case 'line':
        return;
      default:
        throw new AsmError(
          `unknown or unsupported preprocessor directive \`%${name}'`,
          1,
          'supported: %define %xdefine %idefine %defstr %undef %assign %macro %endmacro %include %if %elif %else %endif %ifdef %ifndef %ifidn %rep %endrep %error %warning',
        );
    }
  }

  /** Reads the lines of a block up to its matching end directive (nesting-aware). */
  private collectBlock(open: RegExp, close: RegExp, what: string, _start: SourceLine): SourceLine[] {
    const body: SourceLine[] = [];
    let depth = 1;
    for (;;) {
      const l = this.nextLine();
      if (!l) throw new AsmError(`${what} without a matching end`, 1, `close it with %end${what.slice(1)}`);
      if (open.test(l.text)) depth++;
      else if (close.test(l.text) && --depth === 0) return body;
      body.push(l);
    }
  }

  private defineMacro(body: string, line: SourceLine, caseless: boolean): void {
    const m = /^\s*([A-Za-z_.?@$][A-Za-z0-9_.?@$#~]*)\s+(\d+)(\s*-\s*(\d+|\*))?(\+)?(\.nolist)?\s*(.*)$/.exec(
      body,
    );
    if (!m) {
      this.collectBlock(/^\s*%\s*i?macro\b/i, /^\s*%\s*(endmacro|endm)\b/i, '%macro', line);
      throw new AsmError('bad %macro header', 1, '%macro NAME COUNT  or  %macro NAME MIN-MAX[+] [defaults…]');
    }
    const min = Number(m[2]);
    const max = m[4] === undefined ? min : m[4] === '*' ? Number.MAX_SAFE_INTEGER : Number(m[4]);
    const lines = this.collectBlock(/^\s*%\s*i?macro\b/i, /^\s*%\s*(endmacro|endm)\b/i, '%macro', line);
    const macro: MultiMacro = {
      name: m[1],
      min,
      max,
      greedy: m[5] === '+',
      defaults: m[7].trim() === '' ? [] : splitMacroArgs(m[7]),
      body: lines.map((l) => l.text),
      caseless,
    };
    const key = m[1].toLowerCase();
    const list = (this.macros.get(key) ?? []).filter((x) => !(x.min === min && x.max === max));
    list.push(macro);
    this.macros.set(key, list);
  }

  private findMacro(name: string): MultiMacro[] {
    const list = this.macros.get(name.toLowerCase());
    if (!list) return [];
    return list.filter((mm) => mm.caseless || mm.name === name);
  }

  /** Expands a multi-line macro call on this line, if there is one. */
  private tryMacroCall(text: string, pos: SourcePos): boolean {
    const m = /^\s*([A-Za-z_.?@$][A-Za-z0-9_.?@$#~]*)(\s*:)?(?=\s|$|;)(.*)$/.exec(text);
    if (!m) return false;
    let name = m[1];
    let args = m[3];
    let label: string | undefined;
    let cands = this.findMacro(name);
    if (cands.length === 0) {
      const m2 = /^\s*([A-Za-z_.?@$][A-Za-z0-9_.?@$#~]*)(?=\s|$|;)(.*)$/.exec(args);
      if (!m2) return false;
      cands = this.findMacro(m2[1]);
      if (cands.length === 0) return false;
      label = m[2] ? `${m[1]}:` : m[1];
      name = m2[1];
      args = m2[2];
    } else if (m[2]) {
      return false;
    }
    if (++this.expansions > MAX_EXPANSIONS)
      throw new AsmError('too many macro expansions (runaway recursion?)', 1);
    let argv = args.trim() === '' || args.trim().startsWith(';') ? [] : splitMacroArgs(args);
    const macro =
      cands.find((c) => argv.length >= c.min && argv.length <= c.max) ??
      cands.find((c) => c.greedy && argv.length > c.max);
    if (!macro) {
      const wanted = cands.map((c) => (c.min === c.max ? `${c.min}` : `${c.min}-${c.max}`)).join(' or ');
      throw new AsmError(
        `macro \`${name}' exists, but not taking ${argv.length} parameter${argv.length === 1 ? '' : 's'}`,
        1,
        `it takes ${wanted}`,
      );
    }
    if (macro.greedy && argv.length > macro.max) {
      // The last parameter swallows the rest of the line, commas included.
      const parts = splitTopLevel(args);
      argv = [
        ...parts.slice(0, macro.max - 1).map((s) => s.trim()),
        parts
          .slice(macro.max - 1)
          .join(',')
          .trim(),
      ];
    }
    for (let k = argv.length; k < macro.max && k - macro.min < macro.defaults.length; k++) {
      argv.push(macro.defaults[k - macro.min]);
    }
    const uid = ++this.uid;
    const lines: SourceLine[] = [];
    if (label) lines.push({ text: label, pos });
    for (const l of macro.body) lines.push({ text: substituteMacroLine(l, argv, uid, macro.name), pos });
    this.frames.push({ lines, idx: 0 });
    return true;
  }

  private repeat(body: string, line: SourceLine): void {
    const lines = this.collectBlock(/^\s*%\s*rep\b/i, /^\s*%\s*endrep\b/i, '%rep', line);
    const n = this.evalNumber(body, '%rep count');
    if (n < 0n) throw new AsmError('%rep count is negative', 1);
    if (n > 1_000_000n) throw new AsmError('%rep count is too large', 1);
    const all: SourceLine[] = [];
    for (let k = 0n; k < n; k++) all.push(...lines);
    this.frames.push({ lines: all, idx: 0, repCondDepth: this.conds.length });
  }

  private include(body: string, line: SourceLine): void {
    const m = /^\s*(["'<`])(.*)[>"'`]\s*$/.exec(expandDefines(body, this.defs));
    if (!m) throw new AsmError('%include expects a quoted file name', 1, '%include "file.inc"');
    const name = m[2];
    const candidates = searchPath(name, line.pos.file, this.opts.file, this.opts.includePaths);
    for (const c of candidates) {
      const data = this.opts.readFile(c);
      if (data === undefined) continue;
      if (this.frames.length >= MAX_INCLUDE_DEPTH) throw new AsmError('%include nested too deeply', 1);
      this.frames.push({ lines: splitLines(new TextDecoder().decode(data), c), idx: 0 });
      return;
    }
    throw new AsmError(`unable to open include file \`${name}'`, 1, `searched: ${candidates.join(', ')}`);
  }
}

function stripComment(s: string): string {
  const k = commentStart(s);
  return k >= 0 ? s.slice(0, k) : s;
}

function splitTopLevel(text: string): string[] {
  return splitMacroArgs(text);
}

function unquote(s: string): string {
  const m = /^(["'`])(.*)\1$/.exec(s);
  return m ? m[2] : s;
}

export function preprocess(source: string, opts: PreprocessOptions): SourceLine[] {
  return new Preprocessor(opts).run(source);
}

/** A NASM string literal whose value is `text`. */
function quoteString(text: string): string {
  if (!text.includes("'")) return `'${text}'`;
  if (!text.includes('"')) return `"${text}"`;
  return `\`${text.replace(/[\\`]/g, (c) => `\\${c}`)}\``;
}

/**
 * Single-line macro tables and text-level expansion for the preprocessor: `%define`/`%idefine` with and
 * without parameters, `%assign` values, and multi-line macro parameter substitution (`%1`, `%0`, `%%x`).
 */

export interface SingleMacro {
  params: string[] | null;
  body: string;
}

export interface MultiMacro {
  name: string;
  min: number;
  max: number;
  greedy: boolean;
  defaults: string[];
  body: string[];
  caseless: boolean;
}

const ID_START = /[A-Za-z_.?@]/;
const ID_CHAR = /[A-Za-z0-9_.?@$#~]/;

/** Single-line macros, keyed by exact name (case-sensitive) or lower-cased name (caseless). */
export class DefineTable {
  private readonly exact = new Map<string, SingleMacro>();
  private readonly caseless = new Map<string, SingleMacro>();

  set(name: string, m: SingleMacro, caseless = false): void {
    if (caseless) this.caseless.set(name.toLowerCase(), m);
    else this.exact.set(name, m);
  }
  get(name: string): SingleMacro | undefined {
    return this.exact.get(name) ?? this.caseless.get(name.toLowerCase());
  }
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
  delete(name: string, caseless = false): void {
    this.exact.delete(name);
    if (caseless) this.caseless.delete(name.toLowerCase());
  }
}

/** Skip a quoted string starting at `i`; returns the index after the closing quote. */
function skipString(text: string, i: number): number {
  const q = text[i];
  let j = i + 1;
  while (j < text.length && text[j] !== q) {
    if (q === '`' && text[j] === '\\') j++;
    j++;
  }
  return Math.min(j + 1, text.length);
}

/** Parse `(a, b(c), d)` starting at an opening parenthesis; returns args and the index after `)`. */
function parseCallArgs(text: string, open: number): { args: string[]; end: number } | undefined {
  const args: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      const j = skipString(text, i);
      cur += text.slice(i, j);
      i = j - 1;
      continue;
    }
    if (c === '(') {
      depth++;
      if (depth === 1) continue;
    } else if (c === ')') {
      depth--;
      if (depth === 0) {
        args.push(cur.trim());
        return { args, end: i + 1 };
      }
    } else if (c === ',' && depth === 1) {
      args.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  return undefined;
}

/** Replace whole-identifier occurrences of params in a macro body. */
function substituteParams(body: string, params: string[], args: string[]): string {
  return mapIdentifiers(body, (id) => {
    const k = params.indexOf(id);
    return k >= 0 ? (args[k] ?? '') : undefined;
  });
}

/**
 * Walks `text` outside strings and comments and lets `fn` replace identifiers (return undefined to
 * keep one). `fn` may also consume following text by returning `{ text, end }`.
 */
export function mapIdentifiers(
  text: string,
  fn: (id: string, start: number, end: number) => string | { text: string; end: number } | undefined,
): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ';') {
      out += text.slice(i);
      break;
    }
    if (c === "'" || c === '"' || c === '`') {
      const j = skipString(text, i);
      out += text.slice(i, j);
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || c === '%' || c === '$') {
      let j = i + 1;
      while (j < text.length && ID_CHAR.test(text[j])) j++;
      out += text.slice(i, j);
      i = j;
      continue;
    }
    if (ID_START.test(c)) {
      let j = i + 1;
      while (j < text.length && ID_CHAR.test(text[j])) j++;
      const r = fn(text.slice(i, j), i, j);
      if (r === undefined) out += text.slice(i, j);
      else if (typeof r === 'string') out += r;
      else {
        out += r.text;
        j = r.end;
      }
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Expand every single-line macro in `text`, recursively, never re-expanding a macro inside itself. */
export function expandDefines(
  text: string,
  defs: DefineTable,
  active: ReadonlySet<string> = new Set(),
): string {
  return mapIdentifiers(text, (id, _start, end) => {
    const m = defs.get(id);
    if (!m || active.has(id)) return undefined;
    const inner = new Set(active);
    inner.add(id);
    if (m.params === null) return expandDefines(m.body, defs, inner);
    let k = end;
    while (text[k] === ' ' || text[k] === '\t') k++;
    if (text[k] !== '(') return undefined;
    const call = parseCallArgs(text, k);
    if (!call) return undefined;
    const args = call.args.map((a) => expandDefines(a, defs, active));
    if (m.params.length === 0 && args.length === 1 && args[0] === '') args.length = 0;
    if (args.length !== m.params.length) return undefined;
    return { text: expandDefines(substituteParams(m.body, m.params, args), defs, inner), end: call.end };
  });
}

/** Split multi-line macro arguments at top-level commas; `{…}` groups an argument containing commas. */
export function splitMacroArgs(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let brace = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ';' && brace === 0) break;
    if (c === "'" || c === '"' || c === '`') {
      const j = skipString(text, i);
      cur += text.slice(i, j);
      i = j - 1;
      continue;
    }
    if (c === '{') {
      brace++;
      if (brace === 1) continue;
    } else if (c === '}') {
      brace--;
      if (brace === 0) continue;
    } else if (c === ',' && brace === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim() !== '' || out.length > 0) out.push(cur.trim());
  return out;
}

/** Substitute `%1`…, `%{n}`, `%0`, `%%label`, `%+` in one body line of a multi-line macro. */
export function substituteMacroLine(line: string, args: string[], uid: number, name: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === "'" || c === '"' || c === '`') {
      const j = skipString(line, i);
      out += line.slice(i, j);
      i = j;
      continue;
    }
    if (c === ';') {
      out += line.slice(i);
      break;
    }
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    const rest = line.slice(i + 1);
    const local = /^%([A-Za-z_.?@$][A-Za-z0-9_.?@$#~]*)/.exec(rest);
    const param = /^\{(\d+)\}/.exec(rest) ?? /^(\d+)/.exec(rest);
    if (local) {
      out += `..@${uid}.${local[1]}`;
      i += 1 + local[0].length;
    } else if (param) {
      const n = Number(param[1]);
      out += n === 0 ? String(args.length) : (args[n - 1] ?? '');
      i += 1 + param[0].length;
    } else if (rest.startsWith('+')) {
      out = out.replace(/[ \t]+$/, '');
      i += 2;
      while (line[i] === ' ' || line[i] === '\t') i++;
    } else if (rest.startsWith('??') || rest.startsWith('?')) {
      out += name;
      i += rest.startsWith('??') ? 3 : 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

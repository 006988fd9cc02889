/**
 * Splits one (preprocessed) source line into tokens: identifiers, numbers, strings, operators, `$`, `$$`.
 * Comments (`;` outside quotes) end the line. Columns are 1-based, for diagnostics.
 */
import { AsmError } from './diagnostic.js';
import { decodeString } from './literal.js';

export type TokenKind = 'id' | 'num' | 'str' | 'op' | 'here' | 'sectstart';

export interface Token {
  kind: TokenKind;
  /** Source text; for identifiers written `$name`, the name without the `$`. */
  text: string;
  col: number;
  /** Decoded contents of a string token. */
  bytes?: Uint8Array;
  /** The identifier was written with a leading `$` (never a register or keyword). */
  escaped?: boolean;
}

const ID_START = /[A-Za-z_.?@]/;
const ID_CHAR = /[A-Za-z0-9_.?@$#~]/;
const OPERATORS = [
  '<<<',
  '>>>',
  '<=>',
  '<<',
  '>>',
  '//',
  '%%',
  '==',
  '!=',
  '<>',
  '<=',
  '>=',
  '&&',
  '||',
  '^^',
];

/** Index of the `;` starting a comment, honouring quotes; -1 when there is none. */
export function commentStart(line: string): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '`') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === ';') return i;
  }
  return -1;
}

export function tokenize(line: string): Token[] {
  const out: Token[] = [];
  const cut = commentStart(line);
  const text = cut >= 0 ? line.slice(0, cut) : line;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const col = i + 1;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) {
        if (c === '`' && text[j] === '\\') j++;
        j++;
      }
      if (j >= text.length) throw new AsmError('unterminated string', col, `close the string with ${c}`);
      out.push({
        kind: 'str',
        text: text.slice(i, j + 1),
        col,
        bytes: decodeString(text.slice(i + 1, j), c),
      });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '$' && /[0-9]/.test(text[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < text.length) {
        const d = text[j];
        if (/[0-9A-Za-z_.]/.test(d)) j++;
        else if ((d === '+' || d === '-') && /[eEpP]/.test(text[j - 1]) && isFloatish(text.slice(i, j))) j++;
        else break;
      }
      out.push({ kind: 'num', text: text.slice(i, j), col });
      i = j;
      continue;
    }
    if (c === '$') {
      if (text[i + 1] === '$') {
        out.push({ kind: 'sectstart', text: '$$', col });
        i += 2;
        continue;
      }
      if (ID_START.test(text[i + 1] ?? '')) {
        let j = i + 2;
        while (j < text.length && ID_CHAR.test(text[j])) j++;
        out.push({ kind: 'id', text: text.slice(i + 1, j), col, escaped: true });
        i = j;
        continue;
      }
      out.push({ kind: 'here', text: '$', col });
      i++;
      continue;
    }
    if (ID_START.test(c)) {
      let j = i + 1;
      while (j < text.length && ID_CHAR.test(text[j])) j++;
      out.push({ kind: 'id', text: text.slice(i, j), col });
      i = j;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      out.push({ kind: 'op', text: op, col });
      i += op.length;
      continue;
    }
    if ('+-*/%&|^~!()[],:=<>{}?'.includes(c)) {
      out.push({ kind: 'op', text: c, col });
      i++;
      continue;
    }
    throw new AsmError(`unexpected character \`${c}'`, col);
  }
  return out;
}

/** A number token that could still be a float when followed by an exponent sign (`1.5e+3`, `0x1p-2`). */
function isFloatish(s: string): boolean {
  const t = s.toLowerCase();
  if (/^0[xh]/.test(t)) return t.endsWith('p');
  return /^[0-9.]+e$/.test(t);
}

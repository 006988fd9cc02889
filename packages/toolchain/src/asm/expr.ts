/**
 * NASM expressions: the syntax tree and a precedence-climbing parser over line tokens.
 *
 * Precedence, loosest first (NASM manual §3.5): `||` `^^` `&&`, comparisons, `|`, `^`, `&`,
 * `<< >> <<< >>>`, `+ -`, `* / // % %%`, unary `- + ~ !`. Registers may appear as atoms; only
 * memory operands accept them (see ./evaluate.ts).
 */
import type { Register } from '../x86/operand.js';
import { AsmError } from './diagnostic.js';
import type { Token } from './lexer.js';
import { isFloatLiteral, parseFloatLiteral, parseInteger, stringToInteger } from './literal.js';

export type Expr =
  | { k: 'num'; v: bigint; col: number }
  | { k: 'float'; v: number; col: number }
  | { k: 'str'; bytes: Uint8Array; col: number }
  | { k: 'sym'; name: string; col: number }
  | { k: 'reg'; reg: Register; col: number }
  | { k: 'here'; col: number }
  | { k: 'sectstart'; col: number }
  | { k: 'un'; op: string; a: Expr; col: number }
  | { k: 'bin'; op: string; a: Expr; b: Expr; col: number };

export interface ExprContext {
  /** Maps a written name to the symbol it denotes (expands `.local` labels). */
  resolveName(name: string): string;
  /** The register with this name, if the name is one (and was not written `$name`). */
  register(name: string): Register | undefined;
}

const LEVELS: string[][] = [
  ['||'],
  ['^^'],
  ['&&'],
  ['=', '==', '!=', '<>', '<', '>', '<=', '>=', '<=>'],
  ['|'],
  ['^'],
  ['&'],
  ['<<', '>>', '<<<', '>>>'],
  ['+', '-'],
  ['*', '/', '//', '%', '%%'],
];

/** Cursor over a token list. */
export class TokenStream {
  i = 0;
  constructor(
    readonly toks: Token[],
    readonly lineLength: number,
  ) {}
  peek(o = 0): Token | undefined {
    return this.toks[this.i + o];
  }
  next(): Token | undefined {
    return this.toks[this.i++];
  }
  atEnd(): boolean {
    return this.i >= this.toks.length;
  }
  isOp(text: string, o = 0): boolean {
    const t = this.peek(o);
    return t !== undefined && t.kind === 'op' && t.text === text;
  }
  /** Column for an error at the current position (end of line when exhausted). */
  col(): number {
    return this.peek()?.col ?? this.lineLength + 1;
  }
  expectOp(text: string): void {
    if (!this.isOp(text)) {
      const t = this.peek();
      throw new AsmError(`expected \`${text}' but found ${t ? `\`${t.text}'` : 'end of line'}`, this.col());
    }
    this.i++;
  }
}

export function parseExpr(ts: TokenStream, ctx: ExprContext): Expr {
  return parseLevel(ts, ctx, 0);
}

function parseLevel(ts: TokenStream, ctx: ExprContext, level: number): Expr {
  if (level >= LEVELS.length) return parseUnary(ts, ctx);
  let left = parseLevel(ts, ctx, level + 1);
  for (;;) {
    const t = ts.peek();
    if (t?.kind !== 'op' || !LEVELS[level].includes(t.text)) return left;
    ts.next();
    const right = parseLevel(ts, ctx, level + 1);
    left = { k: 'bin', op: t.text, a: left, b: right, col: t.col };
  }
}

function parseUnary(ts: TokenStream, ctx: ExprContext): Expr {
  const t = ts.peek();
  if (t && t.kind === 'op' && ['-', '+', '~', '!'].includes(t.text)) {
    ts.next();
    return { k: 'un', op: t.text, a: parseUnary(ts, ctx), col: t.col };
  }
  return parseAtom(ts, ctx);
}

function parseAtom(ts: TokenStream, ctx: ExprContext): Expr {
  const t = ts.next();
  if (!t) {
    throw new AsmError(
      'expression expected',
      ts.lineLength + 1,
      'write a number, a label, $ or a parenthesised expression',
    );
  }
  switch (t.kind) {
    case 'num':
      if (isFloatLiteral(t.text)) return { k: 'float', v: parseFloatLiteral(t.text), col: t.col };
      try {
        return { k: 'num', v: parseInteger(t.text), col: t.col };
      } catch (e) {
        if (e instanceof AsmError) throw new AsmError(e.message, t.col, e.hint);
        throw e;
      }
    case 'str':
      return { k: 'str', bytes: t.bytes ?? new Uint8Array(), col: t.col };
    case 'here':
      return { k: 'here', col: t.col };
    case 'sectstart':
      return { k: 'sectstart', col: t.col };
    case 'id': {
      if (!t.escaped) {
        const reg = ctx.register(t.text);
        if (reg) return { k: 'reg', reg, col: t.col };
      }
      return { k: 'sym', name: ctx.resolveName(t.text), col: t.col };
    }
    case 'op':
      if (t.text === '(') {
        const e = parseExpr(ts, ctx);
        ts.expectOp(')');
        return e;
      }
      break;
  }
  throw new AsmError(
    `expression expected but found \`${t.text}'`,
    t.col,
    'write a number, a label, $ or a parenthesised expression',
  );
}

/** The integer a string literal stands for inside an expression. */
export function strValue(e: { bytes: Uint8Array }): bigint {
  return stringToInteger(e.bytes);
}

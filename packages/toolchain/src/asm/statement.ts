/**
 * The parsed form of one source line. Statements are parsed once and evaluated in every assembler pass,
 * because label values (and so expression values) change between passes.
 */
import type { SourcePos } from '../obj/value.js';
import type { OperandSize, Prefix, Register } from '../x86/operand.js';
import type { Expr } from './expr.js';

export type OperandAst =
  | { k: 'reg'; reg: Register; col: number }
  | {
      k: 'imm';
      expr: Expr;
      /** Far immediate `seg:offset`: `seg` holds the segment part. */
      seg?: Expr;
      size?: OperandSize;
      strict?: boolean;
      branch?: 'short' | 'near' | 'far';
      col: number;
    }
  | {
      k: 'mem';
      expr?: Expr;
      size?: OperandSize;
      dispSize?: 8 | 16 | 32 | 64;
      seg?: Register;
      rel?: boolean;
      abs?: boolean;
      nosplit?: boolean;
      /** `far` before the brackets: an m16:16/m16:32/m16:64 pointer (`jmp far [eax]`). */
      far?: boolean;
      col: number;
    };

export type DataItem =
  | { k: 'str'; bytes: Uint8Array; col: number }
  | { k: 'float'; v: number; col: number }
  | { k: 'expr'; expr: Expr; col: number };

export interface SectionAttr {
  key: string;
  expr?: Expr;
  name?: string;
  col: number;
}

export type Body =
  | { k: 'ins'; mnemonic: string; prefixes: Prefix[]; operands: OperandAst[]; col: number }
  | { k: 'data'; unit: number; items: DataItem[]; col: number }
  | { k: 'res'; unit: number; count: Expr; col: number }
  | { k: 'incbin'; file: string; skip?: Expr; len?: Expr; col: number }
  | { k: 'equ'; expr: Expr; col: number }
  | { k: 'align'; n: Expr; fill?: Body; nobits: boolean; col: number }
  | { k: 'sectalign'; n?: Expr; col: number }
  | { k: 'bits'; bits: 16 | 32 | 64; col: number }
  | { k: 'default'; rel: boolean; col: number }
  | { k: 'org'; expr: Expr; col: number }
  | { k: 'section'; name: string; attrs: SectionAttr[]; col: number }
  | { k: 'absolute'; expr: Expr; col: number }
  | { k: 'global'; names: string[]; col: number }
  | { k: 'extern'; names: string[]; col: number }
  | { k: 'struc'; name: string; offset?: Expr; col: number }
  | { k: 'endstruc'; name: string; col: number }
  | { k: 'istruc'; name: string; col: number }
  | { k: 'at'; struc: string; field: Expr; rest?: Body; col: number }
  | { k: 'iend'; struc: string; col: number }
  | { k: 'ignored'; col: number };

export interface Statement {
  pos: SourcePos;
  /** The (preprocessed) source text of the line, for diagnostics. */
  source: string;
  label?: { name: string; col: number };
  times?: Expr;
  body?: Body;
}

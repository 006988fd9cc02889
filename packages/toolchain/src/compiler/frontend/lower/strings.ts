/**
 * String methods (`s.slice(…)`, `s.split(…)`, …) and String.fromCharCode: calls into the runtime's
 * ../../runtime/lib/strmethods.ts, every optional argument passed boxed (undefined when left out).
 */
import ts from 'typescript';
import { VALUE } from '../../backend/abi.js';
import { type Cls, conW, type Operand } from '../../ir/types.js';
import { RT } from '../../runtime/symbols.js';
import { unsupported } from '../diagnostics.js';
import type { ExpressionLowering } from './expressions.js';

type Lowering = ExpressionLowering;

const UNDEFINED: Operand = { k: 'con', cls: 'v', bits: VALUE.UNDEFINED };

/** name → runtime function, its result class, how many boxed arguments, fixed extra flags. */
const METHODS: Record<string, { fn: string; ret: Cls; args: number; flags?: number[] }> = {
  slice: { fn: 'slice', ret: 'v', args: 2 },
  substring: { fn: 'substring', ret: 'v', args: 2 },
  indexOf: { fn: 'indexOf', ret: 'd', args: 2 },
  lastIndexOf: { fn: 'lastIndexOf', ret: 'd', args: 2 },
  includes: { fn: 'includes', ret: 'w', args: 2 },
  startsWith: { fn: 'startsWith', ret: 'w', args: 2 },
  endsWith: { fn: 'endsWith', ret: 'w', args: 2 },
  split: { fn: 'split', ret: 'v', args: 2 },
  trim: { fn: 'trim', ret: 'v', args: 0, flags: [1, 1] },
  trimStart: { fn: 'trim', ret: 'v', args: 0, flags: [1, 0] },
  trimEnd: { fn: 'trim', ret: 'v', args: 0, flags: [0, 1] },
  padStart: { fn: 'pad', ret: 'v', args: 2, flags: [1] },
  padEnd: { fn: 'pad', ret: 'v', args: 2, flags: [0] },
  repeat: { fn: 'repeat', ret: 'v', args: 1 },
  toUpperCase: { fn: 'changeCase', ret: 'v', args: 0, flags: [1] },
  toLowerCase: { fn: 'changeCase', ret: 'v', args: 0, flags: [0] },
  charCodeAt: { fn: 'charCodeAt', ret: 'd', args: 1 },
  charAt: { fn: 'charAtMethod', ret: 'v', args: 1 },
  at: { fn: 'at', ret: 'v', args: 1 },
  replace: { fn: 'replace', ret: 'v', args: 2, flags: [0] },
  replaceAll: { fn: 'replace', ret: 'v', args: 2, flags: [1] },
};

export function stringMethod(
  L: Lowering,
  node: ts.CallExpression,
  callee: ts.PropertyAccessExpression,
): Operand {
  const name = callee.name.text;
  const s = L.coerce(L.expr(callee.expression), 'v');
  // `s?.trim()` on a `string | undefined`: the chain ends (undefined) when s is nullish.
  if (callee.questionDotToken) L.guardNullish(s, callee);
  const args = node.arguments.map((a) => {
    if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
    return L.coerce(L.expr(a), 'v');
  });
  if (name === 'toString') return s;
  if (name === 'concat') return args.reduce((acc, a) => L.concat(acc, a), s);
  if (name === 'codePointAt')
    // A surrogate pair gives its code point; undefined past the end.
    return L.callRt(RT.strmethodsCodePointAt, 'v', [s, args[0] ?? UNDEFINED]);
  const m = METHODS[name];
  if (!m) throw unsupported(callee.name, `the string method '${name}'`);
  const values: Operand[] = [s];
  for (let k = 0; k < m.args; k++) values.push(args[k] ?? UNDEFINED);
  for (const f of m.flags ?? []) values.push(conW(f));
  return L.coerce(L.callRt(`rt.strmethods.${m.fn}`, m.ret, values), L.clsOf(node));
}

/** String.fromCharCode(a, b, …): one character per code, concatenated. */
export function fromCharCode(L: Lowering, node: ts.CallExpression): Operand {
  let out: Operand | undefined;
  for (const a of node.arguments) {
    if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
    const c = L.callRt(RT.strmethodsFromCharCode, 'v', [L.number(a)]);
    out = out === undefined ? c : L.concat(out, c);
  }
  return out ?? L.string('', node);
}

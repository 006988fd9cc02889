/**
 * Calls to `@toro/hw` (../hw.ts declares it): each is a direct call of its ../../runtime/hw.asm
 * routine with integer arguments (numbers truncated to 64-bit integers) and an integer result turned
 * back into a number; a Uint8Array argument is passed as the value it is.
 */
import ts from 'typescript';
import { VALUE } from '../../backend/abi.js';
import type { Operand } from '../../ir/types.js';
import { unsupported } from '../diagnostics.js';
import { HW_FILE_NAME, HW_FUNCTIONS } from '../hw.js';
import type { ExpressionLowering } from './expressions.js';

const UNDEFINED: Operand = { k: 'con', cls: 'v', bits: VALUE.UNDEFINED };

export const isHwDeclaration = (decl: ts.Node): boolean => decl.getSourceFile().fileName === HW_FILE_NAME;

export function hwCall(
  L: ExpressionLowering,
  node: ts.CallExpression,
  decl: ts.FunctionDeclaration,
): Operand {
  const name = decl.name?.text ?? '';
  const f = HW_FUNCTIONS[name];
  if (!f) throw unsupported(node, `@toro/hw's ${name}`);
  if (node.arguments.length !== f.params) throw unsupported(node, `${name} without ${f.params} arguments`);
  const args = node.arguments.map((a) => {
    if (ts.isSpreadElement(a)) throw unsupported(a, 'spread');
    if (name === 'bytesAddress') return L.coerce(L.expr(a), 'v');
    return L.b.emit('dtol', 'l', L.number(a));
  });
  const result = L.b.call(f.symbol, f.returns ? 'l' : undefined, args);
  if (!f.returns || !result) return UNDEFINED;
  return L.b.emit('ltod', 'd', result);
}

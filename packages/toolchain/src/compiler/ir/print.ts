/**
 * The IR's text form (spec: ../README.md "IR text form"), used by `--dump=<stage>` and tests.
 *
 *   function d $fib(d %n) {
 *   @start0
 *     %t1 =w cltd %n, d_2
 *     jnz %t1, @then1, @else2
 *   ...
 *   }
 */
import { VALUE } from '../backend/abi.js';
import { bitsDouble, type Instr, type IrFunction, type IrModule, type Operand } from './types.js';

const SPECIAL = new Map<bigint, string>([
  [VALUE.UNDEFINED, 'undefined'],
  [VALUE.NULL, 'null'],
  [VALUE.FALSE, 'false'],
  [VALUE.TRUE, 'true'],
]);

export function printOperand(fn: IrFunction, op: Operand): string {
  if (op.k === 'tmp') return `%${fn.temps[op.id].name}`;
  if (op.k === 'sym') return `$${op.name}`;
  if (op.cls === 'd') return `d_${Object.is(bitsDouble(op.bits), -0) ? '-0' : String(bitsDouble(op.bits))}`;
  if (op.cls === 'v') return SPECIAL.get(op.bits) ?? `v_0x${op.bits.toString(16)}`;
  return String(BigInt.asIntN(64, op.bits));
}

export function printInstr(fn: IrFunction, i: Instr): string {
  const args = i.args.map((a) => printOperand(fn, a));
  const targets = (i.targets ?? []).map((t) => `@${fn.blocks[t].label}`);
  let body: string;
  if (i.op === 'call') {
    const typed = i.args.map(
      (a, n) => `${a.k === 'tmp' ? fn.temps[a.id].cls : a.k === 'con' ? a.cls : 'v'} ${args[n]}`,
    );
    body = `call $${i.callee}(${typed.join(', ')})`;
  } else if (i.op === 'fnaddr') {
    body = `fnaddr $${i.callee}`;
  } else {
    body = [i.op, [...args, ...targets].join(', ')].filter((s) => s !== '').join(' ');
  }
  if (i.dst === undefined) return body;
  const t = fn.temps[i.dst];
  return `%${t.name} =${t.cls} ${body}`;
}

export function printFunction(fn: IrFunction): string {
  const params = fn.params.map((p) => `${fn.temps[p].cls} %${fn.temps[p].name}`).join(', ');
  const lines = [`function ${fn.ret ? `${fn.ret} ` : ''}$${fn.name}(${params}) {`];
  for (const b of fn.blocks) {
    lines.push(`@${b.label}`);
    for (const i of b.instrs) lines.push(`  ${printInstr(fn, i)}`);
  }
  lines.push('}');
  return lines.join('\n');
}

export function printModule(m: IrModule): string {
  const out: string[] = [];
  if (m.globals > 0) out.push(`globals ${m.globalNames.map((n, i) => `${i}:${n}`).join(' ')}`);
  for (const d of m.data) out.push(`data $${d.name} = string ${JSON.stringify(d.text)}`);
  for (const f of m.functions) out.push(printFunction(f));
  return `${out.join('\n\n')}\n`;
}

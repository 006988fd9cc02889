/**
 * The IR's text form (--dump=<stage>), the verifier, inlining of small functions, and constant folding
 * with JS semantics.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { compileProgram } from '../../src/compiler/index.js';
import { FunctionBuilder } from '../../src/compiler/ir/builder.js';
import { conD } from '../../src/compiler/ir/types.js';
import { verifyFunction } from '../../src/compiler/ir/verify.js';

const dir = mkdtempSync(path.join(tmpdir(), 'toro-ir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dump(source: string, stage: 'lower' | 'cleanup' | 'inline' | 'fold'): string {
  const file = path.join(dir, 'p.ts');
  writeFileSync(file, source);
  const r = compileProgram({ entry: file, target: 'linux', dump: stage });
  expect(r.diagnostics).toEqual([]);
  return r.dump ?? '';
}

function fn(text: string, name: string): string {
  const start = text.indexOf(`$${name}(`);
  return text.slice(text.lastIndexOf('function', start), text.indexOf('\n}', start) + 2);
}

test('lowering prints a typed function in the text form', () => {
  const text = dump(
    'function half(n: number): number {\n  return n / 2;\n}\nconsole.log(half(3));\n',
    'lower',
  );
  expect(fn(text, 'ts.half')).toBe(
    // The program's functions take their closure and `this` first, every value boxed (closures.ts);
    // a number parameter is checked on entry (only NaN bits need the runtime's tag test).
    'function v $ts.half(v %closure, v %this, v %n) {\n@start0\n  %t5 =d unboxd %n\n  %t4 =d copy %t5\n' +
      '  %t6 =w ceqd %t4, %t4\n  jnz %t6, @checked2, @checknan1\n@checknan1\n' +
      '  %t7 =d call $rt.console.expectNumber(v %n)\n  %t4 =d copy %t7\n  jmp @checked2\n@checked2\n' +
      '  %n.3 =d copy %t4\n  %t8 =d copy %n.3\n  %t9 =d div %t8, d_2\n  %t10 =v boxd %t9\n  ret %t10\n}',
  );
});

test('folding computes with JavaScript semantics (-0, NaN, 0.1 + 0.2)', () => {
  const text = dump(
    'function f(): number {\n  return (0.1 + 0.2) * -0 + 0 / 0;\n}\nconsole.log(f());\n',
    'fold',
  );
  expect(fn(text, 'ts.f')).toContain('boxd d_NaN');
  const text2 = dump('function g(): number {\n  return 0.1 + 0.2;\n}\nconsole.log(g());\n', 'fold');
  expect(fn(text2, 'ts.g')).toContain('boxd d_0.30000000000000004');
  const text3 = dump('function h(): number {\n  return -0 * 1;\n}\nconsole.log(h());\n', 'fold');
  expect(fn(text3, 'ts.h')).toContain('boxd d_-0');
});

test('cleanup removes code after return', () => {
  const src = 'function k(n: number): number {\n  return n;\n  n = n + 1;\n}\nconsole.log(k(1));\n';
  expect(fn(dump(src, 'lower'), 'ts.k')).toContain('@dead');
  expect(fn(dump(src, 'cleanup'), 'ts.k')).not.toContain('@dead');
});

test('the verifier rejects a class mismatch and a missing terminator', () => {
  const b = new FunctionBuilder('bad');
  const w = b.emit('cltd', 'w', conD(1), conD(2));
  b.emit('add', 'd', w, conD(1));
  b.ret();
  expect(() => verifyFunction(b.fn)).toThrow(/argument 1 is w, wants d/);
  const c = new FunctionBuilder('open');
  c.emit('add', 'd', conD(1), conD(2));
  expect(() => verifyFunction(c.fn)).toThrow(/terminator misplaced/);
});

test('inlining copies a small function into its callers and leaves larger or throwing ones called', () => {
  const source = [
    'function sq(x: number): number {',
    '  return x * x;',
    '}',
    'function risky(x: number): number {',
    '  if (x > 3) throw new Error("too big");',
    '  return x;',
    '}',
    'function guarded(x: number): number {',
    '  try {',
    '    return x + 1;',
    '  } catch {',
    '    return 0;',
    '  }',
    '}',
    'let t = 0;',
    'for (let i = 0; i < 3; i++) t += sq(i) + sq(i + 1) + risky(i) + guarded(i);',
    'console.log(t);',
    '',
  ].join('\n');
  // The entry's top-level code is its module function (`main` only runs each module's).
  const main = fn(dump(source, 'inline'), 'module:p');
  expect(main).not.toContain('call $ts.sq(');
  expect(main).toContain('%ts.sq.x =v copy');
  expect(main.match(/@start0\.ts\.sq/g)?.length).toBeGreaterThanOrEqual(2); // both calls, each its own copy
  expect(main).toContain('call $ts.risky('); // it calls into the runtime (new Error): stack traces need its frame
  expect(main).toContain('call $ts.guarded('); // a try's handler records stay in their own frame
  expect(fn(dump(source, 'cleanup'), 'module:p')).toContain('call $ts.sq(');
});

test('a for loop over an array proves its index in bounds; a body that calls or changes the index does not', () => {
  const source = [
    'const a: number[] = [1, 2, 3];',
    'let s = 0;',
    'for (let i = 0; i < a.length; i++) s += a[i];',
    'for (let j = 0; j < a.length; j++) {',
    '  if (j === 0) a.pop();',
    '  s += a[j];',
    '}',
    'for (let k = 0; k < a.length; k++) {',
    '  s += a[k];',
    '  k += 1;',
    '}',
    'console.log(s);',
    '',
  ].join('\n');
  const main = fn(dump(source, 'fold'), 'module:p');
  // One unchecked read (a[i]); a[j] and a[k] stay runtime calls that check.
  expect(main.match(/call \$rt\.array\.get\(/g)?.length).toBe(2);
  expect(main).toMatch(/=v ldw %t\d+, %t\d+/);
});

test('typed array element access and length are inline ops, not runtime calls', () => {
  const text = dump(
    'function sum(a: Uint8Array, out: Int32Array): number {\n  let s = 0;\n' +
      '  for (let i = 0; i < a.length; i++) {\n    s += a[i];\n    out[i] = s;\n  }\n  return s;\n}\n' +
      'console.log(sum(new Uint8Array([1, 2]), new Int32Array(2)));\n',
    'lower',
  );
  const body = fn(text, 'ts.sum');
  // A number read: the representation check is only off the fast path (no expectNumber call here).
  expect(body).toMatch(/=d ldtan 1, %t\d+, %t\d+/);
  expect(body).not.toContain('rt.console.expectNumber');
  expect(body).toMatch(/stta 5, %t\d+, %t\d+, %t\d+/);
  expect(body).toMatch(/=d lenta %t\d+/);
  expect(body).not.toContain('rt.typed');
});

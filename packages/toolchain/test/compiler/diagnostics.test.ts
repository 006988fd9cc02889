/**
 * Unsupported constructs are refused at compile time with their documented code (diagnostics.json)
 * at the construct's exact position, in tsc's format — never a crash, never a silent miscompilation.
 * Also: a program that needs an inexact `**`, a case mapping or a display width the runtime does
 * not know stops at run time with a message instead of printing what could differ from Node's.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { compileProgram, formatDiagnostic } from '../../src/compiler/index.js';
import { buildExecutable, runExecutable, runUnderNode } from './harness.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const file = (name: string) => path.join(here, 'fixtures', 'unsupported', name);
const diagnosticsOf = (name: string) =>
  compileProgram({ entry: file(name), target: 'linux' }).diagnostics.map((d) => formatDiagnostic(d, here));

describe('unsupported constructs are refused with a diagnostic', () => {
  const cases: [string, string][] = [
    [
      'eval.ts',
      "fixtures/unsupported/eval.ts(2,13): error TORO2004: 'eval' is not available: Toro compiles ahead of time and has no JavaScript engine at run time",
    ],
    [
      'builtin-methods.ts',
      "fixtures/unsupported/builtin-methods.ts(2,15): error TORO2001: the string method 'localeCompare' is not supported yet",
    ],
    [
      'builtin-methods.ts',
      "fixtures/unsupported/builtin-methods.ts(3,19): error TORO2001: the number method 'toPrecision' is not supported yet",
    ],
    [
      'with.ts',
      "fixtures/unsupported/with.ts(2,1): error TORO2001: the 'with' statement is not supported yet",
    ],
    [
      'generator.ts',
      'fixtures/unsupported/generator.ts(1,1): error TORO2001: generator functions is not supported yet',
    ],
    [
      'keyof.ts',
      "fixtures/unsupported/keyof.ts(1,42): error TORO2002: values of type 'symbol' are not supported yet",
    ],
    [
      'enum-in-function.ts',
      'fixtures/unsupported/enum-in-function.ts(2,3): error TORO2001: enums declared inside functions is not supported yet',
    ],
    [
      'any.ts',
      "fixtures/unsupported/any.ts(1,12): error TORO2003: the 'any' type is not supported: give this expression a precise type",
    ],
    [
      'array-length.ts',
      "fixtures/unsupported/array-length.ts(2,1): error TORO2001: assigning an array's length is not supported yet",
    ],
    [
      'array-length.ts',
      'fixtures/unsupported/array-length.ts(3,11): error TORO2001: spread is not supported yet',
    ],
    [
      'destructuring.ts',
      'fixtures/unsupported/destructuring.ts(3,7): error TORO2001: nested destructuring assignment is not supported yet',
    ],
    [
      'class-in-function.ts',
      'fixtures/unsupported/class-in-function.ts(2,3): error TORO2001: classes declared inside functions is not supported yet',
    ],
    [
      'private-name.ts',
      'fixtures/unsupported/private-name.ts(2,3): error TORO2001: private names (#x) is not supported yet',
    ],
    [
      'optional-many.ts',
      'fixtures/unsupported/optional-many.ts(1,56): error TORO2001: optional, default or rest parameters past the fourth is not supported yet',
    ],
    [
      'iterator-log.ts',
      'fixtures/unsupported/iterator-log.ts(2,13): error TORO2001: printing an iterator is not supported yet',
    ],
    [
      'rest-value.ts',
      'fixtures/unsupported/rest-value.ts(4,11): error TORO2001: a function with a rest parameter as a value is not supported yet',
    ],
    [
      'object-accessor.ts',
      'fixtures/unsupported/object-accessor.ts(1,13): error TORO2001: accessors in object literals is not supported yet',
    ],
    ['class.ts', 'fixtures/unsupported/class.ts(1,11): error TORO2001: classes is not supported yet'],
    [
      'format.ts',
      'fixtures/unsupported/format.ts(1,13): error TORO2001: console.log format specifiers is not supported yet',
    ],
    [
      'unawaited.ts',
      'fixtures/unsupported/unawaited.ts(4,11): error TORO2010: a promise that is not awaited at once is not supported: a compiled async function runs to completion where it is called, so every promise must be awaited as it is made',
    ],
    [
      'unawaited.ts',
      'fixtures/unsupported/unawaited.ts(5,16): error TORO2010: an async function used as a value is not supported: a compiled async function runs to completion where it is called, so every promise must be awaited as it is made',
    ],
    [
      'unawaited.ts',
      'fixtures/unsupported/unawaited.ts(8,9): error TORO2010: an async function used as a value is not supported: a compiled async function runs to completion where it is called, so every promise must be awaited as it is made',
    ],
    [
      'unawaited.ts',
      'fixtures/unsupported/unawaited.ts(12,7): error TORO2010: an async function used as a value is not supported: a compiled async function runs to completion where it is called, so every promise must be awaited as it is made',
    ],
    [
      'unawaited.ts',
      'fixtures/unsupported/unawaited.ts(13,36): error TORO2010: an async function used as a value is not supported: a compiled async function runs to completion where it is called, so every promise must be awaited as it is made',
    ],
    [
      'uncloneable.ts',
      "fixtures/unsupported/uncloneable.ts(13,17): error TORO2012: '{ id: 1, done: () => {} }' cannot be copied to another CPU: done is a function, and functions cannot cross CPUs (send data, and the channel or function name to use with it)",
    ],
    [
      'uncloneable.ts',
      "fixtures/unsupported/uncloneable.ts(14,18): error TORO2012: '{ id: 2, done: () => {} }' cannot be copied to another CPU: done is a function, and functions cannot cross CPUs (send data, and the channel or function name to use with it)",
    ],
    [
      'spawn-on.ts',
      "fixtures/unsupported/spawn-on.ts(7,12): error TORO2011: spawnOn runs 'local' in another CPU's copy of the module: it must be a top-level 'export function' (no captured state can cross CPUs)",
    ],
    [
      'sdk-import.ts',
      "fixtures/unsupported/sdk-import.ts(3,17): error TORO2009: 'ChannelClosedError' of @toro/sdk is not available to compiled services yet: run this service with `toro dev`",
    ],
    [
      'sdk-listen.ts',
      "fixtures/unsupported/sdk-listen.ts(1,10): error TORO2016: 'listen' of @toro/sdk works only in a Toro image (--target toro), where the network device is: build with `toro build`, or run the service on Node with `toro dev`",
    ],
  ];
  for (const [name, expected] of cases) {
    test(name, () => {
      expect(diagnosticsOf(name)).toContain(expected);
    });
  }

  test('copyable values (numbers, Maps of arrays, channels) pass the copy check', () => {
    expect(diagnosticsOf('uncloneable.ts').filter((d) => d.includes('(16,'))).toEqual([]);
  });

  test('a compiled SDK function used as a value is refused as such, not as unavailable', () => {
    const ds = diagnosticsOf('sdk-import.ts').filter((d) => d.includes('(4,13)'));
    expect(ds).toEqual([
      "fixtures/unsupported/sdk-import.ts(4,13): error TORO2001: using 'sleep' as a value is not supported yet",
    ]);
  });

  test("modules: a JavaScript-only package is refused at its import, an imported file's type error is placed in it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'toro-diag-'));
    try {
      mkdirSync(path.join(dir, 'node_modules', 'jsonly'), { recursive: true });
      writeFileSync(
        path.join(dir, 'node_modules', 'jsonly', 'package.json'),
        '{ "name": "jsonly", "main": "index.js" }\n',
      );
      writeFileSync(path.join(dir, 'node_modules', 'jsonly', 'index.js'), 'export const x = 1;\n');
      mkdirSync(path.join(dir, 'lib'));
      writeFileSync(
        path.join(dir, 'lib', 'bad.ts'),
        'export const ok = 1;\nexport const n: number = "two";\n',
      );
      writeFileSync(
        path.join(dir, 'main.ts'),
        "import { x } from 'jsonly';\nimport { ok } from './lib/bad.js';\nconsole.log(x, ok);\n",
      );
      const ds = compileProgram({ entry: path.join(dir, 'main.ts'), target: 'linux' }).diagnostics.map((d) =>
        formatDiagnostic(d, dir),
      );
      expect(ds).toContain(
        "main.ts(1,19): error TORO2013: package 'jsonly' has no TypeScript source to compile (only JavaScript or declarations): Toro compiles every module of a service from its .ts files",
      );
      expect(ds.some((d) => d.startsWith('lib/bad.ts(2,14): error TS2322:'))).toBe(true);
      expect(ds.some((d) => d.includes('TS7016'))).toBe(false);
      // A namespace import used as a value is refused with its own diagnostic.
      writeFileSync(path.join(dir, 'lib', 'bad.ts'), 'export const ok = 1;\n');
      writeFileSync(path.join(dir, 'main.ts'), "import * as m from './lib/bad.js';\nconsole.log(m.ok, m);\n");
      const ns = compileProgram({ entry: path.join(dir, 'main.ts'), target: 'linux' }).diagnostics.map((d) =>
        formatDiagnostic(d, dir),
      );
      expect(ns).toEqual([
        'main.ts(2,19): error TORO2001: a module namespace object as a value (read its members: m.name) is not supported yet',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the checker runs under strict: implicit any is a TypeScript error, not a crash', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'toro-diag-'));
    try {
      const src = path.join(dir, 'implicit.ts');
      writeFileSync(src, 'function f(x) {\n  return x;\n}\n');
      const ds = compileProgram({ entry: src, target: 'linux' }).diagnostics;
      expect(ds.map((d) => `${d.line},${d.col} ${d.code}`)).toContain('1,12 TS7006');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('run-time refusals', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'toro-refuse-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  test('an inexact ** stops with status 70 after the output before it', { timeout: 60000 }, () => {
    const program = path.join(here, 'fixtures', 'refusals', 'pow-inexact.ts');
    const node = runUnderNode(program, dir);
    const ours = runExecutable(buildExecutable(program, dir));
    expect(node.stdout.toString()).toBe(`before\n${1.1 ** 7}\n`);
    expect(ours.stdout.toString()).toBe('before\n');
    expect(ours.stderr).toContain('supported only when the result is exact');
    expect(ours.status).toBe(70);
  });

  // Strings are UTF-16 as in Node, but where the runtime does not know Node's answer it stops.
  const refusals: [string, string, string][] = [
    ['case-unknown.ts', 'καλημερα\n', 'changing the case of Σ'],
    [
      'group-width.ts',
      "[\n  'a', 'b', 'c',\n  'd', 'e', 'f',\n  'g'\n]\n",
      'aligning array items in columns',
    ],
    // Index keys ('7') come first in a JavaScript object whatever their insertion order.
    ['numeric-key.ts', 'before\n', 'a numeric property name as a computed key: 7'],
    ['spread-array.ts', 'before\n', 'spreading a string or an array into an object'],
  ];
  for (const [name, before, message] of refusals) {
    test(`${name} stops with status 70 where Node's answer is unknown`, { timeout: 60000 }, () => {
      const program = path.join(here, 'fixtures', 'refusals', name);
      const node = runUnderNode(program, dir);
      const ours = runExecutable(buildExecutable(program, dir));
      expect(node.status).toBe(0);
      expect(node.stdout.toString().startsWith(before)).toBe(true);
      expect(node.stdout.toString().length).toBeGreaterThan(before.length);
      expect(ours.stdout.toString()).toBe(before);
      expect(ours.stderr).toContain(message);
      expect(ours.status).toBe(70);
    });
  }
});

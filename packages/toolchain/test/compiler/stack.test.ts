/**
 * Stack traces (../../src/compiler/README.md "Stack traces"): the programs in ./fixtures/stack run
 * under Node and compiled; every `err.stack` they print and the uncaught error must show the same
 * frames — the function names Node gives (a plain run of the type-stripped program) at the
 * TypeScript line and column Node gives (a run with swc's source map and --enable-source-maps,
 * since swc's output moves lines and columns). Node's internal frames (`node:internal/…`) and the
 * runtime functions it shows as `at Array.map (<anonymous>)` are left out: a compiled program's
 * runtime frames never show. Paths differ by design (ours: the module file relative to the current
 * directory); ./fixtures/stack/modules is a program of two modules.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { transformSync } from '@swc/core';
import { afterAll, describe, expect, test } from 'vitest';
import { buildExecutable, type RunResult, runExecutable, stripFolder } from './harness.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const fixtures = path.join(here, 'fixtures', 'stack');
const dir = mkdtempSync(path.join(tmpdir(), 'toro-stack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Node's run of `program`: plain (V8's names) or through swc's inline source map (TS positions). */
function runNode(program: string, mapped: boolean): RunResult {
  const { code } = transformSync(readFileSync(program, 'utf8'), {
    filename: program,
    sourceMaps: mapped ? 'inline' : false,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    isModule: true,
  });
  const js = path.join(dir, `${path.basename(program, '.ts')}${mapped ? '.mapped' : ''}.mjs`);
  writeFileSync(js, code);
  const args = mapped ? ['--enable-source-maps', js] : [js];
  const r = spawnSync(process.execPath, args, { timeout: 30000, killSignal: 'SIGKILL' });
  return { stdout: r.stdout, stderr: r.stderr.toString(), status: r.status, signal: r.signal };
}

interface Frame {
  name: string;
  line: number;
  col: number;
}
interface Trace {
  header: string;
  frames: Frame[];
}

const FRAME = /^\s+at (?:(.*) \()?(.*):(\d+):(\d+)\)?$/;

/** Every stack in `text`: a line that is not a frame starts one; Node's internal frames are dropped. */
function traces(text: string): Trace[] {
  const out: Trace[] = [];
  for (const line of text.split('\n')) {
    if (/^\s+at /.test(line)) {
      if (line.includes('node:internal') || line.endsWith('(<anonymous>)')) continue;
      const m = FRAME.exec(line);
      if (!m) throw new Error(`unparsed frame: ${line}`);
      out.at(-1)?.frames.push({ name: m[1] ?? '', line: Number(m[3]), col: Number(m[4]) });
    } else if (/^\w*Error\b/.test(line)) out.push({ header: line, frames: [] });
  }
  return out;
}

/** Node's traces: names from the plain run, positions from the source-mapped one. */
function nodeTraces(plain: string, mapped: string): Trace[] {
  const named = traces(plain);
  return traces(mapped).map((t, i) => ({
    header: t.header,
    frames: t.frames.map((f, k) => ({ ...f, name: named[i]?.frames[k]?.name ?? '?' })),
  }));
}

describe('stack traces match Node', () => {
  test('frames.ts: functions, methods, constructors, callbacks, runtime TypeErrors, overflow', () => {
    const file = path.join(fixtures, 'frames.ts');
    const ours = runExecutable(buildExecutable(file, dir));
    const plain = runNode(file, false);
    const mapped = runNode(file, true);
    expect(ours.signal).toBeNull();
    expect(ours.status).toBe(1);
    expect(plain.status).toBe(1);
    const expected = nodeTraces(plain.stdout.toString(), mapped.stdout.toString());
    expect(expected.length).toBe(6);
    expect(traces(ours.stdout.toString())).toEqual(expected);
    // The stack overflow keeps V8's default Error.stackTraceLimit of 10 frames.
    expect(expected[4].frames.length).toBe(10);
    // Uncaught: the stack on stderr, with the path as given to the compiler.
    expect(traces(ours.stderr)).toEqual(nodeTraces(plain.stderr, mapped.stderr));
    expect(ours.stderr).toMatch(/^ReferenceError: never caught\n {4}at inner \(.*frames\.ts:70:9\)\n/);
  });

  test('inspect.ts: console.log of errors, alone, nested and with own properties', () => {
    const file = path.join(fixtures, 'inspect.ts');
    const ours = runExecutable(buildExecutable(file, dir));
    const mapped = runNode(file, true);
    expect(ours.status).toBe(1);
    // Node's source-mapped run prints the same text up to the paths (and its source-map names).
    const normalise = (s: string) =>
      s
        .replace(/\n\s+at [^\n]*\(node:internal[^\n)]*\)/g, '')
        .replace(/\(?[^\s()]*inspect\.ts:(\d+:\d+)\)?/g, 'PATH:$1')
        .replace(/ at (<anonymous>|\w+) PATH/g, ' at PATH');
    expect(normalise(ours.stdout.toString())).toBe(normalise(mapped.stdout.toString()));
    // Uncaught: what Node prints after its source-line header, without its version trailer.
    const nodeError = /\n\n(Coded[\s\S]*?)\n\nNode\.js/.exec(mapped.stderr)?.[1];
    expect(nodeError).toBeDefined();
    expect(normalise(ours.stderr)).toBe(normalise(`${nodeError}\n`));
    expect(ours.stderr).toMatch(
      /^Coded \[Error\]: with a code\n {4}at .*inspect\.ts:5:11 \{\n {2}code: 42\n\}\n$/,
    );
  });

  test('modules/: every frame names its own module file, line and column', () => {
    const folder = path.join(fixtures, 'modules');
    const ours = runExecutable(buildExecutable(folder, dir));
    const node = (maps: boolean) => {
      const js = stripFolder(folder, path.join(dir, maps ? 'mapped' : 'plain'), maps);
      const args = maps ? ['--enable-source-maps', js] : [js];
      const run = spawnSync(process.execPath, args, { timeout: 30000, killSignal: 'SIGKILL' });
      return { text: `${run.stdout.toString()}\n${run.stderr}`, status: run.status };
    };
    // Per frame `file|line:col` (the file by its name: paths differ by design) and its name;
    // Node's positions come from its source-mapped run, its names from the plain one.
    const frames = (text: string) =>
      text
        .split('\n')
        .filter((l) => !l.includes('node:internal') && (/^\s+at /.test(l) || /^\w*Error\b/.test(l)))
        .map((l) => {
          const m = FRAME.exec(l);
          return m
            ? { where: `${path.basename(m[2])}|${m[3]}:${m[4]}`, name: m[1] ?? '' }
            : { where: l, name: '' };
        });
    const mine = frames(`${ours.stdout.toString()}\n${ours.stderr}`);
    const mapped = node(true);
    const plain = node(false);
    expect(mine.map((f) => f.where)).toEqual(frames(mapped.text).map((f) => f.where));
    expect(mine.map((f) => f.name)).toEqual(frames(plain.text).map((f) => f.name));
    expect(mine).toContainEqual({ where: 'shapes.ts|11:12', name: 'Box.open' });
    expect(mine).toContainEqual({ where: 'main.ts|4:26', name: '' });
    expect(ours.status).toBe(1);
    expect(mapped.status).toBe(1);
  });

  test('throw-value.ts: a thrown non-error prints the value, exit status 1', () => {
    const file = path.join(fixtures, 'throw-value.ts');
    const ours = runExecutable(buildExecutable(file, dir));
    const node = runNode(file, false);
    expect(ours.status).toBe(1);
    expect(node.status).toBe(1);
    expect(ours.stdout.toString()).toBe(node.stdout.toString());
    expect(node.stderr).toContain('\n42\n');
    expect(ours.stderr).toBe('Uncaught 42\n');
  });
});

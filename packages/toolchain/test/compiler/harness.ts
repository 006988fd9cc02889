/**
 * Differential-test helpers: run a TypeScript program under Node (types stripped by @swc/core) and
 * as a Toro-compiled Linux executable; every process is bounded by a timeout (spawnSync kills the
 * child by its PID when it expires) and temp files live in a mkdtemp folder the caller removes.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { transformSync } from '@swc/core';
import { buildLinuxExecutable } from '../../src/compiler/index.js';

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  status: number | null;
  signal: NodeJS.Signals | null;
}

function run(cmd: string, args: string[], timeoutMs: number): RunResult {
  const r = spawnSync(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 });
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw r.error;
  return {
    stdout: r.stdout ?? Buffer.alloc(0),
    stderr: r.stderr?.toString() ?? '',
    status: r.status,
    signal: r.signal,
  };
}

/** Like `run`, without blocking this process: the child is killed by its PID at the timeout. */
function runAsync(cmd: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString(), status, signal });
    });
  });
}

/** swc's type stripping of a program, written into `dir` as an ES module; returns its path. */
export function stripTypes(program: string, dir: string): string {
  const { code } = transformSync(readFileSync(program, 'utf8'), {
    filename: program,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    isModule: true,
  });
  const js = path.join(dir, `${path.basename(program, '.ts')}.mjs`);
  writeFileSync(js, code);
  return js;
}

/**
 * A program of many modules (a folder with `main.ts`): every .ts file of the folder stripped into
 * `dir/<folder name>/` as .js (with a package.json making them ES modules), each relative import
 * rewritten to the file Node needs (`./x` → `./x.js`, `./d` → `./d/index.js`); returns main.js.
 * `sourceMaps`: each file carries its inline source map (for --enable-source-maps).
 */
export function stripFolder(folder: string, dir: string, sourceMaps = false): string {
  const out = path.join(dir, path.basename(folder));
  const visit = (from: string, to: string): void => {
    mkdirSync(to, { recursive: true });
    for (const f of readdirSync(from)) {
      const src = path.join(from, f);
      if (statSync(src).isDirectory()) {
        visit(src, path.join(to, f));
        continue;
      }
      if (!f.endsWith('.ts')) continue;
      const { code } = transformSync(readFileSync(src, 'utf8'), {
        filename: src,
        sourceMaps: sourceMaps ? 'inline' : false,
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        isModule: true,
      });
      const fixed = code.replace(
        /(from\s*|import\s*)(['"])(\.{1,2}\/[^'"]*)\2/g,
        (_m, head: string, q: string, spec: string) => {
          const base = path.resolve(from, spec.replace(/\.js$/, ''));
          const target = existsSync(`${base}.ts`)
            ? `${spec.replace(/\.js$/, '')}.js`
            : existsSync(path.join(base, 'index.ts'))
              ? `${spec}/index.js`
              : spec;
          return `${head}${q}${target}${q}`;
        },
      );
      writeFileSync(path.join(to, f.replace(/\.ts$/, '.js')), fixed);
    }
  };
  visit(folder, out);
  writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }\n');
  return path.join(out, 'main.js');
}

/** runUnderNode, asynchronously (the differential suite runs Node and compiles at the same time). */
export function runUnderNodeAsync(program: string, dir: string, timeoutMs = 30000): Promise<RunResult> {
  const js = program.endsWith('.ts') ? stripTypes(program, dir) : stripFolder(program, dir);
  return runAsync(process.execPath, [js], timeoutMs);
}

export function runExecutableAsync(exe: string, timeoutMs = 30000): Promise<RunResult> {
  return runAsync(exe, [], timeoutMs);
}

/** Strips the types with swc and runs the result as an ES module under this Node. */
export function runUnderNode(program: string, dir: string, timeoutMs = 30000): RunResult {
  return run(process.execPath, [stripTypes(program, dir)], timeoutMs);
}

/** Compiles with Toro for Linux and runs the executable. */
export function buildExecutable(program: string, dir: string): string {
  // A folder is a program of many modules entered at its main.ts (see stripFolder).
  const folder = !program.endsWith('.ts');
  const exe = path.join(dir, `${path.basename(program, '.ts')}${folder ? '.bin' : ''}`);
  writeFileSync(exe, buildLinuxExecutable(folder ? path.join(program, 'main.ts') : program));
  chmodSync(exe, 0o755);
  return exe;
}

export function runExecutable(exe: string, timeoutMs = 30000): RunResult {
  return run(exe, [], timeoutMs);
}

/** Runs under /usr/bin/time to learn the peak resident set size (KiB) of the process. */
export function peakRssKiB(exe: string, timeoutMs = 30000): { result: RunResult; kib: number } {
  const r = run('/usr/bin/time', ['-f', 'maxrss=%M', exe], timeoutMs);
  const m = /maxrss=(\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no maxrss in: ${r.stderr}`);
  return { result: r, kib: Number(m[1]) };
}

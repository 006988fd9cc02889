/**
 * The compiler against Node: each CPU-bound program in bench/programs/ is compiled to a static Linux
 * executable (compile time measured), run natively and run by `node` on swc's type-stripped JavaScript;
 * stdout must match. A program the compiler refuses, whose output differs or that fails/times out is
 * reported as such in its row instead of failing the benchmark.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { it } from 'vitest';
import {
  buildLinuxExecutable,
  CompileFailed,
  formatDiagnostic,
} from '../packages/toolchain/src/compiler/index.js';
import { stripTypes } from '../packages/toolchain/test/compiler/harness.js';
import { type Cell, median, writeResults } from './lib/results.js';

const RUNS = 3;
const TIMEOUT_MS = 60_000;
const PROGRAMS = new URL('./programs/', import.meta.url).pathname;
const GNU_TIME = '/usr/bin/time';

interface Run {
  stdout: string;
  stderr: string;
  status: number | null;
  ms: number;
  rssKiB: number;
  timedOut: boolean;
}

/** Parses the VmHWM (peak RSS) line of /proc/<pid>/status, or 0 if the process is gone. */
function procPeakKiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs one process, killed by its PID at the timeout. Peak RSS comes from GNU time's %M (written to a
 * file so stderr stays the program's) when present, else from polling /proc/<pid>/status every 5 ms.
 * The wall time includes GNU time's own fork/exec (about a millisecond), for native and Node alike.
 */
function runOnce(cmd: string, args: string[], rssFile: string): Promise<Run> {
  const useTime = existsSync(GNU_TIME);
  const argv = useTime ? ['-f', '%M', '-o', rssFile, cmd, ...args] : args;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // Its own process group, so a kill at the timeout reaches the program under GNU time too.
    const child = spawn(useTime ? GNU_TIME : cmd, argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let polled = 0;
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const poll = useTime
      ? undefined
      : setInterval(() => {
          if (child.pid !== undefined) polled = Math.max(polled, procPeakKiB(child.pid));
        }, 5);
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      reject(e);
    });
    child.on('close', (status) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let rssKiB = polled;
      if (useTime && !timedOut) {
        const m = /(\d+)\s*$/.exec(readFileSync(rssFile, 'utf8'));
        rssKiB = m ? Number(m[1]) : 0;
      }
      resolve({
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        status,
        ms,
        rssKiB,
        timedOut,
      });
    });
  });
}

interface Measured {
  ok: boolean;
  why: string;
  stdout: string;
  ms: number;
  rssKiB: number;
}

/** RUNS runs; stops at the first failure (non-zero exit or timeout) and says why. */
async function measure(cmd: string, args: string[], rssFile: string): Promise<Measured> {
  const times: number[] = [];
  const rss: number[] = [];
  let stdout = '';
  for (let i = 0; i < RUNS; i++) {
    const r = await runOnce(cmd, args, rssFile);
    if (r.timedOut)
      return { ok: false, why: `timed out (> ${TIMEOUT_MS / 1000} s)`, stdout, ms: 0, rssKiB: 0 };
    if (r.status !== 0) {
      const first = r.stderr.split('\n').find((l) => l.trim() !== '') ?? '';
      return {
        ok: false,
        why: `exit ${r.status}: ${first.slice(0, 120)}`,
        stdout: r.stdout,
        ms: 0,
        rssKiB: 0,
      };
    }
    if (i > 0 && r.stdout !== stdout)
      return { ok: false, why: 'output differs between runs', stdout, ms: 0, rssKiB: 0 };
    stdout = r.stdout;
    times.push(r.ms);
    rss.push(r.rssKiB);
  }
  return { ok: true, why: '', stdout, ms: median(times), rssKiB: Math.max(...rss) };
}

const mib = (kib: number): number => Math.round((kib / 1024) * 10) / 10;

it('measures compiled programs against Node', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toro-bench-compiler-'));
  try {
    const rssFile = join(dir, 'rss.txt');
    // The runtime is compiled once per process on the first build; do that outside the timings.
    const warm = join(dir, 'warm.ts');
    writeFileSync(warm, 'console.log(1);\n');
    const t0 = performance.now();
    buildLinuxExecutable(warm);
    const runtimeMs = performance.now() - t0;

    const programs = readdirSync(PROGRAMS)
      .filter((f) => f.endsWith('.ts'))
      .sort();
    const rows: Cell[][] = [];
    const ratios: number[] = [];
    const notes: string[] = [];
    for (const file of programs) {
      const program = join(PROGRAMS, file);
      const name = basename(file, '.ts');
      const node = await measure(process.execPath, [stripTypes(program, dir)], rssFile);
      const nodeCells: Cell[] = node.ok ? [node.ms, mib(node.rssKiB)] : [`node failed: ${node.why}`, ''];
      let exe: Uint8Array;
      const c0 = performance.now();
      try {
        exe = buildLinuxExecutable(program);
      } catch (e) {
        const why =
          e instanceof CompileFailed
            ? `refused: ${e.diagnostics
                .slice(0, 2)
                .map((d) => formatDiagnostic(d))
                .join('; ')}`
            : `compiler error: ${String(e).slice(0, 160)}`;
        rows.push([name, '', why, '', nodeCells[0], '', '', nodeCells[1]]);
        notes.push(`${name}: ${why}`);
        continue;
      }
      const compileMs = performance.now() - c0;
      const exePath = join(dir, name);
      writeFileSync(exePath, exe);
      chmodSync(exePath, 0o755);
      const native = await measure(exePath, [], rssFile);
      let status = 'ok';
      let ratio: Cell = '';
      if (!native.ok) status = `native failed: ${native.why}`;
      else if (!node.ok) status = `node failed: ${node.why}`;
      else if (native.stdout !== node.stdout) {
        status = 'output differs';
        const a = native.stdout.split('\n');
        const b = node.stdout.split('\n');
        const at = a.findIndex((l, i) => l !== b[i]);
        notes.push(`${name}: line ${at + 1}: native ${JSON.stringify(a[at])}, node ${JSON.stringify(b[at])}`);
      } else {
        ratio = native.ms / node.ms;
        ratios.push(ratio);
      }
      if (status !== 'ok' && status !== 'output differs') notes.push(`${name}: ${status}`);
      rows.push([
        name,
        compileMs,
        status,
        native.ok ? native.ms : '',
        node.ok ? node.ms : '',
        ratio,
        native.ok ? mib(native.rssKiB) : '',
        node.ok ? mib(node.rssKiB) : '',
      ]);
    }
    const geo = ratios.length
      ? Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length)
      : Number.NaN;
    rows.push([`geometric mean (${ratios.length} of ${programs.length})`, '', '', '', '', geo, '', '']);
    const rssHow = existsSync(GNU_TIME)
      ? "GNU time's %M (peak RSS of the process it runs)"
      : 'polling VmHWM in /proc/<pid>/status every 5 ms';

    const path = writeResults({
      name: 'compiler',
      title: 'Compiled programs against Node',
      method:
        'Goal: faster than Node; here is where we stand. Each program in bench/programs/ is compiled with ' +
        'buildLinuxExecutable (compile ms, one build, the runtime object already compiled: ' +
        `${Math.round(runtimeMs)} ms for it plus a one-line program, paid once per process) and run natively; ` +
        'the same file, type-stripped by @swc/core, runs under this `node`. Both must print identical stdout. ' +
        `Wall times are the median of ${RUNS} runs each (spawn to exit, start-up included, each run killed by ` +
        `PID after ${TIMEOUT_MS / 1000} s); ratio = native / node (below 1 = faster than Node); peak RSS is ` +
        `the largest of the runs, from ${rssHow}. Geometric mean over the programs whose outputs matched.`,
      columns: [
        'program',
        'compile (ms)',
        'status',
        'native (ms)',
        'node (ms)',
        'native / node',
        'native peak RSS (MiB)',
        'node peak RSS (MiB)',
      ],
      rows,
      notes: [
        'Programs: n-body (classes, float math), Richards (task scheduler), DeltaBlue (simplified, see its ' +
          'header), binary-trees (allocation/GC), fannkuch-redux (arrays), a JSON stringify/parse round trip, ' +
          'string building, Map-heavy word counting. Sized so Node takes roughly 0.2–1 s here.',
        ...notes,
      ],
    });
    console.log(readFileSync(path, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

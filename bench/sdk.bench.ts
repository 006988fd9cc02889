/**
 * Services on the SDK: channel round trip and throughput in a compiled service (toro run, 2 CPUs) beside
 * the kernel's raw matrix figures (bench/results/kernel.json) and beside the same program under
 * `toro dev` (Node worker threads); a CPU-bound job split over 1, 2 and 4 CPUs (speed-up) under both;
 * and the hello template's image size and time from QEMU's start to its main's first line.
 * Everything under TCG, as everywhere here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expect, it } from 'vitest';
import { kernelBuildInput } from '../packages/kernel/src/index.js';
import { buildBootImage } from '../packages/toolchain/src/build/index.js';
import { compileService } from '../packages/toolchain/src/compiler/index.js';
import { startGuest } from '../packages/toolchain/src/vm/index.js';
import { median, writeResults } from './lib/results.js';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'packages/cli/bin/run.js');
const RUNS = 3;

/** `result key=value` lines a bench service prints. */
function results(out: string): Record<string, number> {
  const r: Record<string, number> = {};
  for (const m of out.matchAll(/^result (\w+)=([\d.]+)$/gm)) r[m[1]] = Number(m[2]);
  return r;
}

async function image(entry: string, dir: string, name: string): Promise<string> {
  const built = await buildBootImage({ kernel: kernelBuildInput, service: compileService(entry, 'toro') });
  const file = join(dir, `${name}.elf`);
  writeFileSync(file, built.elf);
  return file;
}

/** Boots `file` with `cpus` CPUs; its serial output, and ms from spawn to the line matching `first`. */
async function boot(file: string, cpus: number, first?: RegExp): Promise<{ out: string; firstMs?: number }> {
  const guest = await startGuest({ image: file, cpus, memory: '256M', accel: 'tcg', timeoutMs: 300_000 });
  let firstMs: number | undefined;
  guest.serial.on('line', (line: string, ms: number) => {
    if (first && firstMs === undefined && first.test(line)) firstMs = ms;
  });
  const exit = await guest.exited;
  expect(exit.code).toBe(0);
  return { out: guest.lines.join('\n'), firstMs };
}

/** `toro dev --cpus N` on a project holding `entry` as its src/main.ts. */
function dev(entry: string, dir: string, cpus: number): string {
  const project = join(dir, `dev-${basename(entry, '.ts')}-${cpus}`);
  if (!existsSync(project)) {
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'src', 'main.ts'), readFileSync(entry, 'utf8'));
    writeFileSync(
      join(project, 'toro.json'),
      JSON.stringify({ name: 'bench', entry: 'src/main.ts', cpus, memory: '256M' }),
    );
  }
  const r = spawnSync(process.execPath, [cli, 'dev', '--cpus', String(cpus)], {
    cwd: project,
    encoding: 'utf8',
    timeout: 300_000,
    killSignal: 'SIGKILL',
  });
  expect(r.status).toBe(0);
  return r.stdout;
}

function kernelRoundTripUs(): string {
  try {
    const k = JSON.parse(readFileSync(join(root, 'bench/results/kernel.json'), 'utf8')) as {
      rows: (string | number)[][];
    };
    const row = k.rows.find((r) => String(r[0]).startsWith('message round trip CPU 0 → 1'));
    const oneWay = k.rows.find((r) => String(r[0]).startsWith('one-way message CPU 0 → 1'));
    return `${row?.[2] ?? '?'} round trip, ${oneWay?.[2] ?? '?'} one way`;
  } catch {
    return 'not measured (run the kernel benchmark)';
  }
}

it('measures channels, CPU scaling and the hello template as unikernels', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toro-bench-sdk-'));
  try {
    const channels = join(root, 'bench/services/channels.ts');
    const split = join(root, 'bench/services/split.ts');
    const rows: (string | number)[][] = [];

    const chImage = await image(channels, dir, 'channels');
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(results((await boot(chImage, 2)).out));
    const devRuns = [];
    for (let i = 0; i < RUNS; i++) devRuns.push(results(dev(channels, dir, 2)));
    const med = (xs: Record<string, number>[], k: string) => median(xs.map((x) => x[k]));
    rows.push([
      'channel round trip CPU 0 → 1 → 0 (µs)',
      med(runs, 'round_trip_us'),
      med(devRuns, 'round_trip_us'),
    ]);
    rows.push([
      'channel one-way send CPU 0 → 1, capacity 64 (µs per message)',
      med(runs, 'one_way_us'),
      med(devRuns, 'one_way_us'),
    ]);

    const splitImage = await image(split, dir, 'split');
    const ms: Record<number, number> = {};
    const devMs: Record<number, number> = {};
    for (const cpus of [1, 2, 4]) {
      const a = [];
      const b = [];
      for (let i = 0; i < RUNS; i++) {
        a.push(results((await boot(splitImage, cpus)).out).ms);
        b.push(results(dev(split, dir, cpus)).ms);
      }
      ms[cpus] = median(a);
      devMs[cpus] = median(b);
      rows.push([`CPU-bound job over ${cpus} CPU(s) (ms)`, ms[cpus], devMs[cpus]]);
    }
    for (const cpus of [2, 4])
      rows.push([
        `speed-up 1 → ${cpus} CPUs (×)`,
        Number((ms[1] / ms[cpus]).toFixed(2)),
        Number((devMs[1] / devMs[cpus]).toFixed(2)),
      ]);

    const helloSrc = readFileSync(join(root, 'templates/hello/src/main.ts'), 'utf8').replaceAll(
      '{{name}}',
      'bench',
    );
    const hello = join(dir, 'hello.ts');
    writeFileSync(hello, helloSrc);
    const helloImage = await image(hello, dir, 'hello');
    const firsts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const b = await boot(helloImage, 4, /^Hello from bench!$/);
      if (b.firstMs !== undefined) firsts.push(b.firstMs);
    }
    expect(firsts.length).toBe(5);
    rows.push([
      "hello template: QEMU start to main's first line, 4 CPUs (ms)",
      Math.round(median(firsts)),
      '',
    ]);
    rows.push([
      'hello template: image size (KiB, ELF with symbols)',
      Number((statSync(helloImage).size / 1024).toFixed(1)),
      '',
    ]);

    const path = writeResults({
      name: 'sdk',
      title: 'Services on the SDK: channels, CPU scaling, the hello template (QEMU TCG)',
      method:
        `Median of ${RUNS} runs each (5 boots for the hello template). The services (bench/services) time ` +
        'themselves with Date.now() and print the figures; the unikernel runs under QEMU TCG (microvm, 256 MiB), ' +
        '`toro dev` runs the same file on Node worker threads on the host. The split job adds up ' +
        'sqrt(i)·(i mod 7) for i below 3,000,000, one contiguous share per CPU (spawnOn), results joined on CPU 0.',
      columns: ['measurement', 'toro run (compiled, TCG)', 'toro dev (Node)'],
      rows,
      notes: [
        `The kernel's raw matrix, for comparison (bench/results/kernel.md, self-test image, receiver halted): ${kernelRoundTripUs()}. ` +
          "A channel message adds the copy (wire form in TypeScript, packed into kernel memory), the home CPU's " +
          'message pump and the reply that releases the sender.',
        'Speed-up: the host has 2 cores and TCG runs each vCPU on a host thread, so 4 vCPUs cannot go more than ' +
          'about twice as fast as 1 here; the figure shows that isolates do not serialize each other. Under ' +
          '`toro dev` Node finishes the whole job in about 10 ms, so its column is mostly the cost of reaching ' +
          'the worker threads, not computation.',
      ],
    });
    console.log(readFileSync(path, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

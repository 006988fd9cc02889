/**
 * Builds the self-test image (the kernel assembled by Toro's assembler with -DSELFTEST) and boots it with
 * the VM runner, returning the self-test's lines parsed (format: asm/selftest.asm's header):
 *
 *   toro: selftest <name> start cpus=<n> nodes=<m>
 *   toro: result <name> [word ...] key=value ...
 *   toro: selftest <name> pass|fail
 *
 * Every boot is bounded by the runner's timeout and QEMU is reaped before the result is returned.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildBootImage } from '../../../toolchain/src/build/index.js';
import type { Machine } from '../../../toolchain/src/vm/index.js';
import { bootAndCollect } from '../../../toolchain/src/vm/testing.js';
import { kernelBuildInput } from '../../src/index.js';

/** One `toro: result` line: bare words (e.g. "range") and key=value pairs, values as written. */
export interface ResultLine {
  words: string[];
  values: Record<string, string>;
}

export interface SelftestRun {
  name: string;
  cpus: number;
  nodes: number;
  results: ResultLine[];
  verdict: 'pass' | 'fail' | null;
  exitCode: number | null;
  durationMs: number;
  lines: string[];
}

export interface SelftestBoot {
  test: string;
  machine?: Machine;
  cpus: number;
  memory?: string;
  /** Extra words for the command line, e.g. "count=1000". */
  args?: string[];
  extraArgs?: string[];
  timeoutMs?: number;
  icount?: number;
}

/** A temp folder holding the self-test image; `dispose` removes it. */
export interface SelftestImage {
  path: string;
  /** The image's labels, for checking addresses the guest reports. */
  symbols: ReadonlyMap<string, bigint>;
  dispose(): Promise<void>;
}

export async function buildSelftestImage(): Promise<SelftestImage> {
  const dir = await mkdtemp(join(tmpdir(), 'toro-selftest-'));
  const built = await buildBootImage({
    kernel: kernelBuildInput,
    defines: { SELFTEST: '1' },
  });
  const path = join(dir, 'selftest.elf');
  await writeFile(path, built.elf);
  const symbols = new Map(built.image.symbols.map((sym) => [sym.name, sym.address]));
  return { path, symbols, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Builds the self-test image before a test file's tests and removes it after them; call at the file's
 * top level. The returned function gives the image once built.
 */
export function useSelftestImage(): () => SelftestImage {
  let image: SelftestImage | undefined;
  beforeAll(async () => {
    image = await buildSelftestImage();
  });
  afterAll(async () => {
    await image?.dispose();
  });
  return () => {
    if (!image) throw new Error('the self-test image is not built yet');
    return image;
  };
}

export function parseSelftest(lines: readonly string[]): Omit<SelftestRun, 'exitCode' | 'durationMs'> {
  let name = '';
  let cpus = 0;
  let nodes = 0;
  let verdict: 'pass' | 'fail' | null = null;
  const results: ResultLine[] = [];
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    const start = /^toro: selftest (\S+) start cpus=(\d+) nodes=(\d+)$/.exec(line);
    if (start) {
      [name, cpus, nodes] = [start[1], Number(start[2]), Number(start[3])];
      continue;
    }
    const end = /^toro: selftest (\S+) (pass|fail)$/.exec(line);
    if (end && end[1] === name) {
      verdict = end[2] as 'pass' | 'fail';
      continue;
    }
    const result = /^toro: result (\S+) (.*)$/.exec(line);
    if (result && result[1] === name) {
      const words: string[] = [];
      const values: Record<string, string> = {};
      for (const token of result[2].split(' ')) {
        const eq = token.indexOf('=');
        if (eq < 0) words.push(token);
        else values[token.slice(0, eq)] = token.slice(eq + 1);
      }
      results.push({ words, values });
    }
  }
  return { name, cpus, nodes, results, verdict, lines: [...lines] };
}

/** Boots the image with `selftest=<test>`: every serial line and the guest's exit code, whatever happened. */
export async function bootSelftest(
  image: SelftestImage,
  boot: SelftestBoot,
): Promise<{ lines: string[]; exitCode: number | null; durationMs: number; error?: string }> {
  const append = [`selftest=${boot.test}`, ...(boot.args ?? [])].join(' ');
  const run = await bootAndCollect({
    image: image.path,
    accel: 'tcg',
    machine: boot.machine ?? 'microvm',
    cpus: boot.cpus,
    memory: boot.memory ?? '128M',
    append,
    extraArgs: boot.extraArgs,
    icount: boot.icount,
    timeoutMs: boot.timeoutMs ?? 60_000,
  });
  const lines = run.lines.map((l) => l.replace(/\r$/, ''));
  return { lines, exitCode: run.exit.code, durationMs: run.exit.durationMs, error: run.exit.error };
}

/** bootSelftest, parsed; throws (with the console) when the self-test did not reach its verdict. */
export async function runSelftest(image: SelftestImage, boot: SelftestBoot): Promise<SelftestRun> {
  const run = await bootSelftest(image, boot);
  const parsed = parseSelftest(run.lines);
  if (parsed.verdict === null) {
    throw new Error(
      `self-test ${boot.test} did not finish (${run.error ?? 'no verdict'}):\n${run.lines.join('\n')}`,
    );
  }
  return { ...parsed, exitCode: run.exitCode, durationMs: run.durationMs };
}

/** The result lines that carry `key`, e.g. every per-CPU line with `cpu`. */
export function linesWith(run: SelftestRun, key: string): Record<string, string>[] {
  return run.results.filter((r) => key in r.values).map((r) => r.values);
}

/** A decimal or 0x-hexadecimal value as a bigint. */
export function big(value: string | undefined): bigint {
  if (value === undefined) throw new Error('missing value');
  return BigInt(value);
}

/**
 * Every CPU's memory line (the ones with free_before, from st_snapshot/st_check_memory) shows its free
 * memory back where it started once what its stack window grew by is counted (the pages the stacks newly
 * kept in the stack cache touched, and the window's tables: asm/stack_window.asm), and every stack not
 * cached belonging to a live thread. The window may not grow by more than a few pages per new stack.
 */
export function expectMemoryRestored(memory: readonly Record<string, string>[]): void {
  for (const m of memory) {
    expect(big(m.free_after) + big(m.window_grew), `cpu ${m.cpu}`).toBe(big(m.free_before));
    expect(big(m.window_grew), `cpu ${m.cpu}: a new stack holds its touched pages`).toBeLessThanOrEqual(
      (big(m.new_stacks) + 4n) * 4n * 4096n,
    );
    expect(big(m.stacks) - big(m.cached), `cpu ${m.cpu}: stacks not cached belong to live threads`).toBe(
      big(m.live),
    );
  }
}

/**
 * Thread churn (self-test "threads", asm/st_threads.asm): 100,000 threads created and exited across 4
 * and 8 CPUs, most of them created on request of another CPU through the matrix. Every one must run and exit,
 * the stacks must be reused or returned (a CPU ends holding its live threads' stacks plus at most
 * STACK_CACHE_MAX cached ones) and every CPU's memory must be back once those cached stacks are counted.
 */
import { expect, test } from 'vitest';
import { expectMemoryRestored, linesWith, runSelftest, useSelftestImage } from './helpers/selftest.js';

const STACK_CACHE_MAX = 16; // asm/mech_defs.asm

const image = useSelftestImage();

test.each([
  ['microvm', 4, 100_000],
  ['microvm', 8, 100_000],
  ['q35', 2, 20_000],
] as const)('threads on %s with %i CPUs, %i create/exit cycles', async (machine, cpus, count) => {
  const run = await runSelftest(image(), {
    test: 'threads',
    machine,
    cpus,
    memory: '256M',
    args: [`count=${count}`],
  });
  const [summary] = linesWith(run, 'total');
  expect(Number(summary.total)).toBe(count);
  expect(Number(summary.exited)).toBe(count);
  const perCpu = linesWith(run, 'exited').filter((l) => 'cpu' in l);
  expect(perCpu).toHaveLength(cpus);
  for (const l of perCpu) {
    expect(Number(l.exited), `cpu ${l.cpu}`).toBe(count / cpus);
    expect(l.create_errors, `cpu ${l.cpu}`).toBe('0');
  }
  const memory = linesWith(run, 'free_before');
  expectMemoryRestored(memory);
  for (const m of memory) {
    // no leak: beyond the live threads' stacks a CPU keeps at most STACK_CACHE_MAX for reuse
    expect(Number(m.cached), `cpu ${m.cpu}`).toBeLessThanOrEqual(STACK_CACHE_MAX);
  }
  expect(run.verdict).toBe('pass');
});

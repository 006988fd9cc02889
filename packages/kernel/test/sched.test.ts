/**
 * The cooperative scheduler, through the self-test "sched" (asm/st_sched.asm): FIFO yield order, join's
 * exit value, block/wake on one CPU and across CPUs (the wake travels through the message matrix),
 * sleep length measured by clock_ns, wake-up order of sleepers, and thread creation on every CPU.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildSelftestImage, runSelftest, type SelftestImage } from './helpers/selftest.js';

let image: SelftestImage;
beforeAll(async () => {
  image = await buildSelftestImage();
});
afterAll(async () => {
  await image?.dispose();
});

test.each([
  ['microvm', 1],
  ['microvm', 4],
  ['q35', 2],
] as const)('sched on %s with %i CPUs', async (machine, cpus) => {
  const run = await runSelftest(image, { test: 'sched', machine, cpus });
  expect(run.cpus).toBe(cpus);
  const [r] = run.results.map((l) => l.values);
  expect(r.yield).toBe('ABCABCABC');
  expect(r.join).toBe('41');
  expect(r.block).toBe('12');
  expect(Number(r.remote_wake)).toBe(cpus - 1);
  // thread_sleep(2 ms) may not end early; under TCG on a loaded host it may end late, but not by seconds.
  expect(Number(r.sleep_ns)).toBeGreaterThanOrEqual(2_000_000);
  expect(Number(r.sleep_ns)).toBeLessThan(2_000_000_000);
  expect(r.sleep_order).toBe('bca');
  expect(Number(r.cpus_seen)).toBe(cpus);
  expect(run.verdict).toBe('pass');
  expect(run.exitCode).toBe(0);
});

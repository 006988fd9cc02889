/**
 * The cooperative scheduler, through the self-test "sched" (asm/st_sched.asm): FIFO yield order, join's
 * exit value, block/wake on one CPU and across CPUs (the wake travels through the message matrix),
 * sleep length measured by clock_ns, wake-up order of sleepers, and thread creation on every CPU; and
 * that idle CPUs halt instead of spinning (self-test "idle", QEMU's CPU time read from /proc).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { expect, test } from 'vitest';
import { startGuest } from '../../toolchain/src/vm/index.js';
import { runSelftest, useSelftestImage } from './helpers/selftest.js';

const image = useSelftestImage();

test.each([
  ['microvm', 1],
  ['microvm', 4],
  ['q35', 2],
] as const)('sched on %s with %i CPUs', async (machine, cpus) => {
  const run = await runSelftest(image(), { test: 'sched', machine, cpus });
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

/** utime + stime of a process, in seconds (from /proc/<pid>/stat, in clock ticks of 1/100 s on Linux). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // fields 14 and 15 of stat(5), counted from state
}

test('idle CPUs halt: 4 idle vCPUs for 2 s cost QEMU a small fraction of a host core', async () => {
  const guest = await startGuest({
    image: image().path,
    accel: 'tcg',
    machine: 'microvm',
    cpus: 4,
    memory: '128M',
    append: 'selftest=idle count=2000',
    timeoutMs: 30_000,
  });
  try {
    await guest.waitForLine(/^toro: result idle phase=start/);
    const before = cpuSeconds(guest.pid);
    const t0 = performance.now();
    const end = await guest.waitForLine(/^toro: result idle phase=end slept_ns=(\d+)/);
    const wall = (performance.now() - t0) / 1000;
    const used = cpuSeconds(guest.pid) - before;
    expect(Number(end[1])).toBeGreaterThanOrEqual(2_000_000_000);
    expect(wall).toBeGreaterThan(1.5);
    // Four spinning vCPUs would keep both host cores busy (about 2 s of CPU per second).
    expect(used / wall).toBeLessThan(0.25);
    expect((await guest.exited).code).toBe(0);
  } finally {
    await guest.stop();
  }
});

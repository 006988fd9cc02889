/**
 * Thread stacks have guard pages: a thread that recurses without end (self-test "overflow",
 * asm/st_abi.asm, on the last CPU) runs into the unmapped page under its stack, and the fault report
 * says so — kind stack-overflow, the faulting thread's handle, CR2 inside that thread's guard page, the
 * RIP in the recursing function — and the run ends with exit code 70.
 */
import { expect, test } from 'vitest';
import { parseFaultReport } from '../../toolchain/src/vm/fault-report.js';
import { big, bootSelftest, parseSelftest, useSelftestImage } from './helpers/selftest.js';

const image = useSelftestImage();

test.each([
  ['microvm', 4],
  ['q35', 2],
] as const)('a thread stack overflow on %s with %i CPUs is reported as such', async (machine, cpus) => {
  const run = await bootSelftest(image(), { test: 'overflow', machine, cpus });
  const [{ values: victim }] = parseSelftest(run.lines).results;
  expect(Number(victim.cpu)).toBe(cpus - 1);
  const begin = run.lines.indexOf('toro: fault begin');
  const end = run.lines.indexOf('toro: fault end');
  expect(begin).toBeGreaterThan(0);
  const report = parseFaultReport(run.lines.slice(begin, end + 1));
  expect(report.cpu).toBe(cpus - 1);
  expect(report.name).toBe('#PF');
  expect(report.kind).toBe('stack-overflow');
  expect(report.registers.thread).toBe(big(victim.thread));
  const guard = big(victim.stack);
  expect(report.registers.cr2 >= guard && report.registers.cr2 < guard + 4096n).toBe(true);
  // frame 0 lies in st_overflow_recurse: at or after its label, before the next label in the image
  const recurse = image().symbols.get('st_overflow_recurse') ?? -1n;
  const later = [...image().symbols.values()].filter((a) => a > recurse).sort((a, b) => (a < b ? -1 : 1));
  const next = later[0] ?? 1n << 64n;
  expect(recurse).toBeGreaterThan(0n);
  expect(report.frames[0] >= recurse && report.frames[0] < next).toBe(true);
  expect(run.exitCode).toBe(70);
});

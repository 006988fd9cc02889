/**
 * Allocator stress with cross-CPU frees (self-test "alloc", asm/st_alloc.asm): every CPU allocates
 * objects of every size class and page blocks, frees half itself and has the next CPU free the rest, so
 * those go home through the owner's kernel ring. Afterwards every CPU's free memory must be exactly
 * where it started — counting, independently here, the stacks the test's threads left in the stack
 * cache — every remote free sent must have been received, and no stamp may have been overwritten.
 */
import { expect, test } from 'vitest';
import { big, expectMemoryRestored, linesWith, runSelftest, useSelftestImage } from './helpers/selftest.js';

const image = useSelftestImage();

test.each([
  ['microvm', 1, 20000],
  ['microvm', 4, 20000],
  ['microvm', 8, 100000],
  ['q35', 2, 20000],
] as const)('alloc on %s with %i CPUs, %i allocations per CPU', async (machine, cpus, count) => {
  const run = await runSelftest(image(), {
    test: 'alloc',
    machine,
    cpus,
    memory: '256M',
    args: [`count=${count}`],
  });
  const memory = linesWith(run, 'free_before');
  const traffic = linesWith(run, 'errors');
  expect(memory).toHaveLength(cpus);
  expect(traffic).toHaveLength(cpus);
  expectMemoryRestored(memory);
  let sent = 0n;
  let received = 0n;
  for (const t of traffic) {
    expect(t.errors, `cpu ${t.cpu}`).toBe('0');
    // each CPU sends half its objects (count/2, pages included) to its neighbour
    expect(big(t.allocs)).toBeGreaterThanOrEqual(BigInt(count - count / 8));
    sent += big(t.remote_sent);
    received += big(t.remote_received);
  }
  expect(received).toBe(sent);
  if (cpus > 1) expect(sent).toBe(BigInt((cpus * count) / 2));
  else expect(sent).toBe(0n);
  expect(run.verdict).toBe('pass');
});

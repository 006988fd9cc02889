/**
 * A CPU whose own memory is used up borrows from the other CPUs of its NUMA node — never from another
 * node — and what it borrowed goes back to the lenders when freed (self-test "borrow",
 * asm/st_mem.asm: CPU 0 takes 1 MiB blocks until its node has none left, then frees them all).
 */
import { expect, test } from 'vitest';
import { big, linesWith, runSelftest, useSelftestImage } from './helpers/selftest.js';

const MiB = 1n << 20n;

const image = useSelftestImage();

test.each([
  // machine, CPUs, CPUs in CPU 0's node, extra QEMU arguments
  ['microvm', 4, 4, []],
  ['microvm', 1, 1, []],
  [
    'q35',
    4,
    2,
    [
      '-object',
      'memory-backend-ram,id=m0,size=96M',
      '-numa',
      'node,nodeid=0,cpus=0-1,memdev=m0',
      '-object',
      'memory-backend-ram,id=m1,size=160M',
      '-numa',
      'node,nodeid=1,cpus=2-3,memdev=m1',
    ],
  ],
] as const)('borrowing on %s with %i CPUs (%i in the node)', async (machine, cpus, inNode, extraArgs) => {
  const memory = extraArgs.length > 0 ? '256M' : '128M';
  const run = await runSelftest(image(), {
    test: 'borrow',
    machine,
    cpus,
    memory,
    extraArgs: [...extraArgs],
  });
  const [r] = linesWith(run, 'own');
  const own = big(r.own);
  const borrowed = big(r.borrowed);
  const nodeFree = big(r.node_free_before);
  expect(own).toBeGreaterThan(0n);
  if (inNode > 1) expect(borrowed).toBeGreaterThan(0n);
  else expect(borrowed).toBe(0n);
  // all of the node's free memory, less what does not make whole aligned 1 MiB blocks (under 2 MiB per CPU)
  expect((own + borrowed) * MiB).toBeLessThanOrEqual(nodeFree);
  expect((own + borrowed) * MiB).toBeGreaterThan(nodeFree - BigInt(inNode) * 2n * MiB);
  for (const m of linesWith(run, 'free_before')) {
    expect(m.free_after, `cpu ${m.cpu}`).toBe(m.free_before);
  }
  expect(run.verdict).toBe('pass');
});

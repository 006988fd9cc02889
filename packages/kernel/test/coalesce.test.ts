/**
 * Buddies merge (self-test "coalesce", asm/st_coalesce.asm): every CPU takes all the memory its
 * allocator has left as single pages and frees them, every other one first; afterwards it must give
 * a block as large as it gave before (the collector maps its semispaces as such blocks), and its free
 * bytes must be exactly back.
 */
import { expect, test } from 'vitest';
import { big, linesWith, runSelftest, useSelftestImage } from './helpers/selftest.js';

const image = useSelftestImage();

test.each([
  ['microvm', 1],
  ['microvm', 4],
  ['q35', 2],
] as const)(
  'pages freed one by one merge back into large blocks on %s with %i CPUs',
  async (machine, cpus) => {
    const run = await runSelftest(image(), { test: 'coalesce', machine, cpus, memory: '256M' });
    const lines = linesWith(run, 'pages');
    expect(lines).toHaveLength(cpus);
    for (const l of lines) {
      // Each CPU holds about 256 MiB / cpus: its pages were all taken, and a block of at least 2^12
      // pages (16 MiB) comes back, as large as before.
      expect(big(l.pages) * 4096n, `cpu ${l.cpu}`).toBeGreaterThan(big(l.free_before) / 2n);
      expect(Number(l.largest_before), `cpu ${l.cpu}`).toBeGreaterThanOrEqual(12);
      expect(Number(l.largest_after), `cpu ${l.cpu}`).toBeGreaterThanOrEqual(Number(l.largest_before));
      expect(l.free_after, `cpu ${l.cpu}`).toBe(l.free_before);
    }
    expect(run.verdict).toBe('pass');
  },
);

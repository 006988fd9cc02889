/**
 * Message-matrix stress (self-test "matrix", asm/st_matrix.asm): every ordered pair of CPUs, each CPU
 * with itself included, exchanges `count` sequence-numbered messages, all pairs at once, so rings fill
 * and senders are held back. Each receiver checks per source that the sequence is exactly 0..count-1
 * with its words intact: none lost, duplicated or reordered.
 *
 * Timing under TCG on 2 host cores: 4 CPUs × 4 destinations × 100,000 messages take about 1 s, 8 CPUs × 8 × 100,000 about 2 s (a sender
 * alone on its CPU with a full ring halts instead of spinning; before that the 4-CPU run took 20 s).
 */
import { expect, test } from 'vitest';
import { linesWith, runSelftest, useSelftestImage } from './helpers/selftest.js';

const image = useSelftestImage();

test.each([
  ['microvm', 4, 100_000],
  ['microvm', 8, 100_000],
  ['q35', 4, 100_000],
  ['q35', 2, 20_000],
  ['microvm', 1, 20_000],
] as const)(
  'matrix on %s with %i CPUs, %i messages per ordered pair',
  { timeout: 120_000 },
  async (machine, cpus, count) => {
    const run = await runSelftest(image(), {
      test: 'matrix',
      machine,
      cpus,
      args: [`count=${count}`],
      timeoutMs: 110_000,
    });
    const perCpu = linesWith(run, 'received');
    expect(perCpu.map((l) => Number(l.cpu))).toEqual([...Array(cpus).keys()]);
    for (const l of perCpu) {
      expect(Number(l.received), `cpu ${l.cpu}`).toBe(count * cpus);
      expect(l.errors, `cpu ${l.cpu}`).toBe('0');
    }
    expect(run.verdict).toBe('pass');
  },
);

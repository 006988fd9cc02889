/**
 * The collector keeps allocation-heavy programs in bounded memory and grows with live data:
 * - gc-strings.ts allocates far more than the initial semispace many times over, keeping almost
 *   nothing: its peak RSS (measured by /usr/bin/time) stays near the minimum heap;
 * - gc-live.ts keeps ~100 MiB live (far past the initial semispace) while dropping a million strings:
 *   it must run, and its peak RSS must stay within about 3× the live data plus a constant.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { MIN_HEAP_BYTES } from '../../src/compiler/runtime/core.js';
import { buildExecutable, peakRssKiB, runUnderNode } from './harness.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const dir = mkdtempSync(path.join(tmpdir(), 'toro-gc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MiB = 1024 * 1024;
/** The executable, its static data, the stack and the kernel's accounting: not the heap. */
const CONSTANT = 16 * MiB;

test('a million dropped strings run in bounded memory', { timeout: 120000 }, () => {
  const program = path.join(here, 'fixtures', 'programs', 'gc-strings.ts');
  const exe = buildExecutable(program, dir);
  const { result, kib } = peakRssKiB(exe);
  expect(result.status).toBe(0);
  expect(result.stdout.toString()).toBe(runUnderNode(program, dir).stdout.toString());
  // Each iteration allocates three strings, the last alone 8 + ~70 bytes: well over 100 MB in all.
  const allocatedAtLeast = 1_000_000 * 80;
  expect(allocatedAtLeast).toBeGreaterThan(8 * MIN_HEAP_BYTES);
  // Almost nothing is live: a from-space that never grows past the minimum, plus a to-space.
  expect(kib * 1024).toBeLessThan(3 * MIN_HEAP_BYTES + CONSTANT);
});

test('semispaces grow to hold ~100 MiB of live data and stay near 3x live', { timeout: 120000 }, () => {
  const program = path.join(here, 'fixtures', 'gc', 'gc-live.ts');
  const exe = buildExecutable(program, dir);
  const { result, kib } = peakRssKiB(exe, 60000);
  expect(result.status).toBe(0);
  expect(result.stdout.toString()).toBe(runUnderNode(program, dir).stdout.toString());
  // Each list node is an OBJECT (header + 4 words) with a keys and a values WORDS of 2 words each.
  const live = 1_200_000 * (8 + 4 * 8 + 2 * (8 + 2 * 8));
  expect(live).toBeGreaterThan(100 * MiB);
  expect(kib * 1024).toBeGreaterThan(live);
  expect(kib * 1024).toBeLessThan(3 * live + MIN_HEAP_BYTES + CONSTANT);
});

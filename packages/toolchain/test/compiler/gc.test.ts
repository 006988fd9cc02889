/**
 * The collector keeps allocation-heavy programs in bounded memory: gc-strings.ts allocates far more
 * than both semispaces together (so it could not finish without collecting), and its peak RSS,
 * measured by /usr/bin/time, stays bounded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { SEMISPACE_BYTES } from '../../src/compiler/runtime/core.js';
import { buildExecutable, peakRssKiB, runUnderNode } from './harness.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const dir = mkdtempSync(path.join(tmpdir(), 'toro-gc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a million dropped strings run in bounded memory', { timeout: 120000 }, () => {
  const program = path.join(here, 'fixtures', 'programs', 'gc-strings.ts');
  const exe = buildExecutable(program, dir);
  const { result, kib } = peakRssKiB(exe);
  expect(result.status).toBe(0);
  expect(result.stdout.toString()).toBe(runUnderNode(program, dir).stdout.toString());
  // Each iteration allocates three strings, the last alone 8 + ~70 bytes: well over 100 MB in all.
  const allocatedAtLeast = 1_000_000 * 80;
  expect(allocatedAtLeast).toBeGreaterThan(2 * SEMISPACE_BYTES);
  // Two semispaces plus the executable and stack: far below what was allocated.
  expect(kib * 1024).toBeLessThan(2 * SEMISPACE_BYTES + 16 * 1024 * 1024);
  expect(kib * 1024).toBeLessThan(allocatedAtLeast);
});

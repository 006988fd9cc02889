/**
 * The differential suite: every program in ./programs must print byte-identical stdout and exit
 * with the same status under Node.js and compiled by Toro for Linux.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { buildExecutable, runExecutable, runUnderNode } from './harness.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const programs = readdirSync(path.join(here, 'fixtures', 'programs'))
  .filter((f) => f.endsWith('.ts'))
  .sort();
const dir = mkdtempSync(path.join(tmpdir(), 'toro-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compiled programs behave like Node', () => {
  test('there are enough programs', () => {
    expect(programs.length).toBeGreaterThanOrEqual(15);
  });
  for (const name of programs) {
    test(name, { timeout: 120000 }, () => {
      const file = path.join(here, 'fixtures', 'programs', name);
      const node = runUnderNode(file, dir);
      expect(node.signal).toBeNull();
      const exe = buildExecutable(file, dir);
      const ours = runExecutable(exe);
      expect(ours.signal).toBeNull();
      expect(ours.stdout.toString()).toBe(node.stdout.toString());
      expect(Buffer.compare(ours.stdout, node.stdout)).toBe(0);
      expect(ours.status).toBe(node.status);
    });
  }
});

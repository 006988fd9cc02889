/**
 * The differential suite: every program in ./programs (a file, or a folder of modules entered at
 * its main.ts) must print byte-identical stdout and exit
 * with the same status under Node.js and compiled by Toro for Linux.
 *
 * Speed (2 shared cores): the runtime is compiled once per process (pipeline.ts compileRuntime);
 * the tests are concurrent, so Node and the compiled binaries run in child processes while this
 * worker compiles the next program.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, test } from 'vitest';
import { buildExecutable, runExecutableAsync, runUnderNodeAsync } from './harness.js';

const here = path.dirname(new URL(import.meta.url).pathname);
// A program is one file, or a folder whose main.ts imports its other modules.
const programs = readdirSync(path.join(here, 'fixtures', 'programs'))
  .filter((f) => f.endsWith('.ts') || existsSync(path.join(here, 'fixtures', 'programs', f, 'main.ts')))
  .sort();
const dir = mkdtempSync(path.join(tmpdir(), 'toro-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.concurrent('compiled programs behave like Node', () => {
  test('there are enough programs', ({ expect }) => {
    expect(programs.length).toBeGreaterThanOrEqual(60);
  });
  for (const name of programs) {
    test(name, { timeout: 120000 }, async ({ expect }) => {
      const file = path.join(here, 'fixtures', 'programs', name);
      const nodeRun = runUnderNodeAsync(file, dir);
      const exe = buildExecutable(file, dir);
      const ours = await runExecutableAsync(exe);
      const node = await nodeRun;
      expect(node.signal).toBeNull();
      expect(ours.signal).toBeNull();
      expect(ours.stdout.toString()).toBe(node.stdout.toString());
      expect(Buffer.compare(ours.stdout, node.stdout)).toBe(0);
      expect(ours.status).toBe(node.status);
    });
  }
});

/**
 * Every template, scaffolded by `toro new --yes`, builds with `toro build` and runs under QEMU (TCG) with
 * 1, 2 and 4 CPUs, printing what the same project prints under `toro dev` with as many CPUs, and exiting
 * with the same code. Every guest is bounded by `--timeout` and killed by its PID.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToro, serviceLines } from './run-toro.js';

/** The templates that run to an end; tcp-echo serves until stopped and has its own test (tcp-echo.test.ts). */
const TEMPLATES = ['compute', 'hello', 'pipeline'];

let work: string;
beforeAll(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'toro-templates-')));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(TEMPLATES)('the %s template', (template) => {
  let dir: string;
  beforeAll(() => {
    dir = join(work, template);
    expect(runToro(['new', template, dir, '--yes', '--name', `${template}-svc`]).status).toBe(0);
    const built = runToro(['build'], { cwd: dir });
    expect(built.stderr).not.toContain('error');
    expect(built.status).toBe(0);
  });

  for (const cpus of [1, 2, 4]) {
    it(`prints under toro run what it prints under toro dev, with ${cpus} CPU(s)`, () => {
      const dev = runToro(['dev', '--cpus', String(cpus)], { cwd: dir });
      const run = runToro(['run', '--cpus', String(cpus), '--accel', 'tcg', '--timeout', '90'], { cwd: dir });
      expect(dev.status).toBe(0);
      expect(run.status).toBe(0);
      const expected = dev.stdout.trimEnd().split('\n');
      expect(expected.length).toBeGreaterThan(1);
      expect(serviceLines(run.stdout)).toEqual(expected);
    });
  }
});

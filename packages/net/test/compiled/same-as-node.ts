/**
 * The check both packages' compiled.test.ts make: a scenario's lines on Node (run in-process) equal the
 * stdout of its main.ts compiled by `toro build --target linux` into a native executable.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const TORO = fileURLToPath(new URL('../../../cli/bin/run.js', import.meta.url));

/** Runs `scenario` here and `main` compiled; returns Node's lines after asserting the two are equal. */
export function expectCompiledSameAsNode(
  main: string,
  scenario: (log: (line: string) => void) => void,
): string[] {
  const expected: string[] = [];
  scenario((line) => expected.push(line));
  expectCompiledLines(main, expected);
  return expected;
}

/** As expectCompiledSameAsNode, for a scenario that awaits (its main.ts awaits it too). */
export async function expectCompiledSameAsNodeAsync(
  main: string,
  scenario: (log: (line: string) => void) => Promise<void>,
): Promise<string[]> {
  const expected: string[] = [];
  await scenario((line) => expected.push(line));
  expectCompiledLines(main, expected);
  return expected;
}

/** Builds `main` for Linux, runs it, and asserts its stdout is `expected`, line for line. */
function expectCompiledLines(main: string, expected: string[]): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'toro-compiled-'));
  try {
    const app = path.join(dir, 'scenario');
    execFileSync(process.execPath, [TORO, 'build', main, '--target', 'linux', '-o', app], {
      stdio: 'pipe',
      timeout: 120_000,
    });
    const run = spawnSync(app, [], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toEqual(expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

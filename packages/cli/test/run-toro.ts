/**
 * Runs the built `toro` binary as a user would, bounded by a timeout, and returns what it printed.
 * Tests of the CLI go through this so they check the real command line, exit codes and streams.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const TORO_BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));

export interface ToroRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runToro(
  args: string[],
  opts: { cwd?: string; timeoutMs?: number; input?: string; env?: Record<string, string> } = {},
): ToroRun {
  const r = spawnSync(process.execPath, [TORO_BIN, ...args], {
    cwd: opts.cwd,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...opts.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the built `toro` binary as a user would, bounded by a timeout, and returns what it printed.
 * Tests of the CLI go through this so they check the real command line, exit codes and streams.
 */
import { spawn, spawnSync } from 'node:child_process';
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

/**
 * Starts `toro args` as a child, waits until its stdout shows `readyText`, runs `whileRunning` (a check on
 * the live process, by its PID), sends SIGINT and gives the exit code. A timer kills the child by its PID if it hangs,
 * and it is killed in any case before this returns.
 */
export async function interruptToro(
  args: string[],
  opts: {
    readyText: string;
    cwd?: string;
    timeoutMs?: number;
    /** A command that runs toro, e.g. ['ip', 'netns', 'exec', NAME] (it must exec toro, keeping the PID). */
    prefix?: string[];
    /** Runs once `readyText` was printed; `output()` is everything printed so far, as it grows. */
    whileRunning?: (pid: number, output: () => string) => void | Promise<void>;
    /** Gets everything it printed, once it has exited. */
    onExit?: (output: string) => void;
  },
): Promise<number | null> {
  const prefix = opts.prefix ?? [];
  const command = [...prefix, process.execPath, TORO_BIN, ...args];
  const child = spawn(command[0], command.slice(1), {
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  // Listened for from the start: a child that stops by itself while `whileRunning` runs is seen.
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  try {
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes(opts.readyText)) resolve();
      });
      child.on('exit', () =>
        reject(new Error(`toro ${args[0]} exited before printing ${opts.readyText}:\n${out}`)),
      );
    });
    await opts.whileRunning?.(child.pid as number, () => out);
    child.kill('SIGINT');
    const code = await exited;
    opts.onExit?.(out);
    return code;
  } finally {
    clearTimeout(killer);
    child.kill('SIGKILL');
  }
}

/** The service's lines of `toro run`'s output: after the kernel's "CPUs online", before "toro: exit". */
export function serviceLines(stdout: string): string[] {
  const lines = stdout.trimEnd().split('\n');
  const start = lines.findIndex((l) => / CPUs online in /.test(l)) + 1;
  const end = lines.findIndex((l) => /^toro: exit \d+$/.test(l));
  return lines.slice(start, end);
}

/** An error message as one line: oclif wraps it at the terminal's width, with " ›   " before each line. */
export function unwrapped(stderr: string): string {
  return stderr.replace(/\s*\n ›\s+/g, ' ');
}

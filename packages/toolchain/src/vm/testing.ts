/**
 * Helpers for tests that boot guests (this package's and the kernel's). Framework-free so it can live in
 * src/, but shaped for vitest: every boot is bounded by a timeout and the guest is killed in `finally`,
 * whatever the test does.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GuestExit } from './exit-code.js';
import { type GuestOptions, startGuest } from './guest.js';

export interface CollectOptions extends GuestOptions {
  /** Stop the guest as soon as a serial line matches, instead of waiting for it to exit by itself. */
  until?: RegExp;
}

export interface Collected {
  lines: string[];
  exit: GuestExit;
  pid: number;
  argv: readonly string[];
  notes: readonly string[];
  /** The match for `until`, when given and seen. */
  match?: RegExpExecArray;
}

/** Boots, collects every serial line, and returns once QEMU has been reaped. Default timeout 30 s. */
export async function bootAndCollect(options: CollectOptions): Promise<Collected> {
  const guest = await startGuest({ timeoutMs: 30_000, ...options });
  try {
    let match: RegExpExecArray | undefined;
    if (options.until !== undefined) {
      match = await guest.waitForLine(options.until);
      await guest.stop();
    }
    const exit = await guest.exited;
    return { lines: [...guest.lines], exit, pid: guest.pid, argv: guest.argv, notes: guest.notes, match };
  } finally {
    await guest.stop();
  }
}

/**
 * True while a process with this PID exists and has not exited. A zombie (exited, not yet reaped by an
 * adoptive parent that may never reap it) counts as gone: it runs nothing and holds no resources but its PID.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; comm may contain spaces or parentheses, so split at the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // No procfs (not Linux): signal 0 said it exists.
  }
}

/** Runs `fn` with a fresh mkdtemp folder under os.tmpdir(), removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'toro-vm-test-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

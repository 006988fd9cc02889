/**
 * Decides what a finished guest's exit code was, from how QEMU ended and what the guest printed.
 *
 * - The guest wrote `code` to isa-debug-exit: QEMU exits with (code << 1) | 1, so any odd status decodes to
 *   `status >> 1`. Exit statuses are 8 bits, so codes 128-255 wrap; the guest's `toro: exit <n>` line, when
 *   it matches the status, restores them. The one clash is status 1 (guest code 0) versus QEMU's own failure status 1; QEMU always
 *   explains a failure on stderr, so status 1 with an error line there is QEMU's.
 * - The runner stopped it (timeout or stop()): the code is unknown.
 * - QEMU exited 0 (ACPI poweroff, or -no-reboot after a triple fault): the last `toro: exit <n>` serial line
 *   gives the code; without one the code is unknown.
 */

export type ExitSource = 'debug-exit' | 'banner' | 'qemu' | 'timeout' | 'killed';

export interface GuestExit {
  /** The guest's exit code, or null when it cannot be known (QEMU failed, killed, no exit line). */
  code: number | null;
  source: ExitSource;
  /** QEMU's own exit status (null when it died from a signal or never started). */
  qemuStatus: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
  /** What QEMU wrote on stderr (bounded). */
  stderr: string;
  /** A one-line human explanation when the run did not end with a guest exit code. */
  error?: string;
}

export interface ExitFacts {
  qemuStatus: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the runner itself ended the guest. */
  stoppedBy: 'timeout' | 'killed' | null;
  lines: readonly string[];
  stderr: string;
  durationMs: number;
  /** Set when QEMU could not be spawned at all (e.g. ENOENT). */
  spawnError?: string;
  timeoutMs?: number;
}

const EXIT_LINE = /^toro: exit (\d+)\s*$/;

/** QEMU's own complaints look like "qemu-system-x86_64: -foo: invalid option"; warnings are not failures. */
export function qemuErrorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^qemu-system-[\w-]+: warning:/.test(l) && !/terminating on signal/.test(l));
}

export function lastExitLine(lines: readonly string[]): number | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = EXIT_LINE.exec(lines[i]);
    if (m !== null) return Number(m[1]);
  }
  return null;
}

export function decodeExit(facts: ExitFacts): GuestExit {
  const base = {
    qemuStatus: facts.qemuStatus,
    signal: facts.signal,
    durationMs: facts.durationMs,
    stderr: facts.stderr,
  };
  if (facts.spawnError !== undefined) {
    return { ...base, code: null, source: 'qemu', error: `could not start QEMU: ${facts.spawnError}` };
  }
  const status = facts.qemuStatus;
  const errors = qemuErrorLines(facts.stderr);
  const qemuFailed = status === 1 && errors.length > 0;
  if (status !== null && status % 2 === 1 && !qemuFailed) {
    // The OS keeps 8 bits of QEMU's status, so only the code's low 7 bits survive. A "toro: exit <n>" line
    // that agrees with those bits supplies the full value (e.g. 255, whose status is also 255 = 127's).
    const printed = lastExitLine(facts.lines);
    const agrees = printed !== null && ((printed * 2 + 1) & 0xff) === status;
    return { ...base, code: agrees ? printed : status >> 1, source: 'debug-exit' };
  }
  if (facts.stoppedBy === 'timeout') {
    const after = facts.timeoutMs === undefined ? '' : ` after ${facts.timeoutMs} ms`;
    return { ...base, code: null, source: 'timeout', error: `guest timed out${after} and was killed` };
  }
  if (facts.stoppedBy === 'killed') {
    return { ...base, code: null, source: 'killed', error: 'guest was stopped' };
  }
  if (status === 0) {
    const code = lastExitLine(facts.lines);
    if (code !== null) return { ...base, code, source: 'banner' };
    return {
      ...base,
      code: null,
      source: 'qemu',
      error: 'QEMU exited 0 (poweroff, or reset/triple fault) without a "toro: exit <n>" line',
    };
  }
  const why = errors.length > 0 ? `: ${errors.join(' | ')}` : '';
  const how =
    status !== null ? `exited with status ${status}` : `was killed by ${facts.signal ?? 'a signal'}`;
  return { ...base, code: null, source: 'qemu', error: `QEMU ${how}${why}` };
}

/** A short line for the CLI: "exit 3 (debug-exit, 412 ms)" or the error. */
export function describeExit(exit: GuestExit): string {
  if (exit.code !== null) return `exit ${exit.code} (${exit.source}, ${Math.round(exit.durationMs)} ms)`;
  return exit.error ?? `no exit code (${exit.source})`;
}

/**
 * Boots an image in QEMU for tests and collects what the guest printed and how QEMU exited.
 *
 * The one place kernel tests start QEMU (to be swapped for the toolchain's VM runner once it lands).
 * Each run is bounded: after `timeoutMs` the process is killed by its PID, and it is killed in a
 * finally block whatever happens, so no guest outlives its test.
 */
import { spawn } from 'node:child_process';

export interface QemuBoot {
  /** Path of the ELF to pass to -kernel. */
  kernel: string;
  /** -M value, e.g. "microvm", "q35", "microvm,acpi=off". */
  machine: string;
  /** -m value, e.g. "64M". */
  memory: string;
  smp: number;
  /** -cpu value; QEMU's default (qemu64) when absent. */
  cpu?: string;
  /** -append value. */
  append?: string;
  /** Add isa-debug-exit at port 0xf4 (the runner always does; false exercises the ACPI path). */
  debugExit?: boolean;
  /** Appended to QEMU's arguments (e.g. -object/-numa for NUMA topologies). */
  extraArgs?: string[];
  timeoutMs?: number;
}

export interface QemuResult {
  /** QEMU's exit status, or null when it was killed. */
  status: number | null;
  timedOut: boolean;
  /** Serial output (the guest's COM1 on stdio). */
  stdout: string;
  stderr: string;
  args: string[];
}

export function qemuArgs(boot: QemuBoot): string[] {
  const args = ['-M', boot.machine, '-accel', 'tcg'];
  if (boot.cpu !== undefined) args.push('-cpu', boot.cpu);
  args.push('-kernel', boot.kernel);
  if (boot.append !== undefined) args.push('-append', boot.append);
  args.push('-nodefaults', '-no-user-config', '-nographic', '-serial', 'stdio');
  if (boot.debugExit ?? true) args.push('-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04');
  args.push('-m', boot.memory, '-smp', String(boot.smp));
  args.push(...(boot.extraArgs ?? []));
  return args;
}

export async function bootQemu(boot: QemuBoot): Promise<QemuResult> {
  const args = qemuArgs(boot);
  const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  }, boot.timeoutMs ?? 20_000);
  try {
    const status = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    return { status, timedOut, stdout, stderr, args };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGKILL');
    }
  }
}

/** The guest's exit code from QEMU's status under isa-debug-exit: status = (code << 1) | 1. */
export function guestExitCode(status: number): number {
  if ((status & 1) === 0) throw new Error(`QEMU status ${status} did not come from isa-debug-exit`);
  return (status - 1) / 2;
}

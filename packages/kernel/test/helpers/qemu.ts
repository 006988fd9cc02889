/**
 * Boots an image in QEMU for tests and collects what the guest printed and how QEMU exited.
 *
 * The one place kernel tests start QEMU. The tests need raw QEMU options the user-facing runner does not
 * offer (`-M microvm,acpi=off`, `-cpu qemu32`, no isa-debug-exit), so this builds the command line itself
 * and hands the process to the VM runner's launchGuest: bounded by `timeoutMs`, killed by its PID, and
 * stopped in a finally block whatever happens, so no guest outlives its test.
 */
import { findQemu, launchGuest } from '../../../toolchain/src/vm/index.js';

export interface QemuBoot {
  /** Path of the ELF to pass to -kernel (with `disk`, of the raw disk image the BIOS boots instead). */
  kernel: string;
  /** Boot `kernel` as a disk through the firmware (`-drive`, snapshot=on) rather than with -kernel. */
  disk?: boolean;
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
  if (boot.disk) args.push('-drive', `file=${boot.kernel},format=raw,snapshot=on`);
  else args.push('-kernel', boot.kernel);
  if (boot.append !== undefined) args.push('-append', boot.append);
  args.push('-nodefaults', '-no-user-config', '-nographic', '-serial', 'stdio');
  if (boot.debugExit ?? true) args.push('-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04');
  args.push('-m', boot.memory, '-smp', String(boot.smp));
  args.push(...(boot.extraArgs ?? []));
  return args;
}

export async function bootQemu(boot: QemuBoot): Promise<QemuResult> {
  const args = qemuArgs(boot);
  // The VM runner owns the process: spawn, serial capture, the timeout, kill by PID and reaping.
  const guest = launchGuest({
    qemuPath: findQemu(),
    args,
    accel: 'tcg',
    timeoutMs: boot.timeoutMs ?? 20_000,
  });
  try {
    const exit = await guest.exited;
    return {
      status: exit.qemuStatus,
      timedOut: exit.source === 'timeout',
      stdout: guest.lines.map((l) => `${l}\n`).join(''),
      stderr: exit.stderr,
      args,
    };
  } finally {
    await guest.stop();
  }
}

/** The guest's exit code from QEMU's status under isa-debug-exit: status = (code << 1) | 1. */
export function guestExitCode(status: number): number {
  if ((status & 1) === 0) throw new Error(`QEMU status ${status} did not come from isa-debug-exit`);
  return (status - 1) / 2;
}

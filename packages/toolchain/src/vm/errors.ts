/**
 * Typed errors the VM runner throws, so the CLI can print a precise message (and tests can match the kind)
 * instead of parsing strings.
 */

/** `qemu-system-x86_64` is not on PATH, or TORO_QEMU points at something that is not an executable. */
export class QemuNotFoundError extends Error {
  override readonly name = 'QemuNotFoundError';
}

/** KVM was asked for explicitly but cannot be used on this machine. */
export class AccelUnavailableError extends Error {
  override readonly name = 'AccelUnavailableError';
}

/** A runner option that cannot be turned into a QEMU command line (bad size, port, CPU count...). */
export class VmOptionError extends Error {
  override readonly name = 'VmOptionError';
}

export type BootImageProblem = 'unreadable' | 'not-elf' | 'not-x86-64' | 'no-pvh-note';

/** The image given to the runner cannot be booted through PVH; checked before QEMU is started. */
export class BootImageError extends Error {
  override readonly name = 'BootImageError';
  constructor(
    readonly problem: BootImageProblem,
    message: string,
  ) {
    super(message);
  }
}

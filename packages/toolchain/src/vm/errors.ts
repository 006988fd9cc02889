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

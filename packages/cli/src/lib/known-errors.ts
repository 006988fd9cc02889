/**
 * Turns errors raised by the toolchain into UserErrors with a hint. Errors that are not listed here are
 * bugs in Toro, and oclif reports them as such.
 */
import {
  AccelUnavailableError,
  BootCodeError,
  BootImageError,
  BuildError,
  CompileFailed,
  formatCompileDiagnostic,
  formatDiagnostic,
  QemuNotFoundError,
  VmOptionError,
} from '@toro/toolchain';
import { ExitCode, UserError } from './errors.js';

export function toUserError(err: Error): UserError | undefined {
  if (err instanceof UserError) return err;
  if (err instanceof QemuNotFoundError) {
    return new UserError(
      err.message,
      'install QEMU: sudo apt-get install qemu-system-x86',
      ExitCode.missingTool,
    );
  }
  if (err instanceof AccelUnavailableError) {
    return new UserError(err.message, 'use --accel tcg (software emulation) or --accel auto', ExitCode.usage);
  }
  if (err instanceof VmOptionError)
    return new UserError(err.message, 'see `toro run --help`', ExitCode.usage);
  if (err instanceof BootImageError) {
    return new UserError(err.message, 'build a bootable image with `toro build`', ExitCode.usage);
  }
  if (err instanceof BootCodeError) return new UserError(err.message, undefined, ExitCode.usage);
  if (err instanceof BuildError) {
    // Every diagnostic, tsc-style (file(line,col): error: …), then the summary as the error itself.
    const shown = err.diagnostics.map(formatDiagnostic).join('\n');
    return new UserError(err.message, undefined, ExitCode.failure, shown || undefined);
  }
  if (err instanceof CompileFailed) {
    const errors = err.diagnostics.filter((d) => d.category === 'error').length;
    const shown = err.diagnostics.map((d) => formatCompileDiagnostic(d)).join('\n');
    return new UserError(
      `found ${errors} error${errors === 1 ? '' : 's'}`,
      undefined,
      ExitCode.failure,
      shown,
    );
  }
  return undefined;
}

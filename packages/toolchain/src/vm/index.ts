/**
 * The QEMU VM runner's public API, used by `toro run`, the benchmarks and every test that boots a guest.
 * See README.md beside this file.
 */

export { type AccelProbe, type AccelRequest, type ProbeOptions, probeAccel, resolveAccel } from './accel.js';
export {
  type Accel,
  buildQemuArgs,
  DEBUG_EXIT_PORT,
  DEFAULT_MEMORY,
  type Machine,
  type PortForward,
  type QemuConfig,
  qemuConfigNotes,
} from './cmdline.js';
export { AccelUnavailableError, QemuNotFoundError, VmOptionError } from './errors.js';
export { decodeExit, describeExit, type ExitSource, type GuestExit } from './exit-code.js';
export {
  type FaultReport,
  FaultWatcher,
  formatSymbolizedFault,
  lookupSymbol,
  parseFaultReport,
  type SymbolizedFault,
  type SymbolizedFrame,
  symbolizeFault,
} from './fault-report.js';
export { findQemu, QEMU_BINARY } from './find-qemu.js';
export { type GuestOptions, startGuest } from './guest.js';
export {
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_TIMEOUT_MS,
  type Guest,
  type LaunchOptions,
  launchGuest,
} from './launch.js';
export { type BootTiming, measureBoot } from './measure.js';
export { parseMemorySize } from './size.js';

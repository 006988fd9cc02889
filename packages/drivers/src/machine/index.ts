/**
 * The drivers in a booted image (compiled into Toro images only: these modules import `@toro/hw`):
 * the intrinsic-backed Hw, the kernel's command line and clock, and net0's bring-up.
 */
export { KernelClock, kernelCmdline } from './kernel.js';
export { MachineHw } from './machine-hw.js';
export { type FoundNic, findNic, Net0, startNet0 } from './net0.js';
export { Rest } from './rest.js';

/**
 * Runtime (TypeScript subset): the clock. `Date.now()` is the OS layer's wall clock in whole
 * milliseconds since 1970 (Linux: clock_gettime(CLOCK_REALTIME); Toro: the kernel's wall clock, the
 * CMOS clock at boot advanced by the monotonic clock).
 */
declare function __wall_ms(): number;

export function now(): number {
  return __wall_ms();
}

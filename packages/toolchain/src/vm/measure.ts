/**
 * measureBoot: one timed boot for the benchmark harness. Times are measured from the moment QEMU is
 * spawned (after the accel probe, which is cached and would otherwise pollute the first sample).
 */

import type { GuestExit } from './exit-code.js';
import { type GuestOptions, startGuest } from './guest.js';

export interface BootTiming {
  /** ms from spawn to the first complete serial line; null if the guest printed nothing. */
  msToFirstLine: number | null;
  /** ms from spawn until QEMU was reaped. */
  msToExit: number;
  exit: GuestExit;
}

export async function measureBoot(options: GuestOptions): Promise<BootTiming> {
  const guest = await startGuest(options);
  try {
    const exit = await guest.exited;
    return { msToFirstLine: guest.firstLineMs, msToExit: exit.durationMs, exit };
  } finally {
    await guest.stop();
  }
}

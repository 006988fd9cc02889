/** What the kernel tells a booted image's drivers: its command line and its monotonic clock. */
import { clockNs, cmdlineAddress, read8 } from '@toro/hw';
import type { Clock } from '@toro/net';

/** The kernel command line ('' when the loader gave none); at most 4096 characters are read. */
export function kernelCmdline(): string {
  const at = cmdlineAddress();
  if (at === 0) return '';
  let s = '';
  for (let i = 0; i < 4096; i++) {
    const c = read8(at + i);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Whole milliseconds since boot, from the kernel's monotonic clock. */
export class KernelClock implements Clock {
  now(): number {
    return Math.floor(clockNs() / 1000000);
  }
}

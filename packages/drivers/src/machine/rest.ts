/**
 * How an owner loop rests when a round found nothing to do: with the device's interrupts it turns
 * receive interrupts back on and sleeps until one arrives, `kick()` (another thread of the CPU gave the
 * stack work), or the deadline; a device without interrupts is polled a millisecond apart. Shared by the
 * sockets' owner loop (../sockets/owner.ts) and the echo image of the boot tests.
 */
import { sleep, yieldNow } from '@toro/sdk';
import type { MachineHw } from './machine-hw.js';
import type { Net0 } from './net0.js';

export class Rest {
  /** Rests that slept waiting for an interrupt, and those an interrupt or a kick ended. */
  waits = 0;
  wakes = 0;
  private resting = false;

  constructor(
    private readonly net: Net0,
    private readonly hw: MachineHw,
  ) {}

  /**
   * Rests until `until` (the net's clock, ms) at the latest. A deadline already past still sleeps a
   * millisecond: the loop never spins without letting the CPU's other threads run.
   */
  async until(until: number): Promise<void> {
    const nic = this.net.nic;
    if (!nic.interruptDriven) {
      await sleep(1);
      return;
    }
    if (!nic.idle()) {
      // Frames came while interrupts were off: another round at once, after the other threads.
      await yieldNow();
      return;
    }
    const now = this.net.clock.now();
    this.waits++;
    this.resting = true;
    if (this.hw.wait(Math.max(until - now, 1))) this.wakes++;
    this.resting = false;
  }

  /** Ends a rest in progress early (nothing happens when there is none). */
  kick(): void {
    if (this.resting) this.hw.kick();
  }
}

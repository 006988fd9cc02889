/**
 * The sockets' Signal (@toro/net src/sockets/signal.ts) in a booted image: a parked call waits in the
 * receive of a one-slot SDK channel, so its thread sleeps until the owner loop sends (a thread of the
 * same CPU: nothing crosses the message matrix). `full` keeps the owner from ever blocking on a send.
 * Closing the socket closes the channel, so that its home on this CPU is dropped (a channel that is
 * never closed stays for the CPU's life).
 */
import type { Signal } from '@toro/net';
import { type Channel, channel } from '@toro/sdk';

export class ChannelSignal implements Signal {
  private readonly slot: Channel<number> = channel<number>(1);
  private full = false;
  private closed = false;

  async wait(): Promise<void> {
    await this.slot.recv();
    this.full = false;
  }

  async notify(): Promise<void> {
    if (this.full || this.closed) return;
    this.full = true;
    await this.slot.send(1);
  }

  close(): void {
    this.closed = true;
    this.slot.close();
  }
}

/**
 * The link a stack runs over: what a network driver (virtio-net in a booted image, a simulated wire in
 * the tests on Node) offers the stack. The stack sends whole Ethernet frames with `transmit`; the driver
 * hands every frame it receives to the stack's `receive` (stack.ts). Nothing here knows about hardware.
 */

/** One Ethernet link, as the stack sees it. */
export interface Link {
  /** The interface's MAC address: 6 bytes. */
  readonly mac: Uint8Array;
  /** The largest IP datagram a frame carries (1500 on Ethernet; the device may say less). */
  readonly mtu: number;
  /** Whether the link is up (virtio-net's STATUS feature; always true where the device cannot say). */
  up(): boolean;
  /**
   * Sends one Ethernet frame (destination MAC first, no FCS). The frame is the stack's to reuse once
   * this returns: a driver that cannot send it at once copies it. Returns false when the frame was
   * dropped (transmit ring full, link down); the stack counts that and lets TCP retransmit.
   */
  transmit(frame: Uint8Array): boolean;
}

/** Monotonic time in milliseconds; the stack's timers (ARP, reassembly, TCP) all read it. */
export interface Clock {
  now(): number;
}

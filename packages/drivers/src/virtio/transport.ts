/**
 * What the virtio core needs from a transport (virtio-pci modern or virtio-mmio version 2): the status
 * and feature registers, queue setup and notification, the device-specific configuration space and the
 * interrupt sources. The handshake (device.ts), the virtqueues and the device drivers are written once
 * against this.
 */

/** Interrupt causes returned by Transport.takeInterrupts (the ISR's bits, §4.1.4.5). */
export const IRQ_QUEUE = 1;
export const IRQ_CONFIG = 2;

export interface Transport {
  /** "pci 00:03.0" or "mmio 0xfeb00e00", for messages. */
  readonly name: string;
  /** The virtio device id (1 = net). */
  deviceId(): number;
  /** Writes 0 to the status and waits (bounded) until the device reads back 0; false if it never does. */
  reset(): boolean;
  status(): number;
  setStatus(status: number): void;
  /** Feature word `word` (0: bits 0–31, 1: bits 32–63) that the device offers. */
  deviceFeatures(word: number): number;
  setDriverFeatures(word: number, value: number): void;
  /** Largest size queue `q` may have; 0 when the queue does not exist. */
  queueMax(q: number): number;
  /** Programs queue `q` (size, ring addresses, its interrupt) and enables it; false if the device refused. */
  setupQueue(q: number, size: number, desc: number, driver: number, device: number): boolean;
  /** Tells the device that queue `q` has new available buffers. */
  notify(q: number): void;
  configGeneration(): number;
  config8(off: number): number;
  config16(off: number): number;
  config32(off: number): number;
  /**
   * Sets up interrupts to `cpu` for the config space and `queues` queues, before any setupQueue. False
   * when the transport has no usable interrupt (the driver then polls, which always works).
   */
  setupInterrupts(cpu: number, queues: number): boolean;
  /** Causes that fired since the last call (IRQ_QUEUE | IRQ_CONFIG), acknowledged at the device. */
  takeInterrupts(): number;
}

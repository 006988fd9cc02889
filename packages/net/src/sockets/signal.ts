/**
 * How a socket call waits for the network owner. A call that cannot complete now (a read with nothing
 * received, a write with a full send buffer, an accept with an empty queue) waits on its socket's
 * Signal; the owner loop (sockets.ts `wake`) notifies it after the stack's events or a deadline. Each
 * backend brings its own: promises on Node (the tests' test/sockets/harness.ts), a parked thread in a
 * compiled image (packages/drivers/src/sockets/, over an SDK channel).
 */
export interface Signal {
  /** Waits for the next notify; returns at once if one came since the last wait. */
  wait(): Promise<void>;
  /** Wakes the waiter, or lets the next wait return at once. Never blocks. */
  notify(): Promise<void>;
  /**
   * The socket is closed for good: what the signal holds can go (a waiter returns, and so does every
   * later wait; notify does nothing).
   */
  close(): void;
}

/** Makes the signals of new sockets. */
export type SignalSource = () => Signal;

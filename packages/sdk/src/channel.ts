/**
 * Typed message channels between threads, on one CPU or across CPUs.
 *
 * A channel is a bounded FIFO queue of `capacity` messages that lives on the CPU that created it (its
 * home). Any thread on any CPU that holds the channel may send, receive and close: a channel can be passed
 * to `spawnOn` as an argument or sent over another channel, and the copy is the same channel.
 *
 * - `send(v)` copies `v` (see `Cloneable`) into the queue. When the queue is full the sender waits (its
 *   CPU runs other threads) until a receiver makes room: this is the back-pressure that keeps a fast
 *   producer from outrunning a slow consumer. With capacity 0 a send waits for a receiver (rendezvous).
 * - `recv()` takes the oldest message, waiting while the queue is empty. After `close()`, receivers still
 *   get every message that was sent before the close, then `{ done: true }`.
 * - Messages from one sender arrive in the order it sent them; nothing is lost or duplicated. Messages
 *   from different senders interleave in the order they reached the queue.
 * - Waiting receivers are served first come, first served; so are waiting senders.
 * - `for await (const v of ch)` receives until the channel is closed and drained.
 */
import { backend } from './backend.js';

/** What `recv` returns: a message, or `done` once the channel is closed and empty (like an iterator). */
export type Received<T> =
  | { readonly done: false; readonly value: T }
  | { readonly done: true; readonly value: undefined };

/** What `select` returns: which channel (its index in the array) and what it gave. */
export type Selected<T> = Received<T> & { readonly index: number };

export interface Channel<T> extends AsyncIterable<T> {
  /** How many messages the queue holds before a sender has to wait. */
  readonly capacity: number;
  /** The CPU the channel lives on. */
  readonly home: number;
  /** Sends a copy of `value`, waiting while the channel is full. Rejects with ChannelClosedError once closed. */
  send(value: T): Promise<void>;
  /** Receives the oldest message, waiting while the channel is empty and open. */
  recv(): Promise<Received<T>>;
  /** Closes the channel: senders waiting on it fail, receivers drain what is queued. Closing twice is harmless. */
  close(): void;
}

/** Raised by `send` on a closed channel (also to a sender that was waiting when the channel closed). */
export class ChannelClosedError extends Error {
  constructor() {
    super('send on a closed channel');
    this.name = 'ChannelClosedError';
  }
}

/** Creates a channel on the calling CPU that holds up to `capacity` messages (default 1). */
export function channel<T>(capacity = 1): Channel<T> {
  if (!Number.isInteger(capacity) || capacity < 0) {
    throw new RangeError(`channel: capacity must be a whole number >= 0, got ${capacity}`);
  }
  return backend().channel(capacity) as Channel<T>;
}

/**
 * Receives from whichever of `channels` first has a message (or is closed and drained), taking exactly one
 * message from exactly one channel. When several are ready at once, the choice rotates so that no channel
 * starves. A channel that is closed and drained is always ready (it gives `done`); leave it out of later
 * selects.
 */
export function select<T>(channels: readonly Channel<T>[]): Promise<Selected<T>> {
  if (channels.length === 0) throw new RangeError('select: needs at least one channel');
  return backend().select(channels) as Promise<Selected<T>>;
}

/**
 * Channels on the node backend. A channel's queue lives on its home CPU (`ChannelHome`); every other CPU
 * reaches it with operations over the matrix (protocol.ts ChannelOp), answered by the home. The home is
 * the one place that orders a channel's traffic, so FIFO, no loss and back-pressure hold by construction:
 * a sender is answered `sent` only once its message is in the queue (or handed to a receiver), and a full
 * queue parks the sender's message, unanswered, until a receiver makes room.
 *
 * `NodeChannel` is the `Channel` a thread holds: the same class on the home CPU and elsewhere; only the
 * transport differs (a direct call at home, a message otherwise).
 */
import { type Channel, ChannelClosedError, type Received } from '../channel.js';
import type { ChannelOpBody, ChannelRef, ChannelReply } from './protocol.js';

type Reply = (reply: ChannelReply) => void;

/** A channel's queue and its waiting senders, receivers and select watchers. Runs on the home CPU only. */
export class ChannelHome {
  private readonly queue: unknown[] = [];
  private readonly senders: Array<{ value: unknown; reply: Reply }> = [];
  private readonly receivers: Reply[] = [];
  /** select() watchers: told once when a message or the close arrives, then forgotten. */
  private readonly watchers = new Map<string, () => void>();
  private closed = false;

  constructor(readonly capacity: number) {}

  /** `value` is already a private copy (wire form). */
  send(value: unknown, reply: Reply): void {
    if (this.closed) {
      reply({ kind: 'closed' });
      return;
    }
    const receiver = this.receivers.shift();
    if (receiver) {
      receiver({ kind: 'value', value });
      reply({ kind: 'sent' });
      return;
    }
    if (this.queue.length < this.capacity) {
      this.queue.push(value);
      reply({ kind: 'sent' });
    } else {
      this.senders.push({ value, reply });
    }
    this.wakeWatchers();
  }

  recv(reply: Reply): void {
    if (!this.take(reply)) this.receivers.push(reply);
  }

  /** Takes a message if one is ready; otherwise registers `key` to be woken and answers `empty`. */
  poll(key: string, wake: () => void, reply: Reply): void {
    if (this.take(reply)) return;
    this.watchers.set(key, wake);
    reply({ kind: 'empty' });
  }

  unwatch(key: string): void {
    this.watchers.delete(key);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Queued messages stay for receivers; senders still waiting for room fail.
    for (const s of this.senders.splice(0)) s.reply({ kind: 'closed' });
    for (const r of this.receivers.splice(0)) r({ kind: 'done' });
    this.wakeWatchers();
  }

  /** Serves one receive now if possible: the oldest queued message, then refills from a waiting sender. */
  private take(reply: Reply): boolean {
    if (this.queue.length > 0) {
      reply({ kind: 'value', value: this.queue.shift() });
      const waiting = this.senders.shift();
      if (waiting) {
        this.queue.push(waiting.value);
        waiting.reply({ kind: 'sent' });
      }
      return true;
    }
    const waiting = this.senders.shift(); // capacity 0: hand over directly
    if (waiting) {
      reply({ kind: 'value', value: waiting.value });
      waiting.reply({ kind: 'sent' });
      return true;
    }
    if (this.closed) {
      reply({ kind: 'done' });
      return true;
    }
    return false;
  }

  private wakeWatchers(): void {
    if (this.watchers.size === 0) return;
    const wake = [...this.watchers.values()];
    this.watchers.clear();
    for (const w of wake) w();
  }
}

/** What a NodeChannel needs from its CPU: running an operation at the home, and copying values. */
export interface ChannelTransport {
  /** Runs `op` at the channel's home and resolves with the home's reply (close and unwatch: no reply). */
  op(home: number, op: ChannelOpBody): Promise<ChannelReply>;
  /** A private wire-form copy of `value` (throws for what cannot cross). */
  toWire(value: unknown): unknown;
  /** The value a thread on this CPU gets from a received wire-form copy. */
  fromWire(value: unknown): unknown;
}

export class NodeChannel implements Channel<unknown> {
  constructor(
    readonly ref: ChannelRef,
    private readonly transport: ChannelTransport,
  ) {}

  get capacity(): number {
    return this.ref.capacity;
  }

  get home(): number {
    return this.ref.home;
  }

  async send(value: unknown): Promise<void> {
    const wire = this.transport.toWire(value);
    const reply = await this.transport.op(this.ref.home, { op: 'send', id: this.ref.id, value: wire });
    if (reply.kind === 'closed') throw new ChannelClosedError();
  }

  async recv(): Promise<Received<unknown>> {
    return this.received(await this.transport.op(this.ref.home, { op: 'recv', id: this.ref.id }));
  }

  close(): void {
    void this.transport.op(this.ref.home, { op: 'close', id: this.ref.id });
  }

  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    return { next: () => this.recv() };
  }

  /** A reply to recv or poll as what the thread sees. */
  received(reply: ChannelReply): Received<unknown> {
    if (reply.kind === 'value') return { done: false, value: this.transport.fromWire(reply.value) };
    return { done: true, value: undefined };
  }
}

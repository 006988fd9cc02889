/**
 * A bounded FIFO of bytes in a ring that grows (doubling) up to its limit: a TCP connection's send
 * buffer (bytes from SND.UNA on, read again at an offset for retransmission) and receive buffer (bytes
 * the application has not read yet). It starts empty, with no ring at all until the first push, so an
 * idle connection costs little memory.
 */
export class ByteQueue {
  private buf: Uint8Array;
  private head = 0;
  private count = 0;
  readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
    this.buf = new Uint8Array(0);
  }

  get length(): number {
    return this.count;
  }

  /** Bytes that can still be pushed. */
  get free(): number {
    return this.limit - this.count;
  }

  /** Appends up to `len` bytes of `src` from `off`; returns how many were taken. */
  push(src: Uint8Array, off: number, len: number): number {
    const n = Math.min(len, this.free);
    if (n <= 0) return 0;
    this.reserve(this.count + n);
    const cap = this.buf.length;
    let tail = (this.head + this.count) % cap;
    let done = 0;
    while (done < n) {
      const room = cap - tail;
      const chunk = Math.min(n - done, room);
      this.buf.set(src.subarray(off + done, off + done + chunk), tail);
      done += chunk;
      tail = (tail + chunk) % cap;
    }
    this.count += n;
    return n;
  }

  /** Copies `len` bytes starting `at` bytes past the head into `dst` at `dstOff` (nothing is removed). */
  copyOut(at: number, len: number, dst: Uint8Array, dstOff: number): void {
    const cap = this.buf.length;
    let pos = (this.head + at) % cap;
    let done = 0;
    while (done < len) {
      const room = cap - pos;
      const chunk = Math.min(len - done, room);
      dst.set(this.buf.subarray(pos, pos + chunk), dstOff + done);
      done += chunk;
      pos = (pos + chunk) % cap;
    }
  }

  /** Drops `n` bytes from the head. */
  consume(n: number): void {
    const k = Math.min(n, this.count);
    if (k <= 0) return;
    this.head = (this.head + k) % this.buf.length;
    this.count -= k;
    if (this.count === 0) this.head = 0;
  }

  /** Removes and returns up to `max` bytes from the head. */
  take(max: number): Uint8Array {
    const n = Math.min(max, this.count);
    const out = new Uint8Array(n);
    this.copyOut(0, n, out, 0);
    this.consume(n);
    return out;
  }

  private reserve(need: number): void {
    if (need <= this.buf.length) return;
    let cap = Math.max(this.buf.length * 2, Math.min(this.limit, 2048));
    while (cap < need) cap *= 2;
    if (cap > this.limit) cap = this.limit;
    const next = new Uint8Array(cap);
    this.copyOut(0, this.count, next, 0);
    this.buf = next;
    this.head = 0;
  }
}

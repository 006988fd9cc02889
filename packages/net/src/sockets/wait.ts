/**
 * The waiting half of every socket: a WaitPoint is one kind of call that can wait (a connection's reads,
 * its writes, a listener's accepts, a UDP socket's receives). A call that cannot complete now parks on
 * its point; the stack's events mark the socket dirty, and the owner loop (`Sockets.wake`) notifies the
 * points of dirty sockets and those whose deadline passed. The call then looks again.
 */
import type { Signal } from './signal.js';

export class WaitPoint {
  /** A call is parked here. */
  waiting = false;
  /** Stack-clock time at which the parked call gives up, -1 for none. */
  deadline = -1;
  constructor(readonly signal: Signal) {}
}

/** What a socket owes the owner loop: its points, and whether an event is not yet handed on. */
export class Waitable {
  dirty = false;
  constructor(readonly points: readonly WaitPoint[]) {}
}

/** The owner's side of the waits: the sockets with news and the parked calls with deadlines. */
export class Waits {
  private dirty: Waitable[] = [];
  private timed: WaitPoint[] = [];
  /** Called when wake() has new work (a mark, a new deadline): an owner loop asleep wakes for it. */
  onNews: (() => void) | null = null;

  constructor(readonly now: () => number) {}

  /** Something happened on `w` (an event, or a close by the user): its parked calls look again. */
  mark(w: Waitable): void {
    if (w.dirty) return;
    w.dirty = true;
    this.dirty.push(w);
    if (this.onNews !== null) this.onNews();
  }

  /** When wake() next has work: 0 for now (marks waiting), -1 for never, else the earliest deadline. */
  nextDeadline(): number {
    if (this.dirty.length > 0) return 0;
    let t = -1;
    for (const p of this.timed) if (p.waiting && p.deadline >= 0 && (t < 0 || p.deadline < t)) t = p.deadline;
    return t;
  }

  /** Parks the calling thread on `p` until its socket is marked or `deadline` (-1: none) passes. */
  async park(p: WaitPoint, deadline: number): Promise<void> {
    p.waiting = true;
    p.deadline = deadline;
    if (deadline >= 0) {
      this.timed.push(p);
      if (this.onNews !== null) this.onNews();
    }
    await p.signal.wait();
    p.waiting = false;
  }

  /** Notifies the parked calls of marked sockets and those past their deadline; how many it woke. */
  async wake(): Promise<number> {
    let woken = 0;
    const list = this.dirty;
    this.dirty = [];
    for (const w of list) {
      w.dirty = false;
      for (const p of w.points) {
        if (!p.waiting) continue;
        p.waiting = false;
        await p.signal.notify();
        woken++;
      }
    }
    if (this.timed.length > 0) {
      const now = this.now();
      const keep: WaitPoint[] = [];
      for (const p of this.timed) {
        if (!p.waiting || p.deadline < 0) continue;
        if (now >= p.deadline) {
          p.waiting = false;
          await p.signal.notify();
          woken++;
        } else keep.push(p);
      }
      this.timed = keep;
    }
    return woken;
  }
}

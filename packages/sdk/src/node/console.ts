/**
 * The console on the node backend, as dedication defines it: one CPU owns it and writes every line; the
 * others send it finished lines over the matrix. Each line carries its CPU and a per-CPU sequence number,
 * so the owner writes each CPU's lines in order even when the console changes hands while lines are on
 * their way: the old owner passes the new one its counters and the lines it held back, and forwards what
 * still reaches it; the new owner holds everything back until those counters arrive.
 */

export interface Line {
  src: number;
  seq: number;
  fd: 1 | 2;
  text: string;
}

export interface ConsoleLinks {
  self: number;
  cpuCount: number;
  /** Sends a line or the hand-over state to another CPU over the matrix. */
  sendLine(to: number, line: Line): void;
  sendHandoff(to: number, next: number[], held: Line[]): void;
  /** Writes a line (fd 1 or 2) for real. */
  write(fd: 1 | 2, text: string): void;
  /** Tells the machine the drain it asked for is complete. */
  drained(): void;
}

export class ConsoleState {
  private owner = 0;
  private seq = 0;
  private quiet = false;
  /** Owner side: the next sequence number to write for each CPU, and lines that came early. */
  private next: number[];
  private held = new Map<number, Map<number, Line>>();
  private waitingHandoff = false;
  private everOwner: boolean;
  private drainTarget: number[] | undefined;
  /**
   * The previous owner's hand-over, when it arrives before the machine's word that this CPU is the new
   * owner (they travel on different ports, so either may come first).
   */
  private earlyHandoff: { next: number[]; held: Line[] } | undefined;

  constructor(private readonly links: ConsoleLinks) {
    this.next = new Array<number>(links.cpuCount).fill(0);
    this.everOwner = links.self === 0;
  }

  /** How many lines this CPU has sent to the console so far. */
  get sent(): number {
    return this.seq;
  }

  /** A console.log / console.error line of this CPU. */
  print(fd: 1 | 2, text: string): void {
    if (this.quiet) return;
    const line: Line = { src: this.links.self, seq: this.seq++, fd, text };
    if (this.owner === this.links.self) this.accept(line);
    else this.links.sendLine(this.owner, line);
  }

  /** After this, the CPU's own lines are dropped (the machine is stopping). */
  quiesce(): void {
    this.quiet = true;
  }

  /** A line that reached this CPU over the matrix. */
  accept(line: Line): void {
    const self = this.links.self;
    if (this.owner === self && !this.waitingHandoff) {
      this.hold(line);
      this.flush(line.src);
    } else if (this.everOwner && this.owner !== self) {
      this.links.sendLine(this.owner, line); // handed over already: pass it on
    } else {
      this.hold(line); // about to become owner: keep it until the counters arrive
    }
  }

  /** The machine says `cpu` owns the console from now on. */
  setOwner(cpu: number): void {
    const self = this.links.self;
    const was = this.owner;
    if (cpu === was) return;
    this.owner = cpu;
    if (was === self) {
      const held = [...this.held.values()].flatMap((m) => [...m.values()]);
      this.held.clear();
      this.links.sendHandoff(cpu, this.next, held);
    } else if (cpu === self) {
      this.everOwner = true;
      this.waitingHandoff = true;
      const early = this.earlyHandoff;
      this.earlyHandoff = undefined;
      if (early) this.takeOver(early.next, early.held);
    }
  }

  /** The previous owner's counters and held lines. */
  takeOver(next: number[], held: Line[]): void {
    if (this.owner !== this.links.self) {
      this.earlyHandoff = { next, held };
      return;
    }
    this.next = next;
    this.waitingHandoff = false;
    for (const line of held) this.hold(line);
    for (let src = 0; src < this.next.length; src++) this.flush(src);
  }

  /** The machine is stopping: answer once `expect[src]` lines of every CPU are written. */
  drain(expect: number[]): void {
    this.drainTarget = expect;
    this.checkDrained();
  }

  private hold(line: Line): void {
    let bySeq = this.held.get(line.src);
    if (!bySeq) {
      bySeq = new Map();
      this.held.set(line.src, bySeq);
    }
    bySeq.set(line.seq, line);
  }

  private flush(src: number): void {
    const bySeq = this.held.get(src);
    if (!bySeq) return;
    for (let line = bySeq.get(this.next[src]); line; line = bySeq.get(this.next[src])) {
      bySeq.delete(line.seq);
      this.next[src]++;
      this.links.write(line.fd, line.text);
    }
    this.checkDrained();
  }

  private checkDrained(): void {
    const target = this.drainTarget;
    if (!target || this.waitingHandoff || this.owner !== this.links.self) return;
    if (target.every((n, src) => this.next[src] >= n)) {
      this.drainTarget = undefined;
      this.links.drained();
    }
  }
}

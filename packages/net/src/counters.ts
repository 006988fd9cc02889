/**
 * The stack's counters: packets in and out per layer, drops by reason, TCP retransmissions and
 * connections. Every frame the stack drops is counted under a reason, so a user can see why traffic
 * went missing (a booted image's network owner logs what went wrong, TroubleReport below). Names are
 * dotted, layer first: `eth.rx`, `ipv4.drop.bad-checksum`, `tcp.retransmit`.
 */
export class Counters {
  private readonly values: Map<string, number> = new Map();

  /** Adds `n` (default 1) to the counter `name`, creating it at 0 first. */
  add(name: string, n = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + n);
  }

  /** A counter's value (0 if it was never counted). */
  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  /** Every counter, in the order first counted. */
  entries(): [string, number][] {
    const out: [string, number][] = [];
    for (const [name, value] of this.values) out.push([name, value]);
    return out;
  }
}

/** Anything with named counters (the stack's, a driver's). */
export interface CounterSource {
  entries(): [string, number][];
}

/** Words in a counter's name that mean something went wrong (a drop, an error, a retransmission…). */
const TROUBLE = [
  'drop',
  'error',
  'retransmit',
  'timeout',
  'limit',
  'evicted',
  'full',
  'failed',
  'broken',
  'rst',
];

/** Whether the counter `name` counts trouble rather than traffic. */
export function isTrouble(name: string): boolean {
  for (const word of TROUBLE) if (name.indexOf(word) >= 0) return true;
  return false;
}

/**
 * What went wrong since the last look: the trouble counters that moved, as one line for a log
 * (`eth.drop.not-for-us +12 (40), tcp.retransmit +3 (3)`: the increase, then the total), or '' when
 * none did. The network owner prints it every few seconds, so a user reading the console sees why
 * traffic went missing without a debugger.
 */
export class TroubleReport {
  private readonly seen: Map<string, number> = new Map();

  line(sources: readonly CounterSource[]): string {
    const parts: string[] = [];
    for (const counters of sources) {
      for (const [name, value] of counters.entries()) {
        if (!isTrouble(name)) continue;
        const before = this.seen.get(name) ?? 0;
        if (value === before) continue;
        this.seen.set(name, value);
        parts.push(`${name} +${value - before} (${value})`);
      }
    }
    return parts.join(', ');
  }
}

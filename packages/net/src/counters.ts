/**
 * The stack's counters: packets in and out per layer, drops by reason, TCP retransmissions and
 * connections. Every frame the stack drops is counted under a reason, so a user can see why traffic
 * went missing (`toro run` prints them; the SDK reads them). Names are dotted, layer first:
 * `eth.rx`, `ipv4.drop.bad-checksum`, `tcp.retransmit`.
 */
export class Counters {
  private readonly names: string[] = [];
  private readonly values: number[] = [];

  /** Adds `n` (default 1) to the counter `name`, creating it at 0 first. */
  add(name: string, n = 1): void {
    const i = this.names.indexOf(name);
    if (i >= 0) this.values[i] += n;
    else {
      this.names.push(name);
      this.values.push(n);
    }
  }

  /** A counter's value (0 if it was never counted). */
  get(name: string): number {
    const i = this.names.indexOf(name);
    return i >= 0 ? this.values[i] : 0;
  }

  /** Every counter, in the order first counted. */
  entries(): [string, number][] {
    const out: [string, number][] = [];
    for (let i = 0; i < this.names.length; i++) out.push([this.names[i], this.values[i]]);
    return out;
  }
}

/**
 * The retransmission timeout after RFC 6298: RTO = 1 s (configurable) before a sample; the first
 * sample R gives SRTT = R, RTTVAR = R/2; later ones RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'| and
 * SRTT = 7/8 SRTT + 1/8 R'; RTO = SRTT + max(G, 4 RTTVAR), clamped to [min, max]. A timeout doubles
 * the RTO (backoff) up to the max; the next sample recomputes it. Karn's algorithm (no samples from
 * retransmitted segments) is the connection's job: it only times segments sent once.
 */
export class RtoEstimator {
  srtt = 0;
  rttvar = 0;
  rto: number;
  hasSample = false;
  private readonly min: number;
  private readonly max: number;
  private readonly g: number;

  constructor(initial: number, min: number, max: number, g: number) {
    this.rto = initial;
    this.min = min;
    this.max = max;
    this.g = g;
  }

  sample(r: number): void {
    if (!this.hasSample) {
      this.srtt = r;
      this.rttvar = r / 2;
      this.hasSample = true;
    } else {
      const d = this.srtt > r ? this.srtt - r : r - this.srtt;
      this.rttvar = 0.75 * this.rttvar + 0.25 * d;
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    const v = 4 * this.rttvar;
    this.rto = this.clamp(this.srtt + Math.max(v, this.g));
  }

  backoff(): void {
    this.rto = this.clamp(this.rto * 2);
  }

  /** RFC 6298 5.7: after a retransmitted SYN and no sample, data starts with a 3 s RTO. */
  reset(value: number): void {
    this.rto = this.clamp(value);
  }

  private clamp(v: number): number {
    if (v < this.min) return this.min;
    if (v > this.max) return this.max;
    return v;
  }
}

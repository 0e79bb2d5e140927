// Each node's clock: true time plus a skew, running fast or slow by a drift.
// Changing the clock at true time T keeps it continuous except for the new
// skew: local(t) = T + skew + (t - T) * (1 + drift).

export class Clock {
  private baseT = 0;
  private baseLocal = 0;
  private rate = 1;

  /** Local reading at true time `t`. */
  read(t: number): number {
    return this.baseLocal + (t - this.baseT) * this.rate;
  }

  /** From true time `t` on, read `skewMs` ahead of true time, drifting `driftPpm` parts per million. */
  set(t: number, skewMs: number, driftPpm = 0): void {
    this.baseT = t;
    this.baseLocal = t + skewMs;
    this.rate = 1 + driftPpm / 1e6;
  }

  /** True-time duration of `localMs` on this clock (timers run on local time). */
  trueDuration(localMs: number): number {
    return this.rate === 1 ? localMs : localMs / this.rate;
  }
}

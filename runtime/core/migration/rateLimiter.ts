/**
 * Token bucket for the migration's events-per-second throttle, so that a migration copying from
 * a live store does not starve its writers. One second of burst; unlimited when rate is 0.
 */
export class RateLimiter {
  private tokens: number;
  private last = Date.now();

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond;
  }

  /** Waits until `n` events may go. */
  async take(n: number): Promise<void> {
    if (this.perSecond <= 0) return;
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      // A batch larger than the bucket goes once the bucket is full (else it would wait forever).
      const need = Math.min(n, this.perSecond);
      if (this.tokens >= need) {
        this.tokens -= n;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((need - this.tokens) / this.perSecond) * 1000)));
    }
  }
}

/** A bucket of `capacity` units refilled continuously over one minute (requests per minute). */
export class TokenBucket {
  private level: number;
  private updatedAt: number;
  private readonly perMs: number;

  constructor(
    readonly capacity: number,
    now: number,
  ) {
    this.level = capacity;
    this.updatedAt = now;
    this.perMs = capacity / 60_000;
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.level = Math.min(this.capacity, this.level + (now - this.updatedAt) * this.perMs);
      this.updatedAt = now;
    }
  }

  /** Takes `amount` if the bucket holds it; otherwise returns how long until it would (ms). */
  take(amount: number, now: number): number {
    this.refill(now);
    if (this.level >= amount) {
      this.level -= amount;
      return 0;
    }
    return Math.ceil((amount - this.level) / this.perMs);
  }
}

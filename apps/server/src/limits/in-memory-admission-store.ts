import type { AdmissionStore, Claim, Meter, Refusal } from './admission-store';

/** How long until a refused claim would fit on a refilling meter (undefined: a budget, or never by refill alone). */
export function refusalWaitMs(claim: Claim, used: number): number | undefined {
  const { refillMs, limit } = claim.meter;
  if (refillMs === undefined || claim.amount > limit) return undefined;
  const excess = Math.max(used + claim.amount - limit, used - limit, 0);
  return Math.max(1, Math.ceil((excess * refillMs) / limit));
}

interface Level {
  used: number;
  updatedAt: number;
  period: number | undefined;
}

/**
 * One process's reservations. `reserve` checks and books every claim without yielding, so concurrent
 * requests see each other's reservations (what made budgets overspend 20× was checking spend alone).
 * A meter's `initial` (a ledger query) is awaited before that, the first time a meter or period is seen.
 */
export class InMemoryAdmissionStore implements AdmissionStore {
  private readonly levels = new Map<string, Level>();

  private isCurrent(meter: Meter): boolean {
    const level = this.levels.get(meter.id);
    return level !== undefined && level.period === meter.period;
  }

  /** Runs `then` once every meter with an `initial` holds its level for the current period. */
  private primed<T>(meters: readonly Meter[], now: number, then: () => T): Promise<T> {
    const unprimed = meters.filter((meter) => meter.initial && !this.isCurrent(meter));
    if (unprimed.length === 0) return Promise.resolve(then());
    return Promise.all(unprimed.map(async (meter) => [meter, await meter.initial?.()] as const)).then((initials) => {
      for (const [meter, used] of initials) {
        // A concurrent request may have primed it meanwhile, and reserved on it: that level stays.
        if (!this.isCurrent(meter))
          this.levels.set(meter.id, { used: used ?? 0, updatedAt: now, period: meter.period });
      }
      return then();
    });
  }

  private level(meter: Meter, now: number): Level {
    let level = this.levels.get(meter.id);
    if (!level || level.period !== meter.period) {
      level = { used: 0, updatedAt: now, period: meter.period };
      this.levels.set(meter.id, level);
    } else if (meter.refillMs !== undefined && now > level.updatedAt) {
      level.used = Math.max(0, level.used - ((now - level.updatedAt) * meter.limit) / meter.refillMs);
      level.updatedAt = now;
    }
    return level;
  }

  reserve(claims: readonly Claim[], now: number): Promise<Refusal | undefined> {
    return this.primed(
      claims.map((claim) => claim.meter),
      now,
      () => this.reserveNow(claims, now),
    );
  }

  private reserveNow(claims: readonly Claim[], now: number): Refusal | undefined {
    for (const claim of claims) {
      const level = this.level(claim.meter, now);
      const { limit } = claim.meter;
      // A full meter refuses even a zero claim (an unpriced request once the budget is spent).
      if (level.used >= limit || level.used + claim.amount > limit) {
        return { claim, used: level.used, waitMs: refusalWaitMs(claim, level.used) };
      }
    }
    for (const claim of claims) this.level(claim.meter, now).used += claim.amount;
    return undefined;
  }

  settle(claims: readonly Claim[], actual: readonly number[], now: number): Promise<void> {
    return this.primed(
      claims.map((claim) => claim.meter),
      now,
      () => {
        claims.forEach((claim, index) => {
          const level = this.level(claim.meter, now);
          level.used = Math.max(0, level.used + (actual[index] ?? 0) - claim.amount);
        });
      },
    );
  }

  used(meter: Meter, now: number): Promise<number> {
    return this.primed([meter], now, () => this.level(meter, now).used);
  }
}

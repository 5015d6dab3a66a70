import type { AdmissionStore, Claim, Meter, Refusal } from './admission-store';

interface Level {
  used: number;
  updatedAt: number;
  period: number | undefined;
}

/**
 * One process's reservations. `reserve` checks and books every claim without yielding, so concurrent
 * requests see each other's reservations (what made budgets overspend 20× was checking spend alone).
 */
export class InMemoryAdmissionStore implements AdmissionStore {
  private readonly levels = new Map<string, Level>();

  private level(meter: Meter, now: number): Level {
    let level = this.levels.get(meter.id);
    if (!level || level.period !== meter.period) {
      level = { used: meter.initial?.() ?? 0, updatedAt: now, period: meter.period };
      this.levels.set(meter.id, level);
    } else if (meter.refillMs !== undefined && now > level.updatedAt) {
      level.used = Math.max(0, level.used - ((now - level.updatedAt) * meter.limit) / meter.refillMs);
      level.updatedAt = now;
    }
    return level;
  }

  reserve(claims: readonly Claim[], now: number): Promise<Refusal | undefined> {
    for (const claim of claims) {
      const level = this.level(claim.meter, now);
      const { refillMs, limit } = claim.meter;
      // A full meter refuses even a zero claim (an unpriced request once the budget is spent).
      if (level.used >= limit || level.used + claim.amount > limit) {
        const excess = Math.max(level.used + claim.amount - limit, level.used - limit, 0);
        const waitMs =
          refillMs === undefined || claim.amount > limit
            ? undefined
            : Math.max(1, Math.ceil((excess * refillMs) / limit));
        return Promise.resolve({ claim, used: level.used, waitMs });
      }
    }
    for (const claim of claims) this.level(claim.meter, now).used += claim.amount;
    return Promise.resolve(undefined);
  }

  settle(claims: readonly Claim[], actual: readonly number[], now: number): Promise<void> {
    claims.forEach((claim, index) => {
      const level = this.level(claim.meter, now);
      level.used = Math.max(0, level.used + (actual[index] ?? 0) - claim.amount);
    });
    return Promise.resolve();
  }

  used(meter: Meter, now: number): Promise<number> {
    return Promise.resolve(this.level(meter, now).used);
  }
}

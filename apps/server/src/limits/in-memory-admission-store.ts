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
      const { limit } = claim.meter;
      // A full meter refuses even a zero claim (an unpriced request once the budget is spent).
      if (level.used >= limit || level.used + claim.amount > limit) {
        return Promise.resolve({ claim, used: level.used, waitMs: refusalWaitMs(claim, level.used) });
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

import { InfermuxError, type KeyBudget, type KeyLimits } from '@infermux/core';
import type { GatewayKey } from '../keys/gateway-key';
import type { UsageLedger } from '../ledger/usage-ledger';
import type { AdmissionStore, Claim, Meter, Refusal } from './admission-store';
import { periodStart } from './budget-period';
import { JobHolds } from './job-holds';

/** What a request is expected to use, before any upstream call. */
export interface AdmissionEstimate {
  /** Input estimate + `max_tokens` (or the configured default output tokens). */
  tokens: number;
  /** `tokens` (and images, …) at the highest price among the request's possible targets; 0 when unpriced. */
  cost: number;
}

/** What a request reserved; settled to the actual usage when it ends. */
export interface Reservation {
  key: GatewayKey;
  claims: Claim[];
  /** Which claim is which, to settle each with its actual (`tokens` or `cost`). */
  units: Array<keyof AdmissionEstimate>;
}

/** Requests and tokens per minute: a meter's whole limit comes back over a minute. */
const PER_MINUTE_MS = 60_000;

function budgetText(budget: KeyBudget): string {
  return budget.period === 'total' ? 'total' : `per-${budget.period}`;
}

/**
 * Per-key requests and tokens per minute and budgets as reservations: each request reserves its estimate before
 * calling upstream (refused with 429/402 if it does not fit) and settles to the actual at the end, so concurrent
 * requests cannot all pass a check that only looked at what finished requests spent.
 */
export class KeyAdmission {
  /** Budgets held for submitted jobs until they settle. */
  readonly jobs = new JobHolds(this);

  constructor(
    private readonly store: AdmissionStore,
    private readonly defaults: KeyLimits,
    private readonly ledger: UsageLedger,
  ) {}

  budgetOf(key: GatewayKey): KeyBudget | undefined {
    return key.budget ?? this.defaults.budget;
  }

  /** Whether the key has a token rate or a budget, the limits a request reserves and settles (rpm is taken by `admit`). */
  meters(key: GatewayKey): boolean {
    return (key.tpm ?? this.defaults.tpm) !== undefined || this.budgetOf(key) !== undefined;
  }

  private budgetMeter(key: GatewayKey, now: number): Meter | undefined {
    const budget = this.budgetOf(key);
    if (!budget) return undefined;
    const start = periodStart(budget.period, now);
    return {
      id: `budget:${key.id}`,
      limit: budget.amount,
      period: start,
      // A spend that cannot be read (the ledger's database down) cannot be checked: the budget fails closed, as a
      // budget does when Redis is down, with a 503 rather than an unexplained 500.
      initial: async () => {
        try {
          return await this.ledger.spentSince(key.id, start);
        } catch (cause) {
          throw new InfermuxError({
            code: 'gateway_state_unavailable',
            message: "The gateway's ledger could not be read to check this key's budget; try again shortly.",
            details: { field: 'ledger' },
            cause,
          });
        }
      },
    };
  }

  private tokenMeter(key: GatewayKey): Meter | undefined {
    const tpm = key.tpm ?? this.defaults.tpm;
    return tpm === undefined ? undefined : { id: `tpm:${key.id}`, limit: tpm, refillMs: PER_MINUTE_MS };
  }

  private requestMeter(key: GatewayKey): Meter | undefined {
    const rpm = key.rpm ?? this.defaults.rpm;
    return rpm === undefined ? undefined : { id: `rpm:${key.id}`, limit: rpm, refillMs: PER_MINUTE_MS };
  }

  /** Whether `admit` has nothing to take for this key (no budget, no requests per minute): the common case, checked without a promise. */
  admitsFreely(key: GatewayKey): boolean {
    return (key.rpm ?? this.defaults.rpm) === undefined && this.budgetOf(key) === undefined;
  }

  /**
   * Before the body is read: takes one of the key's requests per minute, refused (nothing taken) when the budget
   * is already spent (a zero claim on a full budget) or the minute's requests are used up. One store call, so one
   * round trip when the store is Redis.
   */
  async admit(key: GatewayKey, now = Date.now()): Promise<void> {
    const claims: Claim[] = [];
    const budget = this.budgetMeter(key, now);
    if (budget) claims.push({ meter: budget, amount: 0 });
    const requests = this.requestMeter(key);
    if (requests) claims.push({ meter: requests, amount: 1 });
    if (claims.length === 0) return;
    const refused = await this.store.reserve(claims, now);
    if (refused) throw this.refusal(key, refused);
  }

  /** Reserves the estimate against every limit the key has, or throws the 402/429 of the first that does not fit. */
  async reserve(key: GatewayKey, estimate: AdmissionEstimate, now = Date.now()): Promise<Reservation> {
    const reservation: Reservation = { key, claims: [], units: [] };
    const tokens = this.tokenMeter(key);
    // A request larger than a whole minute's allowance waits for a full minute instead of never fitting.
    if (tokens) this.add(reservation, 'tokens', { meter: tokens, amount: Math.min(estimate.tokens, tokens.limit) });
    const budget = this.budgetMeter(key, now);
    if (budget) this.add(reservation, 'cost', { meter: budget, amount: estimate.cost });
    const refused = await this.store.reserve(reservation.claims, now);
    if (refused) throw this.refusal(key, refused);
    return reservation;
  }

  private add(reservation: Reservation, unit: keyof AdmissionEstimate, claim: Claim): void {
    reservation.claims.push(claim);
    reservation.units.push(unit);
  }

  /**
   * Replaces the reservation with what the request actually used (the whole estimate released on failure).
   * A budget claim from a period that has ended is left alone: the new period starts from its own spend.
   */
  settle(reservation: Reservation, actual: AdmissionEstimate, now = Date.now()): Promise<void> {
    const claims: Claim[] = [];
    const amounts: number[] = [];
    reservation.claims.forEach((claim, index) => {
      if (claim.meter.period !== undefined && claim.meter.period !== this.budgetMeter(reservation.key, now)?.period)
        return;
      claims.push(claim);
      amounts.push(actual[reservation.units[index] as keyof AdmissionEstimate]);
    });
    return this.store.settle(claims, amounts, now);
  }

  /** A reservation of `amount` already on the key's budget (a job's quote), to settle later; none without a budget. */
  budgetHold(key: GatewayKey, amount: number, now = Date.now()): Reservation | undefined {
    const meter = this.budgetMeter(key, now);
    if (!meter) return undefined;
    const reservation: Reservation = { key, claims: [], units: [] };
    this.add(reservation, 'cost', { meter, amount });
    return reservation;
  }

  /** Books usage that had no reservation (a job's status reporting its final usage). */
  charge(key: GatewayKey, actual: AdmissionEstimate, now = Date.now()): Promise<void> {
    const reservation: Reservation = { key, claims: [], units: [] };
    const tokens = this.tokenMeter(key);
    if (tokens && actual.tokens > 0) this.add(reservation, 'tokens', { meter: tokens, amount: 0 });
    const budget = this.budgetMeter(key, now);
    if (budget && actual.cost > 0) this.add(reservation, 'cost', { meter: budget, amount: 0 });
    return this.settle(reservation, actual, now);
  }

  private refusal(key: GatewayKey, refused: Refusal): InfermuxError {
    const { meter, amount } = refused.claim;
    if (meter.refillMs === undefined) {
      const budget = this.budgetOf(key) as KeyBudget;
      return new InfermuxError({
        code: 'policy_budget_exceeded',
        message: `Gateway key "${key.name}" has spent or reserved $${refused.used.toFixed(4)} of its $${budget.amount} ${budgetText(budget)} budget${amount > 0 ? ` and this request may cost up to $${amount.toFixed(4)}` : ''}; requests are refused until ${budget.period === 'total' ? 'the budget is raised' : 'the next period starts'}.`,
        details: { key: key.name, spent: refused.used, budget: budget.amount, period: budget.period, estimate: amount },
      });
    }
    const waitMs = refused.waitMs ?? PER_MINUTE_MS;
    const tokens = !meter.id.startsWith('rpm:');
    return new InfermuxError({
      code: 'policy_rate_limited',
      // The same rounding as the Retry-After header, so the two always agree.
      message: `Gateway key "${key.name}" is over its limit of ${meter.limit} ${tokens ? `tokens per minute (this request reserves ${Math.ceil(amount)})` : 'requests per minute'}; retry in ${Math.ceil(waitMs / 1000)} s.`,
      retryAfterMs: waitMs,
      details: tokens
        ? { key: key.name, limit: meter.limit, unit: 'tokens per minute', estimate: amount }
        : { key: key.name, limit: meter.limit, unit: 'requests per minute' },
    });
  }
}

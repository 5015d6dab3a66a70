/**
 * Reservations against shared limits (a key's tokens per minute, its budget for a period). The interface
 * is asynchronous so the store can live outside the process (Redis, for several gateways); the in-memory
 * store answers at once.
 */

/** One metered quantity requests draw on. */
export interface Meter {
  /** Stable id across processes: `tpm:<key id>`, `budget:<key id>`. */
  id: string;
  limit: number;
  /** Refills continuously: the whole `limit` comes back over this many ms (tokens per minute). */
  refillMs?: number;
  /** For meters that reset by period (budgets): the period's start; usage starts over from `initial` when it changes. */
  period?: number;
  /**
   * Usage already on the books when the meter (or its period) is first seen, e.g. a budget's spend from the
   * ledger (asynchronous: with PostgreSQL it is a query, summing every replica's rows).
   */
  initial?: () => Promise<number>;
}

export interface Claim {
  meter: Meter;
  amount: number;
}

/** The claim that did not fit, what the meter held, and (refilling meters) how long until it would fit. */
export interface Refusal {
  claim: Claim;
  used: number;
  waitMs: number | undefined;
}

export interface AdmissionStore {
  /** Adds every claim if each fits under its meter's limit, otherwise none; all or nothing, atomically. */
  reserve(claims: readonly Claim[], now: number): Promise<Refusal | undefined>;
  /** Replaces reserved amounts with the actual ones (`actual[i]` for `claims[i]`): releases or charges the difference. */
  settle(claims: readonly Claim[], actual: readonly number[], now: number): Promise<void>;
  /** Current usage, reservations included. */
  used(meter: Meter, now: number): Promise<number>;
}

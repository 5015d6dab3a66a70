import type { JobStatus } from '@infermux/core';
import type { GatewayKey } from '../keys/gateway-key';
import type { KeyAdmission, Reservation } from './key-admission';

/** Jobs whose hold is remembered at once; past it the oldest is forgotten, its quote staying charged. */
const MAX_HELD_JOBS = 100_000;
/** Models whose last quote is remembered (the estimate of their next submission). */
const MAX_QUOTED_MODELS = 1_000;
/** A job not seen to settle within this long is forgotten, its quote staying charged (jobs expire upstream sooner). */
const HOLD_TTL_MS = 24 * 60 * 60 * 1000;

const SETTLED = new Set<JobStatus['state']>(['succeeded', 'failed', 'canceled']);

interface Hold {
  reservation: Reservation;
  expiresAt: number;
}

/**
 * A submitted job costs later than its submission answers: its quote (the credits the provider holds)
 * stays reserved against the key's budget until a status shows the job settled, then is replaced by the
 * final charge when the provider reports one (else the quote stays: an unknown cost is never counted as 0).
 *
 * A submission reserves before it is sent, when the quote is not known yet: it reserves the last quote
 * seen for the same model, and while a model has none, its submissions for keys with a budget go one at
 * a time until the first quote is in, so concurrent submissions cannot all pass a budget with room for one.
 *
 * Holds live in this process. The quote is also the submission's cost in the ledger, which is where a
 * restarted gateway reads a budget's spend from: after a restart every job submitted counts at its quote
 * (settled or not, a final charge below the quote is not refunded then), and nothing more is charged
 * when a job from before the restart settles.
 */
export class JobHolds {
  readonly #holds = new Map<string, Hold>();
  readonly #quotes = new Map<string, number>();
  readonly #learning = new Map<string, Promise<void>>();

  constructor(private readonly admission: KeyAdmission) {}

  /** The last quote seen for `model`, to reserve for its next submission. */
  quoteFor(model: string): number | undefined {
    return this.#quotes.get(model);
  }

  /**
   * Waits while another submission for `model` is learning its quote; then, if there is still none, this
   * submission learns it: the returned function ends its turn (after its quote is recorded, or it failed).
   */
  async learnQuote(model: string): Promise<(() => void) | undefined> {
    for (let turn = this.#learning.get(model); turn; turn = this.#learning.get(model)) await turn;
    if (this.#quotes.has(model)) return undefined;
    let done!: () => void;
    this.#learning.set(
      model,
      new Promise<void>((resolve) => {
        done = resolve;
      }),
    );
    return () => {
      this.#learning.delete(model);
      done();
    };
  }

  /** A submission answered with `quote` for `model`: remembered for the next estimate. */
  recordQuote(model: string, quote: number): void {
    this.#quotes.delete(model);
    this.#quotes.set(model, quote);
    if (this.#quotes.size > MAX_QUOTED_MODELS) this.#quotes.delete(this.#quotes.keys().next().value as string);
  }

  /** Holds `quote` (already on the key's budget: the submission settled to it) until `jobId` settles. */
  hold(jobId: string, key: GatewayKey, quote: number, now = Date.now()): void {
    const reservation = this.admission.budgetHold(key, quote, now);
    if (!reservation) return;
    this.#forgetExpired(now);
    this.#holds.set(jobId, { reservation, expiresAt: now + HOLD_TTL_MS });
    if (this.#holds.size > MAX_HELD_JOBS) this.#holds.delete(this.#holds.keys().next().value as string);
  }

  /** Is a hold kept for this job? */
  holds(jobId: string): boolean {
    return this.#holds.has(jobId);
  }

  /**
   * A status of `jobId`: once it shows the job settled, the hold is replaced by the final charge when the
   * status has one (the quote stays otherwise) and forgotten. Settles once, whoever asks.
   */
  async observe(jobId: string, status: Pick<JobStatus, 'state' | 'cost'>, now = Date.now()): Promise<void> {
    if (!SETTLED.has(status.state)) return;
    const hold = this.#holds.get(jobId);
    if (!hold) return;
    this.#holds.delete(jobId);
    const cost = status.cost;
    if (cost && cost.basis !== 'quote')
      await this.admission.settle(hold.reservation, { tokens: 0, cost: cost.amount }, now);
  }

  #forgetExpired(now: number): void {
    // Insertion order is expiry order: stop at the first hold still current.
    for (const [jobId, hold] of this.#holds) {
      if (hold.expiresAt > now) return;
      this.#holds.delete(jobId);
    }
  }
}

import type { AdmissionStore, Claim, Meter, Refusal } from '../limits/admission-store';
import type { StateAvailability, StateConcern } from './state-availability';
import { fallBack, type UnavailablePolicies } from './state-unavailable';

/** Budgets are the meters that do not refill; the rest (requests, tokens per minute) are limits. */
const concernOf = (meter: Meter): StateConcern => (meter.refillMs === undefined ? 'budgets' : 'limits');

/**
 * The shared store (Redis) while it answers; when a call fails, this process's own store under the
 * `state.onUnavailable` policy of each claim's concern (or a 503). Usage booked locally during an outage stays
 * local: when Redis returns, the shared meters go on from what they held (the outage's usage is not merged).
 */
export class FallbackAdmissionStore implements AdmissionStore {
  constructor(
    private readonly shared: AdmissionStore,
    private readonly local: AdmissionStore,
    private readonly availability: StateAvailability,
    private readonly policies: UnavailablePolicies,
  ) {}

  #fallBack(meters: readonly Meter[]): void {
    fallBack(this.availability, this.policies, new Set(meters.map(concernOf)));
  }

  async reserve(claims: readonly Claim[], now: number): Promise<Refusal | undefined> {
    try {
      return await this.shared.reserve(claims, now);
    } catch {
      this.#fallBack(claims.map((claim) => claim.meter));
      return this.local.reserve(claims, now);
    }
  }

  async settle(claims: readonly Claim[], actual: readonly number[], now: number): Promise<void> {
    try {
      await this.shared.settle(claims, actual, now);
    } catch {
      // The request has been answered: its usage goes on the local books whatever the policy.
      await this.local.settle(claims, actual, now);
    }
  }

  async used(meter: Meter, now: number): Promise<number> {
    try {
      return await this.shared.used(meter, now);
    } catch {
      this.#fallBack([meter]);
      return this.local.used(meter, now);
    }
  }
}

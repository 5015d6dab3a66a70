import type { Logger } from 'pino';

/** The shared-state concerns a Redis outage policy is set for (`state.onUnavailable`). */
export type StateConcern = 'limits' | 'budgets';
export type UnavailablePolicy = 'local' | 'reject';

export interface StateAvailabilityMetrics {
  stateTransition(available: boolean): void;
  stateFallback(concern: string, outcome: 'local' | 'rejected' | 'skipped'): void;
  /** One command (or pipeline) sent to Redis: what a request costs in round trips. */
  stateRoundTrip(): void;
}

/**
 * Whether Redis answers, as seen by the gateway's own commands and connection events. Logs once per transition
 * (not per request) and counts transitions and fallbacks in the metrics.
 */
export class StateAvailability {
  #available = true;
  readonly #recovered: Array<() => void> = [];

  constructor(
    private readonly logger: Logger,
    private readonly metrics: StateAvailabilityMetrics,
    private readonly where: string,
  ) {}

  get available(): boolean {
    return this.#available;
  }

  /** Runs on every return of Redis (e.g. reload keys whose revocation may have been missed). */
  onRecovered(listener: () => void): void {
    this.#recovered.push(listener);
  }

  failed(error: unknown): void {
    if (!this.#available) return;
    this.#available = false;
    this.metrics.stateTransition(false);
    this.logger.error(
      { redis: this.where, err: error },
      'shared state (Redis) unreachable: applying state.onUnavailable until it returns',
    );
  }

  succeeded(): void {
    if (this.#available) return;
    this.#available = true;
    this.metrics.stateTransition(true);
    this.logger.info({ redis: this.where }, 'shared state (Redis) reachable again');
    for (const listener of this.#recovered) listener();
  }

  fallback(concern: string, outcome: 'local' | 'rejected' | 'skipped'): void {
    this.metrics.stateFallback(concern, outcome);
  }
}

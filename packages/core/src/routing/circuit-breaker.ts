import type { BreakerConfig } from './routing-config';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerPolicy {
  enabled: boolean;
  windowMs: number;
  minimumRequests: number;
  failureRatio: number;
  consecutiveFailures: number;
  cooldownMs: number;
  halfOpenProbes: number;
}

export const defaultBreakerPolicy: BreakerPolicy = {
  enabled: true,
  windowMs: 30_000,
  minimumRequests: 10,
  failureRatio: 0.5,
  consecutiveFailures: 5,
  cooldownMs: 15_000,
  halfOpenProbes: 1,
};

export function resolveBreakerPolicy(config: BreakerConfig | undefined): BreakerPolicy {
  return {
    ...defaultBreakerPolicy,
    ...Object.fromEntries(Object.entries(config ?? {}).filter(([, value]) => value !== undefined)),
  };
}

export type BreakerTransition = (state: BreakerState) => void;

/** Slices of the rolling window: outcomes are counted per slice, so memory stays fixed at any request rate. */
const WINDOW_SLICES = 10;

/** Success and failure counts over a rolling window, kept in fixed slices (not one record per outcome). */
class RollingCounts {
  readonly #sliceMs: number;
  readonly #slice = new Float64Array(WINDOW_SLICES);
  readonly #ok = new Uint32Array(WINDOW_SLICES);
  readonly #failed = new Uint32Array(WINDOW_SLICES);

  constructor(windowMs: number) {
    this.#sliceMs = Math.max(1, windowMs / WINDOW_SLICES);
    this.#slice.fill(-1);
  }

  record(now: number, ok: boolean): void {
    const slice = Math.floor(now / this.#sliceMs);
    const index = slice % WINDOW_SLICES;
    if (this.#slice[index] !== slice) {
      this.#slice[index] = slice;
      this.#ok[index] = 0;
      this.#failed[index] = 0;
    }
    if (ok) this.#ok[index] = (this.#ok[index] as number) + 1;
    else this.#failed[index] = (this.#failed[index] as number) + 1;
  }

  /** Totals over the slices still inside the window at `now`. */
  totals(now: number): { total: number; failed: number } {
    const oldest = Math.floor(now / this.#sliceMs) - WINDOW_SLICES + 1;
    let total = 0;
    let failed = 0;
    for (let index = 0; index < WINDOW_SLICES; index++) {
      if ((this.#slice[index] as number) < oldest) continue;
      total += (this.#ok[index] as number) + (this.#failed[index] as number);
      failed += this.#failed[index] as number;
    }
    return { total, failed };
  }

  clear(): void {
    this.#slice.fill(-1);
  }
}

/**
 * A circuit breaker for one (provider, model). Closed: everything passes and outcomes are
 * counted over a rolling window, in ten slices (an outcome leaves the window between 0.9 and 1
 * `windowMs` after it happened; a per-outcome list grew with the request rate). It opens on `consecutiveFailures` in a row, or when at least
 * `minimumRequests` outcomes in the window fail at `failureRatio` or more. After `cooldownMs`
 * it turns half-open and lets `halfOpenProbes` requests through: all succeed → closed, one fails → open.
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  readonly #outcomes: RollingCounts;
  #consecutive = 0;
  #openedAt = 0;
  #probesInFlight = 0;
  #probeSuccesses = 0;

  constructor(
    readonly policy: BreakerPolicy,
    private readonly onTransition: BreakerTransition = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.#outcomes = new RollingCounts(policy.windowMs);
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** When an open breaker will let a probe through (ms epoch); undefined unless open. */
  get reopensAt(): number | undefined {
    return this.#state === 'open' ? this.#openedAt + this.policy.cooldownMs : undefined;
  }

  /** Would a request pass now? Does not change state. */
  canPass(): boolean {
    if (!this.policy.enabled || this.#state === 'closed') return true;
    if (this.#state === 'open') return this.now() >= this.#openedAt + this.policy.cooldownMs;
    return this.#probesInFlight < this.policy.halfOpenProbes;
  }

  /** Claims passage for one request; false when it must not be sent. */
  tryAcquire(): boolean {
    if (!this.policy.enabled || this.#state === 'closed') return true;
    if (this.#state === 'open') {
      if (this.now() < this.#openedAt + this.policy.cooldownMs) return false;
      this.#transition('half-open');
      this.#probesInFlight = 0;
      this.#probeSuccesses = 0;
    }
    if (this.#probesInFlight >= this.policy.halfOpenProbes) return false;
    this.#probesInFlight += 1;
    return true;
  }

  /** Gives back passage that was acquired but never used (the request was not sent). */
  release(): void {
    if (this.#state === 'half-open' && this.#probesInFlight > 0) this.#probesInFlight -= 1;
  }

  onSuccess(): void {
    if (!this.policy.enabled) return;
    if (this.#state === 'half-open') {
      this.#probesInFlight = Math.max(0, this.#probesInFlight - 1);
      this.#probeSuccesses += 1;
      if (this.#probeSuccesses >= this.policy.halfOpenProbes) {
        this.#outcomes.clear();
        this.#consecutive = 0;
        this.#transition('closed');
      }
      return;
    }
    this.#consecutive = 0;
    this.#outcomes.record(this.now(), true);
  }

  onFailure(): void {
    if (!this.policy.enabled) return;
    if (this.#state === 'half-open') {
      this.#probesInFlight = Math.max(0, this.#probesInFlight - 1);
      this.#open();
      return;
    }
    if (this.#state === 'open') return;
    this.#consecutive += 1;
    const now = this.now();
    this.#outcomes.record(now, false);
    const { total, failed } = this.#outcomes.totals(now);
    const ratioTripped = total >= this.policy.minimumRequests && failed / total >= this.policy.failureRatio;
    if (this.#consecutive >= this.policy.consecutiveFailures || ratioTripped) this.#open();
  }

  /**
   * Another process saw this target fail: open until `reopensAt` (its clock), then half-open here as usual.
   * An earlier reopening time than one already held is ignored (the later pause wins).
   */
  adoptOpen(reopensAt: number): void {
    if (!this.policy.enabled) return;
    const openedAt = reopensAt - this.policy.cooldownMs;
    if (this.#state === 'open' && openedAt <= this.#openedAt) return;
    this.#openedAt = openedAt;
    this.#probeSuccesses = 0;
    this.#probesInFlight = 0;
    this.#transition('open');
  }

  /** Another process's probe succeeded: closed again, with a fresh window. */
  adoptClosed(): void {
    if (this.#state === 'closed') return;
    this.#outcomes.clear();
    this.#consecutive = 0;
    this.#probesInFlight = 0;
    this.#transition('closed');
  }

  #open(): void {
    this.#openedAt = this.now();
    this.#probeSuccesses = 0;
    this.#transition('open');
  }

  #transition(state: BreakerState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.onTransition(state);
  }
}

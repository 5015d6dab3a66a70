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
  return { ...defaultBreakerPolicy, ...Object.fromEntries(Object.entries(config ?? {}).filter(([, value]) => value !== undefined)) };
}

export type BreakerTransition = (state: BreakerState) => void;

/**
 * A circuit breaker for one (provider, model). Closed: everything passes and outcomes are
 * counted over a rolling window. It opens on `consecutiveFailures` in a row, or when at least
 * `minimumRequests` outcomes in the window fail at `failureRatio` or more. After `cooldownMs`
 * it turns half-open and lets `halfOpenProbes` requests through: all succeed → closed, one fails → open.
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #outcomes: Array<{ at: number; ok: boolean }> = [];
  #consecutive = 0;
  #openedAt = 0;
  #probesInFlight = 0;
  #probeSuccesses = 0;

  constructor(
    readonly policy: BreakerPolicy,
    private readonly onTransition: BreakerTransition = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

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
        this.#outcomes = [];
        this.#consecutive = 0;
        this.#transition('closed');
      }
      return;
    }
    this.#consecutive = 0;
    this.#record(true);
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
    this.#record(false);
    const failures = this.#outcomes.filter((outcome) => !outcome.ok).length;
    const ratioTripped = this.#outcomes.length >= this.policy.minimumRequests && failures / this.#outcomes.length >= this.policy.failureRatio;
    if (this.#consecutive >= this.policy.consecutiveFailures || ratioTripped) this.#open();
  }

  #record(ok: boolean): void {
    const now = this.now();
    this.#outcomes.push({ at: now, ok });
    const horizon = now - this.policy.windowMs;
    while (this.#outcomes.length > 0 && (this.#outcomes[0] as { at: number }).at < horizon) this.#outcomes.shift();
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

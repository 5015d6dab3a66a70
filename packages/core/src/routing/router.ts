import { InfermuxError } from '../errors/infermux-error';
import type { Attempt } from '../result/result-envelope';
import type { TaskId } from '../tasks/task-registry';
import type { Deadline } from '../transport/timeouts';
import { abortableSleep } from './abortable-sleep';
import { AttemptDeadline } from './attempt-deadline';
import { BoundedMap } from './bounded-map';
import { type BreakerPolicy, type BreakerState, CircuitBreaker } from './circuit-breaker';
import { type LinkedSignal, linkSignals } from './link-signals';
import type { PriceTable } from './price-table';
import type { RateLimiter } from './rate-limiter';
import {
  classifyFailure,
  countsAgainstHealth,
  fullJitterBackoff,
  provablyNotReceived,
  type RetryPolicy,
  resolveRetryPolicy,
  retryHintMs,
} from './retry-policy';
import type { Route, RouteTarget } from './route';
import type { AttemptEndEvent, EventHub } from './routing-events';
import { createStrategy } from './strategies/create-strategy';
import type { RoutingStrategy } from './strategies/strategy';
import type { TargetStateChange, TargetStateSync } from './target-state-sync';
import { isIdle, MAX_TRACKED_TARGETS, TargetStats, TargetStatsRegistry } from './target-stats';

export interface RouterOptions {
  events: EventHub;
  limiter: RateLimiter;
  prices: PriceTable;
  retry: RetryPolicy;
  breaker: BreakerPolicy;
  /** Uniform in [0, 1): jitter and power-of-two choices. Injectable for deterministic tests. */
  random?: () => number;
  /** Shares breaker transitions and cool-downs with other processes (the gateway's Redis); none by default. */
  targetState?: TargetStateSync;
}

export interface ExecuteRequest<R> {
  requestId: string;
  task: TaskId;
  route: Route;
  signal?: AbortSignal;
  /**
   * False when sending the request twice could cost twice (an async job submission without an
   * idempotency key): then only failures that prove the upstream never saw it are retried.
   */
  resendable: (target: RouteTarget) => boolean;
  /** Hedging allowed for this call (deterministic task, `route.hedge.enabled`). */
  hedge: boolean;
  /** Filled in as attempts finish, so the caller has them even when `execute` throws. */
  attempts: Attempt[];
  /**
   * One attempt against one target; must honour `signal` (the caller's, or one of the router's) and
   * hand `deadline` on in the provider call's `timeouts`, where core's transport enforces it.
   */
  run: (target: RouteTarget, signal: AbortSignal | undefined, deadline: Deadline) => Promise<R>;
  /**
   * The value is a stream still being read when `execute` returns: the deadline stops at that
   * point, the winning attempt stays cancellable (`abort`), and the caller calls `release()` when done.
   */
  holdSignal?: boolean;
}

export interface ExecuteResult<R> {
  value: R;
  target: RouteTarget;
  /** Lets go of what kept the winning attempt cancellable (only needed with `holdSignal`). */
  release(): void;
  /**
   * Ends the winning attempt (with `holdSignal`: a stream whose consumer stopped early): its own
   * controller when it has one, else the transport call it is reading.
   */
  abort(reason: unknown): void;
  /**
   * With `holdSignal`: the held attempt's one outcome, once the stream has ended: no error when it
   * completed, else why it broke (a caller abort teaches nothing). The breaker, the latency scores
   * and the attempt's record count it then, once; later calls do nothing.
   */
  settle(error?: InfermuxError): void;
}

type Outcome<R> =
  | { ok: true; value: R; target: RouteTarget; release(): void; abort(reason: unknown): void; settle: Settle }
  | { ok: false; error: InfermuxError; target: RouteTarget };

interface RunningAttempt<R> {
  target: RouteTarget;
  done: Promise<Outcome<R>>;
  cancel(): void;
}

const DEFAULT_HEDGE_DELAY_MS = 1_000;
/** Shown for a target whose stats were forgotten (or never made): nothing in flight, no history. */
const idleStats = new TargetStats();
const noRelease = (): void => undefined;
const noAbort = (_reason: unknown): void => undefined;
const noSettle = (_error?: InfermuxError): void => undefined;
/** No target ready (shared: never written). */
const noTargets: readonly RouteTarget[] = [];
type Settle = (error?: InfermuxError) => void;
// Breaker operations as constants, not closures made per attempt.
const tryAcquire = (breaker: CircuitBreaker): boolean => breaker.tryAcquire();
const recordSuccess = (breaker: CircuitBreaker): void => breaker.onSuccess();
const recordFailure = (breaker: CircuitBreaker): void => breaker.onFailure();
const releaseSlot = (breaker: CircuitBreaker): void => breaker.release();
const deadlineReason = new Error('deadline');
/** Our own deadline timer, for attempts whose provider has not shown that core's transport enforces it. */
const expireDeadline = (deadline: AttemptDeadline, link: LinkedSignal): void => {
  deadline.expired = true;
  link.abort(deadlineReason);
};

/** The transport reports a call it ended at the route's deadline in its error. */
const cutAtDeadline = (error: unknown): boolean =>
  InfermuxError.isInstance(error) && error.code === 'provider_timeout' && error.details?.phase === 'deadline';

const breakerEventTypes = {
  open: 'breaker-open',
  'half-open': 'breaker-half-open',
  closed: 'breaker-close',
} as const satisfies Record<BreakerState, string>;

/**
 * Runs one request over a route: picks targets by strategy, retries transient failures with
 * backoff, fails over, honours Retry-After and breakers, applies rate limits, hedges, and
 * reports every attempt. Knows nothing about tasks or providers beyond `run`.
 */
export class Router {
  readonly stats = new TargetStatsRegistry();
  /**
   * Callers may name any model, so breakers are bounded (least recently used first). Only a closed
   * breaker of a target with nothing in flight and no Retry-After pause is forgotten: its target
   * comes back closed, as it was. Open and half-open breakers, and pinned (configured) targets, are
   * kept, so a failing target is never re-admitted early by eviction, up to twice the bound
   * (`MAX_TRACKED_TARGETS` targets all failing within one cooldown); past that the least recently
   * used breaker goes whatever its state, the price of a fixed memory bound.
   */
  readonly #breakers = new BoundedMap<string, { breaker: CircuitBreaker; target: RouteTarget }>({
    capacity: MAX_TRACKED_TARGETS,
    evictable: ({ breaker }, key) => {
      if (this.#pinned.has(key) || breaker.state !== 'closed') return false;
      const stats = this.stats.peek(key);
      return !stats || isIdle(stats);
    },
    permanent: (key) => this.#pinned.has(key),
    onEvict: (key) => this.stats.delete(key),
  });
  readonly #strategies = new Map<string, RoutingStrategy>();
  readonly #pinned = new Set<string>();
  readonly #random: () => number;
  #basePolicy: RetryPolicy | undefined;
  /** Other processes' news about targets this one has not met yet, applied when it does (bounded). */
  readonly #remote = new Map<string, TargetStateChange>();

  constructor(private readonly options: RouterOptions) {
    this.#random = options.random ?? Math.random;
    options.targetState?.subscribe((change) => this.#adopt(change));
  }

  breakerFor(target: RouteTarget): CircuitBreaker {
    let entry = this.#breakers.get(target.key);
    if (!entry) {
      entry = { breaker: new CircuitBreaker(this.options.breaker), target };
      this.#breakers.set(target.key, entry);
      const remote = this.#remote.get(target.key);
      if (remote) {
        this.#remote.delete(target.key);
        this.#adopt(remote);
      }
    }
    return entry.breaker;
  }

  /** Applies another process's breaker transition or cool-down (never published again). */
  #adopt(change: TargetStateChange): void {
    const entry = this.#breakers.get(change.target);
    if (!entry) {
      const known = this.#remote.get(change.target);
      if (!known && this.#remote.size >= MAX_TRACKED_TARGETS) return;
      this.#remote.set(change.target, { ...known, ...change });
      return;
    }
    if (change.breaker?.state === 'open') entry.breaker.adoptOpen(change.breaker.reopensAt);
    else if (change.breaker?.state === 'closed') entry.breaker.adoptClosed();
    if (change.coolingUntil !== undefined) {
      const stats = this.stats.get(entry.target);
      stats.coolingUntil = Math.max(stats.coolingUntil, change.coolingUntil);
    }
  }

  /** Keeps a configured target's breaker and stats for good (listed by `health()` from the start). */
  pin(target: RouteTarget): void {
    this.#pinned.add(target.key);
    this.breakerFor(target);
  }

  /** Runs a breaker operation and reports the state change it caused, tagged with the request that caused it. */
  #withBreaker<V>(target: RouteTarget, requestId: string, operation: (breaker: CircuitBreaker) => V): V {
    const breaker = this.breakerFor(target);
    const before = breaker.state;
    const value = operation(breaker);
    if (breaker.state !== before) {
      const { targetState } = this.options;
      if (breaker.state !== 'half-open' && targetState) {
        targetState.publish({
          target: target.key,
          breaker:
            breaker.state === 'open' ? { state: 'open', reopensAt: breaker.reopensAt as number } : { state: 'closed' },
        });
      }
      this.options.events.emit({
        type: breakerEventTypes[breaker.state],
        requestId,
        provider: target.provider,
        model: target.label,
      });
    }
    return value;
  }

  /** Breaker states and load per target, for /metrics and `client.health()`. */
  health(): Array<{
    provider: string;
    model: string;
    breaker: BreakerState;
    outstanding: number;
    ewmaMs?: number;
    coolingUntil?: number;
  }> {
    return [...this.#breakers.values()].map(({ breaker, target }) => {
      const stats = this.stats.peek(target.key) ?? idleStats;
      return {
        provider: target.provider,
        model: target.label,
        breaker: breaker.state,
        outstanding: stats.outstanding,
        ...(stats.ewmaMs !== undefined ? { ewmaMs: Math.round(stats.ewmaMs) } : {}),
        ...(stats.coolingUntil > Date.now() ? { coolingUntil: stats.coolingUntil } : {}),
      };
    });
  }

  /** Not async itself: the attempts' loop is the call's one async layer (it translates what it throws). */
  execute<R>(request: ExecuteRequest<R>): Promise<ExecuteResult<R>> {
    let context: LoopContext<R>;
    try {
      // Most routes add nothing to the client's retry policy: resolve that one once, not per call.
      const policy = request.route.retry
        ? resolveRetryPolicy(this.options.retry, request.route.retry)
        : this.#resolveBasePolicy();
      // The deadline travels with each attempt to the transport, which ends the call there with the
      // timer it arms anyway, and which a stream handed on can be ended through: attempts run on the
      // caller's own signal, with no controller or timer here.
      const startedAt = Date.now();
      context = {
        request,
        policy,
        signal: request.signal,
        deadlineExpired: false,
        deadlineAt: startedAt + policy.deadlineMs,
        startedAt,
      };
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#loop(context);
  }

  #resolveBasePolicy(): RetryPolicy {
    this.#basePolicy ??= resolveRetryPolicy(this.options.retry);
    return this.#basePolicy;
  }

  async #loop<R>(context: LoopContext<R>): Promise<ExecuteResult<R>> {
    try {
      const { request, policy, signal } = context;
      const ranked = this.#rank(request.route);
      // Made on the first failure: a call that succeeds at once needs neither.
      let tries: Map<string, number> | undefined;
      let skipped: Set<string> | undefined;
      let lastError: InfermuxError | undefined;
      let previous: RouteTarget | undefined;
      let attemptNumber = 0;

      while (attemptNumber < policy.maxAttempts) {
        if (signal?.aborted) throw this.#translate(signal.reason, context);
        if (Date.now() >= context.deadlineAt) {
          context.deadlineExpired = true;
          throw this.#translate(new Error('deadline'), context);
        }
        const tried = tries;
        const candidates = tried
          ? ranked.filter(
              (target) => !skipped?.has(target.key) && (tried.get(target.key) ?? 0) < policy.maxAttemptsPerTarget,
            )
          : ranked;
        if (candidates.length === 0) break;
        const now = Date.now();
        // One candidate (every implicit route, most configured ones): no array or closure per attempt.
        const ready =
          candidates.length === 1
            ? this.#readyAt(candidates[0] as RouteTarget) <= now
              ? candidates
              : noTargets
            : candidates.filter((target) => this.#readyAt(target) <= now);
        let target = tried ? (ready.find((candidate) => !tried.has(candidate.key)) ?? ready[0]) : ready[0];
        // retry-first: the target that just failed again, while it has budget and its Retry-After is short enough.
        const again =
          policy.order === 'retry-first' && previous ? candidates.find((c) => c.key === previous?.key) : undefined;
        if (again && this.#readyAt(again) - now <= policy.maxWaitMs) target = again;
        let waitMs = 0;
        // Full jitter may draw 0 ms: still a retry of the same target, and reported as one.
        const retryingSameTarget = target !== undefined && tried?.has(target.key) === true;
        if (target && retryingSameTarget)
          waitMs = Math.max(
            fullJitterBackoff(tried?.get(target.key) ?? 1, policy, this.#random),
            this.#readyAt(target) - now,
          );
        if (!target) {
          // Everything left is cooling down after a Retry-After: wait for the first to come back.
          const soonest = candidates.reduce((best, candidate) =>
            this.#readyAt(candidate) < this.#readyAt(best) ? candidate : best,
          );
          if (!Number.isFinite(this.#readyAt(soonest))) break;
          target = soonest;
          waitMs = this.#readyAt(soonest) - now;
        }
        if (waitMs > 0 || retryingSameTarget) {
          if (waitMs > policy.maxWaitMs || now + waitMs >= context.deadlineAt) break;
          this.options.events.emit({
            type: 'retry-scheduled',
            requestId: request.requestId,
            task: request.task,
            route: request.route.name,
            provider: target.provider,
            model: target.label,
            delayMs: waitMs,
            reason: lastError?.code ?? 'provider_rate_limited',
          });
          await abortableSleep(waitMs, signal);
        }
        if (previous && lastError && previous.key !== target.key) {
          this.options.events.emit({
            type: 'failover',
            requestId: request.requestId,
            task: request.task,
            route: request.route.name,
            from: { provider: previous.provider, model: previous.label },
            to: { provider: target.provider, model: target.label },
            reason: lastError.code,
          });
        }

        attemptNumber += 1;
        const hedgeWith =
          attemptNumber === 1 && request.hedge ? ready.find((candidate) => candidate !== target) : undefined;
        const outcome = hedgeWith
          ? await this.#hedged(context, target, hedgeWith, attemptNumber)
          : await this.#attempt(context, target, attemptNumber, false, undefined);
        if (outcome.ok) {
          const { value, target, release, abort, settle } = outcome;
          return { value, target, release, abort, settle };
        }

        lastError = outcome.error;
        previous = outcome.target;
        tries ??= new Map();
        tries.set(outcome.target.key, (tries.get(outcome.target.key) ?? 0) + 1);
        const kind = classifyFailure(outcome.error);
        if (kind === 'fatal') throw outcome.error;
        if (!request.resendable(outcome.target) && !provablyNotReceived(outcome.error)) {
          throw new InfermuxError({
            code: outcome.error.code,
            message: `${outcome.error.message}. Not retried: the request may have reached ${outcome.target.provider}, and a second submission could start a second paid job (the provider takes no idempotency key).`,
            provider: outcome.error.provider,
            status: outcome.error.status,
            retryable: false,
            requestId: outcome.error.requestId,
            details: outcome.error.details,
            cause: outcome.error,
          });
        }
        if (kind === 'skip-target') {
          skipped ??= new Set();
          skipped.add(outcome.target.key);
        }
      }
      throw this.#exhausted(context, lastError);
    } catch (error) {
      throw this.#translate(error, context);
    }
  }

  /** Currently eligible targets in strategy order, then the rest (cooling down, breaker open) in configured order. */
  #rank(route: Route): readonly RouteTarget[] {
    // One target has one order: no strategy and no copies (every implicit `provider:model` route).
    if (route.targets.length === 1) return route.targets;
    let strategy = this.#strategies.get(route.name);
    if (!strategy) {
      strategy = createStrategy(route.strategy, this.options.prices);
      if (route.configured) this.#strategies.set(route.name, strategy);
    }
    const now = Date.now();
    const eligible = route.targets.filter((target) => this.#readyAt(target) <= now);
    const ranked = strategy.rank(eligible, { stats: this.stats, random: this.#random });
    return [...ranked, ...route.targets.filter((target) => !eligible.includes(target))];
  }

  /** When a target may be tried: now, after its Retry-After, or never for this request (breaker open). */
  #readyAt(target: RouteTarget): number {
    if (!this.breakerFor(target).canPass()) return Number.POSITIVE_INFINITY;
    return this.stats.get(target).coolingUntil;
  }

  /** Sends to `primary`; if it has not answered within its recent p95, also to `secondary`. First success wins. */
  async #hedged<R>(
    context: LoopContext<R>,
    primary: RouteTarget,
    secondary: RouteTarget,
    attemptNumber: number,
  ): Promise<Outcome<R>> {
    const hedge = context.request.route.hedge ?? {};
    const p95 = this.stats.get(primary).p95();
    const delayMs = Math.max(hedge.minDelayMs ?? 0, p95 ?? hedge.delayMs ?? DEFAULT_HEDGE_DELAY_MS);
    const first = this.#start(context, primary, attemptNumber, false);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hedgeDue = new Promise<'hedge'>((resolve) => {
      timer = setTimeout(() => resolve('hedge'), delayMs);
    });
    const early = await Promise.race([first.done, hedgeDue]);
    clearTimeout(timer);
    if (early !== 'hedge') return early;
    const second = this.#start(context, secondary, attemptNumber, true);
    const racers = [first, second];
    const winner = await Promise.race(racers.map((racer) => racer.done.then((outcome) => ({ racer, outcome }))));
    const other = racers.find((racer) => racer !== winner.racer) as RunningAttempt<R>;
    if (winner.outcome.ok) {
      other.cancel();
      await other.done;
      return winner.outcome;
    }
    return other.done;
  }

  /** A hedged attempt: the losing one is cancelled, so it gets its own signal (linked to the call's). */
  #start<R>(context: LoopContext<R>, target: RouteTarget, attemptNumber: number, hedged: boolean): RunningAttempt<R> {
    const cancellable = { link: undefined as LinkedSignal | undefined, cancelled: false };
    return {
      target,
      cancel: () => {
        cancellable.cancelled = true;
        cancellable.link?.abort(new Error('hedge lost'));
      },
      done: this.#attempt(context, target, attemptNumber, hedged, cancellable),
    };
  }

  /** One attempt: breaker, rate limit, the provider's call, and what it teaches about the target. */
  async #attempt<R>(
    context: LoopContext<R>,
    target: RouteTarget,
    attemptNumber: number,
    hedged: boolean,
    cancellable: { link: LinkedSignal | undefined; cancelled: boolean } | undefined,
  ): Promise<Outcome<R>> {
    const { request } = context;
    const { events, limiter } = this.options;
    const startedAt = Date.now();
    if (!this.#withBreaker(target, request.requestId, tryAcquire)) {
      const error = new InfermuxError({
        code: 'gateway_circuit_open',
        message: `The circuit breaker for ${target.key} is open`,
        provider: target.provider,
      });
      this.#finish(context, target, attemptNumber, hedged, startedAt, error);
      return { ok: false, error, target };
    }
    const stats = this.stats.get(target);
    const deadline = new AttemptDeadline(context.deadlineAt);
    // A target whose attempts reach core's transport (which ends them at `deadline`) runs on the
    // call's signal. A hedge that may lose needs a controller; so does a target not yet seen to
    // hand the deadline to the transport, plus a timer of ours that enforces it.
    let link: LinkedSignal | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (cancellable || !stats.transportDeadline) {
      link = linkSignals([context.signal]);
      if (cancellable) {
        cancellable.link = link;
        if (cancellable.cancelled) link.abort(new Error('hedge lost'));
      }
      if (!stats.transportDeadline)
        timer = setTimeout(expireDeadline, Math.max(0, context.deadlineAt - Date.now()), deadline, link);
    }
    const signal = link ? link.signal : context.signal;
    let error: InfermuxError;
    // Most providers have no limit: then there is nothing to wait for, so no await.
    if (limiter.hasLimit(target.provider)) {
      try {
        await limiter.acquire(
          target.provider,
          signal,
          (waitMs) =>
            events.emit({ type: 'rate-limit-wait', requestId: request.requestId, provider: target.provider, waitMs }),
          deadline,
        );
      } catch (caught) {
        error = this.#attemptFailed(caught, context, deadline, timer, link, cancellable);
        this.#withBreaker(target, request.requestId, releaseSlot);
        this.#finish(context, target, attemptNumber, hedged, startedAt, error);
        return { ok: false, error, target };
      }
    }

    stats.outstanding += 1;
    if (events.listensTo('attempt-start'))
      events.emit({ type: 'attempt-start', ...this.#attemptFields(context, target, attemptNumber, hedged) });
    try {
      const value = await request.run(target, signal, deadline);
      clearTimeout(timer);
      stats.transportDeadline = deadline.upstream !== undefined;
      const latencyMs = Date.now() - startedAt;
      if (!request.holdSignal) {
        stats.recordLatency(latencyMs);
        this.#withBreaker(target, request.requestId, recordSuccess);
        this.#finish(context, target, attemptNumber, hedged, startedAt, undefined);
        link?.dispose();
        return { ok: true, value, target, release: noRelease, abort: noAbort, settle: noSettle };
      }
      // A stream handed on: the deadline covered reaching its first content, not reading the rest.
      // Its outcome (one per attempt) is known once it ends: `settle` counts it then.
      deadline.at = Number.POSITIVE_INFINITY;
      let settled = false;
      const settle = (error?: InfermuxError): void => {
        if (settled) return;
        settled = true;
        this.#settleHeld(context, target, attemptNumber, hedged, startedAt, latencyMs, error);
      };
      // The attempt's own controller if it has one, else the transport call it ran.
      return {
        ok: true,
        value,
        target,
        release: link ? link.dispose : noRelease,
        abort: link ? link.abort : (reason) => deadline.upstream?.abort(reason),
        settle,
      };
    } catch (caught) {
      stats.transportDeadline = deadline.upstream !== undefined;
      error = this.#attemptFailed(caught, context, deadline, timer, link, cancellable);
      this.#withBreaker(target, request.requestId, countsAgainstHealth(error) ? recordFailure : releaseSlot);
      const hint = retryHintMs(error);
      if (hint !== undefined && error.retryable) {
        stats.coolingUntil = Math.max(stats.coolingUntil, Date.now() + hint);
        this.options.targetState?.publish({ target: target.key, coolingUntil: stats.coolingUntil });
      }
      this.#finish(context, target, attemptNumber, hedged, startedAt, error);
      return { ok: false, error, target };
    } finally {
      stats.outstanding -= 1;
    }
  }

  /**
   * The one outcome of a stream handed on: a success (with its time to first content as the latency
   * sample) when it completed, a failure when it broke, nothing learnt when the caller stopped it.
   */
  #settleHeld(
    context: LoopContext<unknown>,
    target: RouteTarget,
    attemptNumber: number,
    hedged: boolean,
    startedAt: number,
    latencyMs: number,
    error: InfermuxError | undefined,
  ): void {
    const { requestId } = context.request;
    if (!error) {
      this.stats.get(target).recordLatency(latencyMs);
      this.#withBreaker(target, requestId, recordSuccess);
    } else this.#withBreaker(target, requestId, countsAgainstHealth(error) ? recordFailure : releaseSlot);
    this.#finish(context, target, attemptNumber, hedged, startedAt, error);
  }

  /** An attempt failed: its timer and controller go, and the failure is named (deadline, lost hedge, caller). */
  #attemptFailed(
    caught: unknown,
    context: LoopContext<unknown>,
    deadline: AttemptDeadline,
    timer: ReturnType<typeof setTimeout> | undefined,
    link: LinkedSignal | undefined,
    cancellable: { cancelled: boolean } | undefined,
  ): InfermuxError {
    clearTimeout(timer);
    link?.dispose();
    if (deadline.expired || cutAtDeadline(caught)) context.deadlineExpired = true;
    return this.#translate(caught, context, cancellable?.cancelled === true);
  }

  /** Records a finished attempt on the call, and reports it when someone listens. */
  #finish(
    context: LoopContext<unknown>,
    target: RouteTarget,
    attemptNumber: number,
    hedged: boolean,
    startedAt: number,
    error: InfermuxError | undefined,
  ): void {
    const durationMs = Date.now() - startedAt;
    const attempt: Attempt = { provider: target.provider, model: target.label, startedAt, durationMs };
    if (error) {
      attempt.errorCode = error.code;
      const upstreamStatus = error.details?.upstreamStatus;
      if (typeof upstreamStatus === 'number') attempt.status = upstreamStatus;
    }
    if (hedged) attempt.hedged = true;
    context.request.attempts.push(attempt);
    const { events } = this.options;
    if (!events.listensTo('attempt-end')) return;
    // Written out rather than spread from `#attemptFields`: one object, not two and a copy, per attempt.
    const { request } = context;
    const event: Omit<AttemptEndEvent, 'timestamp'> = {
      type: 'attempt-end',
      requestId: request.requestId,
      task: request.task,
      route: request.route.name,
      provider: target.provider,
      model: target.label,
      attempt: attemptNumber,
      hedged,
      durationMs,
    };
    if (error) {
      event.errorCode = error.code;
      if (attempt.status) event.status = attempt.status;
    }
    events.emit(event);
  }

  /** What attempt-start and attempt-end events share; built only when someone listens. */
  #attemptFields(context: LoopContext<unknown>, target: RouteTarget, attempt: number, hedged: boolean) {
    const { request } = context;
    return {
      requestId: request.requestId,
      task: request.task,
      route: request.route.name,
      provider: target.provider,
      model: target.label,
      attempt,
      hedged,
    };
  }

  /** Names aborts for what they were: the caller's, the deadline's, or a hedge that lost. */
  #translate(error: unknown, context: LoopContext<unknown>, hedgeLost = false): InfermuxError {
    const callerAborted = context.request.signal?.aborted === true;
    if (!callerAborted && context.deadlineExpired) {
      if (InfermuxError.isInstance(error) && error.code === 'gateway_timeout') return error;
      return new InfermuxError({
        code: 'gateway_timeout',
        message: `Route "${context.request.route.name}" did not complete within its deadline of ${context.policy.deadlineMs} ms (retry.deadlineMs)`,
        details: { deadlineMs: context.policy.deadlineMs, attempts: context.request.attempts },
        cause: error,
      });
    }
    if (!callerAborted && hedgeLost) {
      return new InfermuxError({
        code: 'caller_aborted',
        message: 'Cancelled: a hedged copy answered first',
        details: { hedgeLost: true },
        cause: error,
      });
    }
    // The caller's own abort (its reason is whatever it passed, a DOMException by default) is never an internal error.
    if (callerAborted && !(InfermuxError.isInstance(error) && error.code === 'caller_aborted')) {
      return new InfermuxError({
        code: 'caller_aborted',
        message: 'Cancelled: the caller aborted the request',
        cause: error,
      });
    }
    return InfermuxError.from(error, { code: 'gateway_internal' });
  }

  #exhausted(context: LoopContext<unknown>, lastError: InfermuxError | undefined): InfermuxError {
    const { route, attempts } = context.request;
    const elapsed = Date.now() - context.startedAt;
    if (!lastError) {
      const reopensAt = Math.min(
        ...route.targets.map((target) => this.breakerFor(target).reopensAt ?? Number.POSITIVE_INFINITY),
      );
      return new InfermuxError({
        code: 'gateway_circuit_open',
        message: `No target of "${route.name}" is available: ${route.targets.map((target) => `${target.key} (breaker ${this.breakerFor(target).state})`).join(', ')}`,
        ...(Number.isFinite(reopensAt) ? { retryAfterMs: Math.max(0, reopensAt - Date.now()) } : {}),
        details: { attempts },
      });
    }
    const summary = attempts
      .map(
        (attempt) =>
          `${attempt.provider}:${attempt.model} → ${attempt.errorCode ?? 'ok'}${attempt.status ? ` (HTTP ${attempt.status})` : ''} in ${attempt.durationMs} ms`,
      )
      .join('; ');
    if (route.targets.length === 1) {
      return new InfermuxError({
        code: lastError.code,
        message: `${lastError.message} (gave up after ${attempts.length} attempt${attempts.length === 1 ? '' : 's'} in ${elapsed} ms: ${summary})`,
        provider: lastError.provider,
        status: lastError.status,
        retryable: lastError.retryable,
        retryAfterMs: lastError.retryAfterMs,
        requestId: lastError.requestId,
        details: { ...lastError.details, attempts },
        cause: lastError,
      });
    }
    return new InfermuxError({
      code: 'gateway_all_targets_failed',
      message: `All targets of "${route.name}" failed after ${attempts.length} attempts in ${elapsed} ms: ${summary}. Last error: ${lastError.message}`,
      retryAfterMs: lastError.retryAfterMs,
      details: { attempts, lastErrorCode: lastError.code },
      cause: lastError,
    });
  }
}

interface LoopContext<R> {
  request: ExecuteRequest<R>;
  policy: RetryPolicy;
  /** The caller's. */
  signal: AbortSignal | undefined;
  /** Set once an attempt or a wait was cut at the deadline. */
  deadlineExpired: boolean;
  deadlineAt: number;
  startedAt: number;
}

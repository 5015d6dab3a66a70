import { InfermuxError } from '../errors/infermux-error';
import { abortableSleep } from './abortable-sleep';
import type { RouteDeadline } from './attempt-deadline';
import type { ProviderLimitConfig } from './routing-config';

/**
 * Where token buckets live. `reserve` must be atomic per key (a Lua script in Redis), so
 * several gateway processes can share one limit.
 */
export interface RateLimitStorage {
  /**
   * Takes `cost` tokens from bucket `key` (refilling at `ratePerMs` up to `capacity`), letting the
   * balance go negative by reservation. Returns how long the caller must wait for its tokens, or
   * `granted: false` (and nothing taken) when that wait would exceed `maxWaitMs` or the queue is full.
   */
  reserve(
    key: string,
    request: { cost: number; ratePerMs: number; capacity: number; maxWaitMs: number; maxQueue: number; now: number },
  ): Promise<{ granted: boolean; waitMs: number }>;
  /** Returns tokens (a waiter gave up before its turn). */
  refund(key: string, cost: number): Promise<void>;
  /** Takes tokens after the fact (tokens per minute, known only from usage); may go negative. */
  consume(key: string, cost: number, bucket: { ratePerMs: number; capacity: number; now: number }): Promise<void>;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class MemoryRateLimitStorage implements RateLimitStorage {
  readonly #buckets = new Map<string, Bucket>();

  #refill(key: string, ratePerMs: number, capacity: number, now: number): Bucket {
    const bucket = this.#buckets.get(key) ?? { tokens: capacity, updatedAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + Math.max(0, now - bucket.updatedAt) * ratePerMs);
    bucket.updatedAt = now;
    this.#buckets.set(key, bucket);
    return bucket;
  }

  async reserve(
    key: string,
    request: { cost: number; ratePerMs: number; capacity: number; maxWaitMs: number; maxQueue: number; now: number },
  ) {
    const bucket = this.#refill(key, request.ratePerMs, request.capacity, request.now);
    const after = bucket.tokens - request.cost;
    const waitMs = after >= 0 ? 0 : Math.ceil(-after / request.ratePerMs);
    // Each whole token of debt is one request already waiting in line.
    const queued = Math.max(0, Math.ceil(-bucket.tokens));
    if (waitMs > 0 && (waitMs > request.maxWaitMs || queued >= request.maxQueue)) return { granted: false, waitMs };
    bucket.tokens = after;
    return { granted: true, waitMs };
  }

  async refund(key: string, cost: number) {
    const bucket = this.#buckets.get(key);
    if (bucket) bucket.tokens += cost;
  }

  async consume(key: string, cost: number, bucket: { ratePerMs: number; capacity: number; now: number }) {
    this.#refill(key, bucket.ratePerMs, bucket.capacity, bucket.now).tokens -= cost;
  }
}

export interface RateLimiterOptions {
  limits?: Record<string, ProviderLimitConfig>;
  storage?: RateLimitStorage;
}

const DEFAULT_MAX_WAIT_MS = 30_000;
const DEFAULT_MAX_QUEUE = 1_000;

/**
 * Token buckets per provider: requests per second (taken before each call) and tokens per
 * minute (charged from reported usage after it; a provider in token debt makes the next call
 * wait). Waits are bounded by `maxWaitMs` and `maxQueue`; beyond them, `policy_rate_limited`.
 */
export class RateLimiter {
  readonly #limits: Record<string, ProviderLimitConfig>;
  readonly #storage: RateLimitStorage;

  constructor(options: RateLimiterOptions = {}) {
    this.#limits = options.limits ?? {};
    this.#storage = options.storage ?? new MemoryRateLimitStorage();
  }

  hasLimit(provider: string): boolean {
    return this.#limits[provider] !== undefined;
  }

  /** True when usage is charged against a tokens-per-minute budget for this provider. */
  countsTokens(provider: string): boolean {
    return this.#limits[provider]?.tokensPerMinute !== undefined;
  }

  /**
   * Waits for the provider's next slot; `onWait` hears how long when it has to wait. A wait that
   * reaches `deadline` ends there (marking it expired) with the slot given back.
   */
  async acquire(
    provider: string,
    signal?: AbortSignal,
    onWait?: (waitMs: number) => void,
    deadline?: RouteDeadline,
  ): Promise<void> {
    const limit = this.#limits[provider];
    if (!limit) return;
    const maxWaitMs = limit.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    const maxQueue = limit.maxQueue ?? DEFAULT_MAX_QUEUE;
    let waitMs = 0;
    if (limit.requestsPerSecond !== undefined) {
      const ratePerMs = limit.requestsPerSecond / 1000;
      const capacity = limit.burst ?? Math.max(1, Math.floor(limit.requestsPerSecond));
      const reservation = await this.#storage.reserve(`${provider}:rps`, {
        cost: 1,
        ratePerMs,
        capacity,
        maxWaitMs,
        maxQueue,
        now: Date.now(),
      });
      if (!reservation.granted) throw this.#limited(provider, limit, reservation.waitMs, 'requests per second');
      waitMs = reservation.waitMs;
    }
    if (limit.tokensPerMinute !== undefined) {
      // Cost 0: only waits until the token balance is back above zero.
      const reservation = await this.#storage.reserve(`${provider}:tpm`, {
        cost: 0,
        ...this.#tokenBucket(limit.tokensPerMinute),
        maxWaitMs,
        maxQueue: Number.POSITIVE_INFINITY,
        now: Date.now(),
      });
      if (!reservation.granted) {
        if (limit.requestsPerSecond !== undefined) await this.#storage.refund(`${provider}:rps`, 1);
        throw this.#limited(provider, limit, reservation.waitMs, 'tokens per minute');
      }
      waitMs = Math.max(waitMs, reservation.waitMs);
    }
    if (waitMs <= 0) return;
    onWait?.(waitMs);
    try {
      const sleepMs = deadline ? Math.min(waitMs, deadline.at - Date.now()) : waitMs;
      await abortableSleep(sleepMs, signal);
      if (deadline && sleepMs < waitMs) {
        deadline.expired = true;
        throw new Error(`The deadline came before the next slot of provider "${provider}"`);
      }
    } catch (error) {
      if (limit.requestsPerSecond !== undefined) await this.#storage.refund(`${provider}:rps`, 1);
      throw error;
    }
  }

  /** Charges tokens a call used (input + output) against the provider's tokens-per-minute budget. */
  async consumeTokens(provider: string, tokens: number): Promise<void> {
    const limit = this.#limits[provider];
    if (!limit?.tokensPerMinute || tokens <= 0) return;
    await this.#storage.consume(`${provider}:tpm`, tokens, {
      ...this.#tokenBucket(limit.tokensPerMinute),
      now: Date.now(),
    });
  }

  #tokenBucket(tokensPerMinute: number) {
    return { ratePerMs: tokensPerMinute / 60_000, capacity: tokensPerMinute };
  }

  #limited(provider: string, limit: ProviderLimitConfig, waitMs: number, what: string): InfermuxError {
    return new InfermuxError({
      code: 'policy_rate_limited',
      message: `Rate limit for provider "${provider}" (${what}) reached: the next slot is ${waitMs} ms away, beyond limits.providers.${provider}.maxWaitMs (${limit.maxWaitMs ?? DEFAULT_MAX_WAIT_MS} ms) or its queue (maxQueue ${limit.maxQueue ?? DEFAULT_MAX_QUEUE})`,
      provider,
      retryAfterMs: waitMs,
      details: { limit: `limits.providers.${provider}`, waitMs },
    });
  }
}

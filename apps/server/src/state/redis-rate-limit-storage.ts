import { MemoryRateLimitStorage, type RateLimitStorage } from '@infermux/core';
import type { RedisState } from './redis-state';
import type { StateAvailability } from './state-availability';
import { fallBack, type UnavailablePolicies } from './state-unavailable';

type ReserveRequest = Parameters<RateLimitStorage['reserve']>[1];
type Bucket = Parameters<RateLimitStorage['consume']>[2];

/**
 * Core's per-provider token buckets (requests per second, tokens per minute) in Redis, shared by every replica:
 * each operation is one Lua script. When Redis cannot be reached, this process's own buckets under
 * `state.onUnavailable.limits` (or a 503).
 */
export class RedisRateLimitStorage implements RateLimitStorage {
  readonly #local = new MemoryRateLimitStorage();

  constructor(
    private readonly state: RedisState,
    private readonly availability: StateAvailability,
    private readonly policies: UnavailablePolicies,
  ) {}

  #key(bucket: string): string {
    return this.state.key('bucket', bucket);
  }

  async reserve(key: string, request: ReserveRequest): Promise<{ granted: boolean; waitMs: number }> {
    try {
      const [granted, waitMs] = (await this.state.run((redis) =>
        redis.imxBucketReserve(
          1,
          this.#key(key),
          request.cost,
          request.ratePerMs,
          request.capacity,
          request.maxWaitMs,
          Number.isFinite(request.maxQueue) ? request.maxQueue : -1,
          request.now,
        ),
      )) as [number, number];
      return { granted: granted === 1, waitMs: Number(waitMs) };
    } catch {
      fallBack(this.availability, this.policies, ['limits']);
      return this.#local.reserve(key, request);
    }
  }

  async refund(key: string, cost: number): Promise<void> {
    try {
      await this.state.run((redis) => redis.imxBucketRefund(1, this.#key(key), cost));
    } catch {
      await this.#local.refund(key, cost);
    }
  }

  async consume(key: string, cost: number, bucket: Bucket): Promise<void> {
    try {
      await this.state.run((redis) =>
        redis.imxBucketConsume(1, this.#key(key), cost, bucket.ratePerMs, bucket.capacity, bucket.now),
      );
    } catch {
      await this.#local.consume(key, cost, bucket);
    }
  }
}

import { InfermuxError, type KeyLimits } from '@infermux/core';
import type { GatewayKey } from '../keys/gateway-key';
import { TokenBucket } from './token-bucket';

/**
 * Per-key requests per minute, in memory (one gateway process). A request's cost here is known at admission
 * (one), so taking it is exact under concurrency; tokens and money go through reservations (`KeyAdmission`).
 */
export class KeyLimiter {
  private readonly buckets = new Map<string, TokenBucket | undefined>();

  constructor(private readonly defaults: KeyLimits) {}

  /** Admits one request or throws a 429 with the time to wait. */
  admit(key: GatewayKey, now = Date.now()): void {
    let bucket = this.buckets.get(key.id);
    if (!this.buckets.has(key.id)) {
      const rpm = key.rpm ?? this.defaults.rpm;
      bucket = rpm === undefined ? undefined : new TokenBucket(rpm, now);
      this.buckets.set(key.id, bucket);
    }
    if (!bucket) return;
    const wait = bucket.take(1, now);
    if (wait > 0) {
      throw new InfermuxError({
        code: 'policy_rate_limited',
        // The same rounding as the Retry-After header, so the two always agree.
        message: `Gateway key "${key.name}" is over its limit of ${bucket.capacity} requests per minute; retry in ${Math.ceil(wait / 1000)} s.`,
        retryAfterMs: wait,
        details: { key: key.name, limit: bucket.capacity, unit: 'requests per minute' },
      });
    }
  }
}

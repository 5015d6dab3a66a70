import { InfermuxError, type KeyLimits } from '@infermux/core';
import type { GatewayKey } from '../keys/gateway-key';
import { TokenBucket } from './token-bucket';

interface KeyBuckets {
  requests?: TokenBucket;
  tokens?: TokenBucket;
}

function rateLimited(key: GatewayKey, what: string, limit: number, waitMs: number): InfermuxError {
  return new InfermuxError({
    code: 'policy_rate_limited',
    message: `Gateway key "${key.name}" is over its limit of ${limit} ${what} per minute; retry in ${Math.ceil(waitMs / 1000)} s.`,
    retryAfterMs: waitMs,
    details: { key: key.name, limit, unit: `${what} per minute` },
  });
}

/** Per-key requests-per-minute and tokens-per-minute, in memory (one gateway process). */
export class KeyLimiter {
  private readonly buckets = new Map<string, KeyBuckets>();

  constructor(private readonly defaults: KeyLimits) {}

  private bucketsFor(key: GatewayKey, now: number): KeyBuckets {
    let buckets = this.buckets.get(key.id);
    if (!buckets) {
      buckets = {};
      const rpm = key.rpm ?? this.defaults.rpm;
      const tpm = key.tpm ?? this.defaults.tpm;
      if (rpm !== undefined) buckets.requests = new TokenBucket(rpm, now);
      if (tpm !== undefined) buckets.tokens = new TokenBucket(tpm, now);
      this.buckets.set(key.id, buckets);
    }
    return buckets;
  }

  /** Admits one request or throws a 429 with the time to wait. */
  admit(key: GatewayKey, now = Date.now()): void {
    const buckets = this.bucketsFor(key, now);
    if (buckets.tokens) {
      const wait = buckets.tokens.waitForPositive(now);
      if (wait > 0) throw rateLimited(key, 'tokens', buckets.tokens.capacity, wait);
    }
    if (buckets.requests) {
      const wait = buckets.requests.take(1, now);
      if (wait > 0) throw rateLimited(key, 'requests', buckets.requests.capacity, wait);
    }
  }

  /** Books the tokens a finished request used. */
  spendTokens(key: GatewayKey, tokens: number, now = Date.now()): void {
    if (tokens > 0) this.buckets.get(key.id)?.tokens?.spend(tokens, now);
  }
}

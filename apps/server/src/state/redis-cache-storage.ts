import { deserialize, serialize } from 'node:v8';
import type { CacheStorage } from '@infermux/core';
import type { RedisState } from './redis-state';

/**
 * Core's response cache in Redis, shared by every replica, under the same keys core computes (task, model and
 * canonical input). Bounded: at most `maxEntries` (the oldest written go first) and each under `maxEntryBytes`,
 * with the TTL core asks for. Values keep their binary parts (v8 serialization); one that cannot be serialized
 * is not cached. Redis unreachable: a miss, and nothing stored (the cache never refuses a request).
 */
export class RedisCacheStorage<Value> implements CacheStorage<Value> {
  constructor(
    private readonly state: RedisState,
    private readonly maxEntries: number,
    private readonly maxEntryBytes: number,
  ) {}

  #entry(key: string): string {
    return this.state.key('cache', key);
  }

  async get(key: string): Promise<Value | undefined> {
    try {
      const bytes = await this.state.run((redis) => redis.getBuffer(this.#entry(key)));
      return bytes ? (deserialize(bytes) as Value) : undefined;
    } catch {
      this.state.availability.fallback('cache', 'skipped');
      return undefined;
    }
  }

  async set(key: string, value: Value, ttlMs: number): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = serialize(value);
    } catch {
      return;
    }
    if (bytes.byteLength > this.maxEntryBytes) return;
    try {
      await this.state.run((redis) =>
        redis.imxCacheSet(
          2,
          this.#entry(key),
          this.state.key('cache-index'),
          bytes,
          Math.max(1, Math.round(ttlMs)),
          Date.now(),
          this.maxEntries,
          key,
          this.#entry(''),
        ),
      );
    } catch {
      this.state.availability.fallback('cache', 'skipped');
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.state.run((redis) => redis.del(this.#entry(key)));
    } catch {
      this.state.availability.fallback('cache', 'skipped');
    }
  }
}

import type { CacheConfig } from './routing-config';

/** Where cached responses live; async so the server can put it in Redis. */
export interface CacheStorage<Value = unknown> {
  get(key: string): Promise<Value | undefined>;
  set(key: string, value: Value, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * An LRU with per-entry expiry on a Map (insertion order = recency). Small enough that a
 * dependency (lru-cache) would add more surface than it saves.
 */
export class MemoryCacheStorage<Value = unknown> implements CacheStorage<Value> {
  readonly #entries = new Map<string, { value: Value; expiresAt: number }>();

  constructor(private readonly maxEntries = 1_000) {}

  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<Value | undefined> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= Date.now()) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  async set(key: string, value: Value, ttlMs: number): Promise<void> {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }
}

export interface CachePolicy {
  enabled: boolean;
  maxEntries: number;
  ttlMs: number;
  floatingTtlMs: number;
}

export const defaultCachePolicy: CachePolicy = {
  enabled: true,
  maxEntries: 1_000,
  ttlMs: 60 * 60_000,
  floatingTtlMs: 60_000,
};

/**
 * `cache` option of the client: omitted or `false` → no cache (a library should not hold
 * responses unless asked); a config object → enabled with those settings.
 */
export function resolveCachePolicy(config: CacheConfig | boolean | undefined): CachePolicy {
  if (config === undefined || config === false) return { ...defaultCachePolicy, enabled: false };
  if (config === true) return defaultCachePolicy;
  return {
    ...defaultCachePolicy,
    ...Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)),
  };
}

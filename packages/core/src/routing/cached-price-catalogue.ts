import type { ModelRef } from '../model/model-ref';
import type { CataloguePrice, PriceCatalogue } from '../provider/provider-pricing';
import type { PriceConfig } from './routing-config';

export interface CachedPriceCatalogueOptions {
  name: string;
  /** A copy older than this is refreshed in the background on its next lookup. */
  ttlMs: number;
  /** Fetches the whole list; throws when it cannot (the last good copy stays). */
  load(signal?: AbortSignal): Promise<CataloguePrice[]>;
  /** Which models it may price; all when absent. */
  covers?(model: ModelRef): boolean;
  /** Told of each failed load (the copy in use stays the last good one). */
  onError?(error: unknown): void;
  now?: () => number;
}

/** After a failed load, wait at least this long before the next try (never hammer a failing endpoint). */
const MIN_RETRY_MS = 30_000;

function keyOf(id: string, variant: string | undefined): string {
  return variant ? `${id}\n${variant}` : id;
}

/**
 * A price catalogue kept in memory: loaded on demand, refreshed in the background once older than its
 * TTL, and a failed refresh keeps the last good copy (a catalogue outage never unprices calls).
 */
export class CachedPriceCatalogue implements PriceCatalogue {
  readonly name: string;
  #prices: readonly CataloguePrice[] = [];
  #index = new Map<string, PriceConfig>();
  #loadedAt: number | undefined;
  #triedAt: number | undefined;
  #pending: Promise<void> | undefined;
  /** The last load's error, when it failed (shown by `infermux prices`). */
  lastError: unknown;
  readonly #options: CachedPriceCatalogueOptions;
  readonly #now: () => number;

  constructor(options: CachedPriceCatalogueOptions) {
    this.name = options.name;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get fetchedAt(): string | undefined {
    return this.#loadedAt === undefined ? undefined : new Date(this.#loadedAt).toISOString();
  }

  covers(model: ModelRef): boolean {
    return this.#options.covers?.(model) ?? true;
  }

  list(): readonly CataloguePrice[] {
    return this.#prices;
  }

  price(model: ModelRef): PriceConfig | undefined {
    if (this.#stale()) this.refresh().catch(() => undefined);
    return this.#index.get(keyOf(model.id, model.variant));
  }

  refresh(options: { force?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    if (this.#pending) return this.#pending;
    if (!options.force && !this.#stale()) return Promise.resolve();
    this.#triedAt = this.#now();
    this.#pending = this.#options
      .load(options.signal)
      .then((prices) => {
        this.#prices = prices;
        this.#index = new Map(prices.map((entry) => [keyOf(entry.model, entry.variant), entry.price]));
        this.#loadedAt = this.#now();
        this.lastError = undefined;
      })
      .catch((error: unknown) => {
        this.lastError = error;
        this.#options.onError?.(error);
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }

  /** True once the copy is past its TTL (or there is none) and no recent try failed. */
  #stale(): boolean {
    const now = this.#now();
    if (this.#loadedAt !== undefined && now - this.#loadedAt < this.#options.ttlMs) return false;
    const sinceTry = this.#triedAt === undefined ? Number.POSITIVE_INFINITY : now - this.#triedAt;
    return sinceTry >= Math.min(this.#options.ttlMs, MIN_RETRY_MS);
  }
}

import type { ModelRef } from '../model/model-ref';
import type { Usage } from '../result/usage';
import type { PriceConfig } from '../routing/routing-config';

/** A price a provider publishes for one model (one of its sub-providers, on a router). */
export interface CataloguePrice {
  model: string;
  /** The router's provider that charges it (HF router: `novita`, `together`, …); absent when the model has one price. */
  variant?: string;
  price: PriceConfig;
}

/**
 * A provider's live price list (the HF router's `GET /v1/models`). Lookups are synchronous, from the
 * last good copy; `refresh` fetches a new one. Core keeps it fresh (see `CachedPriceCatalogue`).
 */
export interface PriceCatalogue {
  /** Shown on every cost priced from it, with the fetch time. */
  readonly name: string;
  /** Every price of the current copy (empty before the first load). */
  list(): readonly CataloguePrice[];
  /** Whether it may price the model at all (so calls it cannot price never wait for it or fetch it). */
  covers(model: ModelRef): boolean;
  /** The price of the model (for a router, its sub-provider named by the variant), from the current copy. */
  price(model: ModelRef): PriceConfig | undefined;
  /** The last load's error when it failed (the copy in use is then the last good one). */
  readonly lastError?: unknown;
  /** ISO time of the current copy; undefined before the first successful load. */
  readonly fetchedAt: string | undefined;
  /** Loads a new copy when the current one is older than its TTL (or `force`); a failure keeps the last good copy. */
  refresh(options?: { force?: boolean; signal?: AbortSignal }): Promise<void>;
}

/** One entry of an adapter's shipped price table, with where its number comes from. */
export interface DefaultPriceEntry {
  /** A model id, or `*` for every model of the provider. */
  model: string;
  /** Applies only to calls whose usage reports this hardware (`x-compute-type`). */
  computeType?: string;
  /** Applies only to calls whose usage reports one of these (so a credit rate never prices token-only chat as 0). */
  reports?: ReadonlyArray<keyof Usage>;
  /** Applies only to calls on this router variant (`hf-inference`); `''` = no variant. */
  variants?: readonly string[];
  price: PriceConfig;
  /** Where the number was read. */
  sourceUrl: string;
  /** When it was read (`YYYY-MM-DD`). */
  date: string;
  /** What is not verified about it. */
  note?: string;
}

/** The price table shipped with an adapter, for what no catalogue gives. */
export interface DefaultPriceTable {
  version: string;
  entries: readonly DefaultPriceEntry[];
}

/** What a provider tells core about its prices; every part optional. */
export interface ProviderPricing {
  catalogue?: PriceCatalogue;
  defaults?: DefaultPriceTable;
}

/** The first shipped entry for the model and the call's hardware and variant. */
export function findDefaultPrice(
  table: DefaultPriceTable,
  model: ModelRef,
  usage: Usage | undefined,
): DefaultPriceEntry | undefined {
  const variant = model.variant ?? '';
  return table.entries.find(
    (entry) =>
      (entry.model === '*' || entry.model === model.id) &&
      (entry.computeType === undefined || entry.computeType === usage?.computeType) &&
      (entry.reports === undefined || entry.reports.some((unit) => usage?.[unit] !== undefined)) &&
      (entry.variants === undefined || entry.variants.includes(variant)),
  );
}

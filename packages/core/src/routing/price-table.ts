import type { ModelRef } from '../model/model-ref';
import { findDefaultPrice, type ProviderPricing } from '../provider/provider-pricing';
import type { Cost, PriceSource, Warning } from '../result/result-envelope';
import type { Usage } from '../result/usage';
import type { PriceConfig, PricesConfig } from './routing-config';

export type PriceEntry = PriceConfig;

/** A price and where it came from. */
export interface SourcedPrice {
  price: PriceEntry;
  source: PriceSource;
  /** The configured table's version, `catalogue-name@fetch time`, or the shipped table's version. */
  version: string;
  /** Where a shipped price was read (its source URL). */
  sourceUrl?: string;
}

type ModelKey = Pick<ModelRef, 'id' | 'revision' | 'variant'>;

/**
 * Prices per (provider, model), from the sources in order: the configuration (a route target's own
 * price, then `provider:org/name@revision`, `provider:org/name:variant`, `provider:org/name`,
 * `provider:*`), the provider's live catalogue, the table shipped with the adapter; else unknown.
 */
export class PriceTable {
  readonly version: string;
  readonly #entries: Map<string, PriceEntry>;
  readonly #pricingOf: (provider: string) => ProviderPricing | undefined;

  constructor(
    config: PricesConfig = {},
    pricingOf: (provider: string) => ProviderPricing | undefined = () => undefined,
  ) {
    this.version = config.version ?? 'unversioned';
    this.#entries = new Map(Object.entries(config.models ?? {}));
    this.#pricingOf = pricingOf;
  }

  /** The configured prices, keyed as in the configuration. */
  configured(): ReadonlyArray<[string, PriceEntry]> {
    return [...this.#entries];
  }

  /** The configured price only (overrides). */
  lookup(provider: string, model: ModelKey, override?: PriceEntry): PriceEntry | undefined {
    if (override) return override;
    if (model.revision) {
      const exact = this.#entries.get(`${provider}:${model.id}@${model.revision}`);
      if (exact) return exact;
    }
    if (model.variant) {
      const routed = this.#entries.get(`${provider}:${model.id}:${model.variant}`);
      if (routed) return routed;
    }
    return this.#entries.get(`${provider}:${model.id}`) ?? this.#entries.get(`${provider}:*`);
  }

  /** The first source that prices the call; `usage` picks hardware-specific shipped prices. */
  resolve(provider: string, model: ModelKey, usage?: Usage, override?: PriceEntry): SourcedPrice | undefined {
    const configured = this.lookup(provider, model, override);
    if (configured) return { price: configured, source: 'config', version: this.version };
    const pricing = this.#pricingOf(provider);
    const catalogue = pricing?.catalogue;
    const listed = catalogue?.covers(model) ? catalogue.price(model) : undefined;
    if (catalogue && listed)
      return { price: listed, source: 'catalogue', version: `${catalogue.name}@${catalogue.fetchedAt}` };
    const shipped = pricing?.defaults && findDefaultPrice(pricing.defaults, model, usage);
    if (shipped && pricing?.defaults) {
      return {
        price: shipped.price,
        source: 'default',
        version: pricing.defaults.version,
        sourceUrl: shipped.sourceUrl,
      };
    }
    return undefined;
  }

  /** The price of a call from any source (for estimates and ranking); undefined when unknown. */
  priceOf(provider: string, model: ModelKey, override?: PriceEntry): PriceEntry | undefined {
    return this.resolve(provider, model, undefined, override)?.price;
  }

  /**
   * Whether some source may price a call before it is made: a configured or catalogue price, or a shipped
   * entry for the model whose conditions (hardware, reported credits) only the answer will settle.
   */
  mayPrice(provider: string, model: ModelKey, override?: PriceEntry): boolean {
    if (this.resolve(provider, model, undefined, override)) return true;
    const variant = model.variant ?? '';
    return (this.#pricingOf(provider)?.defaults?.entries ?? []).some(
      (entry) =>
        (entry.model === '*' || entry.model === model.id) &&
        (entry.variants === undefined || entry.variants.includes(variant)),
    );
  }

  /** The cost of one call; null when no source prices it (never 0). */
  cost(usage: Usage, sourced: SourcedPrice | undefined): Cost | null {
    if (!sourced) return null;
    const { amount, currency } = priceUsage(usage, sourced.price);
    const cost: Cost = { amount, currency, source: sourced.source, priceVersion: sourced.version };
    // Credits held at submission, with no final charge reported: a quote.
    if (usage.credits === undefined && usage.creditsReserved !== undefined && sourced.price.perCredit !== undefined)
      cost.basis = 'quote';
    return cost;
  }

  /** Resolves and prices in one step. */
  costOf(provider: string, model: ModelKey, usage: Usage, override?: PriceEntry): Cost | null {
    return this.cost(usage, this.resolve(provider, model, usage, override));
  }

  /**
   * Waits for the first load of the providers' catalogues (once: afterwards lookups use the cached copy
   * and refresh in the background); undefined, no promise, when there is nothing to wait for.
   */
  warm(targets: Iterable<{ provider: string; model: ModelKey }>): Promise<void> | undefined {
    let waits: Array<Promise<void>> | undefined;
    for (const { provider, model } of targets) {
      const catalogue = this.#pricingOf(provider)?.catalogue;
      if (!catalogue || catalogue.fetchedAt !== undefined || !catalogue.covers(model)) continue;
      waits ??= [];
      waits.push(catalogue.refresh());
    }
    return waits && Promise.all(waits).then(() => undefined);
  }
}

/** The `cost_unknown` warning a result carries when nothing priced it. */
export function costUnknownWarning(provider: string, model: ModelKey): Warning {
  const name = `${provider}:${model.id}${model.variant ? `:${model.variant}` : ''}`;
  return {
    code: 'cost_unknown',
    message: `No price is known for ${name} (not in the configured prices, the provider's catalogue or the shipped table): the cost is unknown, not zero. Set prices.models["${provider}:${model.id}"] to price it.`,
  };
}

const PER_MILLION = 1 / 1_000_000;

/**
 * Applies one price entry to usage. Streamed and non-streamed calls go through here alike. Cached input,
 * cache writes and reasoning are parts of the input and output counts, priced at their own rate when the
 * entry has one (else at the input or output rate).
 */
export function priceUsage(usage: Usage, price: PriceEntry): Omit<Cost, 'priceVersion' | 'source'> {
  const currency = price.currency ?? 'USD';
  // In a credits table a credit is worth one unit unless told otherwise.
  const perCredit = price.perCredit ?? (currency === 'credits' ? 1 : undefined);
  const cached = usage.cachedInputTokens ?? 0;
  const cacheWrites = usage.cacheWriteTokens ?? 0;
  const reasoning = usage.reasoningTokens ?? 0;
  const input = price.inputPerMillionTokens;
  const output = price.outputPerMillionTokens;
  // Plain sums rather than a table of terms: this runs on every call, and the table allocated.
  let amount = price.perRequest ?? 0;
  if (usage.inputTokens !== undefined) {
    amount += term(Math.max(0, usage.inputTokens - cached - cacheWrites), input, PER_MILLION);
    amount += term(cached, price.cachedInputPerMillionTokens ?? input, PER_MILLION);
    amount += term(cacheWrites, price.cacheWritePerMillionTokens ?? input, PER_MILLION);
  }
  if (usage.outputTokens !== undefined) {
    amount += term(Math.max(0, usage.outputTokens - reasoning), output, PER_MILLION);
    amount += term(reasoning, price.reasoningPerMillionTokens ?? output, PER_MILLION);
  }
  amount += term(usage.images, price.perImage);
  amount += term(usage.videoSeconds, price.perVideoSecond);
  amount += term(usage.audioSeconds, price.perAudioSecond);
  amount += term(usage.computeSeconds, price.perComputeSecond);
  amount += term(usage.credits ?? usage.creditsReserved, perCredit);
  return { amount: roundMoney(amount), currency };
}

/** quantity × rate × scale, or 0 when either is unknown. */
function term(quantity: number | undefined, rate: number | undefined, scale = 1): number {
  return quantity !== undefined && rate !== undefined ? quantity * rate * scale : 0;
}

/** Rounds to 1e-10 so sums of tiny per-token prices compare equal however they were added. */
function roundMoney(amount: number): number {
  return Math.round(amount * 1e10) / 1e10;
}

/** A single scalar for ranking targets by price (cost-aware strategy); Infinity when unknown. */
export function unitPrice(price: PriceEntry | undefined): number {
  if (!price) return Number.POSITIVE_INFINITY;
  const tokens = (price.inputPerMillionTokens ?? 0) + (price.outputPerMillionTokens ?? 0);
  const other =
    (price.perImage ?? 0) +
    (price.perVideoSecond ?? 0) +
    (price.perAudioSecond ?? 0) +
    (price.perComputeSecond ?? 0) +
    (price.perCredit ?? 0) +
    (price.perRequest ?? 0);
  return tokens + other;
}

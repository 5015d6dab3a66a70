import type { Cost } from '../result/result-envelope';
import type { Usage } from '../result/usage';
import type { PriceConfig, PricesConfig } from './routing-config';

export type PriceEntry = PriceConfig;

/**
 * A versioned table of prices per (provider, model), in explicit units. Lookup order:
 * a route target's own price, then `provider:org/name@revision`, `provider:org/name`, `provider:*`.
 */
export class PriceTable {
  readonly version: string;
  readonly #entries: Map<string, PriceEntry>;

  constructor(config: PricesConfig = {}) {
    this.version = config.version ?? 'unversioned';
    this.#entries = new Map(Object.entries(config.models ?? {}));
  }

  lookup(provider: string, model: { id: string; revision?: string }, override?: PriceEntry): PriceEntry | undefined {
    if (override) return override;
    if (model.revision) {
      const exact = this.#entries.get(`${provider}:${model.id}@${model.revision}`);
      if (exact) return exact;
    }
    return this.#entries.get(`${provider}:${model.id}`) ?? this.#entries.get(`${provider}:*`);
  }

  /** The cost of one call; undefined when no price is known for the target. */
  cost(usage: Usage, price: PriceEntry | undefined): Cost | undefined {
    if (!price) return undefined;
    const { amount, currency } = priceUsage(usage, price);
    return { amount, currency, priceVersion: this.version };
  }
}

const PER_MILLION = 1 / 1_000_000;

/** Applies one price entry to usage. Streamed and non-streamed calls go through here alike. */
export function priceUsage(usage: Usage, price: PriceEntry): Omit<Cost, 'priceVersion'> {
  const currency = price.currency ?? 'USD';
  // In a credits table a credit is worth one unit unless told otherwise.
  const perCredit = price.perCredit ?? (currency === 'credits' ? 1 : undefined);
  // Plain sums rather than a table of terms: this runs on every call, and the table allocated.
  let amount = price.perRequest ?? 0;
  amount += term(usage.inputTokens, price.inputPerMillionTokens, PER_MILLION);
  amount += term(usage.outputTokens, price.outputPerMillionTokens, PER_MILLION);
  amount += term(usage.images, price.perImage);
  amount += term(usage.videoSeconds, price.perVideoSecond);
  amount += term(usage.audioSeconds, price.perAudioSecond);
  amount += term(usage.computeSeconds, price.perComputeSecond);
  amount += term(usage.credits, perCredit);
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

import type { PriceTable } from '../price-table';
import { unitPrice } from '../price-table';
import type { RoutingStrategy } from './strategy';

/** Cheapest target first (from the price table); unpriced targets last; ties keep the configured order. */
export function createCostAwareStrategy(prices: PriceTable): RoutingStrategy {
  return {
    rank(targets) {
      const price = new Map(
        targets.map((target) => [target.key, unitPrice(prices.lookup(target.provider, target.model, target.price))]),
      );
      return [...targets].sort((a, b) => (price.get(a.key) as number) - (price.get(b.key) as number));
    },
  };
}

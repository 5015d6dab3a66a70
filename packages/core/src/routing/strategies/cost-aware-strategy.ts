import type { PriceTable } from '../price-table';
import { unitPrice } from '../price-table';
import type { RoutingStrategy } from './strategy';

/**
 * Cheapest target first, by the same prices that cost the calls (configuration, then the providers' live
 * catalogues, then the shipped tables); unpriced targets last; ties keep the configured order.
 */
export function createCostAwareStrategy(prices: PriceTable): RoutingStrategy {
  return {
    rank(targets) {
      const price = new Map(
        targets.map((target) => [target.key, unitPrice(prices.priceOf(target.provider, target.model, target.price))]),
      );
      return [...targets].sort((a, b) => (price.get(a.key) as number) - (price.get(b.key) as number));
    },
  };
}

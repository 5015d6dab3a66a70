import type { PriceTable } from '../price-table';
import type { StrategyName } from '../routing-config';
import { createCostAwareStrategy } from './cost-aware-strategy';
import { createLeastLatencyStrategy } from './least-latency-strategy';
import { createLeastOutstandingStrategy } from './least-outstanding-strategy';
import { createPriorityStrategy } from './priority-strategy';
import type { RoutingStrategy } from './strategy';
import { createWeightedStrategy } from './weighted-strategy';

const strategyFactories = {
  priority: () => createPriorityStrategy(),
  weighted: () => createWeightedStrategy(),
  'least-latency': () => createLeastLatencyStrategy(),
  'least-outstanding': () => createLeastOutstandingStrategy(),
  'cost-aware': (prices) => createCostAwareStrategy(prices),
} satisfies Record<StrategyName, (prices: PriceTable) => RoutingStrategy>;

export function createStrategy(name: StrategyName, prices: PriceTable): RoutingStrategy {
  return strategyFactories[name](prices);
}

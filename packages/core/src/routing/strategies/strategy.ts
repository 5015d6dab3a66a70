import type { RouteTarget } from '../route';
import type { TargetStatsRegistry } from '../target-stats';

export interface StrategyContext {
  stats: TargetStatsRegistry;
  /** Uniform in [0, 1); injectable so tests are deterministic. */
  random: () => number;
}

/**
 * Orders a route's currently eligible targets for one request, most preferred first. The
 * router walks that order on failover. Strategies may keep state (weighted round-robin).
 */
export interface RoutingStrategy {
  rank(targets: readonly RouteTarget[], context: StrategyContext): RouteTarget[];
}

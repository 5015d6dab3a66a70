import type { RoutingStrategy } from './strategy';

/** Fewest requests in flight first; ties keep the configured order. */
export function createLeastOutstandingStrategy(): RoutingStrategy {
  return {
    rank(targets, context) {
      return [...targets].sort((a, b) => context.stats.get(a).outstanding - context.stats.get(b).outstanding);
    },
  };
}

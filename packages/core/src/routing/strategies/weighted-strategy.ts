import type { RouteTarget } from '../route';
import type { RoutingStrategy } from './strategy';

/**
 * Smooth weighted round-robin (nginx): each pick adds every target's weight to its running
 * score, takes the highest, and subtracts the total from the winner. Deterministic, and spreads a
 * 5:1 split as A A B A A A rather than A A A A A B. Failover order after the pick: by weight.
 */
export function createWeightedStrategy(): RoutingStrategy {
  const current = new Map<string, number>();
  return {
    rank(targets) {
      const weighted = targets.filter((target) => target.weight > 0);
      if (weighted.length === 0) return [...targets];
      let total = 0;
      let best: RouteTarget | undefined;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (const target of weighted) {
        const score = (current.get(target.key) ?? 0) + target.weight;
        current.set(target.key, score);
        total += target.weight;
        if (score > bestScore) {
          best = target;
          bestScore = score;
        }
      }
      const chosen = best as RouteTarget;
      current.set(chosen.key, bestScore - total);
      const rest = targets.filter((target) => target !== chosen).sort((a, b) => b.weight - a.weight);
      return [chosen, ...rest];
    },
  };
}

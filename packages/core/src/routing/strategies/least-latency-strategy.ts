import type { RouteTarget } from '../route';
import type { RoutingStrategy, StrategyContext } from './strategy';

/**
 * Power of two choices over an EWMA of latency: draw two targets at random and take the one
 * with the lower expected latency, scaled by its in-flight load. Cheaper than a global sort
 * and avoids herding every client onto the single fastest target. Unmeasured targets score 0,
 * so each is tried early.
 */
export function createLeastLatencyStrategy(): RoutingStrategy {
  return {
    rank(targets, context) {
      if (targets.length <= 1) return [...targets];
      const score = (target: RouteTarget) => expectedLatency(target, context);
      const first = Math.floor(context.random() * targets.length);
      let second = Math.floor(context.random() * (targets.length - 1));
      if (second >= first) second += 1;
      const a = targets[first] as RouteTarget;
      const b = targets[second] as RouteTarget;
      const chosen = score(b) < score(a) ? b : a;
      const rest = targets.filter((target) => target !== chosen).sort((x, y) => score(x) - score(y));
      return [chosen, ...rest];
    },
  };
}

function expectedLatency(target: RouteTarget, context: StrategyContext): number {
  const stats = context.stats.get(target);
  return (stats.ewmaMs ?? 0) * (stats.outstanding + 1);
}

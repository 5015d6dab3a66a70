import type { RoutingStrategy } from './strategy';

/** The configured order: the first healthy target, then the next on failure. */
export function createPriorityStrategy(): RoutingStrategy {
  return { rank: (targets) => [...targets] };
}

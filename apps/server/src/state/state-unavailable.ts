import { InfermuxError } from '@infermux/core';
import type { StateAvailability, StateConcern, UnavailablePolicy } from './state-availability';

export type UnavailablePolicies = Record<StateConcern, UnavailablePolicy>;

/**
 * What to do for a request whose shared state could not be reached: go on with this process's own state
 * (`local`), or refuse with 503 `gateway_state_unavailable` (`reject`), per `state.onUnavailable`. Counted
 * per request in the metrics; logged only when availability changes (`StateAvailability`).
 */
export function fallBack(
  availability: StateAvailability,
  policies: UnavailablePolicies,
  concerns: Iterable<StateConcern>,
): void {
  for (const concern of concerns) {
    if (policies[concern] === 'reject') {
      availability.fallback(concern, 'rejected');
      throw new InfermuxError({
        code: 'gateway_state_unavailable',
        message: `The gateway's shared state (Redis) is unreachable and state.onUnavailable.${concern} is "reject".`,
        details: { field: `state.onUnavailable.${concern}` },
      });
    }
  }
  for (const concern of concerns) availability.fallback(concern, 'local');
}

import { pino } from 'pino';
import { RedisState } from '../state/redis-state';
import type { StateAvailabilityMetrics } from '../state/state-availability';

/** Counts what the availability tracker reports, instead of a metrics registry. */
export function recordingStateMetrics(): StateAvailabilityMetrics & { transitions: boolean[]; fallbacks: string[] } {
  const transitions: boolean[] = [];
  const fallbacks: string[] = [];
  return {
    transitions,
    fallbacks,
    stateTransition: (available) => transitions.push(available),
    stateFallback: (concern, outcome) => fallbacks.push(`${concern}:${outcome}`),
    stateRoundTrip: () => undefined,
  };
}

let runs = 0;

/** A unique key prefix per test run, so runs (and parallel files) never share keys. */
export function uniqueStatePrefix(): string {
  return `infermux-test-${process.pid}-${Date.now()}-${runs++}`;
}

/** A connected `RedisState` under a fresh prefix; `dispose` deletes its keys and disconnects. */
export async function redisStateForTest(url: string, prefix = uniqueStatePrefix()) {
  const metrics = recordingStateMetrics();
  const state = new RedisState(url, prefix, pino({ level: 'silent' }), metrics);
  await state.connect();
  return {
    state,
    metrics,
    async dispose() {
      await deletePrefix(state, prefix);
      state.close();
    },
  };
}

export async function deletePrefix(state: RedisState, prefix: string): Promise<void> {
  const keys = await state.commands.keys(`${prefix}:*`);
  if (keys.length) await state.commands.del(...keys);
}

import { describe, expect, it } from 'vitest';
import { InfermuxError } from '../errors/infermux-error';
import { defaultBreakerPolicy } from './circuit-breaker';
import { PriceTable } from './price-table';
import { RateLimiter } from './rate-limiter';
import { defaultRetryPolicy } from './retry-policy';
import { makeTarget } from './route';
import { Router } from './router';
import { EventHub } from './routing-events';
import type { TargetStateChange, TargetStateSync } from './target-state-sync';

/** Processes sharing state, in one: what one publishes, the others hear at once (never the publisher itself). */
function hub() {
  const listeners = new Map<TargetStateSync, (change: TargetStateChange) => void>();
  const published: TargetStateChange[] = [];
  const member = (): TargetStateSync => {
    const self: TargetStateSync = {
      publish(change) {
        published.push(change);
        for (const [other, listener] of listeners) if (other !== self) listener(change);
      },
      subscribe(listener) {
        listeners.set(self, listener);
      },
    };
    return self;
  };
  return { member, published };
}

const router = (targetState: TargetStateSync) =>
  new Router({
    events: new EventHub(),
    limiter: new RateLimiter(),
    prices: new PriceTable(),
    retry: { ...defaultRetryPolicy, maxAttempts: 1 },
    breaker: { ...defaultBreakerPolicy, consecutiveFailures: 2, cooldownMs: 60_000 },
    targetState,
  });

const target = makeTarget('p', { id: 'org/model' });
const other = makeTarget('q', { id: 'org/model' });
const route = { name: 'r', strategy: 'priority' as const, targets: [target, other], configured: true };

function run(on: Router, fail: (key: string) => InfermuxError | undefined, calls: string[]) {
  return on.execute({
    requestId: 'r',
    task: 'text-classification',
    route,
    resendable: () => true,
    hedge: false,
    attempts: [],
    run: async (chosen) => {
      calls.push(chosen.key);
      const error = fail(chosen.key);
      if (error) throw error;
      return 'ok';
    },
  });
}

describe('TargetStateSync: breakers and cool-downs shared between routers', () => {
  it("a breaker opened by one router's traffic keeps the other away from the target; closing is shared too", async () => {
    const shared = hub();
    const [first, second] = [router(shared.member()), router(shared.member())];
    const down = (key: string) =>
      key === target.key ? new InfermuxError({ code: 'provider_server_error', message: 'down' }) : undefined;
    await expect(run(first, down, [])).rejects.toThrow();
    await expect(run(first, down, [])).rejects.toThrow();
    expect(shared.published).toEqual([
      { target: target.key, breaker: { state: 'open', reopensAt: expect.any(Number) } },
    ]);
    second.pin(target);
    expect(second.health().find((entry) => entry.model === 'org/model' && entry.provider === 'p')?.breaker).toBe(
      'open',
    );
    const calls: string[] = [];
    await run(second, () => undefined, calls);
    expect(calls).toEqual([other.key]);
    // A third process's probe succeeded.
    shared.member().publish({ target: target.key, breaker: { state: 'closed' } });
    expect([first.breakerFor(target).state, second.breakerFor(target).state]).toEqual(['closed', 'closed']);
  });

  it('news about a target the router has not met yet is applied when it does; Retry-After cool-downs are shared', async () => {
    const shared = hub();
    const [first, second] = [router(shared.member()), router(shared.member())];
    const limited = (key: string) =>
      key === target.key
        ? new InfermuxError({ code: 'provider_rate_limited', message: 'slow down', retryAfterMs: 30_000 })
        : undefined;
    await expect(run(first, limited, [])).rejects.toThrow();
    expect(shared.published).toEqual([{ target: target.key, coolingUntil: expect.any(Number) }]);
    const calls: string[] = [];
    await run(second, () => undefined, calls);
    expect(calls).toEqual([other.key]);
  });
});

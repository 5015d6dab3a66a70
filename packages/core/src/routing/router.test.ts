import { describe, expect, it } from 'vitest';
import { defaultBreakerPolicy } from './circuit-breaker';
import { PriceTable } from './price-table';
import { RateLimiter } from './rate-limiter';
import { defaultRetryPolicy } from './retry-policy';
import { makeTarget } from './route';
import { Router } from './router';
import { EventHub } from './routing-events';

describe('Router', () => {
  it('bounds the state it keeps for unconfigured targets, never forgetting pinned ones', async () => {
    const router = new Router({
      events: new EventHub(),
      limiter: new RateLimiter(),
      prices: new PriceTable(),
      retry: defaultRetryPolicy,
      breaker: defaultBreakerPolicy,
    });
    const pinned = makeTarget('p', { id: 'org/configured' });
    router.pin(pinned);
    for (let index = 0; index < 10_050; index++) {
      const target = makeTarget('p', { id: `org/model-${index}` });
      await router.execute({
        requestId: 'r',
        task: 'text-classification',
        route: { name: target.key, strategy: 'priority', targets: [target], configured: false },
        resendable: () => true,
        hedge: false,
        attempts: [],
        run: async () => 'ok',
      });
    }
    const health = router.health();
    expect(health.length).toBeLessThanOrEqual(10_000);
    expect(health.some((entry) => entry.model === 'org/configured')).toBe(true);
    expect(health.some((entry) => entry.model === 'org/model-10049')).toBe(true);
    expect(health.some((entry) => entry.model === 'org/model-0')).toBe(false);
  });
});

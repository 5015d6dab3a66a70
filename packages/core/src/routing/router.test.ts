import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { InfermuxError } from '../errors/infermux-error';
import { defaultBreakerPolicy } from './circuit-breaker';
import { PriceTable } from './price-table';
import { RateLimiter } from './rate-limiter';
import { defaultRetryPolicy } from './retry-policy';
import { makeTarget } from './route';
import { Router } from './router';
import { EventHub } from './routing-events';

/** A full GC on demand, for measuring what is retained (not what garbage happens to be on the heap). */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** One request to `target` alone (an unconfigured route, as a caller naming any model makes). */
function callTarget(router: Router, target: ReturnType<typeof makeTarget>, run: () => Promise<string>) {
  return router.execute({
    requestId: 'r',
    task: 'text-classification',
    route: { name: target.key, strategy: 'priority', targets: [target], configured: false },
    resendable: () => true,
    hedge: false,
    attempts: [],
    run,
  });
}

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
      await callTarget(router, makeTarget('p', { id: `org/model-${index}` }), async () => 'ok');
    }
    const health = router.health();
    expect(health.length).toBeLessThanOrEqual(10_000);
    expect(health.some((entry) => entry.model === 'org/configured')).toBe(true);
    expect(health.some((entry) => entry.model === 'org/model-10049')).toBe(true);
    expect(health.some((entry) => entry.model === 'org/model-0')).toBe(false);
  });

  it('keeps state bounded over 100k distinct model names, and keeps an open breaker shut meanwhile', async () => {
    const router = new Router({
      events: new EventHub(),
      limiter: new RateLimiter(),
      prices: new PriceTable(),
      retry: { ...defaultRetryPolicy, maxAttempts: 1 },
      breaker: { ...defaultBreakerPolicy, cooldownMs: 600_000 },
    });
    const call = (target: ReturnType<typeof makeTarget>, run: () => Promise<string>) => callTarget(router, target, run);
    const failing = makeTarget('p', { id: 'org/failing' });
    const fail = async (): Promise<string> => {
      throw new InfermuxError({ code: 'provider_unavailable', message: 'down' });
    };
    for (let index = 0; index < defaultBreakerPolicy.consecutiveFailures; index++) {
      await call(failing, fail).catch(() => undefined);
    }
    const retained = (): number => {
      collectGarbage();
      return process.memoryUsage().heapUsed;
    };
    const heapBefore = retained();
    for (let index = 0; index < 100_000; index++) {
      await call(makeTarget('p', { id: `org/model-${index}` }), async () => 'ok');
    }
    expect(router.health().length).toBeLessThanOrEqual(10_000);
    expect(router.stats.entries().length).toBeLessThanOrEqual(10_000);
    // What stays after a full GC: 10k targets' state is a few MB; all 100k kept would be ten times that.
    expect(retained() - heapBefore).toBeLessThan(32 * 1024 * 1024);
    expect(router.health().find((entry) => entry.model === 'org/failing')?.breaker).toBe('open');
    await expect(call(failing, async () => 'ok')).rejects.toMatchObject({ code: 'gateway_circuit_open' });
  }, 120_000);
});

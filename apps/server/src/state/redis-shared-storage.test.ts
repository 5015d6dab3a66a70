import { type CacheStorage, MemoryRateLimitStorage, type TargetStateChange } from '@infermux/core';
import { redisForTests, TEST_REDIS_URL } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStateForTest, uniqueStatePrefix } from '../test-support/redis-state-fixture';
import { RedisCacheStorage } from './redis-cache-storage';
import { RedisRateLimitStorage } from './redis-rate-limit-storage';
import { RedisTargetStateSync } from './redis-target-state';

const redisUp = await redisForTests('the Redis shared storage tests');
const policies = { limits: 'local', budgets: 'reject' } as const;

describe.skipIf(!redisUp)('shared storage in Redis (two replicas = two connections under one prefix)', () => {
  const prefix = uniqueStatePrefix();
  let replicas: Array<Awaited<ReturnType<typeof redisStateForTest>>>;
  beforeAll(async () => {
    replicas = await Promise.all([
      redisStateForTest(TEST_REDIS_URL, prefix),
      redisStateForTest(TEST_REDIS_URL, prefix),
    ]);
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.dispose();
  });
  const state = (index: number) => (replicas[index] as (typeof replicas)[number]).state;

  it("provider token buckets answer exactly as core's in-memory ones, step by step", async () => {
    const redis = new RedisRateLimitStorage(state(0), state(0).availability, policies);
    const memory = new MemoryRateLimitStorage();
    const rps = { ratePerMs: 0.002, capacity: 2, maxWaitMs: 1_000, maxQueue: 2 };
    const steps: Array<(storage: typeof memory) => Promise<unknown>> = [
      (s) => s.reserve('p:rps', { cost: 1, ...rps, now: 0 }),
      (s) => s.reserve('p:rps', { cost: 1, ...rps, now: 0 }),
      (s) => s.reserve('p:rps', { cost: 1, ...rps, now: 0 }), // waits 500 ms
      (s) => s.reserve('p:rps', { cost: 1, ...rps, now: 0 }), // 1000 ms: at the bound
      (s) => s.reserve('p:rps', { cost: 1, ...rps, now: 0 }), // beyond maxWaitMs: refused
      (s) => s.refund('p:rps', 1),
      (s) => s.reserve('p:rps', { cost: 1, ...rps, now: 250 }),
      (s) => s.consume('p:tpm', 900, { ratePerMs: 0.01, capacity: 600, now: 0 }),
      (s) =>
        s.reserve('p:tpm', { cost: 0, ratePerMs: 0.01, capacity: 600, maxWaitMs: 60_000, maxQueue: Infinity, now: 0 }),
      (s) =>
        s.reserve('p:tpm', {
          cost: 0,
          ratePerMs: 0.01,
          capacity: 600,
          maxWaitMs: 60_000,
          maxQueue: Infinity,
          now: 30_000,
        }),
    ];
    for (const step of steps) expect(await step(redis as unknown as typeof memory)).toEqual(await step(memory));
  });

  it('the response cache is shared, keeps bytes, expires, and holds at most maxEntries and maxEntryBytes', async () => {
    const a: CacheStorage<unknown> = new RedisCacheStorage(state(0), 3, 1024);
    const b: CacheStorage<unknown> = new RedisCacheStorage(state(1), 3, 1024);
    const value = { output: { image: new Uint8Array([1, 2, 3]) }, usage: { inputTokens: 3 } };
    await a.set('k0', value, 60_000);
    expect(await b.get('k0')).toEqual(value);
    await a.set('short', 'soon gone', 30);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await b.get('short')).toBeUndefined();
    for (const key of ['k1', 'k2', 'k3']) await a.set(key, key, 60_000);
    expect(await b.get('k0')).toBeUndefined(); // the oldest written went first
    expect(await b.get('k3')).toBe('k3');
    await a.set('big', 'x'.repeat(2048), 60_000);
    expect(await b.get('big')).toBeUndefined();
    expect(await state(0).commands.zcard(state(0).key('cache-index'))).toBe(3);
  });

  it('breaker and cool-down changes reach the other replica, not the publisher; a replica that starts reads what is stored', async () => {
    const heard: TargetStateChange[][] = [[], []];
    const syncs = [0, 1].map((index) => {
      const sync = new RedisTargetStateSync(state(index));
      sync.subscribe((change) => heard[index]?.push(change));
      return sync;
    });
    await new Promise((resolve) => setTimeout(resolve, 100)); // both subscribed
    const open = { target: 'p:org/model', breaker: { state: 'open' as const, reopensAt: Date.now() + 60_000 } };
    syncs[0]?.publish(open);
    const deadline = Date.now() + 1_000;
    while (heard[1]?.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(heard).toEqual([[], [open]]);

    const late = await redisStateForTest(TEST_REDIS_URL, prefix);
    const lateHeard: TargetStateChange[] = [];
    new RedisTargetStateSync(late.state).subscribe((change) => lateHeard.push(change));
    const lateDeadline = Date.now() + 1_000;
    while (lateHeard.length === 0 && Date.now() < lateDeadline) await new Promise((resolve) => setTimeout(resolve, 5));
    late.state.close();
    expect(lateHeard).toEqual([open]);
  });
});

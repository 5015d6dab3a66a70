import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter (token bucket)', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('holds a set rate: 50 requests at 10 rps with a burst of 1 are spread over 4.9 s', async () => {
    const waits: number[] = [];
    const limiter = new RateLimiter({ limits: { hf: { requestsPerSecond: 10, burst: 1, maxWaitMs: 60_000 } } });
    const grantedAt: number[] = [];
    const all = Array.from({ length: 50 }, () =>
      limiter.acquire('hf', undefined, (waitMs) => waits.push(waitMs)).then(() => grantedAt.push(Date.now())),
    );
    await vi.runAllTimersAsync();
    await Promise.all(all);
    grantedAt.sort((a, b) => a - b);
    expect(grantedAt[0]).toBe(0);
    expect(grantedAt.at(-1)).toBe(4_900);
    // Never more than one grant in any 100 ms slot: the rate holds.
    for (let index = 1; index < grantedAt.length; index++)
      expect((grantedAt[index] as number) - (grantedAt[index - 1] as number)).toBe(100);
    expect(waits).toHaveLength(49);
  });

  it('refuses with policy_rate_limited beyond maxWaitMs or a full queue, naming the config path', async () => {
    const limiter = new RateLimiter({
      limits: { hf: { requestsPerSecond: 1, burst: 1, maxWaitMs: 2_500, maxQueue: 10 } },
    });
    await limiter.acquire('hf');
    const second = limiter.acquire('hf'); // waits 1 s
    const third = limiter.acquire('hf'); // waits 2 s
    await expect(limiter.acquire('hf')).rejects.toMatchObject({
      code: 'policy_rate_limited',
      status: 429,
      retryAfterMs: 3_000,
      message: expect.stringContaining('limits.providers.hf.maxWaitMs'),
    });
    await vi.advanceTimersByTimeAsync(2_000);
    await Promise.all([second, third]);

    const queued = new RateLimiter({
      limits: { hf: { requestsPerSecond: 1, burst: 1, maxWaitMs: 60_000, maxQueue: 1 } },
    });
    await queued.acquire('hf');
    const waiting = queued.acquire('hf');
    await expect(queued.acquire('hf')).rejects.toMatchObject({ code: 'policy_rate_limited' });
    await vi.advanceTimersByTimeAsync(1_000);
    await waiting;
  });

  it('a wait that reaches the route deadline ends there, marks it expired and gives the slot back', async () => {
    const limiter = new RateLimiter({ limits: { hf: { requestsPerSecond: 1, burst: 1, maxWaitMs: 60_000 } } });
    await limiter.acquire('hf');
    const deadline = { at: 300, expired: false, enforced: false };
    const cut = limiter.acquire('hf', undefined, undefined, deadline).then(
      () => 'granted',
      () => Date.now(),
    );
    await vi.advanceTimersByTimeAsync(300);
    expect(await cut).toBe(300);
    expect(deadline.expired).toBe(true);
    // The slot it gave back is the next caller's: one second after the first grant, not two.
    const next = limiter.acquire('hf').then(() => Date.now());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await next).toBe(1_000);
  });

  it('makes a provider in token debt wait (tokens per minute from usage)', async () => {
    const limiter = new RateLimiter({ limits: { hf: { tokensPerMinute: 6_000 } } });
    await limiter.acquire('hf');
    await limiter.consumeTokens('hf', 6_000 + 1_000); // 1,000 tokens over: 10 s at 100 tokens/s
    let granted = false;
    const next = limiter.acquire('hf').then(() => {
      granted = true;
    });
    await vi.advanceTimersByTimeAsync(9_900);
    expect(granted).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    await next;
    expect(granted).toBe(true);
  });

  it('gives the token back when a waiting caller aborts', async () => {
    const limiter = new RateLimiter({ limits: { hf: { requestsPerSecond: 1, burst: 1 } } });
    await limiter.acquire('hf');
    const controller = new AbortController();
    const waiting = limiter.acquire('hf', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'caller_aborted' });
    await vi.advanceTimersByTimeAsync(1_000);
    const started = Date.now();
    await limiter.acquire('hf'); // the aborted caller's slot is free again
    expect(Date.now() - started).toBe(0);
  });

  it('passes providers without a limit straight through', async () => {
    await expect(new RateLimiter({}).acquire('anything')).resolves.toBeUndefined();
  });
});

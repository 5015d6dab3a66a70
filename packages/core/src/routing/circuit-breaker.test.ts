import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BreakerState, CircuitBreaker, defaultBreakerPolicy } from './circuit-breaker';

describe('CircuitBreaker', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('opens after consecutive failures, cools down, lets one half-open probe through, closes on its success', () => {
    const transitions: BreakerState[] = [];
    const breaker = new CircuitBreaker(
      { ...defaultBreakerPolicy, consecutiveFailures: 3, cooldownMs: 5_000 },
      (state) => transitions.push(state),
    );
    for (let index = 0; index < 3; index++) {
      expect(breaker.tryAcquire()).toBe(true);
      breaker.onFailure();
    }
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    vi.advanceTimersByTime(4_999);
    expect(breaker.canPass()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(breaker.tryAcquire()).toBe(true); // the probe
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(false); // only one probe at a time
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    expect(transitions).toEqual(['open', 'half-open', 'closed']);
  });

  it('reopens when the half-open probe fails', () => {
    const breaker = new CircuitBreaker({ ...defaultBreakerPolicy, consecutiveFailures: 1, cooldownMs: 1_000 });
    breaker.onFailure();
    vi.advanceTimersByTime(1_000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.reopensAt).toBe(Date.now() + 1_000);
  });

  it('opens on the failure ratio over the rolling window, and forgets outcomes older than the window', () => {
    const breaker = new CircuitBreaker({
      ...defaultBreakerPolicy,
      consecutiveFailures: 100,
      minimumRequests: 10,
      failureRatio: 0.5,
      windowMs: 10_000,
    });
    // 5 failures long ago, then they age out of the window.
    for (let index = 0; index < 5; index++) breaker.onFailure();
    breaker.onSuccess();
    vi.advanceTimersByTime(11_000);
    for (let index = 0; index < 6; index++) breaker.onSuccess();
    for (let index = 0; index < 3; index++) breaker.onFailure();
    expect(breaker.state).toBe('closed'); // 3 of 9 in the window
    for (let index = 0; index < 3; index++) breaker.onFailure();
    expect(breaker.state).toBe('open'); // 6 of 12 ≥ 0.5
  });

  it('counts the window in ten slices: an outcome leaves it between 0.9 and 1 window after it happened', () => {
    const policy = {
      ...defaultBreakerPolicy,
      consecutiveFailures: 100,
      minimumRequests: 4,
      failureRatio: 0.5,
      windowMs: 10_000,
    };
    const recent = new CircuitBreaker(policy);
    for (let index = 0; index < 3; index++) recent.onFailure();
    vi.advanceTimersByTime(8_999);
    recent.onFailure();
    expect(recent.state).toBe('open'); // 4 of 4, the first three still inside

    vi.setSystemTime(1_000_000);
    const aged = new CircuitBreaker(policy);
    for (let index = 0; index < 3; index++) aged.onFailure();
    vi.advanceTimersByTime(10_000);
    aged.onFailure();
    expect(aged.state).toBe('closed'); // only 1 outcome left in the window
  });

  it('does nothing when disabled', () => {
    const breaker = new CircuitBreaker({ ...defaultBreakerPolicy, enabled: false, consecutiveFailures: 1 });
    breaker.onFailure();
    breaker.onFailure();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
  });
});

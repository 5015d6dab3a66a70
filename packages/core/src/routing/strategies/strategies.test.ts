import { describe, expect, it } from 'vitest';
import { PriceTable } from '../price-table';
import { makeTarget, type RouteTarget } from '../route';
import { TargetStatsRegistry } from '../target-stats';
import { createCostAwareStrategy } from './cost-aware-strategy';
import { createLeastLatencyStrategy } from './least-latency-strategy';
import { createLeastOutstandingStrategy } from './least-outstanding-strategy';
import { createPriorityStrategy } from './priority-strategy';
import { createWeightedStrategy } from './weighted-strategy';

const target = (provider: string, weight = 1, extra: Partial<RouteTarget> = {}) =>
  makeTarget(provider, { id: 'org/model', revision: 'main' }, { weight, ...extra });

/** A seeded generator (mulberry32) so the power-of-two draws are reproducible. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

describe('weighted (smooth weighted round-robin)', () => {
  it('splits 10,000 requests within ±5% of the weights', () => {
    const strategy = createWeightedStrategy();
    const targets = [target('a', 70), target('b', 20), target('c', 10)];
    const counts = new Map<string, number>();
    const context = { stats: new TargetStatsRegistry(), random: Math.random };
    for (let index = 0; index < 10_000; index++) {
      const chosen = strategy.rank(targets, context)[0] as RouteTarget;
      counts.set(chosen.provider, (counts.get(chosen.provider) ?? 0) + 1);
    }
    expect(Math.abs((counts.get('a') ?? 0) / 10_000 - 0.7)).toBeLessThanOrEqual(0.05 * 0.7);
    expect(Math.abs((counts.get('b') ?? 0) / 10_000 - 0.2)).toBeLessThanOrEqual(0.05 * 0.2);
    expect(Math.abs((counts.get('c') ?? 0) / 10_000 - 0.1)).toBeLessThanOrEqual(0.05 * 0.1);
  });

  it('interleaves smoothly and deterministically (5:1:1 → a a b a c a a)', () => {
    const strategy = createWeightedStrategy();
    const targets = [target('a', 5), target('b', 1), target('c', 1)];
    const context = { stats: new TargetStatsRegistry(), random: Math.random };
    const picks = Array.from({ length: 7 }, () => (strategy.rank(targets, context)[0] as RouteTarget).provider);
    expect(picks).toEqual(['a', 'a', 'b', 'a', 'c', 'a', 'a']);
  });

  it('ranks the remaining targets by weight for failover', () => {
    const ranked = createWeightedStrategy().rank([target('a', 1), target('b', 5), target('c', 3)], {
      stats: new TargetStatsRegistry(),
      random: Math.random,
    });
    expect(ranked.map((item) => item.provider)).toEqual(['b', 'c', 'a']);
  });
});

describe('least-latency (EWMA + power of two choices)', () => {
  it('sends most traffic to the faster target once latencies are known', () => {
    const stats = new TargetStatsRegistry();
    const fast = target('fast');
    const slow = target('slow');
    const medium = target('medium');
    for (let index = 0; index < 10; index++) {
      stats.get(fast).recordLatency(20);
      stats.get(slow).recordLatency(400);
      stats.get(medium).recordLatency(100);
    }
    const strategy = createLeastLatencyStrategy();
    const random = seeded(42);
    const counts = new Map<string, number>();
    for (let index = 0; index < 3_000; index++) {
      const chosen = (strategy.rank([fast, slow, medium], { stats, random })[0] as RouteTarget).provider;
      counts.set(chosen, (counts.get(chosen) ?? 0) + 1);
    }
    // With two random draws out of three, the slowest target can never win a pair.
    expect(counts.get('slow') ?? 0).toBe(0);
    expect(counts.get('fast') ?? 0).toBeGreaterThan(1_800);
  });

  it('penalises a target by its in-flight load', () => {
    const stats = new TargetStatsRegistry();
    const a = target('a');
    const b = target('b');
    stats.get(a).recordLatency(50);
    stats.get(b).recordLatency(80);
    stats.get(a).outstanding = 3; // 50 × 4 > 80 × 1
    const ranked = createLeastLatencyStrategy().rank([a, b], { stats, random: () => 0 });
    expect(ranked[0]?.provider).toBe('b');
  });
});

describe('least-outstanding, priority, cost-aware', () => {
  it('least-outstanding picks the target with fewest requests in flight', () => {
    const stats = new TargetStatsRegistry();
    const [a, b, c] = [target('a'), target('b'), target('c')];
    stats.get(a).outstanding = 2;
    stats.get(b).outstanding = 0;
    stats.get(c).outstanding = 1;
    expect(
      createLeastOutstandingStrategy()
        .rank([a, b, c], { stats, random: Math.random })
        .map((item) => item.provider),
    ).toEqual(['b', 'c', 'a']);
  });

  it('priority keeps the configured order', () => {
    expect(
      createPriorityStrategy()
        .rank([target('x'), target('y')], { stats: new TargetStatsRegistry(), random: Math.random })
        .map((item) => item.provider),
    ).toEqual(['x', 'y']);
  });

  it('cost-aware puts the cheapest priced target first and unpriced ones last', () => {
    const prices = new PriceTable({
      version: 't1',
      models: { 'b:org/model': { inputPerMillionTokens: 0.5, outputPerMillionTokens: 1 } },
    });
    const a = target('a', 1, { price: { inputPerMillionTokens: 2, outputPerMillionTokens: 4 } });
    const b = target('b');
    const c = target('c');
    expect(
      createCostAwareStrategy(prices)
        .rank([c, a, b], { stats: new TargetStatsRegistry(), random: Math.random })
        .map((item) => item.provider),
    ).toEqual(['b', 'a', 'c']);
  });
});

import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DeferredCounter } from './deferred-counter';

/** An attempts counter on a registry of its own, and `add` naming a series by its label values. */
function attemptsCounter() {
  const registry = new Registry();
  const counter = new DeferredCounter<'provider' | 'outcome'>({
    name: 'attempts_total',
    help: 'Attempts.',
    labelNames: ['provider', 'outcome'],
    registers: [registry],
  });
  const add = (provider: string, outcome: string, amount?: number) =>
    counter.add([provider, outcome], () => ({ provider, outcome }), amount);
  return { registry, add };
}

describe('DeferredCounter', () => {
  it('shows every increment at the next scrape, per label set, and keeps counting after it', async () => {
    const { registry, add } = attemptsCounter();
    add('hf', 'ok');
    add('hf', 'ok');
    add('hf', 'provider_timeout', 3);
    let text = await registry.metrics();
    expect(text).toContain('attempts_total{provider="hf",outcome="ok"} 2');
    expect(text).toContain('attempts_total{provider="hf",outcome="provider_timeout"} 3');
    add('hf', 'ok');
    text = await registry.metrics();
    expect(text).toContain('attempts_total{provider="hf",outcome="ok"} 3');
    // A scrape without new increments does not count anything twice.
    expect(await registry.metrics()).toBe(text);
  });

  it('names a series by its label values, without joining them', async () => {
    const { registry, add } = attemptsCounter();
    add('hf', 'ok');
    add('hf', 'ok', 2);
    add('hf\u0000ok', '');
    add('evolink', 'ok');
    const text = await registry.metrics();
    expect(text).toContain('attempts_total{provider="hf",outcome="ok"} 3');
    expect(text).toContain('attempts_total{provider="evolink",outcome="ok"} 1');
    expect(text).toContain('attempts_total{provider="hf\u0000ok",outcome=""} 1');
  });
});

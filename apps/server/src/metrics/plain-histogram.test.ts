import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PlainHistogram } from './plain-histogram';

describe('PlainHistogram', () => {
  it('renders exactly like a prom-client histogram fed the same observations', async () => {
    const reference = new Registry();
    const plain = new Registry();
    const buckets = [0.005, 0.01, 0.1, 1];
    const histogram = new Histogram({
      name: 'x_seconds',
      help: 'Latency.',
      labelNames: ['endpoint'],
      buckets,
      registers: [reference],
    });
    const ours = new PlainHistogram('x_seconds', 'Latency.', buckets, plain);
    // Below the first bound, on a bound, between bounds, above the last one (only +Inf), two label sets.
    for (const [endpoint, value] of [
      ['/a', 0.001],
      ['/a', 0.01],
      ['/b', 0.05],
      ['/a', 7],
      ['/b', 0.005],
    ] as const) {
      histogram.labels(endpoint).observe(value);
      ours.observe(
        ours.seriesFor(endpoint, () => ({ endpoint })),
        value,
      );
    }
    const text = await plain.metrics();
    expect(text).toBe(await reference.metrics());
    expect(text).toContain('x_seconds_bucket{le="+Inf",endpoint="/a"} 3');
    expect(text).toContain('x_seconds_sum{endpoint="/b"} 0.055');
  });

  it('ignores values that are not finite numbers and empties on reset', async () => {
    const registry = new Registry();
    const histogram = new PlainHistogram('y_seconds', 'Y.', [1], registry);
    const series = histogram.seriesFor('', () => ({}));
    histogram.observe(series, Number.NaN);
    histogram.observe(series, 0.5);
    expect(await registry.metrics()).toContain('y_seconds_count 1');
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('y_seconds_count');
  });
});

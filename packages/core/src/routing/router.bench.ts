import { bench, describe } from 'vitest';
import { createClient } from '../client/create-client';
import type { ProviderV1 } from '../provider/provider';

// In-process providers: what is measured is core's own per-request cost (validation, routing,
// breaker, events, pricing), not the network. Compare the rows as ratios.
const provider = (name: string): ProviderV1 => ({
  specificationVersion: 'v1',
  name,
  tasks: { 'text-classification': {} },
  doRun: async () => ({ output: [{ label: 'POSITIVE', score: 0.99 }] as never, usage: { computeSeconds: 0.01 } }),
});
const providers = [provider('a'), provider('b'), provider('c')];
const input = { inputs: 'I love this' };
const direct = providers[0] as Required<Pick<ProviderV1, 'doRun'>>;
const plain = createClient({ providers });
const routed = createClient({
  providers,
  routes: {
    clf: {
      strategy: 'weighted',
      targets: [{ model: 'a:org/m@main', weight: 2 }, { model: 'b:org/m@main' }, { model: 'c:org/m@main' }],
    },
  },
  prices: { models: { 'a:*': { perComputeSecond: 0.0001 } } },
  limits: { providers: { a: { requestsPerSecond: 1e9 } } },
});
routed.on(() => undefined);
const cached = createClient({ providers, cache: true });

describe('per-request overhead of core', () => {
  bench('provider.doRun directly (baseline)', async () => {
    await direct.doRun({ task: 'text-classification', model: { id: 'org/m' }, input });
  });
  bench('client.run, model reference (one-target route)', async () => {
    await plain.run('text-classification', { model: 'a:org/m@main', input });
  });
  bench('client.run, weighted 3-target route + prices + limiter + listener', async () => {
    await routed.run('text-classification', { model: 'clf', input });
  });
  bench('client.run, cache hit', async () => {
    await cached.run('text-classification', { model: 'a:org/m@main', input });
  });
});

import { describe, expect, it } from 'vitest';
import type { DefaultPriceTable } from '../provider/provider-pricing';
import { CachedPriceCatalogue } from './cached-price-catalogue';
import { PriceTable, priceUsage } from './price-table';

describe('price table', () => {
  const table = new PriceTable({
    version: '2026-11-01',
    models: {
      'hf:meta-llama/Llama-3.1-8B-Instruct': { inputPerMillionTokens: 0.2, outputPerMillionTokens: 0.6 },
      'hf:meta-llama/Llama-3.1-8B-Instruct@abc': { inputPerMillionTokens: 0.1, outputPerMillionTokens: 0.3 },
      'evolink:*': { currency: 'credits' },
      'fal:*': { perImage: 0.04, perVideoSecond: 0.1 },
    },
  });

  it('prices tokens per million, images, video seconds, compute seconds and credits in explicit units', () => {
    const price = table.resolve('hf', { id: 'meta-llama/Llama-3.1-8B-Instruct' });
    expect(table.cost({ inputTokens: 1_000_000, outputTokens: 500_000 }, price)).toEqual({
      source: 'config',
      amount: 0.5,
      currency: 'USD',
      priceVersion: '2026-11-01',
    });
    expect(table.cost({ images: 3, videoSeconds: 8 }, table.resolve('fal', { id: 'x' }))).toEqual({
      source: 'config',
      amount: 0.92,
      currency: 'USD',
      priceVersion: '2026-11-01',
    });
    expect(table.cost({ credits: 12.5 }, table.resolve('evolink', { id: 'sora-2' }))).toEqual({
      source: 'config',
      amount: 12.5,
      currency: 'credits',
      priceVersion: '2026-11-01',
    });
    expect(priceUsage({ computeSeconds: 2 }, { perComputeSecond: 0.00012 })).toEqual({
      amount: 0.00024,
      currency: 'USD',
    });
    expect(priceUsage({ credits: 10 }, { perCredit: 0.01 })).toEqual({ amount: 0.1, currency: 'USD' });
  });

  it('looks up revision, then model, then provider wildcard; a target price overrides the table', () => {
    expect(table.lookup('hf', { id: 'meta-llama/Llama-3.1-8B-Instruct', revision: 'abc' })?.inputPerMillionTokens).toBe(
      0.1,
    );
    expect(
      table.lookup('hf', { id: 'meta-llama/Llama-3.1-8B-Instruct', revision: 'main' })?.inputPerMillionTokens,
    ).toBe(0.2);
    expect(table.lookup('hf', { id: 'other' })).toBeUndefined();
    expect(table.lookup('hf', { id: 'other' }, { perRequest: 1 })).toEqual({ perRequest: 1 });
    expect(table.cost({ inputTokens: 5 }, undefined)).toBeNull();
  });
});

describe('price sources', () => {
  const catalogue = new CachedPriceCatalogue({
    name: 'router-models',
    ttlMs: 60_000,
    now: () => Date.parse('2026-12-07T04:00:00Z'),
    load: async () => [
      { model: 'org/chat', variant: 'novita', price: { inputPerMillionTokens: 1, outputPerMillionTokens: 2 } },
    ],
  });
  const defaults: DefaultPriceTable = {
    version: 'shipped-1',
    entries: [
      {
        model: '*',
        computeType: 'gpu',
        price: { perComputeSecond: 0.5 },
        sourceUrl: 'https://example/p',
        date: '2026-12-07',
      },
    ],
  };
  const table = new PriceTable(
    { version: 'cfg-1', models: { 'hf:org/chat:together': { inputPerMillionTokens: 9 } } },
    (name) => (name === 'hf' ? { catalogue, defaults } : undefined),
  );

  it('consults the configuration, then the catalogue, then the shipped table, and records which', async () => {
    await table.warm([{ provider: 'hf', model: { id: 'org/chat', variant: 'novita' } }]);
    expect(table.costOf('hf', { id: 'org/chat', variant: 'together' }, { inputTokens: 1_000_000 })).toEqual({
      amount: 9,
      currency: 'USD',
      source: 'config',
      priceVersion: 'cfg-1',
    });
    expect(
      table.costOf('hf', { id: 'org/chat', variant: 'novita' }, { inputTokens: 1_000_000, outputTokens: 1_000_000 }),
    ).toEqual({
      amount: 3,
      currency: 'USD',
      source: 'catalogue',
      priceVersion: 'router-models@2026-12-07T04:00:00.000Z',
    });
    expect(table.costOf('hf', { id: 'org/other' }, { computeSeconds: 2, computeType: 'gpu' })).toEqual({
      amount: 1,
      currency: 'USD',
      source: 'default',
      priceVersion: 'shipped-1',
    });
    // Hardware with no shipped rate, and a provider with no prices at all: unknown, not 0.
    expect(table.costOf('hf', { id: 'org/other' }, { computeSeconds: 2, computeType: 'cpu' })).toBeNull();
    expect(table.costOf('evolink', { id: 'x' }, { inputTokens: 5 })).toBeNull();
  });

  it('prices cached input, cache writes and reasoning at their own rates, else at the input and output rates', () => {
    const price = {
      inputPerMillionTokens: 2,
      cachedInputPerMillionTokens: 0.5,
      cacheWritePerMillionTokens: 2.5,
      outputPerMillionTokens: 8,
      reasoningPerMillionTokens: 4,
    };
    const usage = {
      inputTokens: 1_000_000,
      cachedInputTokens: 400_000,
      cacheWriteTokens: 100_000,
      outputTokens: 1_000_000,
      reasoningTokens: 500_000,
    };
    // 0.5M × 2 + 0.4M × 0.5 + 0.1M × 2.5 + 0.5M × 8 + 0.5M × 4
    expect(priceUsage(usage, price).amount).toBe(1 + 0.2 + 0.25 + 4 + 2);
    expect(priceUsage(usage, { inputPerMillionTokens: 2, outputPerMillionTokens: 8 }).amount).toBe(2 + 8);
  });
});

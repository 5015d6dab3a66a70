import { describe, expect, it } from 'vitest';
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
    const price = table.lookup('hf', { id: 'meta-llama/Llama-3.1-8B-Instruct' });
    expect(table.cost({ inputTokens: 1_000_000, outputTokens: 500_000 }, price)).toEqual({
      amount: 0.5,
      currency: 'USD',
      priceVersion: '2026-11-01',
    });
    expect(table.cost({ images: 3, videoSeconds: 8 }, table.lookup('fal', { id: 'x' }))).toEqual({
      amount: 0.92,
      currency: 'USD',
      priceVersion: '2026-11-01',
    });
    expect(table.cost({ credits: 12.5 }, table.lookup('evolink', { id: 'sora-2' }))).toEqual({
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
    expect(table.cost({ inputTokens: 5 }, undefined)).toBeUndefined();
  });
});

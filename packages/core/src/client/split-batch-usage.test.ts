import { describe, expect, it } from 'vitest';
import { splitBatchUsage, textWeight } from './split-batch-usage';

describe('splitBatchUsage', () => {
  it('splits whole units by largest remainder and fractions by share; the parts add up to the call', () => {
    const shares = splitBatchUsage(
      { inputTokens: 10, characters: 7, computeSeconds: 0.9 },
      { amount: 0.03, currency: 'USD', priceVersion: 'v1' },
      [1, 1, 1],
    );
    expect(shares?.map((share) => share.usage)).toEqual([
      { inputTokens: 4, characters: 3, computeSeconds: 0.3 },
      { inputTokens: 3, characters: 2, computeSeconds: 0.3 },
      { inputTokens: 3, characters: 2, computeSeconds: 0.3 },
    ]);
    const amounts = shares?.map((share) => share.cost?.amount ?? 0) ?? [];
    expect(amounts.reduce((sum, amount) => sum + amount, 0)).toBe(0.03);
    expect(shares?.[2]?.cost).toMatchObject({ currency: 'USD', priceVersion: 'v1' });
  });

  it('weighs items by their text and gives failed (0-weight) items nothing', () => {
    const shares = splitBatchUsage({ totalTokens: 9 }, undefined, [2, 0, 1]);
    expect(shares?.map((share) => share.usage.totalTokens)).toEqual([6, 0, 3]);
    expect(shares?.[0]?.cost).toBeUndefined();
  });

  it('has no fair split when no item has text', () => {
    expect(splitBatchUsage({ computeSeconds: 1 }, undefined, [0, 0])).toBeUndefined();
  });
});

describe('textWeight', () => {
  it("counts the characters of every string in an input's text, not its parameters, bytes or numbers", () => {
    expect(textWeight({ inputs: 'abc', parameters: { candidate_labels: ['x', 'y'] } })).toBe(3);
    expect(textWeight({ inputs: { question: 'ab', context: 'cdef' } })).toBe(6);
    expect(textWeight({ inputs: ['a', 'bc'] })).toBe(3);
    expect(textWeight({ inputs: new Uint8Array([1, 2, 3]) })).toBe(0);
  });
});

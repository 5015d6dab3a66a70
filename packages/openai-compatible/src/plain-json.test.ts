import { describe, expect, it } from 'vitest';
import { readOpenAIUsage } from './map-openai-usage';
import { openAIUsageSchema } from './openai-response-schemas';
import { isObject, isPlainUsage } from './plain-json';

const usages: unknown[] = [
  { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
  { prompt_tokens: 1, completion_tokens: null, prompt_tokens_details: { cached_tokens: 0 } },
  {},
  { prompt_tokens: '1' },
  { total_tokens: Number.POSITIVE_INFINITY },
  { completion_tokens: Number.NaN },
  [],
  'usage',
  5,
];

describe('isPlainUsage (openAIUsageSchema by hand)', () => {
  it.each(usages.map((usage) => [JSON.stringify(usage) ?? String(usage), usage]))(
    'agrees with the schema on %s',
    (_name, usage) => {
      expect(isObject(usage) && isPlainUsage(usage)).toBe(openAIUsageSchema.safeParse(usage).success);
    },
  );

  it('reads usage from a forwarded answer, or nothing when it is not usage', () => {
    expect(readOpenAIUsage({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 })).toEqual({
      inputTokens: 2,
      outputTokens: 3,
      totalTokens: 5,
    });
    expect(readOpenAIUsage({ prompt_tokens: 2, completion_tokens: null })).toEqual({ inputTokens: 2, totalTokens: 2 });
    expect(readOpenAIUsage({ prompt_tokens: '2' })).toEqual({});
    expect(readOpenAIUsage(null)).toEqual({});
  });
});

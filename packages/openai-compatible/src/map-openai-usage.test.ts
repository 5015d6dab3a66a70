import { describe, expect, it } from 'vitest';
import { mapOpenAIUsage, readOpenAIUsage } from './map-openai-usage';

describe('mapOpenAIUsage', () => {
  it('keeps cached input and reasoning tokens apart so they can be priced at their own rates', () => {
    expect(
      mapOpenAIUsage({
        prompt_tokens: 120,
        completion_tokens: 80,
        total_tokens: 200,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 50 },
      }),
    ).toEqual({ inputTokens: 120, outputTokens: 80, totalTokens: 200, cachedInputTokens: 100, reasoningTokens: 50 });
  });

  it('ignores absent, zero and malformed details', () => {
    expect(
      readOpenAIUsage({
        prompt_tokens: 3,
        completion_tokens: 4,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: 'x',
      }),
    ).toEqual({ inputTokens: 3, outputTokens: 4, totalTokens: 7 });
  });
});

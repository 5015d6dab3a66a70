import type { Usage } from '@infermux/core';
import type { OpenAIUsage } from './openai-response-schemas';
import { isObject, isPlainUsage } from './plain-json';

/** OpenAI token counts → priceable core usage. Zeros in EvoLink's extra `input_tokens` fields are ignored. */
export function mapOpenAIUsage(usage: OpenAIUsage | null | undefined): Usage {
  if (!usage) return {};
  const result: Usage = {};
  if (usage.prompt_tokens != null) result.inputTokens = usage.prompt_tokens;
  if (usage.completion_tokens != null) result.outputTokens = usage.completion_tokens;
  if (usage.total_tokens != null) result.totalTokens = usage.total_tokens;
  else if (result.inputTokens !== undefined || result.outputTokens !== undefined)
    result.totalTokens = (result.inputTokens ?? 0) + (result.outputTokens ?? 0);
  return result;
}

/** Usage from an unvalidated body (a forwarded answer): whatever token counts it carries, `{}` if none. */
export function readOpenAIUsage(value: unknown): Usage {
  // `isPlainUsage` is `openAIUsageSchema` by hand (tested to agree): no zod run per forwarded answer.
  return isObject(value) && isPlainUsage(value) ? mapOpenAIUsage(value as OpenAIUsage) : {};
}

import type { Usage } from '@infermux/core';
import type { OpenAIUsage } from './openai-response-schemas';
import { isNumber, isObject, isPlainUsage } from './plain-json';

/** A count inside OpenAI's `*_tokens_details` objects (read leniently: not every upstream sends them). */
function detail(usage: OpenAIUsage, group: string, field: string): number | undefined {
  const details = usage[group];
  const value = isObject(details) ? details[field] : undefined;
  return isNumber(value) && value > 0 ? value : undefined;
}

/**
 * OpenAI token counts → priceable core usage, with the token classes priced apart: cached input
 * (`prompt_tokens_details.cached_tokens`) and reasoning (`completion_tokens_details.reasoning_tokens`).
 * Zeros in EvoLink's extra `input_tokens` fields are ignored.
 */
export function mapOpenAIUsage(usage: OpenAIUsage | null | undefined): Usage {
  if (!usage) return {};
  const result: Usage = {};
  if (usage.prompt_tokens != null) result.inputTokens = usage.prompt_tokens;
  if (usage.completion_tokens != null) result.outputTokens = usage.completion_tokens;
  if (usage.total_tokens != null) result.totalTokens = usage.total_tokens;
  else if (result.inputTokens !== undefined || result.outputTokens !== undefined)
    result.totalTokens = (result.inputTokens ?? 0) + (result.outputTokens ?? 0);
  const cached = detail(usage, 'prompt_tokens_details', 'cached_tokens');
  if (cached !== undefined) result.cachedInputTokens = cached;
  const reasoning = detail(usage, 'completion_tokens_details', 'reasoning_tokens');
  if (reasoning !== undefined) result.reasoningTokens = reasoning;
  return result;
}

/** Usage from an unvalidated body (a forwarded answer): whatever token counts it carries, `{}` if none. */
export function readOpenAIUsage(value: unknown): Usage {
  // `isPlainUsage` is `openAIUsageSchema` by hand (tested to agree): no zod run per forwarded answer.
  return isObject(value) && isPlainUsage(value) ? mapOpenAIUsage(value as OpenAIUsage) : {};
}

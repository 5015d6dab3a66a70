import { parseWith, truncate, type Usage } from '@infermux/core';
import type { z } from 'zod';
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

/** Validates an upstream body; a mismatch is `provider_bad_response` naming the field, with the raw body (redacted). */
export function parseUpstream<S extends z.ZodType>(
  schema: S,
  body: unknown,
  provider: string,
  what: string,
): z.output<S> {
  // The happy path parses once and builds nothing else: the raw body (serialised and redacted,
  // which costs more than the parse on a small chunk) is only needed for the error.
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data as z.output<S>;
  return parseWith(schema, body, `${what} from provider "${provider}"`, {
    provider,
    code: 'provider_bad_response',
    details: { rawBody: truncate(JSON.stringify(body) ?? String(body)) },
  });
}

/** Usage from an unvalidated body (a forwarded answer): whatever token counts it carries, `{}` if none. */
export function readOpenAIUsage(value: unknown): Usage {
  // `isPlainUsage` is `openAIUsageSchema` by hand (tested to agree): no zod run per forwarded answer.
  return isObject(value) && isPlainUsage(value) ? mapOpenAIUsage(value as OpenAIUsage) : {};
}

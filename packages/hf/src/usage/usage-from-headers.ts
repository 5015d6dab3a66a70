import type { Usage } from '@infermux/core';

function number(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number.parseFloat(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

/**
 * Priceable units from HF Inference / TGI response headers (wire/hf §3):
 * - `x-compute-time` → `computeSeconds`. The unit differs between servers (old TGI wrote ms, newer TGI and
 *   the api-inference containers write seconds); it is read as seconds, the current behaviour.
 * - `x-compute-characters` → `characters`.
 * - `x-prompt-tokens` / `x-generated-tokens` (TGI `/generate`) → tokens, when present.
 */
export function usageFromHeaders(headers: Record<string, string>): Usage {
  const usage: Usage = {};
  const computeSeconds = number(headers['x-compute-time']);
  if (computeSeconds !== undefined) usage.computeSeconds = computeSeconds;
  const characters = number(headers['x-compute-characters']);
  if (characters !== undefined) usage.characters = characters;
  const promptTokens = number(headers['x-prompt-tokens']);
  if (promptTokens !== undefined) usage.inputTokens = promptTokens;
  const generatedTokens = number(headers['x-generated-tokens']);
  if (generatedTokens !== undefined) usage.outputTokens = generatedTokens;
  return usage;
}

/** OpenAI-style `usage` (chat and completions) → tokens. */
export function usageFromOpenAi(
  usage:
    | { prompt_tokens?: number | null; completion_tokens?: number | null; total_tokens?: number | null }
    | null
    | undefined,
): Usage {
  if (!usage) return {};
  const result: Usage = {};
  if (typeof usage.prompt_tokens === 'number') result.inputTokens = usage.prompt_tokens;
  if (typeof usage.completion_tokens === 'number') result.outputTokens = usage.completion_tokens;
  if (typeof usage.total_tokens === 'number') result.totalTokens = usage.total_tokens;
  return result;
}

/** Header usage and body usage together; body token counts win over headers. */
export function mergeUsage(...parts: Usage[]): Usage {
  return Object.assign({}, ...parts);
}

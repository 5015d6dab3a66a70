import type { Usage } from '@infermux/core';

function number(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number.parseFloat(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

/**
 * TEI (text-embeddings-inference) writes `x-compute-time` in whole milliseconds, TGI and the
 * api-inference-community containers in seconds (wire/hf §3). Only TEI sends `x-compute-tokens` and
 * `x-tokenization-time`, so either one identifies it.
 */
function isTei(headers: Record<string, string>): boolean {
  return headers['x-compute-tokens'] !== undefined || headers['x-tokenization-time'] !== undefined;
}

/**
 * Priceable units from HF Inference / TGI / TEI response headers (wire/hf §3):
 * - `x-compute-time` → `computeSeconds`: seconds from TGI and api-inference-community, milliseconds from
 *   TEI (identified by its own headers, see `isTei`). A TEI answer stripped of both markers would be read
 *   as seconds: no other header tells the servers apart.
 * - `x-compute-type` → `computeType` (the hardware, which sets the price per second).
 * - `x-compute-characters` → `characters`.
 * - `x-prompt-tokens` / `x-generated-tokens` (TGI `/generate`) → tokens, when present.
 */
export function usageFromHeaders(headers: Record<string, string>): Usage {
  const usage: Usage = {};
  const computeTime = number(headers['x-compute-time']);
  if (computeTime !== undefined) {
    usage.computeSeconds = isTei(headers) ? computeTime / 1000 : computeTime;
    // The hardware only matters to price that time.
    const computeType = headers['x-compute-type']?.trim();
    if (computeType) usage.computeType = computeType;
  }
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

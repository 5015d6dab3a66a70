import { type PriceEntry, priceUsage, type Usage } from '@infermux/core';
import type { AdmissionEstimate } from '../limits/key-admission';

/** Characters per token for the estimate: the usual ~4 for English BPE, rounded down to err on the high side. */
const CHARACTERS_PER_TOKEN = 3;
/** Walk at most this many values: the estimate is a bound, not a tokenizer, and input size is capped upstream. */
const MAX_VISITED = 10_000;

/** Characters of text in an input (strings anywhere in it; bytes do not count as tokens). */
function textLength(input: unknown): number {
  let total = 0;
  let visited = 0;
  const stack: unknown[] = [input];
  while (stack.length > 0 && visited < MAX_VISITED) {
    const value = stack.pop();
    visited++;
    if (typeof value === 'string') total += value.length;
    else if (Array.isArray(value)) stack.push(...value);
    else if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) stack.push(...Object.values(value));
  }
  return total;
}

function outputTokens(input: Record<string, unknown>): number | undefined {
  const parameters = input.parameters as Record<string, unknown> | undefined;
  const stated = input.max_tokens ?? parameters?.max_new_tokens ?? parameters?.max_tokens;
  return typeof stated === 'number' && Number.isFinite(stated) && stated >= 0 ? stated : undefined;
}

/**
 * What a request may use, before calling upstream: its text as tokens plus `max_tokens` (or the configured
 * default), priced at the highest of its possible targets' prices. Settled to the actual usage at the end.
 */
export function estimateAdmission(
  input: unknown,
  prices: readonly PriceEntry[],
  defaultOutputTokens: number,
): AdmissionEstimate {
  const fields = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const inputTokens = Math.ceil(textLength(input) / CHARACTERS_PER_TOKEN);
  const usage: Usage = { inputTokens, outputTokens: outputTokens(fields) ?? defaultOutputTokens };
  const images = typeof fields.n === 'number' ? fields.n : 1;
  let cost = 0;
  for (const price of prices) {
    const priced = priceUsage(price.perImage === undefined ? usage : { ...usage, images }, price).amount;
    if (priced > cost) cost = priced;
  }
  return { tokens: inputTokens + (usage.outputTokens ?? 0), cost };
}

/**
 * Priceable units of one call. Every field is optional: a provider reports what it knows.
 * The price table turns these into money (see routing/pricing).
 */
export interface Usage {
  /** All input tokens, cached ones and cache writes included (OpenAI's `prompt_tokens`). */
  inputTokens?: number;
  /** All output tokens, reasoning included (OpenAI's `completion_tokens`). */
  outputTokens?: number;
  totalTokens?: number;
  /** Of `inputTokens`, read from the provider's prompt cache (`prompt_tokens_details.cached_tokens`). */
  cachedInputTokens?: number;
  /** Of `inputTokens`, written to the provider's prompt cache. */
  cacheWriteTokens?: number;
  /** Of `outputTokens`, spent on reasoning (`completion_tokens_details.reasoning_tokens`). */
  reasoningTokens?: number;
  /** Images produced. */
  images?: number;
  /** Seconds of audio processed or produced. */
  audioSeconds?: number;
  /** Seconds of video produced. */
  videoSeconds?: number;
  /** Upstream compute time (HF `x-compute-time`). */
  computeSeconds?: number;
  /** Hardware class the compute time ran on (HF `x-compute-type`: `cpu`, `gpu`, …); prices differ by it. */
  computeType?: string;
  /** Provider credits charged, as the provider counts them (EvoLink), when it reports the final charge. */
  credits?: number;
  /** Provider credits held at submission (EvoLink `credits_reserved`): a quote, not the final charge. */
  creditsReserved?: number;
  /** Input characters (HF `x-compute-characters`). */
  characters?: number;
}

const usageKeys = [
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'cachedInputTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'images',
  'audioSeconds',
  'videoSeconds',
  'computeSeconds',
  'credits',
  'creditsReserved',
  'characters',
] as const satisfies ReadonlyArray<keyof Usage>;

/** Adds two usage records field by field (absent + absent stays absent). */
export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = {};
  for (const key of usageKeys) {
    const left = a[key];
    const right = b[key];
    if (left !== undefined || right !== undefined) sum[key] = (left ?? 0) + (right ?? 0);
  }
  // Hardware is not summed: kept when both sides agree (or one side alone says).
  const computeType = a.computeType ?? b.computeType;
  if (computeType !== undefined && (a.computeType ?? computeType) === (b.computeType ?? computeType))
    sum.computeType = computeType;
  return sum;
}

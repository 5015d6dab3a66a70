/**
 * Priceable units of one call. Every field is optional: a provider reports what it knows.
 * The price table turns these into money (see routing/pricing).
 */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  /** Images produced. */
  images?: number;
  /** Seconds of audio processed or produced. */
  audioSeconds?: number;
  /** Seconds of video produced. */
  videoSeconds?: number;
  /** Upstream compute time (HF `x-compute-time`). */
  computeSeconds?: number;
  /** Provider credits, as the provider counts them (EvoLink). */
  credits?: number;
  /** Input characters (HF `x-compute-characters`). */
  characters?: number;
}

const usageKeys = [
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'images',
  'audioSeconds',
  'videoSeconds',
  'computeSeconds',
  'credits',
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
  return sum;
}

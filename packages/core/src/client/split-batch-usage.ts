import type { Cost } from '../result/result-envelope';
import type { Usage } from '../result/usage';

/** Fields counted in whole units: split so the items' shares add up to the batch's figure exactly. */
const WHOLE_UNITS = new Set<keyof Usage>(['inputTokens', 'outputTokens', 'totalTokens', 'images', 'characters']);

/**
 * How much of a batched call one input stands for: the characters of its text (every string in it, so
 * `{question, context}` and `inputs: string[]` count too); of a task input, only its `inputs`, as the
 * parameters are the same for every item of a batch. A provider reports usage for the whole call
 * (HF `x-compute-time`, `x-compute-characters`; OpenAI `usage.prompt_tokens`), and text length is the
 * share that tracks it: tokens and compute grow with it.
 */
export function textWeight(input: unknown): number {
  if (typeof input === 'string') return input.length;
  if (Array.isArray(input)) return input.reduce((sum: number, item) => sum + textWeight(item), 0);
  if (input !== null && typeof input === 'object' && !ArrayBuffer.isView(input)) {
    if ('inputs' in input) return textWeight(input.inputs);
    let sum = 0;
    for (const value of Object.values(input)) sum += textWeight(value);
    return sum;
  }
  return 0;
}

/**
 * Splits one call's usage and cost across its items by `weights` (undefined when they add up to 0: no
 * fair split, the caller says so instead). Whole units use the largest remainder, and the last item's
 * cost is the rest, so the items always add up to what the call reported.
 */
export function splitBatchUsage(
  usage: Usage,
  cost: Cost | undefined,
  weights: readonly number[],
): Array<{ usage: Usage; cost: Cost | undefined }> | undefined {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (!(total > 0)) return undefined;
  const shares = weights.map((weight) => weight / total);
  const usages: Usage[] = weights.map(() => ({}));
  for (const [key, value] of Object.entries(usage) as Array<[keyof Usage, number | undefined]>) {
    if (typeof value !== 'number') continue;
    const parts = WHOLE_UNITS.has(key) ? apportion(value, shares) : shares.map((share) => value * share);
    parts.forEach((part, index) => {
      (usages[index] as Usage)[key] = part;
    });
  }
  let assigned = 0;
  return usages.map((itemUsage, index) => {
    if (!cost) return { usage: itemUsage, cost: undefined };
    const last = index === shares.length - 1;
    const amount = last ? cost.amount - assigned : cost.amount * (shares[index] as number);
    assigned += amount;
    return { usage: itemUsage, cost: { ...cost, amount } };
  });
}

/** `value` in whole units by `shares` (largest remainder): the parts add up to `value`. */
function apportion(value: number, shares: readonly number[]): number[] {
  const exact = shares.map((share) => value * share);
  const parts = exact.map(Math.floor);
  let left = Math.round(value - parts.reduce((sum, part) => sum + part, 0));
  const byRemainder = exact.map((part, index) => ({ index, remainder: part - Math.floor(part) }));
  byRemainder.sort((a, b) => b.remainder - a.remainder);
  for (const { index } of byRemainder) {
    if (left <= 0) break;
    parts[index] = (parts[index] as number) + 1;
    left -= 1;
  }
  return parts;
}

import type { TaskOutput } from '@infermux/core';

type LabelScores = TaskOutput<'text-classification'>;

const isLabelScore = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  typeof (value as { label?: unknown }).label === 'string' &&
  Number.isFinite((value as { score?: unknown }).score);

/**
 * `[{label, score}, …]` checked by hand, exactly as core's `labelScoreListSchema` (and the adapters'
 * zod schemas of it) accept it: extra fields pass, `score` is a finite number. For the answers read
 * on every call of a batch, where a zod parse (and core's second one) was a visible share of the CPU.
 * Tested to agree with the schema in label-scores.test.ts.
 */
export function isLabelScoreList(value: unknown): value is LabelScores {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (!isLabelScore(item)) return false;
  return true;
}

// Type checks for hand-written fast paths that must agree with the zod schemas in
// openai-response-schemas.ts (tested against them): zod's `z.number()` takes finite numbers only.

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const isOptionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';
export const isNullishString = (value: unknown): boolean =>
  value === undefined || value === null || typeof value === 'string';
export const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
export const isNullishNumber = (value: unknown): boolean => value === undefined || value === null || isNumber(value);

/** `usage` as `openAIUsageSchema.nullish()` accepts it. */
export function isPlainUsage(usage: unknown): boolean {
  if (usage === undefined || usage === null) return true;
  return (
    isObject(usage) &&
    isNullishNumber(usage.prompt_tokens) &&
    isNullishNumber(usage.completion_tokens) &&
    isNullishNumber(usage.total_tokens)
  );
}

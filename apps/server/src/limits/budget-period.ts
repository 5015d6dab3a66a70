import type { KeyBudget } from '@infermux/core';

/** Start of the budget period containing `now` (UTC). */
export function periodStart(period: KeyBudget['period'], now: number): number {
  if (period === 'total') return 0;
  const date = new Date(now);
  return period === 'day'
    ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())
    : Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

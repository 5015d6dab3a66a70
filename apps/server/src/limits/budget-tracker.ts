import { InfermuxError, type KeyBudget } from '@infermux/core';
import type { GatewayKey } from '../keys/gateway-key';
import type { UsageLedger } from '../ledger/usage-ledger';

/** Start of the budget period containing `now` (UTC). */
export function periodStart(period: KeyBudget['period'], now: number): number {
  if (period === 'total') return 0;
  const date = new Date(now);
  return period === 'day'
    ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())
    : Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

interface Spend {
  periodStart: number;
  amount: number;
}

/**
 * Spend per key in the current budget period: read once from the ledger, then kept up
 * to date in memory as requests finish (so a check costs no query).
 */
export class BudgetTracker {
  private readonly spend = new Map<string, Spend>();

  constructor(
    private readonly ledger: UsageLedger,
    private readonly defaultBudget: KeyBudget | undefined,
  ) {}

  budgetOf(key: GatewayKey): KeyBudget | undefined {
    return key.budget ?? this.defaultBudget;
  }

  private current(key: GatewayKey, budget: KeyBudget, now: number): Spend {
    const start = periodStart(budget.period, now);
    let spend = this.spend.get(key.id);
    if (!spend || spend.periodStart !== start) {
      this.ledger.flush();
      spend = { periodStart: start, amount: this.ledger.spentSince(key.id, start) };
      this.spend.set(key.id, spend);
    }
    return spend;
  }

  /** Throws a 402-style error once the key has spent its budget for the period. */
  check(key: GatewayKey, now = Date.now()): void {
    const budget = this.budgetOf(key);
    if (!budget) return;
    const spend = this.current(key, budget, now);
    if (spend.amount >= budget.amount) {
      throw new InfermuxError({
        code: 'policy_budget_exceeded',
        message: `Gateway key "${key.name}" has spent $${spend.amount.toFixed(4)} of its $${budget.amount} ${budget.period === 'total' ? 'total' : `per-${budget.period}`} budget; requests are refused until ${budget.period === 'total' ? 'the budget is raised' : 'the next period starts'}.`,
        details: { key: key.name, spent: spend.amount, budget: budget.amount, period: budget.period },
      });
    }
  }

  add(key: GatewayKey, amount: number, now = Date.now()): void {
    const budget = this.budgetOf(key);
    if (!budget || amount <= 0) return;
    this.current(key, budget, now).amount += amount;
  }
}

import type { LedgerRow } from './ledger-row';

export type UsageGrouping = 'key' | 'model' | 'day';

export interface UsageSummaryRow {
  /** Key name, model or day (`YYYY-MM-DD`, UTC). */
  group: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of the priced requests; null when none was priced and some were not (unknown, never 0). */
  cost: number | null;
  /** Answered requests nothing priced: their cost is not in `cost`. */
  unknownCostRequests: number;
  averageLatencyMs: number;
  averageOverheadMs: number;
}

export interface UsageQuery {
  by: UsageGrouping;
  since?: number;
  keyId?: string;
}

/**
 * Where ledger rows are kept: the SQLite file (default) or PostgreSQL (shared by replicas). Peers behind
 * `UsageLedger`, which does the batching, so both have the same durability semantics.
 */
export interface LedgerStorage {
  /** Commits the rows in one transaction (all or none); throws when they could not be written. */
  write(rows: readonly LedgerRow[]): void | Promise<void>;
  /** Spend of one key since `since` (unix ms), committed rows only. */
  spentSince(keyId: string, since: number): Promise<number>;
  summary(query: UsageQuery): Promise<UsageSummaryRow[]>;
}

/** The row's token total as stored: the reported total, else input + output when either is known. */
export function totalTokens(row: LedgerRow): number | null {
  const usage = row.usage;
  if (usage?.totalTokens !== undefined) return usage.totalTokens;
  if (usage?.inputTokens === undefined && usage?.outputTokens === undefined) return null;
  return (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0);
}

/** `usage_json`: the whole usage object when it says anything. */
export function usageJson(row: LedgerRow): string | null {
  return row.usage !== undefined && Object.keys(row.usage).length > 0 ? JSON.stringify(row.usage) : null;
}

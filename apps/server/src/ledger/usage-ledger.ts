import type { LedgerRow } from './ledger-row';
import type { GatewayDatabase } from './open-database';

/** Rows kept in memory while the database refuses writes. */
const MAX_PENDING_ROWS = 100_000;

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

const groupColumn: Record<UsageGrouping, string> = {
  key: "COALESCE(key_name, '(no key)')",
  model: "COALESCE(model, '(none)')",
  day: "strftime('%Y-%m-%d', ts / 1000, 'unixepoch')",
};

/**
 * The usage ledger: one row per request. Rows are queued and committed in one
 * transaction per `flushIntervalMs` (or at once when 0): a committed row survives a
 * crash; at most the last interval's rows are in flight. `close()` commits everything.
 */
export class UsageLedger {
  private queue: LedgerRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly insert;
  private readonly insertMany;
  /** Called after each commit with the rows that were written. */
  onCommit: ((rows: readonly LedgerRow[]) => void) | undefined;
  /** Called when a commit fails, with how many rows had to be dropped (0 while within the bound). */
  onError: ((error: unknown, dropped: number) => void) | undefined;

  constructor(
    private readonly database: GatewayDatabase,
    private readonly flushIntervalMs: number,
  ) {
    this.insert = database.prepare(
      `INSERT INTO usage_ledger (request_id, ts, key_id, key_name, endpoint, route, task, provider, model, attempts,
         input_tokens, output_tokens, total_tokens, usage_json, cost, currency, cost_source, status, error_code, latency_ms, overhead_ms, streamed, cached)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertMany = database.transaction((rows: readonly LedgerRow[]) => {
      for (const row of rows) {
        const usage = row.usage;
        const hasUsage = usage !== undefined && Object.keys(usage).length > 0;
        this.insert.run(
          row.requestId,
          row.ts,
          row.keyId ?? null,
          row.keyName ?? null,
          row.endpoint,
          row.route ?? null,
          row.task ?? null,
          row.provider ?? null,
          row.model ?? null,
          row.attempts,
          usage?.inputTokens ?? null,
          usage?.outputTokens ?? null,
          usage?.totalTokens ??
            (usage?.inputTokens !== undefined || usage?.outputTokens !== undefined
              ? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0)
              : null),
          hasUsage ? JSON.stringify(usage) : null,
          row.cost ?? null,
          row.currency ?? null,
          row.costSource ?? null,
          row.status,
          row.errorCode ?? null,
          row.latencyMs,
          row.overheadMs,
          row.streamed ? 1 : 0,
          row.cached ? 1 : 0,
        );
      }
    });
  }

  /** Rows waiting for the group commit of `recordCommitted`, and who waits on them. */
  private committedWaiters: Array<() => void> = [];

  /**
   * Queues a row and resolves once it is committed (`commit: before-response`). Rows recorded in the same
   * turn of the event loop share one transaction (group commit), so the cost is one commit per turn, not
   * per request. Resolves after a failed commit too (the row stays queued and the failure is reported):
   * a response is never held forever by the ledger.
   */
  recordCommitted(row: LedgerRow): Promise<void> {
    this.queue.push(row);
    return new Promise((resolve) => {
      if (this.committedWaiters.length === 0) setImmediate(() => this.commitGroup());
      this.committedWaiters.push(resolve);
    });
  }

  private commitGroup(): void {
    const waiters = this.committedWaiters;
    this.committedWaiters = [];
    this.flush();
    for (const resolve of waiters) resolve();
  }

  record(row: LedgerRow): void {
    this.queue.push(row);
    if (this.flushIntervalMs === 0 || this.queue.length >= 512) {
      this.flush();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  /**
   * Commits queued rows now. A failed commit (disk full, file locked) keeps the rows queued for
   * the next flush — up to a bound, past which the oldest are dropped and reported — and never
   * throws into a request or timer.
   */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queue.length === 0) return;
    const rows = this.queue;
    this.queue = [];
    try {
      this.insertMany(rows);
    } catch (error) {
      const kept = rows.concat(this.queue).slice(-MAX_PENDING_ROWS);
      this.onError?.(error, rows.length + this.queue.length - kept.length);
      this.queue = kept;
      if (!this.timer) {
        this.timer = setTimeout(() => this.flush(), Math.max(this.flushIntervalMs, 1000));
        this.timer.unref();
      }
      return;
    }
    this.onCommit?.(rows);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Spend of one key since `since` (unix ms), committed rows only. */
  spentSince(keyId: string, since: number): number {
    const row = this.database
      .prepare('SELECT COALESCE(SUM(cost), 0) AS spent FROM usage_ledger WHERE key_id = ? AND ts >= ?')
      .get(keyId, since) as { spent: number };
    return row.spent;
  }

  summary(options: { by: UsageGrouping; since?: number; keyId?: string }): UsageSummaryRow[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (options.since !== undefined) {
      where.push('ts >= ?');
      values.push(options.since);
    }
    if (options.keyId !== undefined) {
      where.push('key_id = ?');
      values.push(options.keyId);
    }
    const group = groupColumn[options.by];
    const sql = `SELECT ${group} AS "group", COUNT(*) AS requests, SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors,
        COALESCE(SUM(input_tokens), 0) AS inputTokens, COALESCE(SUM(output_tokens), 0) AS outputTokens,
        CASE WHEN COUNT(cost) = 0 AND SUM(cost_source = 'unknown') > 0 THEN NULL ELSE COALESCE(SUM(cost), 0) END AS cost,
        COALESCE(SUM(cost_source = 'unknown'), 0) AS unknownCostRequests, AVG(latency_ms) AS averageLatencyMs, AVG(overhead_ms) AS averageOverheadMs
      FROM usage_ledger ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY 1 ORDER BY 1`;
    return this.database.prepare(sql).all(...values) as UsageSummaryRow[];
  }
}

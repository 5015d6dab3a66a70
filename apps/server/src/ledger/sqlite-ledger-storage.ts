import type { LedgerRow } from './ledger-row';
import {
  type LedgerStorage,
  totalTokens,
  type UsageGrouping,
  type UsageQuery,
  type UsageSummaryRow,
  usageJson,
} from './ledger-storage';
import type { GatewayDatabase } from './open-database';
import type { WalCheckpointer } from './wal-checkpointer';

const groupColumn: Record<UsageGrouping, string> = {
  key: "COALESCE(key_name, '(no key)')",
  model: "COALESCE(model, '(none)')",
  day: "strftime('%Y-%m-%d', ts / 1000, 'unixepoch')",
};

/** Ledger rows in the gateway's SQLite file (WAL): one transaction per batch. */
export class SqliteLedgerStorage implements LedgerStorage {
  private readonly insertMany;

  constructor(
    private readonly database: GatewayDatabase,
    /** Runs the WAL checkpoints off the event loop (file-backed databases); told of each commit. */
    private readonly checkpointer?: WalCheckpointer,
  ) {
    const insert = database.prepare(
      `INSERT INTO usage_ledger (request_id, ts, key_id, key_name, endpoint, route, task, provider, model, attempts,
         input_tokens, output_tokens, total_tokens, usage_json, cost, currency, cost_source, status, error_code, latency_ms, overhead_ms, streamed, cached)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertMany = database.transaction((rows: readonly LedgerRow[]) => {
      for (const row of rows) {
        insert.run(
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
          row.usage?.inputTokens ?? null,
          row.usage?.outputTokens ?? null,
          totalTokens(row),
          usageJson(row),
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

  write(rows: readonly LedgerRow[]): void {
    this.insertMany(rows);
    this.checkpointer?.committed(rows.length);
  }

  async spentSince(keyId: string, since: number): Promise<number> {
    const row = this.database
      .prepare('SELECT COALESCE(SUM(cost), 0) AS spent FROM usage_ledger WHERE key_id = ? AND ts >= ?')
      .get(keyId, since) as { spent: number };
    return row.spent;
  }

  async summary(query: UsageQuery): Promise<UsageSummaryRow[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (query.since !== undefined) {
      where.push('ts >= ?');
      values.push(query.since);
    }
    if (query.keyId !== undefined) {
      where.push('key_id = ?');
      values.push(query.keyId);
    }
    const sql = `SELECT ${groupColumn[query.by]} AS "group", COUNT(*) AS requests, SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors,
        COALESCE(SUM(input_tokens), 0) AS inputTokens, COALESCE(SUM(output_tokens), 0) AS outputTokens,
        CASE WHEN COUNT(cost) = 0 AND SUM(cost_source = 'unknown') > 0 THEN NULL ELSE COALESCE(SUM(cost), 0) END AS cost,
        COALESCE(SUM(cost_source = 'unknown'), 0) AS unknownCostRequests, AVG(latency_ms) AS averageLatencyMs, AVG(overhead_ms) AS averageOverheadMs
      FROM usage_ledger ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY 1 ORDER BY 1`;
    return this.database.prepare(sql).all(...values) as UsageSummaryRow[];
  }
}

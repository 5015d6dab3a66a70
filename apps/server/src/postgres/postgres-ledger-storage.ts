import type { Pool } from 'pg';
import type { LedgerRow } from '../ledger/ledger-row';
import {
  type LedgerStorage,
  totalTokens,
  type UsageGrouping,
  type UsageQuery,
  type UsageSummaryRow,
  usageJson,
} from '../ledger/ledger-storage';

/**
 * One statement per batch, whatever its size: each column goes as one array parameter and `unnest` zips them
 * into rows (23 parameters, not 23 per row: no 65 535-parameter ceiling, one plan for every batch size).
 */
const INSERT_SQL = `INSERT INTO usage_ledger (request_id, ts, key_id, key_name, endpoint, route, task, provider, model,
    attempts, input_tokens, output_tokens, total_tokens, usage_json, cost, currency, cost_source, status, error_code,
    latency_ms, overhead_ms, streamed, cached)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
    $8::text[], $9::text[], $10::int[], $11::bigint[], $12::bigint[], $13::bigint[], $14::text[], $15::float8[],
    $16::text[], $17::text[], $18::int[], $19::text[], $20::float8[], $21::float8[], $22::bool[], $23::bool[])`;

/**
 * PostgreSQL refuses what SQLite stores as is: a NUL inside text, a fraction or NaN in an integer column. One
 * such value would fail its whole batch on every retry, so values are made storable here (a caller can put
 * a NUL in a model name).
 */
function text(value: string | undefined): string | null {
  if (value === undefined) return null;
  return value.includes('\0') ? value.replaceAll('\0', '') : value;
}

function integer(value: number | null | undefined): number | null {
  return value === undefined || value === null || !Number.isFinite(value) ? null : Math.round(value);
}

function real(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) ? null : value;
}

function columns(rows: readonly LedgerRow[]): unknown[][] {
  const arrays: unknown[][] = Array.from({ length: 23 }, () => new Array(rows.length));
  rows.forEach((row, index) => {
    const values = [
      text(row.requestId),
      integer(row.ts),
      text(row.keyId),
      text(row.keyName),
      text(row.endpoint),
      text(row.route),
      text(row.task),
      text(row.provider),
      text(row.model),
      integer(row.attempts) ?? 0,
      integer(row.usage?.inputTokens),
      integer(row.usage?.outputTokens),
      integer(totalTokens(row)),
      text(usageJson(row) ?? undefined),
      real(row.cost),
      text(row.currency),
      text(row.costSource),
      integer(row.status) ?? 0,
      text(row.errorCode),
      real(row.latencyMs) ?? 0,
      real(row.overheadMs) ?? 0,
      row.streamed,
      row.cached,
    ];
    values.forEach((value, column) => {
      (arrays[column] as unknown[])[index] = value;
    });
  });
  return arrays;
}

const groupColumn: Record<UsageGrouping, string> = {
  key: "COALESCE(key_name, '(no key)')",
  model: "COALESCE(model, '(none)')",
  day: "to_char(to_timestamp(ts / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
};

/** Ledger rows of every replica in one PostgreSQL table. */
export class PostgresLedgerStorage implements LedgerStorage {
  constructor(private readonly pool: Pool) {}

  async write(rows: readonly LedgerRow[]): Promise<void> {
    // One statement is one transaction: the batch is committed whole or not at all.
    await this.pool.query({ name: 'infermux_ledger_insert', text: INSERT_SQL, values: columns(rows) });
  }

  async spentSince(keyId: string, since: number): Promise<number> {
    const result = await this.pool.query<{ spent: number }>(
      'SELECT COALESCE(SUM(cost), 0)::float8 AS spent FROM usage_ledger WHERE key_id = $1 AND ts >= $2',
      [keyId, since],
    );
    return result.rows[0]?.spent ?? 0;
  }

  async summary(query: UsageQuery): Promise<UsageSummaryRow[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (query.since !== undefined) {
      values.push(query.since);
      where.push(`ts >= $${values.length}`);
    }
    if (query.keyId !== undefined) {
      values.push(query.keyId);
      where.push(`key_id = $${values.length}`);
    }
    // Counts and sums cast to int/float8: PostgreSQL's bigint and numeric arrive as strings.
    const sql = `SELECT ${groupColumn[query.by]} AS "group", COUNT(*)::int AS requests,
        (COUNT(*) FILTER (WHERE status >= 400))::int AS errors,
        COALESCE(SUM(input_tokens), 0)::float8 AS "inputTokens", COALESCE(SUM(output_tokens), 0)::float8 AS "outputTokens",
        CASE WHEN COUNT(cost) = 0 AND COUNT(*) FILTER (WHERE cost_source = 'unknown') > 0 THEN NULL
          ELSE COALESCE(SUM(cost), 0) END AS cost,
        (COUNT(*) FILTER (WHERE cost_source = 'unknown'))::int AS "unknownCostRequests",
        AVG(latency_ms) AS "averageLatencyMs", AVG(overhead_ms) AS "averageOverheadMs"
      FROM usage_ledger ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY 1 ORDER BY ${groupColumn[query.by]} COLLATE "C"`;
    return (await this.pool.query<UsageSummaryRow>(sql, values)).rows;
  }
}

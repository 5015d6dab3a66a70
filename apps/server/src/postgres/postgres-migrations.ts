import type { Pool } from 'pg';

/** Versioned schema changes, applied in order, each once per schema. Append; never edit a shipped one. */
export const migrations: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'gateway keys and usage ledger',
    sql: `
      CREATE TABLE gateway_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        key_prefix TEXT NOT NULL,
        allowed_models TEXT,
        allowed_routes TEXT,
        rpm INTEGER,
        tpm INTEGER,
        budget_amount DOUBLE PRECISION,
        budget_period TEXT,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT
      );
      CREATE TABLE usage_ledger (
        request_id TEXT NOT NULL,
        ts BIGINT NOT NULL,
        key_id TEXT,
        key_name TEXT,
        endpoint TEXT NOT NULL,
        route TEXT,
        task TEXT,
        provider TEXT,
        model TEXT,
        attempts INTEGER NOT NULL,
        input_tokens BIGINT,
        output_tokens BIGINT,
        total_tokens BIGINT,
        usage_json TEXT,
        cost DOUBLE PRECISION,
        currency TEXT,
        cost_source TEXT,
        status INTEGER NOT NULL,
        error_code TEXT,
        latency_ms DOUBLE PRECISION NOT NULL,
        overhead_ms DOUBLE PRECISION NOT NULL,
        streamed BOOLEAN NOT NULL,
        cached BOOLEAN NOT NULL
      );
      CREATE INDEX usage_ledger_ts ON usage_ledger (ts);
      CREATE INDEX usage_ledger_key_ts ON usage_ledger (key_id, ts);`,
  },
];

/** First key of the advisory lock (the second is the schema's hash): an arbitrary constant naming infermux. */
const LOCK_CLASS = 0x1f3d;

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Brings the schema up to the latest version at start. Replicas starting together serialise on a
 * transaction-scoped advisory lock per schema: the first applies what is missing and records each version
 * in `infermux_migrations`; the others wait, then find nothing left to do. All in one transaction, so a
 * replica killed half-way leaves nothing half-applied (and its lock is released with its connection).
 * Returns the versions this call applied.
 */
export async function migrate(pool: Pool, schema: string): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    await client.query(`SET LOCAL search_path TO ${quoteIdentifier(schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS infermux_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM infermux_migrations')).rows.map(
        (row) => row.version,
      ),
    );
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO infermux_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
